package runtime

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestParseMessage(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantCode int
		wantID   string
		kind     string // request, notification, response
	}{
		{"request", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, 0, `1`, "request"},
		{"string id", `{"jsonrpc":"2.0","id":"a\"b","method":"ping","params":{}}`, 0, `"a\"b"`, "request"},
		{"negative float id", `{"jsonrpc":"2.0","id":-1.5,"method":"ping"}`, 0, `-1.5`, "request"},
		{"array params", `{"jsonrpc":"2.0","id":1,"method":"x","params":[1,2]}`, 0, `1`, "request"},
		{"null params tolerated", `{"jsonrpc":"2.0","id":1,"method":"x","params":null}`, 0, `1`, "request"},
		{"whitespace", " \n{ \"method\" : \"ping\" , \"jsonrpc\" : \"2.0\" , \"id\" : 7 }\r\n", 0, `7`, "request"},
		{"unknown members ignored", `{"jsonrpc":"2.0","id":1,"method":"ping","extra":{"a":[1]}}`, 0, `1`, "request"},
		{"notification", `{"jsonrpc":"2.0","method":"notifications/initialized"}`, 0, ``, "notification"},
		{"result", `{"jsonrpc":"2.0","id":3,"result":{"ok":true}}`, 0, `3`, "response"},
		{"error response", `{"jsonrpc":"2.0","id":"s1","error":{"code":-32601,"message":"nope","data":[1]}}`, 0, `"s1"`, "response"},
		{"error response null id", `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}`, 0, `null`, "response"},

		{"empty", ``, CodeParseError, ``, ""},
		{"garbage", `{"jsonrpc":`, CodeParseError, ``, ""},
		{"trailing garbage", `{"jsonrpc":"2.0","id":1,"method":"ping"} x`, CodeParseError, ``, ""},
		{"two messages", `{"jsonrpc":"2.0","method":"a"}{"jsonrpc":"2.0","method":"b"}`, CodeParseError, ``, ""},
		{"bad batch", `[{"jsonrpc":"2.0"`, CodeParseError, ``, ""},
		{"batch", `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, CodeInvalidRequest, ``, ""},
		{"empty batch", `[]`, CodeInvalidRequest, ``, ""},
		{"scalar", `42`, CodeInvalidRequest, ``, ""},
		{"string", `"hi"`, CodeInvalidRequest, ``, ""},
		{"missing jsonrpc", `{"id":1,"method":"ping"}`, CodeInvalidRequest, `1`, ""},
		{"wrong jsonrpc", `{"jsonrpc":"1.0","id":1,"method":"ping"}`, CodeInvalidRequest, `1`, ""},
		{"jsonrpc number", `{"jsonrpc":2.0,"id":1,"method":"ping"}`, CodeInvalidRequest, `1`, ""},
		{"id object", `{"jsonrpc":"2.0","id":{},"method":"ping"}`, CodeInvalidRequest, ``, ""},
		{"id bool", `{"jsonrpc":"2.0","id":true,"method":"ping"}`, CodeInvalidRequest, ``, ""},
		{"id null request", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, CodeInvalidRequest, ``, ""},
		{"method number", `{"jsonrpc":"2.0","id":1,"method":3}`, CodeInvalidRequest, `1`, ""},
		{"method empty", `{"jsonrpc":"2.0","id":1,"method":""}`, CodeInvalidRequest, `1`, ""},
		{"params string", `{"jsonrpc":"2.0","id":1,"method":"x","params":"a"}`, CodeInvalidRequest, `1`, ""},
		{"params number", `{"jsonrpc":"2.0","id":2,"method":"x","params":1}`, CodeInvalidRequest, `2`, ""},
		{"method and result", `{"jsonrpc":"2.0","id":1,"method":"x","result":{}}`, CodeInvalidRequest, `1`, ""},
		{"neither", `{"jsonrpc":"2.0"}`, CodeInvalidRequest, ``, ""},
		{"result and error", `{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}`, CodeInvalidRequest, `1`, ""},
		{"response without either", `{"jsonrpc":"2.0","id":1}`, CodeInvalidRequest, `1`, ""},
		{"error not object", `{"jsonrpc":"2.0","id":1,"error":"x"}`, CodeInvalidRequest, `1`, ""},
		{"error without code", `{"jsonrpc":"2.0","id":1,"error":{"message":"x"}}`, CodeInvalidRequest, `1`, ""},
		{"result with null id", `{"jsonrpc":"2.0","id":null,"result":{}}`, CodeInvalidRequest, ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(tt.in))
			if tt.wantCode != 0 {
				if err == nil || err.Code != tt.wantCode {
					t.Fatalf("error %v, want code %d", err, tt.wantCode)
				}
				if tt.wantID != "" && (m == nil || string(m.ID) != tt.wantID) {
					t.Errorf("id of the failed message not kept: %v, want %s", m, tt.wantID)
				}
				// The error must encode to a valid response.
				var v map[string]any
				if jerr := json.Unmarshal(EncodeError(nil, err), &v); jerr != nil {
					t.Error(jerr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if string(m.ID) != tt.wantID {
				t.Errorf("id %s, want %s", m.ID, tt.wantID)
			}
			kind := ""
			switch {
			case m.IsRequest():
				kind = "request"
			case m.IsNotification():
				kind = "notification"
			case m.IsResponse():
				kind = "response"
			}
			if kind != tt.kind {
				t.Errorf("kind %q, want %q", kind, tt.kind)
			}
		})
	}
}

func TestParseMessageFields(t *testing.T) {
	in := []byte(`{"jsonrpc":"2.0","id":"e","error":{"code":-32602,"message":"bad \u0041","data":{"uri":"x"}}}`)
	m, err := ParseMessage(in)
	if err != nil {
		t.Fatal(err)
	}
	if m.Error.Code != -32602 || m.Error.Message != "bad A" || string(m.Error.Data) != `{"uri":"x"}` {
		t.Errorf("error %+v", m.Error)
	}
	// The message must not alias the caller's buffer.
	req := []byte(`{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":1}}`)
	m, _ = ParseMessage(req)
	for i := range req {
		req[i] = ' '
	}
	if string(m.Params) != `{"a":1}` || m.Method != "m" || string(m.ID) != "1" {
		t.Errorf("message changed with the input buffer: %+v", m)
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"result", EncodeResult(json.RawMessage(`1`), map[string]int{"a": 1}), `{"jsonrpc":"2.0","id":1,"result":{"a":1}}`},
		{"raw result", EncodeResult(json.RawMessage(`"x"`), json.RawMessage(`{}`)), `{"jsonrpc":"2.0","id":"x","result":{}}`},
		{"unencodable result", EncodeResult(json.RawMessage(`1`), func() {}), ``},
		{"error", EncodeError(json.RawMessage(`2`), &Error{Code: -32601, Message: "no"}), `{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no"}}`},
		{"error null id", EncodeError(nil, &Error{Code: -32700, Message: "p"}), `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"p"}}`},
		{"error data", EncodeError(json.RawMessage(`3`), &Error{Code: 1, Message: "m", Data: json.RawMessage(`{"k":1}`)}), `{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m","data":{"k":1}}}`},
		{"error bad data", EncodeError(json.RawMessage(`3`), &Error{Code: 1, Message: "m", Data: json.RawMessage(`{`)}), `{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}}`},
		{"nil error", EncodeError(json.RawMessage(`4`), nil), `{"jsonrpc":"2.0","id":4,"error":{"code":-32603,"message":"internal error"}}`},
		{"notification", EncodeNotification("notifications/x", map[string]string{"a": "b"}), `{"jsonrpc":"2.0","method":"notifications/x","params":{"a":"b"}}`},
		{"notification no params", EncodeNotification("n", nil), `{"jsonrpc":"2.0","method":"n"}`},
		{"request", EncodeRequest(json.RawMessage(`9`), "roots/list", struct{}{}), `{"jsonrpc":"2.0","id":9,"method":"roots/list","params":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == "" {
				m := decodeAny(t, tt.got)
				if m["error"] == nil {
					t.Errorf("want an error response, got %s", tt.got)
				}
				return
			}
			if string(tt.got) != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
			if _, err := ParseMessage(tt.got); err != nil {
				t.Errorf("encoded message does not parse: %v", err)
			}
		})
	}
}

func decodeAny(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"a","arguments":{"b":[1,2,{"c":null}]}}}`,
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`,
		`{"jsonrpc":"2.0","id":2,"result":{}}`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x","data":1}}`,
		`[{"jsonrpc":"2.0"}]`, `{"jsonrpc":"2.0","id":{},"method":"x"}`, `{`, `"\ud800"`, ``,
		// 2026-07-28: the _meta envelope, MRTR retries, listen.
		`{"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"}}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"a","arguments":{},"inputResponses":{"k":{"action":"accept","content":{"n":"A"}}},"requestState":"abc","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},"io.modelcontextprotocol/logLevel":"info"}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true,"resourceSubscriptions":["a://b"]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`,
		`{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":4}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, perr := ParseMessage(data)
		valid := json.Valid(data)
		if perr != nil {
			if perr.Code != CodeParseError && perr.Code != CodeInvalidRequest {
				t.Fatalf("unexpected code %d", perr.Code)
			}
			if perr.Code == CodeInvalidRequest && !valid {
				t.Fatalf("invalid JSON %q classified as invalid request", data)
			}
			if perr.Code == CodeParseError && valid {
				t.Fatalf("valid JSON %q classified as parse error: %v", data, perr)
			}
			return
		}
		if !valid {
			t.Fatalf("invalid JSON %q accepted", data)
		}
		// Round trip: re-encode and parse again; the result must match.
		var enc []byte
		switch {
		case m.IsRequest():
			enc = EncodeRequest(m.ID, m.Method, m.Params)
		case m.IsNotification():
			enc = EncodeNotification(m.Method, m.Params)
		case m.Error != nil:
			enc = EncodeError(m.ID, m.Error)
		case m.IsResponse():
			enc = EncodeResult(m.ID, m.Result)
		default:
			t.Fatalf("parsed message of no kind: %+v", m)
		}
		m2, perr := ParseMessage(enc)
		if perr != nil {
			t.Fatalf("re-encoded %s does not parse: %v", enc, perr)
		}
		if !bytes.Equal(m.ID, m2.ID) || m.Method != m2.Method || !jsonEqual(m.Params, m2.Params) || !jsonEqual(m.Result, m2.Result) {
			t.Fatalf("round trip changed the message:\n%+v\n%+v", m, m2)
		}
		if (m.Error == nil) != (m2.Error == nil) || m.Error != nil && (m.Error.Code != m2.Error.Code || m.Error.Message != m2.Error.Message) {
			t.Fatalf("round trip changed the error: %+v %+v", m.Error, m2.Error)
		}
	})
}

func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b) || bytes.Equal(bytes.TrimSpace(a), []byte("null")) || bytes.Equal(bytes.TrimSpace(b), []byte("null"))
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

func TestParseMessageEscapes(t *testing.T) {
	m, err := ParseMessage([]byte(`{"jsonrpc":"2\u002e0","id":1,"method":"tools\/call","params":{"name":"a\u0062"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Method != "tools/call" {
		t.Errorf("method %q", m.Method)
	}
}
