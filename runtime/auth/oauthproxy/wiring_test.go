package oauthproxy_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
	"github.com/mcpgen/mcpgen/runtime/auth/oidc/oidctest"
)

// whoTransport answers POST /mcp by running the first tool, as a
// transport would, so these tests are about the auth wiring only.
type whoTransport struct{}

func (whoTransport) Routes(s *runtime.Server) ([]runtime.Route, error) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := s.Definition().Tools[0].Handler(r.Context(), &runtime.Call{Request: r, Arguments: []byte("{}")})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		json.NewEncoder(w).Encode(res)
	})
	return []runtime.Route{{Method: "POST", Path: s.Config().StreamablePath, Handler: h}}, nil
}

func whoDefinition() *runtime.Definition {
	return &runtime.Definition{Name: "who", Version: "1", Tools: []*runtime.Tool{{
		Name: "whoami", Scopes: []string{"who:read"},
		Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
			tok := auth.TokenFromContext(ctx)
			if _, err := oauthproxy.UpstreamToken(ctx); err != nil {
				return runtime.TextResult("no upstream token: " + err.Error()), nil
			}
			return runtime.TextResult(tok.Subject + " " + tok.Email), nil
		},
	}}}
}

func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "MCPGEN_") {
			t.Setenv(name, "")
		}
	}
}

// serveEnv starts a server the way generated code builds one with
// -auth oidc, on ln.
func serveEnv(t *testing.T, ln net.Listener) (*httptest.Server, error) {
	srv, err := runtime.NewServer(whoDefinition(), append([]runtime.Option{runtime.WithTransport(whoTransport{})}, auth.EnvOptions("oidc")...)...)
	if err != nil {
		return nil, err
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)
	return hs, nil
}

func setOIDCEnv(t *testing.T, idp *oidctest.IDP, base string) {
	clearEnv(t)
	t.Setenv("MCPGEN_AUTH_BASE_URL", base)
	t.Setenv("MCPGEN_AUTH_OIDC_CONFIG_URL", idp.ConfigURL())
	t.Setenv("MCPGEN_AUTH_OIDC_CLIENT_ID", idp.ClientID)
	t.Setenv("MCPGEN_AUTH_OIDC_CLIENT_SECRET", idp.ClientSecret)
}

func TestEnvWiringAndSettings(t *testing.T) {
	idp := oidctest.New(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	base := "http://" + ln.Addr().String()
	setOIDCEnv(t, idp, base)
	hs, err := serveEnv(t, ln)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/.well-known/oauth-authorization-server":   `"issuer":"` + base + `"`,
		"/.well-known/oauth-protected-resource/mcp": `"authorization_servers":["` + base + `"]`,
	} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	// The tools' scopes are announced by the authorization server too.
	resp, err := http.Get(hs.URL + "/.well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"scopes_supported":["who:read"]`) {
		t.Errorf("authorization server metadata without the tool's scope: %s", b)
	}
	resp, _ = http.Post(hs.URL+"/mcp", "application/json", strings.NewReader("{}"))
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "resource_metadata=") {
		t.Errorf("unauthenticated /mcp: %d %v", resp.StatusCode, resp.Header)
	}

	for _, tc := range []struct{ name, value, want string }{
		{"MCPGEN_AUTH_OIDC_CLIENT_ID", "", "MCPGEN_AUTH_OIDC_CLIENT_ID"},
		{"MCPGEN_AUTH_OIDC_CONFIG_URL", "", "MCPGEN_AUTH_OIDC_CONFIG_URL"},
		{"MCPGEN_AUTH_OIDC_CONFIG_URL", "http://idp.example.com/.well-known/openid-configuration", "https"},
		{"MCPGEN_AUTH_BASE_URL", "", "MCPGEN_AUTH_BASE_URL"},
		{"MCPGEN_AUTH_CONSENT", "sometimes", "MCPGEN_AUTH_CONSENT"},
		{"MCPGEN_AUTH_TOKEN_KEY", "short", "MCPGEN_AUTH_TOKEN_KEY"},
		{"MCPGEN_AUTH_ACCESS_TOKEN_TTL", "soon", "MCPGEN_AUTH_ACCESS_TOKEN_TTL"},
		{"MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS", "javascript:x", "MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS"},
		{"MCPGEN_STORE", "redis://:hunter2@127.0.0.1:1/0", "MCPGEN_STORE: store redis://:xxxxx@127.0.0.1:1/0: cannot reach Redis"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			setOIDCEnv(t, idp, base)
			t.Setenv(tc.name, tc.value)
			_, err := runtime.NewServer(whoDefinition(), append([]runtime.Option{runtime.WithTransport(whoTransport{})}, auth.EnvOptions("oidc")...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewServer error %v, want one naming %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("the error shows the store password: %v", err)
			}
		})
	}
	t.Run("unregistered preset", func(t *testing.T) {
		setOIDCEnv(t, idp, base)
		_, err := auth.FromEnv("workos")
		if err == nil {
			t.Fatal("workos without its preset linked (or its settings) succeeded")
		}
	})
}

// TestFileStoreRestart: clients, grants and the generated token key
// survive a restart with MCPGEN_STORE=file://DIR.
func TestFileStoreRestart(t *testing.T) {
	idp := oidctest.New(t)
	dir := t.TempDir()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	base := "http://" + addr
	setOIDCEnv(t, idp, base)
	t.Setenv("MCPGEN_STORE", "file://"+dir)
	hs, err := serveEnv(t, ln)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, idp: idp, base: base, logs: &syncBuffer{}}
	c := e.newClient("http://127.0.0.1:5555/cb", false)
	tok := c.fullLogin()
	at := tok["access_token"].(string)
	if st, out := callWho(t, base, at); st != 200 || !strings.Contains(out, "user-42 ada@example.com") {
		t.Fatalf("before restart: %d %s", st, out)
	}
	hs.Close()

	var ln2 net.Listener
	for range 50 { // the port is free again once the first server is gone
		if ln2, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ln2 == nil {
		t.Fatal(err)
	}
	if _, err := serveEnv(t, ln2); err != nil {
		t.Fatal(err)
	}
	if st, out := callWho(t, base, at); st != 200 || !strings.Contains(out, "user-42") {
		t.Fatalf("access token after restart: %d %s", st, out)
	}
	if st, out := c.refresh(tok["refresh_token"].(string)); st != 200 {
		t.Fatalf("refresh after restart: %d %v", st, out)
	}
	// The client registered before the restart can sign in again.
	c.http = newBrowser(c.redirect)
	if tok := c.fullLogin(); tok["access_token"] == nil {
		t.Fatal("no token after restart")
	}
	// Upstream tokens are sealed at rest.
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		b, _ := os.ReadFile(dir + "/" + f.Name())
		for _, s := range idp.Secrets() {
			if strings.Contains(string(b), s) {
				t.Errorf("store file %s holds an upstream secret in the clear", f.Name())
			}
		}
	}
}

func callWho(t *testing.T, base, token string) (int, string) {
	req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
