package presets

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

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// standin is a loopback stand-in for a provider's HTTP API: handlers by
// "METHOD /path", a call counter per route, and helpers shared by the
// per-provider tests.
type standin struct {
	t     testing.TB
	srv   *httptest.Server
	mu    sync.Mutex
	calls map[string]*atomic.Int64
	mux   *http.ServeMux
}

func newStandin(t testing.TB) *standin {
	s := &standin{t: t, calls: map[string]*atomic.Int64{}, mux: http.NewServeMux()}
	s.srv = httptest.NewServer(s.mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *standin) URL() string { return s.srv.URL }

func (s *standin) handle(pattern string, h http.HandlerFunc) {
	n := &atomic.Int64{}
	s.mu.Lock()
	s.calls[pattern] = n
	s.mu.Unlock()
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	})
}

func (s *standin) count(pattern string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[pattern].Load()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func bearer(r *http.Request) string {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return tok
}

// tokenEndpoint serves an OAuth token endpoint that expects the client
// credentials in the form (AuthStyleInParams) and the one code, and
// answers with resp.
func tokenEndpoint(t testing.TB, clientID, secret, code string, resp map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("token endpoint: %v", err)
		}
		if _, _, basic := r.BasicAuth(); basic {
			t.Errorf("token endpoint: credentials sent in the Authorization header, the provider wants them in the body")
		}
		if r.PostForm.Get("client_id") != clientID || r.PostForm.Get("client_secret") != secret {
			writeJSON(w, 401, map[string]string{"error": "invalid_client"})
			return
		}
		if r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("code") != code {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, 200, resp)
	}
}

// exchange runs the code exchange the proxy makes, through x/oauth2 with
// the preset's endpoint, and returns the token.
func exchange(t *testing.T, p Preset, clientID, secret, code string) *oauth2.Token {
	t.Helper()
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: p.Endpoint(), Scopes: p.DefaultScopes(), RedirectURL: "http://127.0.0.1:1/auth/callback"}
	tok, err := cfg.Exchange(context.Background(), code, p.AuthCodeOptions()...)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

func authCodeURL(p Preset, clientID string) *url.URL {
	cfg := oauth2.Config{ClientID: clientID, Endpoint: p.Endpoint(), Scopes: p.DefaultScopes(), RedirectURL: "http://127.0.0.1:1/auth/callback"}
	u, _ := url.Parse(cfg.AuthCodeURL("state", p.AuthCodeOptions()...))
	return u
}

func wantInvalid(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("%s: got %v, want an invalid-token error", what, err)
	}
}

func wantUnavailable(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, auth.ErrUnavailable) || errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("%s: got %v, want an unavailable error", what, err)
	}
}

func decodeJSON(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }
