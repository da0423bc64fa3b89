package auth_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

const testMetadataURL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

// protectedServer serves an inner handler that reports the verified
// subject behind Middleware, over real HTTP on 127.0.0.1.
func protectedServer(t *testing.T, p auth.Provider, cfg auth.MiddlewareConfig) *httptest.Server {
	t.Helper()
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := auth.TokenFromContext(r.Context())
		if tok == nil {
			io.WriteString(w, "anonymous")
			return
		}
		io.WriteString(w, "hello "+tok.Subject)
	})
	srv := httptest.NewServer(auth.Middleware(p, cfg)(inner))
	t.Cleanup(srv.Close)
	return srv
}

func jwtProvider(t *testing.T, jwks *authtest.JWKS, opts ...auth.Option) *auth.ResourceServer {
	t.Helper()
	v := newJWKSVerifier(t, jwks)
	p, err := auth.NewRemoteAuth(v, append([]auth.Option{auth.WithBaseURL("https://mcp.example.com"), auth.WithAuthorizationServers(testIssuer)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMiddleware(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	plain := protectedServer(t, jwtProvider(t, jwks), auth.MiddlewareConfig{Paths: []string{"/mcp", "/sse", "/messages/"}})
	scoped := protectedServer(t, jwtProvider(t, jwks, auth.WithRequiredScopes("mcp:use")), auth.MiddlewareConfig{Paths: []string{"/mcp"}})

	good := rk.MustSign(t, claims(nil))
	withScope := rk.MustSign(t, claims(func(c authtest.Claims) { c["scope"] = "read mcp:use" }))
	expired := rk.MustSign(t, claims(func(c authtest.Claims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }))
	wrongAud := rk.MustSign(t, claims(func(c authtest.Claims) { c["aud"] = "https://other.example.com/mcp" }))
	none := authtest.Unsigned(claims(nil), rk.ID)

	const md = `resource_metadata="` + testMetadataURL + `"`
	tests := []struct {
		name    string
		srv     *httptest.Server
		method  string
		path    string
		headers []string // Authorization values
		status  int
		www     string // exact WWW-Authenticate; "" means absent
		body    string // substring
	}{
		{"no token", plain, "POST", "/mcp", nil, 401, `Bearer ` + md, "unauthorized"},
		{"no token, required scope", scoped, "POST", "/mcp", nil, 401, `Bearer ` + md + `, scope="mcp:use"`, ""},
		{"wrong scheme", plain, "POST", "/mcp", []string{"Basic YWxpY2U6c2VjcmV0"}, 401, `Bearer ` + md, ""},
		{"empty header", plain, "POST", "/mcp", []string{""}, 400, `Bearer error="invalid_request", error_description="malformed Authorization header: want Bearer and one token", ` + md, ""},
		{"bearer without token", plain, "POST", "/mcp", []string{"Bearer"}, 400, `Bearer error="invalid_request", error_description="malformed Authorization header: want Bearer and one token", ` + md, ""},
		{"bearer with two tokens", plain, "POST", "/mcp", []string{"Bearer " + good + " extra"}, 400, `Bearer error="invalid_request", error_description="malformed Authorization header: want Bearer and one token", ` + md, ""},
		{"bearer glued", plain, "POST", "/mcp", []string{"Bearer" + good}, 400, `Bearer error="invalid_request", error_description="malformed Authorization header: want Bearer and one token", ` + md, ""},
		{"two headers", plain, "POST", "/mcp", []string{"Bearer " + good, "Bearer " + good}, 400, `Bearer error="invalid_request", error_description="malformed Authorization header: want Bearer and one token", ` + md, ""},
		{"token with quote", plain, "POST", "/mcp", []string{`Bearer a"b`}, 400, `Bearer error="invalid_request", error_description="malformed Authorization header: want Bearer and one token", ` + md, ""},
		{"expired", plain, "POST", "/mcp", []string{"Bearer " + expired}, 401, `Bearer error="invalid_token", error_description="token expired", ` + md, "invalid_token"},
		{"wrong audience", plain, "POST", "/mcp", []string{"Bearer " + wrongAud}, 401, `Bearer error="invalid_token", error_description="wrong audience", ` + md, ""},
		{"alg none", plain, "POST", "/mcp", []string{"Bearer " + none}, 401, `Bearer error="invalid_token", error_description="signature algorithm not allowed", ` + md, ""},
		{"query token", plain, "POST", "/mcp?access_token=" + good, nil, 400, `Bearer error="invalid_request", error_description="access tokens are not accepted in the query string: send Authorization: Bearer", ` + md, ""},
		{"query token beside a header", plain, "POST", "/mcp?x=1&ACCESS_TOKEN=" + good, []string{"Bearer " + good}, 400, `Bearer error="invalid_request", error_description="access tokens are not accepted in the query string: send Authorization: Bearer", ` + md, ""},
		{"escaped query token", plain, "POST", "/mcp?access%5Ftoken=" + good, []string{"Bearer " + good}, 400, `Bearer error="invalid_request", error_description="access tokens are not accepted in the query string: send Authorization: Bearer", ` + md, ""},
		{"missing scope", scoped, "POST", "/mcp", []string{"Bearer " + good}, 403, `Bearer error="insufficient_scope", error_description="the token lacks required scopes", ` + md + `, scope="mcp:use"`, "insufficient_scope"},
		{"valid", plain, "POST", "/mcp", []string{"Bearer " + good}, 200, "", "hello alice"},
		{"valid lower-case scheme", plain, "POST", "/mcp", []string{"bearer " + good}, 200, "", "hello alice"},
		{"valid upper-case scheme, extra spaces", plain, "POST", "/mcp", []string{"BEARER   " + good}, 200, "", "hello alice"},
		{"valid with scope", scoped, "POST", "/mcp", []string{"Bearer " + withScope}, 200, "", "hello alice"},
		{"GET stream protected", plain, "GET", "/mcp", nil, 401, `Bearer ` + md, ""},
		{"DELETE protected", plain, "DELETE", "/mcp", nil, 401, `Bearer ` + md, ""},
		{"SSE protected", plain, "GET", "/sse", nil, 401, `Bearer ` + md, ""},
		{"messages protected", plain, "POST", "/messages/?session_id=abc", nil, 401, `Bearer ` + md, ""},
		{"path case", plain, "POST", "/MCP", nil, 401, `Bearer ` + md, ""},
		{"trailing slash", plain, "POST", "/mcp/", nil, 401, `Bearer ` + md, ""},
		{"dot segments", plain, "POST", "/x/../mcp", nil, 401, `Bearer ` + md, ""},
		{"OPTIONS preflight passes", plain, "OPTIONS", "/mcp", nil, 200, "", "anonymous"},
		{"custom route public", plain, "GET", "/health", nil, 200, "", "anonymous"},
		{"well-known public", plain, "GET", "/.well-known/oauth-protected-resource/mcp", nil, 200, "", "anonymous"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.srv.URL+tt.path, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.headers {
				req.Header.Add("Authorization", h)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (body %s)", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != tt.www {
				t.Fatalf("WWW-Authenticate\n got %s\nwant %s", got, tt.www)
			}
			if !strings.Contains(string(body), tt.body) {
				t.Fatalf("body %q lacks %q", body, tt.body)
			}
			if strings.Contains(string(body), good) {
				t.Fatal("response echoes the token")
			}
			if resp.StatusCode >= 400 {
				var e map[string]string
				if err := json.Unmarshal(body, &e); err != nil || e["error"] == "" {
					t.Fatalf("error body %q is not an OAuth error object", body)
				}
				if resp.Header.Get("Cache-Control") != "no-store" {
					t.Fatal("error response may be cached")
				}
			}
		})
	}
}

// TestMiddlewareDefaultProtectsAll: with no paths configured everything
// but the well-known documents needs a token.
func TestMiddlewareDefaultProtectsAll(t *testing.T) {
	st, err := auth.NewStaticTokens(auth.WithStaticTokens(map[string]auth.StaticToken{"dev-token": {Subject: "dev"}}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := auth.NewResourceServer(st, auth.WithBaseURL("http://127.0.0.1:8000"))
	if err != nil {
		t.Fatal(err)
	}
	srv := protectedServer(t, p, auth.MiddlewareConfig{})
	for path, want := range map[string]int{
		"/anything": 401, "/": 401, "/mcp": 401,
		"/.well-known/oauth-protected-resource":     200,
		"/.well-known/oauth-protected-resource/mcp": 200,
		"/.well-known/oauth-authorization-server":   200,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/anything", nil)
	req.Header.Set("Authorization", "Bearer dev-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello dev" {
		t.Fatalf("static token: %d %s", resp.StatusCode, body)
	}
}

func TestMiddlewareVerifierUnavailable(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	jwks.SetStatus(http.StatusInternalServerError)
	srv := protectedServer(t, jwtProvider(t, jwks), auth.MiddlewareConfig{Paths: []string{"/mcp"}})
	req, _ := http.NewRequest("POST", srv.URL+"/mcp", nil)
	req.Header.Set("Authorization", "Bearer "+rk.MustSign(t, claims(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestMiddlewareNeverLogsTokens runs accepted and refused requests with a
// debug logger and looks for any token in the output.
func TestMiddlewareNeverLogsTokens(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := protectedServer(t, jwtProvider(t, jwks, auth.WithRequiredScopes("admin")), auth.MiddlewareConfig{Paths: []string{"/mcp"}, Logger: logger})
	tokens := []string{
		rk.MustSign(t, claims(nil)), // missing scope
		rk.MustSign(t, claims(func(c authtest.Claims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })),
		rk.MustSign(t, claims(func(c authtest.Claims) { c["scope"] = "admin" })), // accepted
		"opaque-garbage-token",
	}
	for _, tok := range tokens {
		req, _ := http.NewRequest("POST", srv.URL+"/mcp", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	if !strings.Contains(out, "insufficient scope") || !strings.Contains(out, "token expired") {
		t.Fatalf("refusals not logged:\n%s", out)
	}
	for _, tok := range tokens {
		sig := tok[strings.LastIndex(tok, ".")+1:]
		if strings.Contains(out, tok) || strings.Contains(out, sig) {
			t.Fatalf("a token appears in the log:\n%s", out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestMiddlewareStreamEndsWithToken: a GET event stream is cancelled when
// the token that opened it expires; a POST (whose answer may be a stream
// too) gets the same deadline.
func TestMiddlewareStreamEndsWithToken(t *testing.T) {
	defer auth.SetStreamGrace(0)()
	st, err := auth.NewStaticTokens(auth.WithStaticTokens(map[string]auth.StaticToken{
		"short": {Subject: "a", ExpiresAt: time.Now().Add(300 * time.Millisecond)},
	}), auth.WithBindHost("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := auth.NewResourceServer(st, auth.WithBaseURL("http://127.0.0.1:8000"))
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, has := r.Context().Deadline()
		if r.Method == http.MethodPost {
			io.WriteString(w, fmt.Sprint("deadline ", has))
			return
		}
		select {
		case <-r.Context().Done():
			io.WriteString(w, "closed")
		case <-time.After(5 * time.Second):
			io.WriteString(w, "outlived the token")
		}
	})
	srv := httptest.NewServer(auth.Middleware(p, auth.MiddlewareConfig{Paths: []string{"/mcp"}})(inner))
	defer srv.Close()
	// POST first: the GET waits for the token to expire.
	for _, tc := range []struct{ method, want string }{{"POST", "deadline true"}, {"GET", "closed"}} {
		method, want := tc.method, tc.want
		req, _ := http.NewRequest(method, srv.URL+"/mcp", nil)
		req.Header.Set("Authorization", "Bearer short")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want {
			t.Fatalf("%s: %q, want %q", method, b, want)
		}
	}
}
