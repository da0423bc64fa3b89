package runtime

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// The client side of the 2026 HTTP headers, for runtime/client: the
// same rules the server checks, applied in the other direction.

// ParamHeaderValues returns the Mcp-Param-* headers (name to encoded
// value) a 2026-07-28 client sends with a tools/call over HTTP: one per
// argument whose input schema property carries x-mcp-header and that is
// present (and not null) in args.
func ParamHeaderValues(inputSchema, args json.RawMessage) map[string]string {
	hs := paramHeadersOf(inputSchema)
	if len(hs) == 0 || len(args) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(args, &obj) != nil {
		return nil
	}
	out := map[string]string{}
	for _, ph := range hs {
		raw, ok := lookupPath(obj, ph.path)
		if !ok {
			continue
		}
		v := string(raw)
		if raw[0] == '"' && json.Unmarshal(raw, &v) != nil {
			continue
		}
		out[HeaderParamPrefix+ph.header] = EncodeHeaderValue(v)
	}
	return out
}

// EncodeHeaderValue encodes an Mcp-Name or Mcp-Param-* value: as is when
// it is plain visible ASCII (spaces and tabs inside), otherwise as
// =?base64?...?=, which decodeHeaderValue reverses.
func EncodeHeaderValue(v string) string {
	plain := strings.TrimSpace(v) == v && !strings.HasPrefix(v, "=?base64?")
	for i := 0; plain && i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			plain = false
		}
	}
	if plain {
		return v
	}
	return "=?base64?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?="
}
