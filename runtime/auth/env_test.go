package auth_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

func TestFromEnvJWT(t *testing.T) {
	clearAuthEnv(t)
	rk, _, _ := testKeys()
	pemFile := filepath.Join(t.TempDir(), "pub.pem")
	os.WriteFile(pemFile, rk.PublicPEM(), 0o600)
	escaped := strings.ReplaceAll(string(rk.PublicPEM()), "\n", `\n`)
	for name, pub := range map[string]string{"file": pemFile, "escaped text": escaped, "text": string(rk.PublicPEM())} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("MCPGEN_AUTH_BASE_URL", "https://mcp.example.com")
			t.Setenv("MCPGEN_AUTH_JWT_PUBLIC_KEY", pub)
			t.Setenv("MCPGEN_AUTH_JWT_ISSUER", testIssuer)
			t.Setenv("MCPGEN_AUTH_REQUIRED_SCOPES", "read, write")
			p, err := auth.FromEnv("jwt")
			if err != nil {
				t.Fatal(err)
			}
			md := p.Metadata()
			if md.Resource != testResource || strings.Join(md.AuthorizationServers, ",") != testIssuer || strings.Join(p.RequiredScopes(), " ") != "read write" {
				t.Fatalf("metadata %+v required %v", md, p.RequiredScopes())
			}
			if _, err := p.Verify(context.Background(), rk.MustSign(t, claims(nil))); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFromEnvRemote(t *testing.T) {
	clearAuthEnv(t)
	srv := newIntrospectionServer(t, map[string]map[string]any{"tok": {"active": true, "sub": "alice", "aud": testResource}})
	t.Setenv("MCPGEN_AUTH_BASE_URL", "https://mcp.example.com")
	t.Setenv("MCPGEN_AUTH_AUTHORIZATION_SERVERS", "https://as1.example.com, https://as2.example.com")
	t.Setenv("MCPGEN_AUTH_INTROSPECTION_URL", srv.URL)
	t.Setenv("MCPGEN_AUTH_INTROSPECTION_CLIENT_ID", "rs-client")
	t.Setenv("MCPGEN_AUTH_INTROSPECTION_CLIENT_SECRET", "s3cret%x")
	p, err := auth.FromEnv("remote")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Metadata().AuthorizationServers, " "); got != "https://as1.example.com https://as2.example.com" {
		t.Fatalf("authorization servers %q", got)
	}
	if tok, err := p.Verify(context.Background(), "tok"); err != nil || tok.Subject != "alice" {
		t.Fatalf("%+v %v", tok, err)
	}
	// An option overrides the environment.
	_, err = auth.FromEnv("remote", auth.WithAuthorizationServers("http://as.example.com"))
	if err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Fatalf("err = %v", err)
	}
}

func TestFromEnvErrors(t *testing.T) {
	rk, _, _ := testKeys()
	tests := []struct {
		mode string
		env  map[string]string
		want string
	}{
		{"jwt", map[string]string{"MCPGEN_AUTH_JWT_JWKS_URI": "https://idp/jwks"}, "set MCPGEN_AUTH_JWT_ISSUER or pass auth.WithIssuer"},
		{"jwt", map[string]string{"MCPGEN_AUTH_JWT_JWKS_URI": "https://idp/jwks", "MCPGEN_AUTH_JWT_ISSUER": "https://idp"}, "MCPGEN_AUTH_BASE_URL"},
		{"jwt", map[string]string{"MCPGEN_AUTH_JWT_JWKS_URI": "https://idp/jwks", "MCPGEN_AUTH_JWT_ISSUER": "https://idp", "MCPGEN_AUTH_JWT_AUDIENCE": "api"}, "set MCPGEN_AUTH_BASE_URL or pass auth.WithBaseURL"},
		{"jwt", map[string]string{"MCPGEN_AUTH_JWT_PUBLIC_KEY": "/nonexistent.pem", "MCPGEN_AUTH_JWT_ISSUER": "https://idp"}, "MCPGEN_AUTH_JWT_PUBLIC_KEY"},
		{"jwt", map[string]string{"MCPGEN_AUTH_JWT_PUBLIC_KEY": string(rk.PublicPEM()), "MCPGEN_AUTH_JWT_ISSUER": "https://idp", "MCPGEN_AUTH_BASE_URL": "ftp://x"}, "MCPGEN_AUTH_BASE_URL"},
		{"jwt", map[string]string{"MCPGEN_AUTH_REQUIRED_SCOPES": `a"b`}, "MCPGEN_AUTH_REQUIRED_SCOPES"},
		{"remote", map[string]string{"MCPGEN_AUTH_AUTHORIZATION_SERVERS": "https://as"}, "MCPGEN_AUTH_INTROSPECTION_URL"},
		{"static", map[string]string{"MCPGEN_AUTH_STATIC_TOKENS": `{"t":{"bogus":1}}`}, "MCPGEN_AUTH_STATIC_TOKENS"},
		{"static", map[string]string{"MCPGEN_AUTH_STATIC_TOKENS": `{"t":{}}`, "MCPGEN_HOST": "0.0.0.0"}, "auth.AllowNonLoopback"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			clearAuthEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, err := auth.FromEnv(tt.mode); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFromEnvJWKS(t *testing.T) {
	clearAuthEnv(t)
	_, _, ek := testKeys()
	jwks := authtest.NewJWKS(t, ek)
	t.Setenv("MCPGEN_AUTH_BASE_URL", "https://mcp.example.com")
	t.Setenv("MCPGEN_AUTH_JWT_JWKS_URI", jwks.URL)
	t.Setenv("MCPGEN_AUTH_JWT_ISSUER", testIssuer)
	t.Setenv("MCPGEN_AUTH_JWT_AUDIENCE", "api://mcp, "+testResource)
	t.Setenv("MCPGEN_AUTH_JWT_ALGORITHM", "ES256")
	p, err := auth.FromEnv("jwt")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Verify(context.Background(), ek.MustSign(t, claims(func(c authtest.Claims) { c["aud"] = "api://mcp" })))
	if err != nil || tok.Resource != "api://mcp" {
		t.Fatalf("%+v %v", tok, err)
	}
}
