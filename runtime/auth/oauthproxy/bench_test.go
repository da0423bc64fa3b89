package oauthproxy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// staticUpstream is an upstream the benchmarks never call.
type staticUpstream struct{}

func (staticUpstream) Name() string { return "static" }
func (staticUpstream) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: "https://idp.invalid/authorize", TokenURL: "https://idp.invalid/token"}
}
func (staticUpstream) DefaultScopes() []string                  { return []string{"openid"} }
func (staticUpstream) AuthCodeOptions() []oauth2.AuthCodeOption { return nil }
func (staticUpstream) Identity(context.Context, *oauth2.Token) (upstream.Identity, error) {
	return upstream.Identity{Subject: "u"}, nil
}
func (staticUpstream) Revoke(context.Context, *oauth2.Token) error { return nil }

// benchSetup returns a proxy with one public client and one grant.
func benchSetup(b *testing.B) (*Proxy, *client, *grant) {
	p, err := New(Config{Upstream: staticUpstream{}, ClientID: "c", ClientSecret: "s", BaseURL: "https://mcp.example.com"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	ctx := context.Background()
	c := &client{ID: "bench-client", RedirectURIs: []string{"http://127.0.0.1:9/cb"}, GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"}, AuthMethod: authNone}
	if err := p.put(ctx, keyClient+c.ID, c, 0); err != nil {
		b.Fatal(err)
	}
	g := &grant{ID: "bench-grant", ClientID: c.ID, Identity: upstream.Identity{Subject: "user", Email: "a@example.com"}, Resource: p.resource, Created: time.Now()}
	p.sealToken(g, &oauth2.Token{AccessToken: "upstream", RefreshToken: "upstream-r"})
	if err := p.put(ctx, keyGrant+g.ID, g, time.Hour); err != nil {
		b.Fatal(err)
	}
	return p, c, g
}

func postToken(p *Proxy, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	p.serveToken(w, r)
	return w
}

// BenchmarkTokenAuthorizationCode is /token with grant_type
// authorization_code (client PKCE checked, code taken, tokens minted),
// in process, memory store. Run with -cpu 1 for one core.
func BenchmarkTokenAuthorizationCode(b *testing.B) {
	p, c, g := benchSetup(b)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	codes := make([]string, b.N)
	for i := range codes {
		codes[i] = randomToken(32)
		p.put(ctx, keyCode+hashKey(codes[i]), codeRecord{GrantID: g.ID, ClientID: c.ID, RedirectURI: c.RedirectURIs[0], CodeChallenge: challenge}, CodeTTL)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		w := postToken(p, url.Values{"grant_type": {"authorization_code"}, "code": {codes[i]}, "redirect_uri": {c.RedirectURIs[0]}, "code_verifier": {verifier}, "client_id": {c.ID}})
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkTokenRefresh is /token with grant_type refresh_token
// (rotation), each request using the refresh token the previous one
// returned.
func BenchmarkTokenRefresh(b *testing.B) {
	p, c, g := benchSetup(b)
	rt := "mcpr_" + randomToken(32)
	p.put(context.Background(), keyRefresh+hashKey(rt), refreshRecord{GrantID: g.ID, ClientID: c.ID, Expires: time.Now().Add(time.Hour)}, time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		w := postToken(p, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {c.ID}})
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
		var out struct {
			RefreshToken string `json:"refresh_token"`
		}
		json.Unmarshal(w.Body.Bytes(), &out)
		rt = out.RefreshToken
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkVerifyCold verifies a proxy-minted access token seen for the
// first time (signature, claims, grant lookup); BenchmarkVerifyCached
// the same token again (signature result cached, grant looked up).
func BenchmarkVerifyCold(b *testing.B) {
	p, _, g := benchSetup(b)
	toks := make([]string, b.N)
	for i := range toks {
		toks[i], _, _ = p.mintAccess(g, []string{"read"})
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Verify(ctx, toks[i]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	p, _, g := benchSetup(b)
	tok, _, _ := p.mintAccess(g, []string{"read"})
	ctx := context.Background()
	p.Verify(ctx, tok)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMCP measures a POST to a protected /mcp through the bearer
// middleware (to a handler that does nothing), request i carrying
// token(i).
func benchMCP(b *testing.B, p *Proxy, token func(i int) string) {
	mw := auth.Middleware(p, auth.MiddlewareConfig{Paths: []string{"/mcp"}})
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader("{}"))
		r.Header.Set("Authorization", "Bearer "+token(i))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkMCPVerifyCold(b *testing.B) {
	p, _, g := benchSetup(b)
	toks := make([]string, b.N)
	for i := range toks {
		toks[i], _, _ = p.mintAccess(g, nil)
	}
	benchMCP(b, p, func(i int) string { return toks[i] })
}

func BenchmarkMCPVerifyCached(b *testing.B) {
	p, _, g := benchSetup(b)
	tok, _, _ := p.mintAccess(g, nil)
	benchMCP(b, p, func(int) string { return tok })
}
