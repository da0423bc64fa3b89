// Package oidctest is a small OpenID provider for the tests of the OAuth
// proxy and the oidc upstream: discovery, an authorization endpoint that
// signs the configured user in at once (PKCE S256 required), a token
// endpoint (authorization_code and refresh_token, client_secret_basic),
// RS256 ID tokens on a JWKS, userinfo and revocation. It records every
// token it issues and every request's extra parameters, so tests can
// assert that none leaks.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// IDP is a running test provider.
type IDP struct {
	URL                    string
	ClientID, ClientSecret string

	// User is who signs in.
	User map[string]any
	// TokenTTL is the lifetime of access tokens (default 1h).
	TokenTTL time.Duration
	// Deny makes /authorize answer error=access_denied.
	Deny bool
	// NoRefreshOnRefresh makes refresh responses carry no new refresh
	// token.
	NoRefreshOnRefresh bool
	// MutateIDToken, when set, changes the claims of ID tokens before
	// they are signed.
	MutateIDToken func(map[string]any)

	srv *httptest.Server
	key *rsa.PrivateKey
	sig jose.Signer

	mu       sync.Mutex
	codes    map[string]codeInfo
	access   map[string]bool
	refresh  map[string]bool
	issued   []string
	revoked  []string
	params   []url.Values // form of every token call
	authzReq []url.Values
}

type codeInfo struct {
	challenge, redirect string
}

// New starts a provider on loopback, stopped when t ends.
func New(t testing.TB) *IDP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	d := &IDP{
		ClientID: "upstream-client", ClientSecret: "UPSTREAM-SECRET-" + rnd(12),
		User:     map[string]any{"sub": "user-42", "email": "ada@example.com", "email_verified": true, "name": "Ada Lovelace", "locale": "en"},
		TokenTTL: time.Hour, key: key, sig: sig,
		codes: map[string]codeInfo{}, access: map[string]bool{}, refresh: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", d.discovery)
	mux.HandleFunc("GET /authorize", d.authorize)
	mux.HandleFunc("POST /token", d.token)
	mux.HandleFunc("GET /userinfo", d.userinfo)
	mux.HandleFunc("GET /jwks", d.jwks)
	mux.HandleFunc("POST /revoke", d.revoke)
	d.srv = httptest.NewServer(mux)
	d.URL = d.srv.URL
	t.Cleanup(d.srv.Close)
	return d
}

// ConfigURL is the discovery document's URL.
func (d *IDP) ConfigURL() string { return d.URL + "/.well-known/openid-configuration" }

// Secrets returns every secret the provider issued or holds: its client
// secret and all access, refresh and ID tokens.
func (d *IDP) Secrets() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string{d.ClientSecret}, d.issued...)
}

// AccessTokens returns the access tokens issued, oldest first.
func (d *IDP) AccessTokens() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, s := range d.issued {
		if strings.HasPrefix(s, "up-at-") {
			out = append(out, s)
		}
	}
	return out
}

// Revoked returns the tokens revoked at /revoke.
func (d *IDP) Revoked() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.revoked...)
}

// TokenCalls returns the forms of every token call.
func (d *IDP) TokenCalls() []url.Values {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]url.Values(nil), d.params...)
}

// AuthorizeCalls returns the queries of every authorization request.
func (d *IDP) AuthorizeCalls() []url.Values {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]url.Values(nil), d.authzReq...)
}

func rnd(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (d *IDP) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"issuer": d.URL, "authorization_endpoint": d.URL + "/authorize", "token_endpoint": d.URL + "/token",
		"userinfo_endpoint": d.URL + "/userinfo", "jwks_uri": d.URL + "/jwks", "revocation_endpoint": d.URL + "/revoke",
		"scopes_supported": []string{"openid", "profile", "email", "offline_access"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic"}, "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (d *IDP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d.mu.Lock()
	d.authzReq = append(d.authzReq, q)
	d.mu.Unlock()
	if q.Get("client_id") != d.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad authorization request", 400)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", 400)
		return
	}
	v := redirect.Query()
	v.Set("state", q.Get("state"))
	if d.Deny {
		v.Set("error", "access_denied")
	} else {
		code := "up-code-" + rnd(16)
		d.mu.Lock()
		d.codes[code] = codeInfo{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		d.mu.Unlock()
		v.Set("code", code)
	}
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (d *IDP) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	d.mu.Lock()
	d.params = append(d.params, r.PostForm)
	d.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	if id, _ = url.QueryUnescape(id); secret != "" {
		secret, _ = url.QueryUnescape(secret)
	}
	if !ok || id != d.ClientID || secret != d.ClientSecret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c, ok := d.codes[r.PostForm.Get("code")]
		delete(d.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || c.redirect != r.PostForm.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, 200, d.issue(true, true))
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !d.refresh[rt] {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		if !d.NoRefreshOnRefresh {
			delete(d.refresh, rt)
		}
		writeJSON(w, 200, d.issue(!d.NoRefreshOnRefresh, false))
	default:
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
	}
}

// issue mints tokens; the caller holds mu.
func (d *IDP) issue(withRefresh, withID bool) map[string]any {
	at := "up-at-" + rnd(24)
	d.access[at] = true
	d.issued = append(d.issued, at)
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(d.TokenTTL / time.Second)}
	if withRefresh {
		rt := "up-rt-" + rnd(24)
		d.refresh[rt] = true
		d.issued = append(d.issued, rt)
		resp["refresh_token"] = rt
	}
	if withID {
		now := time.Now()
		claims := map[string]any{"iss": d.URL, "aud": d.ClientID, "sub": d.User["sub"], "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "email": d.User["email"], "email_verified": true}
		if d.MutateIDToken != nil {
			d.MutateIDToken(claims)
		}
		idt, _ := jwt.Signed(d.sig).Claims(claims).Serialize()
		d.issued = append(d.issued, idt)
		resp["id_token"] = idt
	}
	return resp
}

func (d *IDP) userinfo(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	d.mu.Lock()
	ok := d.access[tok]
	d.mu.Unlock()
	if !ok {
		w.WriteHeader(401)
		return
	}
	writeJSON(w, 200, d.User)
}

func (d *IDP) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &d.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

func (d *IDP) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	tok := r.PostForm.Get("token")
	d.mu.Lock()
	d.revoked = append(d.revoked, tok)
	delete(d.access, tok)
	delete(d.refresh, tok)
	d.mu.Unlock()
	w.WriteHeader(200)
}
