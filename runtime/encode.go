package runtime

import (
	"encoding/json"
	"errors"

	"github.com/mcpgen/mcpgen/runtime/jsonwire"
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
			b = jsonwire.AppendString(b, t.Text)
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
