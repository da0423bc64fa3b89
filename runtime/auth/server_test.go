package auth_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

// toolTransport is a stand-in for the Streamable HTTP transport (which is
// developed separately): POST /mcp runs the whoami tool with the request
// context, as a transport does, and writes its result as JSON. It keeps
// these tests about the auth plumbing, not the protocol.
type toolTransport struct{}

func (toolTransport) Routes(s *runtime.Server) ([]runtime.Route, error) {
	path := s.Config().StreamablePath
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := runtime.WithHTTPRequest(r.Context(), r)
		res, err := s.Definition().Tools[0].Handler(ctx, &runtime.Call{Request: r, Arguments: []byte("{}")})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		json.NewEncoder(w).Encode(res)
	})
	return []runtime.Route{{Method: "POST", Path: path, Handler: h}}, nil
}

func whoamiDefinition() *runtime.Definition {
	return &runtime.Definition{
		Name: "authtest", Version: "1.0.0",
		Tools: []*runtime.Tool{{
			Name: "whoami", Scopes: []string{"profile:read"},
			Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				tok := auth.TokenFromContext(ctx)
				if tok == nil {
					return runtime.TextResult("nobody"), nil
				}
				if _, ok := c.Header()["Authorization"]; ok {
					return runtime.TextResult("authorization header leaked into tool code"), nil
				}
				return runtime.TextResult(tok.Subject), nil
			},
		}},
	}
}

// profileClaims are valid claims granting the whoami tool's scope.
func profileClaims() authtest.Claims {
	return claims(func(c authtest.Claims) { c["scope"] = "read profile:read" })
}

// clearAuthEnv keeps the developer's environment out of the tests.
func clearAuthEnv(t testing.TB) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "MCPGEN_") {
			t.Setenv(name, "")
		}
	}
}

func serve(t *testing.T, opts ...runtime.Option) *httptest.Server {
	t.Helper()
	base := []runtime.Option{runtime.WithTransport(toolTransport{})}
	srv, err := runtime.NewServer(whoamiDefinition(), append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs
}

func callWhoami(t *testing.T, url, token string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
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

func TestServerOptions(t *testing.T) {
	clearAuthEnv(t)
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	p := jwtProvider(t, jwks, auth.WithResourceName("Test MCP"))
	hs := serve(t, auth.ServerOptions(p)...)

	status, h, body := callWhoami(t, hs.URL, "")
	if status != 401 || h.Get("WWW-Authenticate") != `Bearer resource_metadata="`+testMetadataURL+`"` {
		t.Fatalf("no token: %d %q %s", status, h.Get("WWW-Authenticate"), body)
	}
	status, _, body = callWhoami(t, hs.URL, rk.MustSign(t, profileClaims()))
	if status != 200 || !strings.Contains(body, `"text":"alice"`) {
		t.Fatalf("valid token: %d %s", status, body)
	}

	for _, path := range []string{"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
		want := `{"resource":"https://mcp.example.com/mcp","authorization_servers":["https://issuer.example.test"],"scopes_supported":["profile:read"],"bearer_methods_supported":["header"],"resource_name":"Test MCP"}`
		if string(b) != want {
			t.Fatalf("%s:\n got %s\nwant %s", path, b, want)
		}
		req, _ := http.NewRequest("OPTIONS", hs.URL+path, nil)
		req.Header.Set("Origin", "https://app.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
			t.Fatalf("%s preflight: %d %v", path, resp.StatusCode, resp.Header)
		}
	}
}

func TestServerOptionsErrors(t *testing.T) {
	clearAuthEnv(t)
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	st, err := auth.NewStaticTokens(auth.WithStaticTokens(map[string]auth.StaticToken{"dev": {}}), auth.WithBindHost("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	static, err := auth.NewResourceServer(st, auth.WithBaseURL("http://127.0.0.1:8000"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts []runtime.Option
		want string
	}{
		{"path mismatch", append(auth.ServerOptions(jwtProvider(t, jwks)), runtime.WithStreamablePath("/api")), `auth.WithMCPPath("/api")`},
		{"static on all interfaces", append(auth.ServerOptions(static), runtime.WithAddr("0.0.0.0", 8000)), "auth.AllowNonLoopback"},
		{"env jwt without settings", auth.EnvOptions("jwt"), "set MCPGEN_AUTH_JWT_JWKS_URI or pass auth.WithJWKS"},
		{"env static without tokens", auth.EnvOptions("static"), "set MCPGEN_AUTH_STATIC_TOKENS or pass auth.WithStaticTokens"},
		{"env remote without servers", auth.EnvOptions("remote"), "set MCPGEN_AUTH_AUTHORIZATION_SERVERS"},
		{"env proxy mode", auth.EnvOptions("github"), "OAuth proxy"},
		{"env unknown mode", auth.EnvOptions("magic"), "unknown mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runtime.NewServer(whoamiDefinition(), append([]runtime.Option{runtime.WithTransport(toolTransport{})}, tt.opts...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			// The text is for the user: no Go type names of the
			// runtime's insides (it once read "runtime: transport
			// *auth.binding: auth: ...").
			if msg := err.Error(); strings.Contains(msg, "*") || strings.Contains(msg, "binding") || strings.Contains(msg, "transport ") {
				t.Errorf("error shows internals: %s", msg)
			}
		})
	}
}

// TestEnvOptionsOverride: the generated New adds EnvOptions; a caller's
// ServerOptions replaces it, and its missing settings no longer matter.
func TestEnvOptionsOverride(t *testing.T) {
	clearAuthEnv(t)
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	opts := append(auth.EnvOptions("jwt"), auth.ServerOptions(jwtProvider(t, jwks))...)
	hs := serve(t, opts...)
	if status, _, body := callWhoami(t, hs.URL, rk.MustSign(t, profileClaims())); status != 200 || !strings.Contains(body, "alice") {
		t.Fatalf("%d %s", status, body)
	}
	if status, _, _ := callWhoami(t, hs.URL, ""); status != 401 {
		t.Fatalf("no token: %d", status)
	}
}

func TestEnvOptionsStatic(t *testing.T) {
	clearAuthEnv(t)
	t.Setenv("MCPGEN_AUTH_STATIC_TOKENS", `{"dev-token":{"sub":"dev","scopes":["profile:read"]}}`)
	t.Setenv("MCPGEN_AUTH_REQUIRED_SCOPES", "profile:read")
	hs := serve(t, append(auth.EnvOptions("static"), runtime.WithStreamablePath("/api/mcp"), runtime.WithAddr("127.0.0.1", 9999))...)
	resp, err := http.Get(hs.URL + "/.well-known/oauth-protected-resource/api/mcp")
	if err != nil {
		t.Fatal(err)
	}
	var md auth.ResourceMetadata
	json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if md.Resource != "http://127.0.0.1:9999/api/mcp" || strings.Join(md.ScopesSupported, " ") != "profile:read" {
		t.Fatalf("metadata %+v", md)
	}
	req, _ := http.NewRequest("POST", hs.URL+"/api/mcp", strings.NewReader("{}"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := `Bearer resource_metadata="http://127.0.0.1:9999/.well-known/oauth-protected-resource/api/mcp", scope="profile:read"`; resp.Header.Get("WWW-Authenticate") != want {
		t.Fatalf("challenge %q, want %q", resp.Header.Get("WWW-Authenticate"), want)
	}
}

func TestEnvOptionsNone(t *testing.T) {
	if opts := auth.EnvOptions("none"); opts != nil {
		t.Fatalf("none: %d options", len(opts))
	}
	if p, err := auth.FromEnv(""); p != nil || err != nil {
		t.Fatalf("FromEnv(\"\") = %v, %v", p, err)
	}
}
