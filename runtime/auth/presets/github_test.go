package presets

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// githubStandin is shaped like GitHub Enterprise Server's documented
// endpoints: /login/oauth/access_token, /api/v3/user, /api/v3/user/emails
// and DELETE /api/v3/applications/{client_id}/token.
type githubStandin struct {
	*standin
	mu      sync.Mutex
	revoked map[string]bool
}

const (
	ghClient = "Iv1.standin"
	ghSecret = "gh-secret-standin"
	ghToken  = "gho_alice_standin"
)

func newGitHubStandin(t testing.TB) *githubStandin {
	g := &githubStandin{standin: newStandin(t), revoked: map[string]bool{}}
	g.handle("POST /login/oauth/access_token", tokenEndpoint(t, ghClient, ghSecret, "the-code",
		map[string]any{"access_token": ghToken, "token_type": "bearer", "scope": "read:user,user:email"}))
	g.handle("GET /api/v3/user", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "application/vnd.github+json" {
			t.Errorf("GET /user: Accept %q", r.Header.Get("Accept"))
		}
		switch tok := bearer(r); {
		case tok == "gho_ratelimited":
			w.Header().Set("X-RateLimit-Remaining", "0")
			writeJSON(w, 403, map[string]string{"message": "API rate limit exceeded"})
		case tok == "gho_down":
			writeJSON(w, 502, map[string]string{"message": "Server Error"})
		case tok == "gho_expiring":
			w.Header().Set("X-OAuth-Scopes", "")
			w.Header().Set("GitHub-Authentication-Token-Expiration", "2001-01-01 00:00:00 UTC")
			writeJSON(w, 200, map[string]any{"id": 7, "login": "old"})
		case tok == "gho_other_app": // alice's token, issued to another app
			w.Header().Set("X-OAuth-Scopes", "read:user")
			writeJSON(w, 200, map[string]any{"login": "alice", "id": 1001})
		case tok == "ghu_app": // a GitHub App user token: no X-OAuth-Scopes
			writeJSON(w, 200, map[string]any{"login": "app-user", "id": 2002, "email": nil})
		case tok == ghToken && !g.isRevoked(tok):
			w.Header().Set("X-OAuth-Scopes", "read:user, user:email")
			writeJSON(w, 200, map[string]any{"login": "alice", "id": 1001, "name": "Alice Liddell", "email": nil,
				"avatar_url": "https://avatars.example/u/1001", "html_url": "https://ghe.example/alice", "company": "Wonderland"})
		default:
			writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
		}
	})
	g.handle("GET /api/v3/user/emails", func(w http.ResponseWriter, r *http.Request) {
		if tok := bearer(r); tok != ghToken && tok != "ghu_app" {
			writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
			return
		}
		writeJSON(w, 200, []map[string]any{
			{"email": "alice@old.example", "primary": false, "verified": true},
			{"email": "alice@example.com", "primary": true, "verified": true},
		})
	})
	g.handle("POST /api/v3/applications/{client}/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if !ok || id != ghClient || secret != ghSecret || r.PathValue("client") != ghClient || decodeJSON(r, &body) != nil ||
			body.AccessToken != ghToken || g.isRevoked(body.AccessToken) {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": 1, "token": body.AccessToken, "scopes": []string{"read:user", "user:email"},
			"app": map[string]any{"client_id": ghClient}, "user": map[string]any{"login": "alice", "id": 1001}})
	})
	g.handle("DELETE /api/v3/applications/{client}/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != ghClient || secret != ghSecret || r.PathValue("client") != ghClient {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if err := decodeJSON(r, &body); err != nil || body.AccessToken == "" {
			writeJSON(w, 422, map[string]string{"message": "Validation Failed"})
			return
		}
		g.mu.Lock()
		g.revoked[body.AccessToken] = true
		g.mu.Unlock()
		w.WriteHeader(204)
	})
	return g
}

func (g *githubStandin) isRevoked(tok string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.revoked[tok]
}

func newTestGitHub(t *testing.T, g *githubStandin, ttl time.Duration) *GitHub {
	p, err := NewGitHub(GitHubOptions{Options: Options{ClientID: ghClient, ClientSecret: ghSecret, CacheTTL: ttl}, BaseURL: g.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGitHubProxyFlow(t *testing.T) {
	g := newGitHubStandin(t)
	p := newTestGitHub(t, g, -1)
	u := authCodeURL(p, ghClient)
	if got := u.Scheme + "://" + u.Host + u.Path; got != g.URL()+"/login/oauth/authorize" {
		t.Errorf("authorize URL %s, want the Enterprise host's /login/oauth/authorize", got)
	}
	if got := u.Query().Get("scope"); got != "read:user user:email" {
		t.Errorf("default scopes %q", got)
	}
	tok := exchange(t, p, ghClient, ghSecret, "the-code")
	id, err := p.Identity(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "1001" || id.Name != "Alice Liddell" || id.Email != "alice@example.com" {
		t.Errorf("identity %+v: want subject 1001 (the numeric id), the name, and the primary verified email", id)
	}
	for k, want := range map[string]string{"login": "alice", "avatar_url": "https://avatars.example/u/1001", "company": "Wonderland"} {
		if id.Claims[k] != want {
			t.Errorf("claim %s = %v, want %q", k, id.Claims[k], want)
		}
	}
	if err := p.Revoke(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if !g.isRevoked(ghToken) {
		t.Fatal("Revoke did not reach DELETE /applications/{client_id}/token")
	}
	if _, err := p.Identity(context.Background(), tok); err == nil {
		t.Fatal("Identity accepted a revoked token")
	}
}

func TestGitHubVerifier(t *testing.T) {
	g := newGitHubStandin(t)
	p := newTestGitHub(t, g, time.Hour)
	ctx := context.Background()
	at, err := p.Verify(ctx, ghToken)
	if err != nil {
		t.Fatal(err)
	}
	if at.Subject != "1001" || at.Issuer != g.URL() || at.Claims["login"] != "alice" || at.Claims["email"] != "alice@example.com" || at.Email != "alice@example.com" || at.Name != "Alice Liddell" {
		t.Errorf("access token %+v", at)
	}
	if !slices.Equal(at.Scopes, []string{"read:user", "user:email"}) {
		t.Errorf("scopes %q, want those of X-OAuth-Scopes", at.Scopes)
	}
	before := g.count("GET /api/v3/user")
	if _, err := p.Verify(ctx, ghToken); err != nil {
		t.Fatal(err)
	}
	if g.count("GET /api/v3/user") != before {
		t.Error("a second Verify within the cache TTL called the user API again")
	}

	app, err := p.Verify(ctx, "ghu_app")
	if err != nil || app.Subject != "2002" || app.Email != "alice@example.com" || len(app.Scopes) != 0 {
		t.Errorf("GitHub App token: %+v, %v: want subject 2002, the primary email from /user/emails, no scopes", app, err)
	}
	wantInvalid(t, func() error { _, err := p.Verify(ctx, "gho_unknown"); return err }(), "unknown token")
	wantInvalid(t, func() error { _, err := p.Verify(ctx, ""); return err }(), "empty token")
	wantInvalid(t, func() error { _, err := p.Verify(ctx, "gho_expiring"); return err }(), "expired token")
	wantUnavailable(t, func() error { _, err := p.Verify(ctx, "gho_ratelimited"); return err }(), "rate limited")
	wantUnavailable(t, func() error { _, err := p.Verify(ctx, "gho_down"); return err }(), "GitHub down")

	// Revoked: refused once the cache entry is gone (no cache here).
	fresh := newTestGitHub(t, g, -1)
	if err := fresh.Revoke(ctx, &oauth2.Token{AccessToken: ghToken}); err != nil {
		t.Fatal(err)
	}
	wantInvalid(t, func() error { _, err := fresh.Verify(ctx, ghToken); return err }(), "revoked token")
}

func TestGitHubDefaults(t *testing.T) {
	p, err := NewGitHub(GitHubOptions{Options: Options{ClientID: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if e := p.Endpoint(); e.AuthURL != "https://github.com/login/oauth/authorize" || e.TokenURL != "https://github.com/login/oauth/access_token" {
		t.Errorf("endpoint %+v", e)
	}
	if p.api != "https://api.github.com" {
		t.Errorf("API %s", p.api)
	}
	ghe, _ := NewGitHub(GitHubOptions{Options: Options{ClientID: "x"}, BaseURL: "https://ghe.example.com/"})
	if ghe.api != "https://ghe.example.com/api/v3" || ghe.Endpoint().TokenURL != "https://ghe.example.com/login/oauth/access_token" {
		t.Errorf("GitHub Enterprise: api %s, endpoint %+v", ghe.api, ghe.Endpoint())
	}
	for _, bad := range []GitHubOptions{{}, {Options: Options{ClientID: "x"}, BaseURL: "http://ghe.example.com"}, {Options: Options{ClientID: "x"}, APIURL: "ftp://x"}} {
		if _, err := NewGitHub(bad); err == nil {
			t.Errorf("NewGitHub(%+v) accepted", bad)
		}
	}
	if got := githubScopes(http.Header{"X-Oauth-Scopes": {" repo,  user:email ,"}}); !slices.Equal(got, []string{"repo", "user:email"}) {
		t.Errorf("githubScopes: %q", got)
	}
	if got := githubExpiry(http.Header{"Github-Authentication-Token-Expiration": {"2026-12-02 04:00:00 UTC"}}); !got.Equal(time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("githubExpiry: %v", got)
	}
	if strings.Contains(p.Name(), " ") || p.Name() != "github" {
		t.Error(p.Name())
	}
}

func TestGitHubAppTokensOnly(t *testing.T) {
	g := newGitHubStandin(t)
	ctx := context.Background()
	loose := newTestGitHub(t, g, -1)
	if _, err := loose.Verify(ctx, "gho_other_app"); err != nil {
		t.Fatalf("without AppTokensOnly, another app's token of the user is accepted (GitHub tokens have no audience): %v", err)
	}
	p, err := NewGitHub(GitHubOptions{Options: Options{ClientID: ghClient, ClientSecret: ghSecret, CacheTTL: -1}, BaseURL: g.URL(), AppTokensOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	at, err := p.Verify(ctx, ghToken)
	if err != nil || at.ClientID != ghClient || at.Subject != "1001" {
		t.Fatalf("this app's token: %+v, %v", at, err)
	}
	_, err = p.Verify(ctx, "gho_other_app")
	wantInvalid(t, err, "another app's token with AppTokensOnly")
	if _, err := p.Verify(ctx, "gho_down"); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("unknown token: %v", err)
	}
	if _, err := NewGitHub(GitHubOptions{Options: Options{ClientID: ghClient}, AppTokensOnly: true}); err == nil {
		t.Error("AppTokensOnly without the client secret accepted")
	}
}
