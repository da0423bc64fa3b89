package auth_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

func TestAuthKit(t *testing.T) {
	key := authtest.NewRSAKey("k1")
	jwks := authtest.NewJWKS(t, key)
	domain := strings.TrimSuffix(jwks.URL, "/.well-known/jwks.json") // serves every path
	clearAuthEnv(t)
	if _, err := auth.FromEnv("authkit", auth.WithBaseURL("https://mcp.example.com")); err == nil || !strings.Contains(err.Error(), "MCPGEN_AUTH_AUTHKIT_DOMAIN") {
		t.Fatalf("missing domain: %v", err)
	}
	t.Setenv("MCPGEN_AUTH_AUTHKIT_DOMAIN", domain)
	t.Setenv("MCPGEN_AUTH_BASE_URL", "https://mcp.example.com")
	p, err := auth.FromEnv("authkit")
	if err != nil {
		t.Fatal(err)
	}
	md := p.Metadata()
	if md.Resource != "https://mcp.example.com/mcp" || !slices.Equal(md.AuthorizationServers, []string{domain}) {
		t.Fatalf("metadata %+v", md)
	}
	good := key.MustSign(t, authtest.AccessClaims(domain, "https://mcp.example.com/mcp", "user_1", "openid"))
	if tok, err := p.Verify(context.Background(), good); err != nil || tok.Subject != "user_1" {
		t.Fatalf("AuthKit token: %v %v", tok, err)
	}
	for name, claims := range map[string]authtest.Claims{
		"another audience": authtest.AccessClaims(domain, "https://other.example.com/mcp", "user_1"),
		"another issuer":   authtest.AccessClaims("https://evil.authkit.app", "https://mcp.example.com/mcp", "user_1"),
	} {
		if _, err := p.Verify(context.Background(), key.MustSign(t, claims)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	// The authorization server metadata is forwarded from AuthKit.
	routes := p.Routes()
	var h http.Handler
	for _, r := range routes {
		if r.Method == http.MethodGet && r.Path == "/.well-known/oauth-authorization-server" {
			h = r.Handler
		}
	}
	if h == nil {
		t.Fatalf("no metadata route in %v", routes)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/.well-known/oauth-authorization-server", nil))
	resp, err := http.Get(domain + "/.well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if w.Code != 200 || w.Body.String() != string(want) || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("forwarded metadata: %d %q, want %q", w.Code, w.Body, want)
	}
}
