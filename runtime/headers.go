package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// paramHeader is a tool argument mirrored into an Mcp-Param-{Name} header
// because its input schema property carries "x-mcp-header": "Name"
// (2026-07-28; the generator writes it for an `mcp:"header=Name"` tag).
type paramHeader struct {
	header string   // the Name part
	path   []string // property names from the arguments object down
	typ    string   // "string", "integer" or "boolean"
}

// paramHeadersOf finds the x-mcp-header annotations of an input schema,
// following only chains of "properties" as the spec allows. It runs once
// per tool, at NewServer.
func paramHeadersOf(schema json.RawMessage) []paramHeader {
	if len(schema) == 0 || !bytes.Contains(schema, []byte("x-mcp-header")) {
		return nil
	}
	var root map[string]json.RawMessage
	if json.Unmarshal(schema, &root) != nil {
		return nil
	}
	var out []paramHeader
	var walk func(node map[string]json.RawMessage, path []string)
	walk = func(node map[string]json.RawMessage, path []string) {
		var props map[string]json.RawMessage
		if json.Unmarshal(node["properties"], &props) != nil {
			return
		}
		for name, raw := range props {
			var prop map[string]json.RawMessage
			if json.Unmarshal(raw, &prop) != nil {
				continue
			}
			p := append(append([]string(nil), path...), name)
			var h, typ string
			if json.Unmarshal(prop["x-mcp-header"], &h) == nil && h != "" {
				_ = json.Unmarshal(prop["type"], &typ)
				out = append(out, paramHeader{header: h, path: p, typ: typ})
			}
			walk(prop, p)
		}
	}
	walk(root, nil)
	return out
}

// decodeHeaderValue decodes an Mcp-Name or Mcp-Param-* value: either
// =?base64?<standard, padded Base64 of UTF-8>?= or a plain value of
// visible ASCII, spaces and tabs. Anything not wrapped in both markers is
// taken literally.
func decodeHeaderValue(v string) (string, bool) {
	const pre, suf = "=?base64?", "?="
	if len(v) >= len(pre)+len(suf) && strings.HasPrefix(v, pre) && strings.HasSuffix(v, suf) {
		b, err := base64.StdEncoding.Strict().DecodeString(v[len(pre) : len(v)-len(suf)])
		if err != nil || !utf8.Valid(b) {
			return "", false
		}
		return string(b), true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return "", false
		}
	}
	return v, true
}

// checkParamHeaders checks the Mcp-Param-* headers of a tools/call
// against its arguments: an argument that is present (and not null) must
// be mirrored in its header, with the same value after decoding.
func checkParamHeaders(h http.Header, hs []paramHeader, args json.RawMessage) *Error {
	if len(hs) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if len(args) > 0 && json.Unmarshal(args, &obj) != nil {
		return nil // the tool's own argument validation reports it
	}
	for _, ph := range hs {
		raw, ok := lookupPath(obj, ph.path)
		if !ok {
			continue
		}
		name := HeaderParamPrefix + ph.header
		mismatch := func(why string) *Error {
			return &Error{Code: CodeHeaderMismatch, Message: "header mismatch: " + name + " " + why}
		}
		if len(h.Values(name)) == 0 {
			return mismatch("is required because argument " + strings.Join(ph.path, ".") + " is set")
		}
		got, valid := decodeHeaderValue(headerValue(h, name))
		if !valid {
			return mismatch("is not a valid header value (plain visible ASCII, or =?base64?...?=)")
		}
		if !sameArgument(raw, got) {
			return mismatch("differs from argument " + strings.Join(ph.path, "."))
		}
	}
	return nil
}

// lookupPath returns the value at path, false when absent or null.
func lookupPath(obj map[string]json.RawMessage, path []string) (json.RawMessage, bool) {
	for i, p := range path {
		raw, ok := obj[p]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil, false
		}
		if i == len(path)-1 {
			return raw, true
		}
		obj = nil
		if json.Unmarshal(raw, &obj) != nil {
			return nil, false
		}
	}
	return nil, false
}

// sameArgument compares a JSON argument with a decoded header value:
// strings exactly, numbers numerically (42.0 equals 42), booleans as
// true/false.
func sameArgument(raw json.RawMessage, header string) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case '"':
		var s string
		return json.Unmarshal(raw, &s) == nil && s == header
	case 't', 'f':
		return string(raw) == header
	default:
		a, err1 := strconv.ParseFloat(string(raw), 64)
		b, err2 := strconv.ParseFloat(header, 64)
		return err1 == nil && err2 == nil && !math.IsNaN(b) && a == b
	}
}
