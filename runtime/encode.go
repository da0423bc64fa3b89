package runtime

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// appendToolResult appends the JSON of r to b. It is the hot path of
// tools/call: text blocks and pre-encoded structured content (what
// TextResult, JSONResult and WrappedResult produce) are written directly;
// anything else goes through encoding/json.
func appendToolResult(b []byte, r *ToolResult) ([]byte, error) {
	b = append(b, `{"content":[`...)
	for i, c := range r.Content {
		if i > 0 {
			b = append(b, ',')
		}
		if t, ok := c.(*TextContent); ok && t != nil && t.Annotations == nil && t.Meta == nil {
			b = append(b, `{"type":"text","text":`...)
			b = appendJSONString(b, t.Text)
			b = append(b, '}')
			continue
		}
		if c == nil {
			return nil, errors.New("nil content block")
		}
		cb, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		b = append(b, cb...)
	}
	b = append(b, ']')
	if r.StructuredContent != nil {
		var sb []byte
		if raw, ok := r.StructuredContent.(*json.RawMessage); ok && r.encoded {
			sb = *raw // written by an encoder: valid by construction
		} else if raw, ok := r.StructuredContent.(json.RawMessage); ok {
			if !json.Valid(raw) {
				return nil, errors.New("structuredContent is not valid JSON")
			}
			sb = raw
		} else {
			var err error
			if sb, err = json.Marshal(r.StructuredContent); err != nil {
				return nil, err
			}
		}
		b = append(b, `,"structuredContent":`...)
		b = append(b, sb...)
	}
	if r.IsError {
		b = append(b, `,"isError":true`...)
	}
	if len(r.Meta) > 0 {
		mb, err := json.Marshal(r.Meta)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"_meta":`...)
		b = append(b, mb...)
	}
	return append(b, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, and U+2028/U+2029 are escaped, as encoding/json does; HTML
// characters are left alone since the output is never embedded in HTML.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
