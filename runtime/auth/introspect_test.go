package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// introspectionServer answers RFC 7662 requests from a table of token ->
// response, checking the client credentials, and counts calls.
type introspectionServer struct {
	*httptest.Server
	calls     atomic.Int64
	mu        sync.Mutex
	responses map[string]map[string]any
}

func newIntrospectionServer(t *testing.T, responses map[string]map[string]any) *introspectionServer {
	s := &introspectionServer{responses: responses}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		id, secret, ok := r.BasicAuth()
		// RFC 6749 2.3.1: the credentials are form-encoded inside Basic.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if !ok || id != "rs-client" || secret != "s3cret%x" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		r.ParseForm()
		s.mu.Lock()
		resp, ok := s.responses[r.PostForm.Get("token")]
		s.mu.Unlock()
		if !ok {
			resp = map[string]any{"active": false}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestIntrospector(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	srv := newIntrospectionServer(t, map[string]map[string]any{
		"good":      {"active": true, "scope": "read write", "client_id": "app", "sub": "alice", "exp": exp, "aud": testResource, "iss": testIssuer},
		"aud-list":  {"active": true, "sub": "alice", "exp": exp, "aud": []any{"x", testResource}},
		"inactive":  {"active": false, "sub": "alice"},
		"active-s":  {"active": "true", "sub": "alice", "aud": testResource},
		"expired":   {"active": true, "sub": "alice", "exp": time.Now().Add(-time.Minute).Unix(), "aud": testResource},
		"wrong-aud": {"active": true, "sub": "alice", "exp": exp, "aud": "https://other.example.com/mcp"},
		"no-aud":    {"active": true, "sub": "alice", "exp": exp},
		"wrong-iss": {"active": true, "sub": "alice", "exp": exp, "aud": testResource, "iss": "https://evil.example"},
		"refresh":   {"active": true, "sub": "alice", "exp": exp, "aud": testResource, "token_type": "refresh_token"},
	})
	v, err := auth.NewIntrospector(auth.WithIntrospection(srv.URL, "rs-client", "s3cret%x"), auth.WithBaseURL("https://mcp.example.com"), auth.WithIssuer(testIssuer))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ token, err string }{
		{"good", ""},
		{"aud-list", ""},
		{"inactive", "not active"},
		{"unknown", "not active"},
		{"active-s", "not active"},
		{"expired", "expired"},
		{"wrong-aud", "wrong audience"},
		{"no-aud", "wrong audience"},
		{"wrong-iss", "wrong issuer"},
		{"refresh", "not an access token"},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			tok, err := v.Verify(context.Background(), tt.token)
			if tt.err == "" {
				if err != nil || tok.Subject != "alice" || tok.Resource != testResource {
					t.Fatalf("tok %+v err %v", tok, err)
				}
				return
			}
			if err == nil || !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
	tok, err := v.Verify(context.Background(), "good")
	if err != nil || tok.ClientID != "app" || !tok.HasScopes("read", "write") || tok.ExpiresAt.Unix() != exp {
		t.Fatalf("good token mapped to %+v", tok)
	}
}

func TestIntrospectorCache(t *testing.T) {
	clock := newClock()
	exp := clock.Now().Add(2 * time.Minute).Unix()
	srv := newIntrospectionServer(t, map[string]map[string]any{
		"short": {"active": true, "sub": "alice", "exp": exp, "aud": testResource},
		"long":  {"active": true, "sub": "bob", "exp": clock.Now().Add(time.Hour).Unix(), "aud": testResource},
	})
	v, err := auth.NewIntrospector(auth.WithIntrospection(srv.URL, "rs-client", "s3cret%x"), auth.WithAudience(testResource),
		auth.WithClock(clock.Now), auth.WithIntrospectionCacheTTL(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	verify := func(tok string) error { _, err := v.Verify(ctx, tok); return err }
	step := func(name string, err error, wantCalls int64) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := srv.calls.Load(); n != wantCalls {
			t.Fatalf("%s: %d introspection calls, want %d", name, n, wantCalls)
		}
	}
	step("first", verify("short"), 1)
	step("cached", verify("short"), 1)
	// A mutated copy must not poison the cache.
	tok, _ := v.Verify(ctx, "short")
	tok.Scopes = append(tok.Scopes, "admin")
	tok2, _ := v.Verify(ctx, "short")
	if tok2.HasScopes("admin") {
		t.Fatal("cache returned a mutated token")
	}
	// The token's exp bounds the cache: after it the server is asked again
	// (and the token is then expired).
	clock.Advance(3 * time.Minute)
	if err := verify("short"); err == nil {
		t.Fatal("expired token accepted from cache")
	}
	step("long first", verify("long"), 3)
	clock.Advance(9 * time.Minute)
	step("long cached", verify("long"), 3)
	clock.Advance(2 * time.Minute)
	step("long after max TTL", verify("long"), 4)
	// Inactive results are remembered for a few seconds only (a small
	// negative cache against floods of garbage tokens), then asked again.
	verify("nope")
	if err := verify("nope"); err == nil {
		t.Fatal("cached refusal accepted")
	}
	if n := srv.calls.Load(); n != 5 {
		t.Fatalf("inactive result not remembered: %d calls", n)
	}
	clock.Advance(11 * time.Second)
	verify("nope")
	if n := srv.calls.Load(); n != 6 {
		t.Fatalf("inactive result remembered too long: %d calls", n)
	}
	// Concurrent verifications of one new token share one call.
	srv.mu.Lock()
	srv.responses["shared"] = map[string]any{"active": true, "sub": "carol", "exp": clock.Now().Add(time.Hour).Unix(), "aud": testResource}
	srv.mu.Unlock()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); verify("shared") }()
	}
	wg.Wait()
	if n := srv.calls.Load(); n > 7+1 {
		// Goroutines that arrive after the first call finished hit the cache.
		t.Fatalf("20 concurrent verifications made %d calls", n-6)
	}
}

func TestIntrospectorUnavailable(t *testing.T) {
	srv := newIntrospectionServer(t, nil)
	v, err := auth.NewIntrospector(auth.WithIntrospection(srv.URL, "rs-client", "wrong"), auth.WithAudience(testResource))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), "x"); !errors.Is(err, auth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

func TestNewIntrospectorErrors(t *testing.T) {
	tests := []struct {
		opts []auth.Option
		want string
	}{
		{nil, "MCPGEN_AUTH_INTROSPECTION_URL"},
		{[]auth.Option{auth.WithIntrospection("https://as/introspect", "", ""), auth.WithAudience("a")}, "MCPGEN_AUTH_INTROSPECTION_CLIENT_ID"},
		{[]auth.Option{auth.WithIntrospection("http://as.example.com/introspect", "a", "b"), auth.WithAudience("a")}, "plain http"},
		{[]auth.Option{auth.WithIntrospection("https://as/introspect", "a", "b")}, "audience"},
	}
	for _, tt := range tests {
		if _, err := auth.NewIntrospector(tt.opts...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
}
