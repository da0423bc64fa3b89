package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
)

// coreTransport hands each POST body to the protocol core (a stateless
// connection), as a transport does, so the tests below exercise the
// core's own parsing of the request the middleware let through. It also
// checks the body reached it unchanged and the principal was set.
type coreTransport struct{ lastPrincipal *atomic.Value }

type discard struct{}

func (discard) Send([]byte) error { return nil }

func (tr coreTransport) Routes(s *runtime.Server) ([]runtime.Route, error) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		tr.lastPrincipal.Store(runtime.Principal(r.Context()))
		msg, perr := runtime.ParseMessage(body)
		if perr != nil {
			w.WriteHeader(400)
			w.Write(runtime.EncodeError(nil, perr))
			return
		}
		ctx := runtime.WithHTTPRequest(r.Context(), r)
		conn := s.NewConn(runtime.ConnConfig{Stateless: true, ProtocolVersion: "2025-06-18"})
		resp := s.Handle(ctx, conn, msg, discard{})
		if resp == nil {
			w.WriteHeader(202)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(resp)
	})
	return []runtime.Route{{Method: "POST", Path: s.Config().StreamablePath, Handler: h}}, nil
}

// scopedDefinition has a public and a scoped entry of every kind. Scoped
// handlers bump ran, so a test can tell whether one was reached.
func scopedDefinition(ran *atomic.Int64) *runtime.Definition {
	tool := func(scopes ...string) *runtime.Tool {
		name := "public_tool"
		if len(scopes) > 0 {
			name = "admin_report"
		}
		return &runtime.Tool{
			Name: name, Description: name, Scopes: scopes,
			InputSchema: json.RawMessage(`{"type":"object"}`),
			Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				if len(scopes) > 0 {
					ran.Add(1)
				}
				return runtime.TextResult("ok " + name), nil
			},
		}
	}
	res := func(ctx context.Context, c *runtime.Call) ([]runtime.ResourceContents, error) {
		if strings.Contains(c.URI, "secret") || strings.HasPrefix(c.URI, "users://") {
			ran.Add(1)
		}
		return []runtime.ResourceContents{&runtime.TextResourceContents{URI: c.URI, Text: "x"}}, nil
	}
	return &runtime.Definition{
		Name: "scoped", Version: "1.0.0",
		Tools: []*runtime.Tool{tool(), tool("reports:read")},
		Resources: []*runtime.Resource{
			{URI: "docs://public", Name: "public", Handler: res},
			{URI: "docs://secret", Name: "secret", Scopes: []string{"docs:read"}, Handler: res},
			{URI: "users://me/profile", Name: "me", Handler: res},
		},
		ResourceTemplates: []*runtime.ResourceTemplate{
			{URITemplate: "users://{id}/profile", Name: "profile", Scopes: []string{"users:read"}, Handler: res},
		},
		Prompts: []*runtime.Prompt{
			{Name: "hello", Description: "hello", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.PromptResult, error) {
				return &runtime.PromptResult{}, nil
			}},
			{Name: "secret_prompt", Description: "secret", Arguments: []runtime.PromptArgument{{Name: "x"}}, Scopes: []string{"prompts:secret"}, Handler: func(ctx context.Context, c *runtime.Call) (*runtime.PromptResult, error) {
				ran.Add(1)
				return &runtime.PromptResult{}, nil
			}},
		},
		Completions: []*runtime.Completion{{Prompt: "secret_prompt", Argument: "x", Handler: func(ctx context.Context, c *runtime.Call, v string) ([]string, error) {
			ran.Add(1)
			return nil, nil
		}}},
	}
}

type scopedServer struct {
	url       string
	ran       *atomic.Int64
	principal *atomic.Value
}

func newScopedServer(t testing.TB, opts ...runtime.Option) *scopedServer {
	t.Helper()
	clearAuthEnv(t)
	t.Setenv("MCPGEN_AUTH_STATIC_TOKENS", `{"reader":{"sub":"bob","client_id":"c1","scopes":["mcp"]},"admin":{"sub":"ann","client_id":"c2","scopes":["mcp","reports:read","docs:read","users:read","prompts:secret"]}}`)
	t.Setenv("MCPGEN_AUTH_REQUIRED_SCOPES", "mcp")
	ran, pr := &atomic.Int64{}, &atomic.Value{}
	base := []runtime.Option{runtime.WithTransport(coreTransport{pr}), runtime.WithStateless(true)}
	base = append(base, auth.EnvOptions("static")...)
	srv, err := runtime.NewServer(scopedDefinition(ran), append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &scopedServer{hs.URL, ran, pr}
}

func (s *scopedServer) post(t testing.TB, token string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.url+"/mcp", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("MCP-Protocol-Version", "2025-06-18")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestEntryScopes(t *testing.T) {
	s := newScopedServer(t)
	const md = `resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"`
	call := func(method, params string) string {
		return `{"jsonrpc":"2.0","id":7,"method":"` + method + `","params":` + params + `}`
	}
	tests := []struct {
		name, token, body string
		status            int
		scope             string // the challenge's scope=, for 403s
		inBody            string
	}{
		{"public tool", "reader", call("tools/call", `{"name":"public_tool"}`), 200, "", "ok public_tool"},
		{"scoped tool refused", "reader", call("tools/call", `{"name":"admin_report","arguments":{}}`), 403, "mcp reports:read", `"id":7,"error":{"code":-32003,"message":"insufficient scope: missing reports:read"`},
		{"scoped tool granted", "admin", call("tools/call", `{"name":"admin_report"}`), 200, "", "ok admin_report"},
		{"escaped name", "reader", call("tools/call", `{"name":"admin\u005freport"}`), 403, "mcp reports:read", "-32003"},
		{"duplicate name, scoped last", "reader", call("tools/call", `{"name":"public_tool","name":"admin_report"}`), 403, "mcp reports:read", "-32003"},
		{"duplicate name, scoped first", "reader", call("tools/call", `{"name":"admin_report","name":"public_tool"}`), 403, "mcp reports:read", "-32003"},
		{"case-folded key", "reader", call("prompts/get", `{"name":"hello","NAME":"secret_prompt"}`), 403, "mcp prompts:secret", "-32003"},
		{"unknown tool", "reader", call("tools/call", `{"name":"nope"}`), 200, "", "unknown tool"},
		{"public prompt", "reader", call("prompts/get", `{"name":"hello"}`), 200, "", `"result"`},
		{"scoped prompt", "reader", call("prompts/get", `{"name":"secret_prompt"}`), 403, "mcp prompts:secret", "-32003"},
		{"public resource", "reader", call("resources/read", `{"uri":"docs://public"}`), 200, "", "docs://public"},
		{"scoped resource", "reader", call("resources/read", `{"uri":"docs://secret"}`), 403, "mcp docs:read", "-32003"},
		{"scoped resource granted", "admin", call("resources/read", `{"uri":"docs://secret"}`), 200, "", "docs://secret"},
		{"scoped template", "reader", call("resources/read", `{"uri":"users://42/profile"}`), 403, "mcp users:read", "-32003"},
		{"fixed URI before template", "reader", call("resources/read", `{"uri":"users://me/profile"}`), 200, "", "users://me/profile"},
		{"template with a bad escape", "reader", call("resources/read", `{"uri":"users://%zz/profile"}`), 200, "", "-32002"},
		{"scoped subscribe", "reader", call("resources/subscribe", `{"uri":"docs://secret"}`), 403, "mcp docs:read", "-32003"},
		{"scoped listen", "reader", call("subscriptions/listen", `{"notifications":{"resourceSubscriptions":["docs://public","users://7/profile"]}}`), 403, "mcp users:read", "-32003"},
		{"scoped completion", "reader", call("completion/complete", `{"ref":{"type":"ref/prompt","name":"secret_prompt"},"argument":{"name":"x","value":""}}`), 403, "mcp prompts:secret", "-32003"},
		{"tools/list hides nothing", "reader", call("tools/list", `{}`), 200, "", "admin_report"},
		{"malformed JSON reaches the transport", "reader", `{"jsonrpc":`, 400, "", "-32700"},
		{"notification", "reader", `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"admin_report"}}`, 202, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.ran.Load()
			status, h, body := s.post(t, tt.token, strings.NewReader(tt.body))
			if status != tt.status || !strings.Contains(body, tt.inBody) {
				t.Fatalf("status %d body %s; want %d containing %q", status, body, tt.status, tt.inBody)
			}
			if status == 403 {
				want := `Bearer error="insufficient_scope", error_description="the token lacks required scopes", ` + md + `, scope="` + tt.scope + `"`
				if got := h.Get("WWW-Authenticate"); got != want {
					t.Fatalf("challenge\n got %s\nwant %s", got, want)
				}
				if s.ran.Load() != before {
					t.Fatal("a scoped handler ran for a refused request")
				}
			}
		})
	}
	if got, _ := s.principal.Load().(string); got != `"static" sub "bob"` {
		t.Fatalf("principal %q", got)
	}
}

// TestEntryScopesBody: the body is bounded by the server's limit, and a
// body of unknown length (chunked) is read back intact by the transport.
func TestEntryScopesBody(t *testing.T) {
	s := newScopedServer(t, runtime.WithMaxBodyBytes(256))
	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin_report","arguments":{"pad":"` + strings.Repeat("x", 300) + `"}}}`
	// io.MultiReader hides the length: the request goes out chunked.
	if status, _, _ := s.post(t, "admin", io.MultiReader(strings.NewReader(big))); status != 413 {
		t.Fatalf("chunked oversize: %d", status)
	}
	if status, _, _ := s.post(t, "admin", strings.NewReader(big)); status != 413 {
		t.Fatalf("oversize with a length: %d", status)
	}
	small := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin_report"}}`
	if status, _, body := s.post(t, "admin", io.MultiReader(bytes.NewReader([]byte(small)))); status != 200 || !strings.Contains(body, "ok admin_report") {
		t.Fatalf("chunked: %d %s", status, body)
	}
}

// FuzzEntryScopes: whatever the body, a token without the scoped entries'
// scopes never reaches a scoped handler through the core.
func FuzzEntryScopes(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin_report"}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"public_tool","name":"admin_report"}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"Name":"admin_report"}}`,
		`{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"secret_prompt"}}`,
		`{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"users://a%20b/profile"}}`,
		`{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"docs://secret"}}`,
		`{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"secret_prompt"},"argument":{"name":"x","value":""}}}`,
		`{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"admin\u005freport"}}`,
	} {
		f.Add(s)
	}
	s := newScopedServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		before := s.ran.Load()
		status, _, _ := s.post(t, "reader", strings.NewReader(body))
		if s.ran.Load() != before {
			t.Fatalf("scoped handler ran (status %d) for %q", status, body)
		}
	})
}

// BenchmarkEntryScopes measures the middleware on a tools/call of a
// scoped tool: "unscoped server" is the baseline (no body is read),
// "scoped server" adds reading and parsing the request to find the tool.
func BenchmarkEntryScopes(b *testing.B) {
	v, err := auth.NewStaticTokens(auth.WithStaticTokens(map[string]auth.StaticToken{"tok": {Subject: "ann", Scopes: []string{"reports:read"}}}), auth.WithBindHost("127.0.0.1"))
	if err != nil {
		b.Fatal(err)
	}
	p, err := auth.NewResourceServer(v, auth.WithBaseURL("http://127.0.0.1:8000"))
	if err != nil {
		b.Fatal(err)
	}
	var ran atomic.Int64
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin_report","arguments":{"month":"2026-11","detail":"full"}}}`)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(200)
	})
	for _, bc := range []struct {
		name string
		def  *runtime.Definition
	}{{"unscoped server", nil}, {"scoped server", scopedDefinition(&ran)}} {
		b.Run(bc.name, func(b *testing.B) {
			h := auth.Middleware(p, auth.MiddlewareConfig{Paths: []string{"/mcp"}, Definition: bc.def})(inner)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/mcp", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer tok")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
