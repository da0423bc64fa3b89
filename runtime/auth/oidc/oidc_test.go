package oidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth/oidc"
	"github.com/mcpgen/mcpgen/runtime/auth/oidc/oidctest"
)

// signIn runs the provider's code flow by hand and returns its token.
func signIn(t *testing.T, idp *oidctest.IDP, p *oidc.Provider) *oauth2.Token {
	t.Helper()
	cfg := &oauth2.Config{ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, Endpoint: p.Endpoint(), RedirectURL: "http://127.0.0.1:1/cb", Scopes: p.DefaultScopes()}
	v := oauth2.GenerateVerifier()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func newProvider(t *testing.T, idp *oidctest.IDP) *oidc.Provider {
	p, err := oidc.New(context.Background(), oidc.Config{ConfigURL: idp.ConfigURL(), ClientID: idp.ClientID, ClientSecret: idp.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIdentity(t *testing.T) {
	idp := oidctest.New(t)
	p := newProvider(t, idp)
	if got := strings.Join(p.DefaultScopes(), " "); got != "openid profile email offline_access" {
		t.Errorf("default scopes %q", got)
	}
	id, err := p.Identity(context.Background(), signIn(t, idp, p))
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "user-42" || id.Email != "ada@example.com" || id.Name != "Ada Lovelace" || id.Claims["locale"] != "en" {
		t.Fatalf("identity %+v", id)
	}
	if _, ok := id.Claims["aud"]; ok {
		t.Errorf("protocol claims kept: %v", id.Claims)
	}
	if err := p.Revoke(context.Background(), signIn(t, idp, p)); err != nil || len(idp.Revoked()) != 1 {
		t.Fatalf("revoke: %v %v", err, idp.Revoked())
	}
}

func TestIdentityRefusals(t *testing.T) {
	for name, mutate := range map[string]func(map[string]any){
		"ID token for another client":    func(c map[string]any) { c["aud"] = "someone-else" },
		"ID token from another issuer":   func(c map[string]any) { c["iss"] = "https://evil.example.com" },
		"expired ID token":               func(c map[string]any) { c["exp"] = 1 },
		"ID token about another subject": func(c map[string]any) { c["sub"] = "user-43" }, // userinfo says user-42
		"several audiences without azp":  func(c map[string]any) { c["aud"] = []string{"upstream-client", "other"} },
	} {
		t.Run(name, func(t *testing.T) {
			idp := oidctest.New(t)
			idp.MutateIDToken = mutate
			p := newProvider(t, idp)
			if id, err := p.Identity(context.Background(), signIn(t, idp, p)); err == nil {
				t.Fatalf("accepted: %+v", id)
			}
		})
	}
	t.Run("unverified email is not an identity email", func(t *testing.T) {
		idp := oidctest.New(t)
		idp.User["email_verified"] = false
		idp.MutateIDToken = func(c map[string]any) { c["email_verified"] = false }
		p := newProvider(t, idp)
		id, err := p.Identity(context.Background(), signIn(t, idp, p))
		if err != nil || id.Email != "" {
			t.Fatalf("%+v %v", id, err)
		}
	})
}

func TestDiscoveryRefusals(t *testing.T) {
	mix := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"issuer": "https://accounts.example.com", "authorization_endpoint": "https://accounts.example.com/a", "token_endpoint": "https://accounts.example.com/t", "jwks_uri": "https://accounts.example.com/j"})
	}))
	defer mix.Close()
	for _, tc := range []struct{ url, want string }{
		{mix.URL + "/.well-known/openid-configuration", "mix-up"},
		{"http://idp.example.com/.well-known/openid-configuration", "https"},
		{"ftp://127.0.0.1/x", "https"},
	} {
		_, err := oidc.New(context.Background(), oidc.Config{ConfigURL: tc.url, ClientID: "c"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.url, err)
		}
	}
	for _, env := range []map[string]string{
		{},
		{"MCPGEN_AUTH_OIDC_CONFIG_URL": "https://idp.example.com/.well-known/openid-configuration"},
	} {
		_, err := oidc.FromEnv(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "MCPGEN_AUTH_OIDC_") {
			t.Errorf("%v: %v", env, err)
		}
	}
}
