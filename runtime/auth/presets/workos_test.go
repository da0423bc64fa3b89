package presets

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// workosStandin is shaped like an AuthKit domain's OAuth endpoints:
// /oauth2/token and /oauth2/userinfo.
func newWorkOSStandin(t *testing.T) *standin {
	s := newStandin(t)
	s.handle("POST /oauth2/token", tokenEndpoint(t, "client_01STANDIN", "sk_test_standin", "the-code", map[string]any{
		"access_token": "workos-access", "refresh_token": "workos-refresh", "token_type": "Bearer", "expires_in": 300}))
	s.handle("GET /oauth2/userinfo", func(w http.ResponseWriter, r *http.Request) {
		switch bearer(r) {
		case "workos-access":
			writeJSON(w, 200, map[string]any{"sub": "user_01HXYZ", "email": "alice@example.com", "email_verified": true,
				"given_name": "Alice", "family_name": "Liddell", "org_id": "org_01ABC"})
		case "workos-down":
			writeJSON(w, 500, map[string]string{"error": "server_error"})
		default:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		}
	})
	return s
}

func TestWorkOS(t *testing.T) {
	s := newWorkOSStandin(t)
	p, err := NewWorkOS(WorkOSOptions{Options: Options{ClientID: "client_01STANDIN", ClientSecret: "sk_test_standin", CacheTTL: time.Hour}, AuthKitDomain: s.URL()})
	if err != nil {
		t.Fatal(err)
	}
	u := authCodeURL(p, "client_01STANDIN")
	if got := u.Scheme + "://" + u.Host + u.Path; got != s.URL()+"/oauth2/authorize" {
		t.Errorf("authorize URL %s", got)
	}
	tok := exchange(t, p, "client_01STANDIN", "sk_test_standin", "the-code")
	id, err := p.Identity(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "user_01HXYZ" || id.Email != "alice@example.com" || id.Name != "Alice Liddell" || id.Claims["org_id"] != "org_01ABC" || id.Claims["email_verified"] != true {
		t.Errorf("identity %+v", id)
	}
	at, err := p.Verify(context.Background(), "workos-access")
	if err != nil {
		t.Fatal(err)
	}
	if at.Subject != "user_01HXYZ" || at.Issuer != s.URL() || at.Claims["email"] != "alice@example.com" || at.Email != "alice@example.com" || at.Name != "Alice Liddell" {
		t.Errorf("access token %+v", at)
	}
	n := s.count("GET /oauth2/userinfo")
	p.Verify(context.Background(), "workos-access")
	if s.count("GET /oauth2/userinfo") != n {
		t.Error("cached token checked again")
	}
	_, err = p.Verify(context.Background(), "revoked-or-foreign")
	wantInvalid(t, err, "token userinfo refuses")
	_, err = p.Verify(context.Background(), "workos-down")
	wantUnavailable(t, err, "userinfo down")

	bare, err := NewWorkOS(WorkOSOptions{Options: Options{ClientID: "c"}, AuthKitDomain: "acme.authkit.app"})
	if err != nil || bare.Endpoint().TokenURL != "https://acme.authkit.app/oauth2/token" {
		t.Errorf("bare domain: %v %+v", err, bare)
	}
	if _, err := NewWorkOS(WorkOSOptions{Options: Options{ClientID: "c"}}); err == nil {
		t.Error("no AuthKit domain accepted")
	}
}
