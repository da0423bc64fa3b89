package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// defaultCaps is what the conformance harness declares.
const defaultCaps = `{"sampling":{},"elicitation":{},"roots":{"listChanged":true}}`

// meta returns a 2026 _meta member declaring caps.
func meta(caps string) string {
	return `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"tester","version":"1"},"io.modelcontextprotocol/clientCapabilities":` + caps + `}`
}

// modernHeader returns the headers a 2026 client sends for method (and
// Mcp-Name when name is not empty).
func modernHeader(method, name string) http.Header {
	h := http.Header{}
	h.Set(HeaderProtocolVersion, Version20260728)
	h.Set(HeaderMethod, method)
	if name != "" {
		h.Set(HeaderName, name)
	}
	return h
}

// modern sends one 2026 request through HandleModern and returns the
// status and the decoded response (nil for none).
func modern(t testing.TB, s *Server, hdr http.Header, out Outbound, id any, method, params string) (int, map[string]any) {
	t.Helper()
	return modernCtx(context.Background(), t, s, hdr, out, id, method, params)
}

func modernCtx(ctx context.Context, t testing.TB, s *Server, hdr http.Header, out Outbound, id any, method, params string) (int, map[string]any) {
	t.Helper()
	idb, _ := json.Marshal(id)
	raw := `{"jsonrpc":"2.0","id":` + string(idb) + `,"method":` + quote(method)
	if params != "" {
		raw += `,"params":` + params
	}
	msg, perr := ParseMessage([]byte(raw + "}"))
	if perr != nil {
		t.Fatalf("ParseMessage(%s): %v", raw, perr)
	}
	status, resp := s.HandleModern(ctx, msg, hdr, out)
	if resp == nil {
		return status, nil
	}
	var m map[string]any
	if err := json.Unmarshal(resp, &m); err != nil {
		t.Fatalf("%s: invalid response %s: %v", method, resp, err)
	}
	if got, _ := json.Marshal(m["id"]); string(got) != string(idb) {
		t.Fatalf("%s: response id %s, want %s (every error must carry the request id)", method, got, idb)
	}
	return status, m
}

// call is a 2026 tools/call with the usual headers.
func call(t testing.TB, s *Server, tool, extra string) (int, map[string]any) {
	t.Helper()
	params := `{"name":` + quote(tool) + `,"arguments":{},` + meta(defaultCaps)
	if extra != "" {
		params += "," + extra
	}
	return modern(t, s, modernHeader("tools/call", tool), nil, 7, "tools/call", params+"}")
}

func TestIsModernRequest(t *testing.T) {
	tests := []struct {
		name, header, body string
		want               bool
	}{
		{"no header, no meta", "", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, false},
		{"legacy header", "2025-11-25", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, false},
		{"legacy header, progress meta", "2025-06-18", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":1}}}`, false},
		{"modern header", "2026-07-28", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, true},
		{"unknown header", "v999.0.0", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, true},
		{"modern meta, no header", "", `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{` + meta("{}") + `}}`, true},
		{"initialize with modern markers", "2026-07-28", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{` + meta("{}") + `}}`, true},
		{"legacy initialize", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := ParseMessage([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := IsModernRequest(msg, tt.header); got != tt.want {
				t.Fatalf("IsModernRequest = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestModernEnvelopeErrors(t *testing.T) {
	s := newTestServer(t)
	full := `{` + meta("{}") + `}`
	with := func(mod func(h http.Header)) http.Header {
		h := modernHeader("tools/list", "")
		mod(h)
		return h
	}
	tests := []struct {
		name   string
		hdr    http.Header
		method string
		params string
		status int
		code   int
	}{
		{"no _meta", modernHeader("server/discover", ""), "server/discover", `{}`, 400, CodeInvalidParams},
		{"no params", modernHeader("server/discover", ""), "server/discover", ``, 400, CodeInvalidParams},
		{"no protocolVersion", modernHeader("server/discover", ""), "server/discover", `{"_meta":{"io.modelcontextprotocol/clientCapabilities":{}}}`, 400, CodeInvalidParams},
		{"no clientCapabilities", modernHeader("server/discover", ""), "server/discover", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}`, 400, CodeInvalidParams},
		{"capabilities not an object", modernHeader("server/discover", ""), "server/discover", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":[]}}`, 400, CodeInvalidParams},
		{"meta version, no header", with(func(h http.Header) { h.Del(HeaderProtocolVersion) }), "tools/list", full, 400, CodeHeaderMismatch},
		{"header differs from meta", modernHeader("tools/list", ""), "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}`, 400, CodeHeaderMismatch},
		{"unsupported version", with(func(h http.Header) { h.Set(HeaderProtocolVersion, "v999.0.0") }), "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}`, 400, CodeUnsupportedProtocolVersion},
		{"legacy version in meta", with(func(h http.Header) { h.Set(HeaderProtocolVersion, "2025-11-25") }), "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25","io.modelcontextprotocol/clientCapabilities":{}}}`, 400, CodeUnsupportedProtocolVersion},
		{"Mcp-Method missing", with(func(h http.Header) { h.Del(HeaderMethod) }), "tools/list", full, 400, CodeHeaderMismatch},
		{"Mcp-Method other method", with(func(h http.Header) { h.Set(HeaderMethod, "prompts/list") }), "tools/list", full, 400, CodeHeaderMismatch},
		{"Mcp-Method case differs", with(func(h http.Header) { h.Set(HeaderMethod, "TOOLS/LIST") }), "tools/list", full, 400, CodeHeaderMismatch},
		{"Mcp-Name missing", modernHeader("tools/call", ""), "tools/call", `{"name":"echo",` + meta("{}") + `}`, 400, CodeHeaderMismatch},
		{"Mcp-Name wrong", modernHeader("tools/call", "add"), "tools/call", `{"name":"echo",` + meta("{}") + `}`, 400, CodeHeaderMismatch},
		{"Mcp-Name bad base64", modernHeader("tools/call", "=?base64?ZWNobw?="), "tools/call", `{"name":"echo",` + meta("{}") + `}`, 400, CodeHeaderMismatch},
		{"Mcp-Name of resources/read", modernHeader("resources/read", "mem://other"), "resources/read", `{"uri":"mem://readme",` + meta("{}") + `}`, 400, CodeHeaderMismatch},
		{"initialize removed", modernHeader("initialize", ""), "initialize", full, 404, CodeMethodNotFound},
		{"ping removed", modernHeader("ping", ""), "ping", full, 404, CodeMethodNotFound},
		{"logging/setLevel removed", modernHeader("logging/setLevel", ""), "logging/setLevel", full, 404, CodeMethodNotFound},
		{"resources/subscribe removed", modernHeader("resources/subscribe", ""), "resources/subscribe", full, 404, CodeMethodNotFound},
		{"resources/unsubscribe removed", modernHeader("resources/unsubscribe", ""), "resources/unsubscribe", full, 404, CodeMethodNotFound},
		{"unknown method", modernHeader("unknown/method", ""), "unknown/method", full, 404, CodeMethodNotFound},
		{"bad logLevel", modernHeader("tools/list", ""), "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"loud"}}`, 400, CodeInvalidParams},
		{"unknown tool (a handler error: 200)", modernHeader("tools/call", "nope"), "tools/call", `{"name":"nope",` + meta("{}") + `}`, 200, CodeInvalidParams},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m := modern(t, s, tt.hdr, nil, 100+i, tt.method, tt.params)
			if status != tt.status || errCode(m) != tt.code {
				t.Fatalf("got %d %d (%s), want %d %d", status, errCode(m), errMsg(m), tt.status, tt.code)
			}
		})
	}

	t.Run("unsupported version data", func(t *testing.T) {
		h := modernHeader("server/discover", "")
		h.Set(HeaderProtocolVersion, "v999.0.0")
		_, m := modern(t, s, h, nil, 301, "server/discover", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}`)
		data := m["error"].(map[string]any)["data"].(map[string]any)
		if data["requested"] != "v999.0.0" || jsonOf(data["supported"]) != jsonOf(DiscoverVersions) {
			t.Fatalf("data = %v", data)
		}
	})
	t.Run("clientInfo optional, whitespace and base64 Mcp-Name", func(t *testing.T) {
		h := modernHeader("tools/call", "=?base64?"+base64.StdEncoding.EncodeToString([]byte("echo"))+"?=")
		status, m := modern(t, s, h, nil, 1, "tools/call", `{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}`)
		if status != 200 || m["error"] != nil {
			t.Fatalf("%d %v", status, m)
		}
		h = modernHeader("tools/call", "  echo\t")
		if status, m := modern(t, s, h, nil, 2, "tools/call", `{"name":"echo",`+meta("{}")+`}`); status != 200 || m["error"] != nil {
			t.Fatalf("padded Mcp-Name: %d %v", status, m)
		}
	})
	t.Run("no headers outside HTTP", func(t *testing.T) {
		if status, m := modern(t, s, nil, nil, 3, "tools/list", full); status != 200 || m["error"] != nil {
			t.Fatalf("%d %v", status, m)
		}
	})
	t.Run("notification", func(t *testing.T) {
		msg, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`))
		if status, resp := s.HandleModern(context.Background(), msg, modernHeader("notifications/cancelled", ""), nil); status != 202 || resp != nil {
			t.Fatalf("%d %s", status, resp)
		}
	})
}

func TestModernDiscoverAndResults(t *testing.T) {
	s := newTestServer(t)
	_, m := modern(t, s, modernHeader("server/discover", ""), nil, "server-discover-probe-1", "server/discover", `{`+meta(defaultCaps)+`}`)
	r := result(t, m)
	if r["resultType"] != "complete" || r["ttlMs"] != 0.0 || r["cacheScope"] != "public" || r["instructions"] != "Use the tools." {
		t.Fatalf("discover = %v", r)
	}
	if jsonOf(r["supportedVersions"]) != `["2026-07-28","2025-11-25","2025-06-18","2025-03-26"]` {
		t.Fatalf("supportedVersions = %v", r["supportedVersions"])
	}
	caps := r["capabilities"].(map[string]any)
	for _, k := range []string{"tools", "prompts", "resources", "completions", "logging"} {
		if caps[k] == nil {
			t.Errorf("capability %s missing: %v", k, caps)
		}
	}
	if jsonOf(caps["tools"]) != `{"listChanged":true}` {
		t.Errorf("tools capability %v", caps["tools"])
	}
	info := r["_meta"].(map[string]any)["io.modelcontextprotocol/serverInfo"].(map[string]any)
	if info["name"] != "test" || info["version"] != "1.0.0" {
		t.Errorf("serverInfo %v", info)
	}

	tests := []struct {
		method, name, params string
		scope                string // "" = no cache hints
		key                  string // a member the result must have
	}{
		{"tools/list", "", `{` + meta("{}") + `}`, "public", "tools"},
		{"prompts/list", "", `{` + meta("{}") + `}`, "public", "prompts"},
		{"resources/list", "", `{` + meta("{}") + `}`, "public", "resources"},
		{"resources/templates/list", "", `{` + meta("{}") + `}`, "public", "resourceTemplates"},
		{"resources/read", "mem://readme", `{"uri":"mem://readme",` + meta("{}") + `}`, "private", "contents"},
		{"tools/call", "add", `{"name":"add","arguments":{"a":1,"b":2},` + meta("{}") + `}`, "", "structuredContent"},
		{"prompts/get", "greet", `{"name":"greet","arguments":{"name":"Ada"},` + meta("{}") + `}`, "", "messages"},
		{"completion/complete", "", `{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"name","value":"al"},` + meta("{}") + `}`, "", "completion"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			status, m := modern(t, s, modernHeader(tt.method, tt.name), nil, 1, tt.method, tt.params)
			r := result(t, m)
			if status != 200 || r["resultType"] != "complete" || r[tt.key] == nil {
				t.Fatalf("%d %v", status, r)
			}
			if tt.scope == "" {
				if _, ok := r["ttlMs"]; ok {
					t.Fatalf("ttlMs on %s: %v", tt.method, r)
				}
				return
			}
			if r["ttlMs"] != 0.0 || r["cacheScope"] != tt.scope {
				t.Fatalf("cache hints %v %v, want 0 %s", r["ttlMs"], r["cacheScope"], tt.scope)
			}
		})
	}

	t.Run("list order is stable", func(t *testing.T) {
		_, a := modern(t, s, modernHeader("tools/list", ""), nil, 1, "tools/list", `{`+meta("{}")+`}`)
		_, b := modern(t, s, modernHeader("tools/list", ""), nil, 2, "tools/list", `{`+meta("{}")+`}`)
		if jsonOf(a["result"]) != jsonOf(b["result"]) || result(t, a)["tools"].([]any)[0].(map[string]any)["name"] != "add" {
			t.Fatal("tools/list differs between calls or lost Definition order")
		}
	})
	t.Run("WithCacheHints", func(t *testing.T) {
		s := newTestServer(t, WithCacheHints(CacheHint{TTL: 90 * time.Second}, CacheHint{TTL: time.Second, Scope: CachePublic}))
		_, m := modern(t, s, modernHeader("prompts/list", ""), nil, 1, "prompts/list", `{`+meta("{}")+`}`)
		if r := result(t, m); r["ttlMs"] != 90000.0 || r["cacheScope"] != "public" {
			t.Fatalf("list hints %v", r)
		}
		_, m = modern(t, s, modernHeader("resources/read", "mem://readme"), nil, 2, "resources/read", `{"uri":"mem://readme",`+meta("{}")+`}`)
		if r := result(t, m); r["ttlMs"] != 1000.0 || r["cacheScope"] != "public" {
			t.Fatalf("read hints %v", r)
		}
	})
	t.Run("resource not found is -32602 with the uri", func(t *testing.T) {
		_, m := modern(t, s, modernHeader("resources/read", "mem://nope"), nil, 1, "resources/read", `{"uri":"mem://nope",`+meta("{}")+`}`)
		if errCode(m) != CodeInvalidParams || jsonOf(m["error"].(map[string]any)["data"]) != `{"uri":"mem://nope"}` {
			t.Fatalf("%v", m)
		}
	})
	t.Run("per-request client info and version", func(t *testing.T) {
		_, m := modern(t, s, modernHeader("tools/call", "who"), nil, 1, "tools/call", `{"name":"who",`+meta("{}")+`}`)
		if got := textOf(result(t, m)); got != "tester 2026-07-28 false" {
			t.Fatalf("who = %q", got)
		}
	})
}

func TestModernMissingCapability(t *testing.T) {
	s := newTestServer(t)
	for _, tool := range []string{"sample", "ask", "roots"} {
		t.Run(tool, func(t *testing.T) {
			status, m := modern(t, s, modernHeader("tools/call", tool), nil, 401, "tools/call", `{"name":`+quote(tool)+`,`+meta("{}")+`}`)
			if status != 400 || errCode(m) != CodeMissingClientCapability {
				t.Fatalf("%d %v", status, m)
			}
			req := m["error"].(map[string]any)["data"].(map[string]any)["requiredCapabilities"].(map[string]any)
			want := map[string]string{"sample": "sampling", "ask": "elicitation", "roots": "roots"}[tool]
			if _, ok := req[want].(map[string]any); !ok || len(req) != 1 {
				t.Fatalf("requiredCapabilities = %v, want {%s:{}}", req, want)
			}
		})
	}
}

// inputRequired checks r is an input_required result and returns its
// requests and state.
func inputRequired(t testing.TB, m map[string]any) (map[string]any, string) {
	t.Helper()
	r := result(t, m)
	if r["resultType"] != "input_required" {
		t.Fatalf("want input_required, got %v", r)
	}
	if _, ok := r["ttlMs"]; ok {
		t.Fatalf("input_required carries cache hints: %v", r)
	}
	reqs, _ := r["inputRequests"].(map[string]any)
	state, _ := r["requestState"].(string)
	if state == "" {
		t.Fatalf("no requestState: %v", r)
	}
	return reqs, state
}

func TestModernInputRequired(t *testing.T) {
	s := newTestServer(t)
	_, m := call(t, s, "ask", "")
	reqs, state := inputRequired(t, m)
	ask, ok := reqs["elicitation-1"].(map[string]any)
	if !ok || ask["method"] != "elicitation/create" || ask["params"].(map[string]any)["message"] != "Your name?" {
		t.Fatalf("inputRequests = %v", reqs)
	}
	alice := `"inputResponses":{"elicitation-1":{"action":"accept","content":{"name":"Alice"}}}`

	tests := []struct {
		name  string
		extra string
		want  string // text of a complete result; "" = input_required; "error" = -32602
	}{
		{"answer without state", alice, "accept:Alice"},
		{"answer with state", alice + `,"requestState":` + quote(state), "accept:Alice"},
		{"extra unknown answers ignored", `"inputResponses":{"elicitation-1":{"action":"decline"},"other":{"x":1}}`, "decline:none"},
		{"tampered state", alice + `,"requestState":` + quote(state+"-TAMPERED"), "error"},
		{"flipped byte in state", alice + `,"requestState":` + quote(flip(state)), "error"},
		{"retry without the answer asked for", `"inputResponses":{"wrong_key":{"action":"accept","content":{}}}`, ""},
		{"inputResponses null", `"inputResponses":null`, ""},
		{"answer of the wrong shape", `"inputResponses":{"elicitation-1":12345}`, "error"},
		{"answer without action", `"inputResponses":{"elicitation-1":{"content":{}}}`, "error"},
		{"inputResponses not an object", `"inputResponses":[1]`, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, m := call(t, s, "ask", tt.extra)
			switch tt.want {
			case "error":
				if errCode(m) != CodeInvalidParams {
					t.Fatalf("want -32602, got %v", m)
				}
			case "":
				reqs, _ := inputRequired(t, m)
				if reqs["elicitation-1"] == nil {
					t.Fatalf("not asked again: %v", reqs)
				}
			default:
				r := result(t, m)
				if r["resultType"] != "complete" || textOf(r) != tt.want {
					t.Fatalf("got %v, want %q", r, tt.want)
				}
			}
		})
	}

	t.Run("state is bound to the request", func(t *testing.T) {
		params := `{"name":"ask","arguments":{"other":true},` + meta(defaultCaps) + `,` + alice + `,"requestState":` + quote(state) + `}`
		_, m := modern(t, s, modernHeader("tools/call", "ask"), nil, 1, "tools/call", params)
		if errCode(m) != CodeInvalidParams {
			t.Fatalf("state of other arguments accepted: %v", m)
		}
	})
	t.Run("state of another server is rejected, of a replica accepted", func(t *testing.T) {
		key := []byte("0123456789abcdef0123456789abcdef")
		a, b, other := newTestServer(t, WithRequestStateKey(key)), newTestServer(t, WithRequestStateKey(key)), newTestServer(t)
		_, st := inputRequired(t, must(call(t, a, "ask", "")))
		if _, m := call(t, b, "ask", alice+`,"requestState":`+quote(st)); textOf(result(t, m)) != "accept:Alice" {
			t.Fatalf("replica: %v", m)
		}
		if _, m := call(t, other, "ask", alice+`,"requestState":`+quote(st)); errCode(m) != CodeInvalidParams {
			t.Fatalf("other key: %v", m)
		}
	})
	t.Run("state is bound to the principal", func(t *testing.T) {
		params := `{"name":"ask","arguments":{},` + meta(defaultCaps) + `}`
		ctxA := WithPrincipal(context.Background(), "alice")
		_, m := modernCtx(ctxA, t, s, modernHeader("tools/call", "ask"), nil, 1, "tools/call", params)
		_, st := inputRequired(t, m)
		retry := `{"name":"ask","arguments":{},` + meta(defaultCaps) + `,` + alice + `,"requestState":` + quote(st) + `}`
		if _, m := modernCtx(WithPrincipal(context.Background(), "mallory"), t, s, modernHeader("tools/call", "ask"), nil, 2, "tools/call", retry); errCode(m) != CodeInvalidParams {
			t.Fatalf("another principal replayed the state: %v", m)
		}
		if _, m := modernCtx(ctxA, t, s, modernHeader("tools/call", "ask"), nil, 3, "tools/call", retry); textOf(result(t, m)) != "accept:Alice" {
			t.Fatalf("same principal: %v", m)
		}
	})
	t.Run("not on list methods", func(t *testing.T) {
		_, m := modern(t, s, modernHeader("tools/list", ""), nil, 1, "tools/list", `{`+meta(defaultCaps)+`}`)
		if result(t, m)["resultType"] != "complete" {
			t.Fatal(m)
		}
	})
}

// flip changes one character in the middle of s.
func flip(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func must(_ int, m map[string]any) map[string]any { return m }

// mrtrDef has a tool asking two questions in turn and one asking three
// at once, with named keys.
func mrtrDef() *Definition {
	schema := map[string]any{"type": "object"}
	return &Definition{Name: "mrtr", Version: "1", Tools: []*Tool{
		{Name: "two", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
			a, err := c.Session.Elicit(WithInputKey(ctx, "step1"), "first?", schema)
			if err != nil {
				return nil, err
			}
			b, err := c.Session.Elicit(WithInputKey(ctx, "step2"), "second?", schema)
			if err != nil {
				return nil, err
			}
			return TextResult(jsonOf(a.Content) + jsonOf(b.Content)), nil
		}},
		{Name: "three", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
			_, e1 := c.Session.Elicit(WithInputKey(ctx, "name"), "name?", schema)
			_, e2 := c.Session.CreateMessage(ctx, &CreateMessageParams{MaxTokens: 5, Messages: []SamplingMessage{{Role: "user", Content: json.RawMessage(`{"type":"text","text":"hi"}`)}}})
			roots, e3 := c.Session.ListRoots(ctx)
			for _, e := range []error{e1, e2, e3} {
				if e != nil {
					return ErrorResult("swallowed: " + e.Error()), nil // input_required wins anyway
				}
			}
			return TextResult(roots[0].URI), nil
		}},
	}}
}

func TestModernMultiRound(t *testing.T) {
	s, err := NewServer(mrtrDef(), WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	reqs, st1 := inputRequired(t, must(call(t, s, "two", "")))
	if len(reqs) != 1 || reqs["step1"] == nil {
		t.Fatalf("round 1 asks %v", reqs)
	}
	reqs, st2 := inputRequired(t, must(call(t, s, "two", `"inputResponses":{"step1":{"action":"accept","content":{"secret":"hunter2"}}},"requestState":`+quote(st1))))
	if len(reqs) != 1 || reqs["step2"] == nil || st2 == st1 {
		t.Fatalf("round 2 asks %v (state changed: %v)", reqs, st2 != st1)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(st2)
	if strings.Contains(string(raw), "hunter2") || strings.Contains(st2, "hunter2") {
		t.Fatal("requestState holds an earlier answer in clear text")
	}
	_, m := call(t, s, "two", `"inputResponses":{"step2":{"action":"accept","content":{"color":"blue"}}},"requestState":`+quote(st2))
	if got := textOf(result(t, m)); got != `{"secret":"hunter2"}{"color":"blue"}` {
		t.Fatalf("round 3 = %q", got)
	}

	reqs, _ = inputRequired(t, must(call(t, s, "three", "")))
	if jsonOf(keys(reqs)) != `["name","roots-3","sampling-2"]` {
		t.Fatalf("three asks %v", keys(reqs))
	}
	_, m = call(t, s, "three", `"inputResponses":{"name":{"action":"accept","content":{}},"sampling-2":{"role":"assistant","content":{"type":"text","text":"yo"},"model":"m"},"roots-3":{"roots":[{"uri":"file:///r"}]}}`)
	if got := textOf(result(t, m)); got != "file:///r" {
		t.Fatalf("three = %q (%v)", got, m)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestModernParamHeaders(t *testing.T) {
	def := &Definition{Name: "hdr", Version: "1", Tools: []*Tool{{
		Name: "route",
		InputSchema: json.RawMessage(`{"type":"object","properties":{
			"region":{"type":"string","x-mcp-header":"Region"},
			"count":{"type":"integer","x-mcp-header":"Count"},
			"dry":{"type":"boolean","x-mcp-header":"Dry"},
			"opts":{"type":"object","properties":{"zone":{"type":"string","x-mcp-header":"Zone"}}},
			"list":{"type":"array","items":{"type":"object","properties":{"x":{"type":"string","x-mcp-header":"X"}}}}}}`),
		Handler: func(ctx context.Context, c *Call) (*ToolResult, error) { return TextResult("ok"), nil },
	}}}
	s, err := NewServer(def, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    string
		headers map[string]string
		ok      bool
	}{
		{"all mirrored", `{"region":"us-west1","count":42,"dry":true,"opts":{"zone":"b"}}`, map[string]string{"Mcp-Param-Region": "us-west1", "Mcp-Param-Count": "42", "Mcp-Param-Dry": "true", "Mcp-Param-Zone": "b"}, true},
		{"header name case-insensitive", `{"region":"eu"}`, map[string]string{"mcp-param-region": "eu"}, true},
		{"integer compared as a number", `{"count":42}`, map[string]string{"Mcp-Param-Count": "42.0"}, true},
		{"base64 value", `{"region":"Hello"}`, map[string]string{"Mcp-Param-Region": "=?base64?SGVsbG8=?="}, true},
		{"literal that looks like base64", `{"region":"SGVsbG8="}`, map[string]string{"Mcp-Param-Region": "SGVsbG8="}, true},
		{"prefix without suffix is literal", `{"region":"=?base64?SGVsbG8="}`, map[string]string{"Mcp-Param-Region": "=?base64?SGVsbG8="}, true},
		{"absent argument needs no header", `{}`, nil, true},
		{"null argument needs no header", `{"region":null}`, nil, true},
		{"not through items", `{"list":[{"x":"a"}]}`, nil, true},
		{"unknown Mcp-Param ignored", `{}`, map[string]string{"Mcp-Param-Other": "x"}, true},
		{"missing header", `{"region":"us"}`, nil, false},
		{"mismatch", `{"region":"us"}`, map[string]string{"Mcp-Param-Region": "eu"}, false},
		{"bad padding", `{"region":"Hello"}`, map[string]string{"Mcp-Param-Region": "=?base64?SGVsbG8?="}, false},
		{"bad alphabet", `{"region":"Hello"}`, map[string]string{"Mcp-Param-Region": "=?base64?SGVs!!!bG8=?="}, false},
		{"control character", `{"region":"a\u0001b"}`, map[string]string{"Mcp-Param-Region": "a\x01b"}, false},
		{"boolean mismatch", `{"dry":false}`, map[string]string{"Mcp-Param-Dry": "true"}, false},
		{"integer mismatch", `{"count":1}`, map[string]string{"Mcp-Param-Count": "2"}, false},
		{"nested missing", `{"opts":{"zone":"b"}}`, nil, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := modernHeader("tools/call", "route")
			for k, v := range tt.headers {
				h.Set(k, v) // net/http canonicalizes incoming names the same way
			}
			status, m := modern(t, s, h, nil, i, "tools/call", `{"name":"route","arguments":`+tt.args+`,`+meta("{}")+`}`)
			if tt.ok && (status != 200 || m["error"] != nil) {
				t.Fatalf("rejected: %d %v", status, m)
			}
			if !tt.ok && (status != 400 || errCode(m) != CodeHeaderMismatch) {
				t.Fatalf("accepted or wrong error: %d %v", status, m)
			}
		})
	}
}

func TestModernLogging(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		name, level string
		want        []string
	}{
		{"no logLevel: no messages", "", nil},
		{"warning and above", "warning", []string{"warning", "error"}},
		{"debug: all", "debug", []string{"debug", "info", "warning", "error"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"progressToken":"p"`
			if tt.level != "" {
				m += `,"io.modelcontextprotocol/logLevel":` + quote(tt.level)
			}
			out := &fakeOut{}
			_, r := modern(t, s, modernHeader("tools/call", "chatty"), out, 1, "tools/call", `{"name":"chatty",`+m+`}}`)
			if textOf(result(t, r)) != "done" {
				t.Fatal(r)
			}
			var levels []string
			progress := 0
			for _, n := range out.messages() {
				switch n["method"] {
				case "notifications/message":
					levels = append(levels, n["params"].(map[string]any)["level"].(string))
				case "notifications/progress":
					progress++
				}
			}
			if jsonOf(levels) != jsonOf(tt.want) || progress != 2 {
				t.Fatalf("levels %v (want %v), %d progress", levels, tt.want, progress)
			}
		})
	}
}

func TestModernListen(t *testing.T) {
	s := newTestServer(t)
	out := &fakeOut{sent: make(chan []byte, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan map[string]any, 1)
	go func() {
		_, m := modernCtx(ctx, t, s, modernHeader("subscriptions/listen", ""), out, 9, "subscriptions/listen",
			`{`+meta("{}")+`,"notifications":{"toolsListChanged":true,"resourceSubscriptions":["mem://readme"]}}`)
		done <- m
	}()
	next := func() map[string]any {
		select {
		case b := <-out.sent:
			var m map[string]any
			json.Unmarshal(b, &m)
			return m
		case <-time.After(5 * time.Second):
			t.Fatal("no notification")
			return nil
		}
	}
	ack := next()
	if ack["method"] != "notifications/subscriptions/acknowledged" || jsonOf(ack["params"]) != `{"_meta":{"io.modelcontextprotocol/subscriptionId":9},"notifications":{"resourceSubscriptions":["mem://readme"],"toolsListChanged":true}}` {
		t.Fatalf("ack = %v", ack)
	}
	s.NotifyPromptListChanged() // not asked for
	s.NotifyResourceUpdated("mem://other")
	s.NotifyToolListChanged()
	if n := next(); n["method"] != "notifications/tools/list_changed" || jsonOf(n["params"]) != `{"_meta":{"io.modelcontextprotocol/subscriptionId":9}}` {
		t.Fatalf("after tool change: %v", n)
	}
	s.NotifyResourceUpdated("mem://readme")
	if n := next(); n["method"] != "notifications/resources/updated" || n["params"].(map[string]any)["uri"] != "mem://readme" {
		t.Fatalf("after resource update: %v", n)
	}
	cancel()
	if m := <-done; m != nil {
		t.Fatalf("a listen stream the client closed got a response: %v", m)
	}

	t.Run("shutdown ends it with a result", func(t *testing.T) {
		out := &fakeOut{sent: make(chan []byte, 8)}
		done := make(chan map[string]any, 1)
		go func() {
			_, m := modern(t, s, modernHeader("subscriptions/listen", ""), out, "L", "subscriptions/listen", `{`+meta("{}")+`,"notifications":{}}`)
			done <- m
		}()
		<-out.sent
		s.Shutdown(context.Background())
		m := <-done
		if r := result(t, m); r["resultType"] != "complete" || jsonOf(r["_meta"]) != `{"io.modelcontextprotocol/subscriptionId":"L"}` {
			t.Fatalf("final result %v", r)
		}
	})
}

func FuzzDecodeHeaderValue(f *testing.F) {
	for _, s := range []string{"", "plain", "=?base64?SGVsbG8=?=", "=?base64?SGVsbG8?=", "=?base64?SGVs!!!bG8=?=", "=?base64??=", "a\tb", "\x00", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, ok := decodeHeaderValue(v)
		if !ok {
			return
		}
		if !strings.HasPrefix(v, "=?base64?") && got != v {
			t.Fatalf("plain value changed: %q -> %q", v, got)
		}
	})
}

func FuzzRequestState(f *testing.F) {
	s, err := NewServer(mrtrDef(), WithLogger(quietLogger()))
	if err != nil {
		f.Fatal(err)
	}
	good, _ := s.sealState(&sealedState{Method: "tools/call", Digest: "d", Issued: time.Now().Unix()})
	for _, seed := range []string{"", "x", good, good + "-TAMPERED", flip(good)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		st, e := s.openState(raw, "tools/call", "d", "", time.Now())
		if e == nil && raw != good {
			// Only a state this server sealed may open.
			b, _ := base64.RawURLEncoding.DecodeString(raw)
			gb, _ := base64.RawURLEncoding.DecodeString(good)
			if string(b) != string(gb) {
				t.Fatalf("forged state %q opened: %+v", raw, st)
			}
		}
	})
}

func TestRequestStateChecks(t *testing.T) {
	s := newTestServer(t)
	now := time.Now()
	sealed, err := s.sealState(&sealedState{Method: "tools/call", Digest: "d", Who: "w", Issued: now.Unix(), Answers: map[string]json.RawMessage{"k": json.RawMessage(`{"action":"accept"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, digest, who string
		at                        time.Time
		ok                        bool
	}{
		{"valid", "tools/call", "d", "w", now, true},
		{"other method", "prompts/get", "d", "w", now, false},
		{"other params", "tools/call", "e", "w", now, false},
		{"other principal", "tools/call", "d", "", now, false},
		{"expired", "tools/call", "d", "w", now.Add(RequestStateTTL + time.Minute), false},
		{"from the future", "tools/call", "d", "w", now.Add(-5 * time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, e := s.openState(sealed, tt.method, tt.digest, tt.who, tt.at)
			if (e == nil) != tt.ok {
				t.Fatalf("openState: %v, want ok=%v", e, tt.ok)
			}
			if tt.ok && string(st.Answers["k"]) != `{"action":"accept"}` {
				t.Fatalf("answers %v", st.Answers)
			}
		})
	}
}

// TestModernListenOutlivesRequestTimeout: a listen stream is not a call,
// so RequestTimeout does not end it, while a call started after it does
// time out.
func TestModernListenOutlivesRequestTimeout(t *testing.T) {
	s := newTestServer(t, WithRequestTimeout(20*time.Millisecond))
	out := &fakeOut{sent: make(chan []byte, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan map[string]any, 1)
	go func() {
		_, m := modernCtx(ctx, t, s, modernHeader("subscriptions/listen", ""), out, 9, "subscriptions/listen",
			`{`+meta("{}")+`,"notifications":{"toolsListChanged":true}}`)
		done <- m
	}()
	<-out.sent // acknowledged
	c := initConn(t, s, `{}`)
	if r := result(t, request(t, s, c, nil, 1, "tools/call", `{"name":"wait"}`)); r["isError"] != true || !strings.Contains(jsonOf(r), "deadline") {
		t.Fatalf("a call under the same timeout: %v", r)
	}
	select {
	case m := <-done:
		t.Fatalf("the listen stream ended with the request timeout: %v", m)
	default:
	}
	s.NotifyToolListChanged()
	select {
	case b := <-out.sent:
		if !strings.Contains(string(b), "notifications/tools/list_changed") {
			t.Fatalf("got %s", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the listen stream no longer delivers")
	}
}
