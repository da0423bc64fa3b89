package presets

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// googleStandin is shaped like Google's documented endpoints: the token
// endpoint, OpenID userinfo, tokeninfo (numbers as strings, 400
// invalid_token for unknown tokens) and revoke.
type googleStandin struct {
	*standin
	mu      sync.Mutex
	revoked map[string]bool
}

const (
	gClient  = "1234-standin.apps.googleusercontent.com"
	gSecret  = "GOCSPX-standin"
	gToken   = "ya29.alice"
	gRefresh = "1//refresh-alice"
)

func newGoogleStandin(t *testing.T) *googleStandin {
	g := &googleStandin{standin: newStandin(t), revoked: map[string]bool{}}
	g.handle("POST /token", tokenEndpoint(t, gClient, gSecret, "4/the-code", map[string]any{
		"access_token": gToken, "refresh_token": gRefresh, "expires_in": 3599, "token_type": "Bearer",
		"scope":    "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
		"id_token": "eyJ.not-read.by-the-preset"}))
	g.handle("GET /v1/userinfo", func(w http.ResponseWriter, r *http.Request) {
		if tok := bearer(r); tok != gToken || g.isRevoked(tok) {
			writeJSON(w, 401, map[string]string{"error": "invalid_request", "error_description": "Invalid Credentials"})
			return
		}
		writeJSON(w, 200, map[string]any{"sub": "110169484474386276334", "name": "Alice Liddell", "given_name": "Alice",
			"family_name": "Liddell", "picture": "https://lh3.googleusercontent.com/a/alice", "email": "alice@example.com",
			"email_verified": true, "locale": "en-GB", "hd": "example.com"})
	})
	g.handle("POST /tokeninfo", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		tok := r.PostForm.Get("access_token")
		if r.URL.Query().Has("access_token") {
			t.Error("tokeninfo called with the token in the query string")
		}
		exp := time.Now().Add(time.Hour).Unix()
		info := map[string]any{"azp": gClient, "aud": gClient, "sub": "110169484474386276334",
			"scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
			"exp":   strconv.FormatInt(exp, 10), "expires_in": "3599", "email": "alice@example.com", "email_verified": "true", "access_type": "offline"}
		switch {
		case tok == gToken && !g.isRevoked(tok):
		case tok == "ya29.other-app":
			info["aud"], info["azp"] = "999-other.apps.googleusercontent.com", "999-other.apps.googleusercontent.com"
		case tok == "ya29.expired":
			info["exp"] = strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)
		case tok == "ya29.down":
			writeJSON(w, 503, map[string]string{"error": "backendError"})
			return
		default:
			writeJSON(w, 400, map[string]string{"error": "invalid_token", "error_description": "Invalid Value"})
			return
		}
		writeJSON(w, 200, info)
	})
	g.handle("POST /revoke", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		tok := r.PostForm.Get("token")
		if tok != gToken && tok != gRefresh || g.isRevoked(tok) {
			writeJSON(w, 400, map[string]string{"error": "invalid_token"})
			return
		}
		g.mu.Lock()
		g.revoked[gToken], g.revoked[gRefresh] = true, true // revoking the refresh token revokes its access tokens
		g.mu.Unlock()
		w.WriteHeader(200)
	})
	return g
}

func (g *googleStandin) isRevoked(tok string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.revoked[tok]
}

func newTestGoogle(t *testing.T, g *googleStandin, ttl time.Duration) *Google {
	p, err := NewGoogle(GoogleOptions{Options: Options{ClientID: gClient, ClientSecret: gSecret, CacheTTL: ttl},
		AuthURL: g.URL() + "/o/oauth2/v2/auth", TokenURL: g.URL() + "/token", UserinfoURL: g.URL() + "/v1/userinfo",
		TokeninfoURL: g.URL() + "/tokeninfo", RevokeURL: g.URL() + "/revoke"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGoogleProxyFlow(t *testing.T) {
	g := newGoogleStandin(t)
	p := newTestGoogle(t, g, -1)
	u := authCodeURL(p, gClient)
	if u.Query().Get("access_type") != "offline" || u.Query().Get("scope") != "openid email profile" {
		t.Errorf("authorize URL %s: want access_type=offline and the default scopes", u)
	}
	tok := exchange(t, p, gClient, gSecret, "4/the-code")
	id, err := p.Identity(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "110169484474386276334" || id.Email != "alice@example.com" || id.Name != "Alice Liddell" {
		t.Errorf("identity %+v", id)
	}
	if id.Claims["picture"] != "https://lh3.googleusercontent.com/a/alice" || id.Claims["locale"] != "en-GB" || id.Claims["hd"] != "example.com" || id.Claims["email_verified"] != true {
		t.Errorf("claims %v: want picture, locale, hd, email_verified", id.Claims)
	}
	if err := p.Revoke(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if !g.isRevoked(gRefresh) {
		t.Fatal("Revoke did not revoke the refresh token")
	}
	if err := p.Revoke(context.Background(), tok); err != nil {
		t.Errorf("revoking an already revoked token: %v", err)
	}
	if _, err := p.Identity(context.Background(), tok); err == nil {
		t.Fatal("Identity accepted a revoked token")
	}
}

func TestGoogleVerifier(t *testing.T) {
	g := newGoogleStandin(t)
	p := newTestGoogle(t, g, time.Hour)
	ctx := context.Background()
	at, err := p.Verify(ctx, gToken)
	if err != nil {
		t.Fatal(err)
	}
	if at.Subject != "110169484474386276334" || at.ClientID != gClient || at.Issuer != "https://accounts.google.com" || at.ExpiresAt.Before(time.Now()) {
		t.Errorf("access token %+v", at)
	}
	if !slices.Contains(at.Scopes, "openid") || at.Claims["email"] != "alice@example.com" || at.Claims["picture"] == nil || at.Claims["locale"] != "en-GB" || at.Claims["name"] != "Alice Liddell" || at.Email != "alice@example.com" || at.Name != "Alice Liddell" {
		t.Errorf("scopes %q claims %v: want tokeninfo's scopes and email plus userinfo's name, picture, locale", at.Scopes, at.Claims)
	}
	n := g.count("POST /tokeninfo")
	p.Verify(ctx, gToken)
	if g.count("POST /tokeninfo") != n {
		t.Error("cached token checked again")
	}
	_, err = p.Verify(ctx, "ya29.other-app")
	wantInvalid(t, err, "token issued to another client (wrong audience)")
	_, err = p.Verify(ctx, "ya29.expired")
	wantInvalid(t, err, "expired token")
	_, err = p.Verify(ctx, "ya29.unknown")
	wantInvalid(t, err, "unknown token")
	_, err = p.Verify(ctx, "ya29.down")
	wantUnavailable(t, err, "tokeninfo down")

	fresh := newTestGoogle(t, g, -1)
	if err := fresh.Revoke(ctx, exchange(t, fresh, gClient, gSecret, "4/the-code")); err != nil {
		t.Fatal(err)
	}
	_, err = fresh.Verify(ctx, gToken)
	wantInvalid(t, err, "revoked token")
}

func TestGoogleNeedsClientID(t *testing.T) {
	if _, err := NewGoogle(GoogleOptions{}); err == nil {
		t.Fatal("accepted without a client id: the audience check would be empty")
	}
	p, err := NewGoogle(GoogleOptions{Options: Options{ClientID: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Endpoint().AuthURL != "https://accounts.google.com/o/oauth2/v2/auth" || p.Endpoint().TokenURL != "https://oauth2.googleapis.com/token" {
		t.Errorf("%+v", p.Endpoint())
	}
}
