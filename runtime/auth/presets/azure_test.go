package presets

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

// azureStandin is shaped like Entra ID's v2 endpoints for one tenant
// (/{tenant}/oauth2/v2.0/token, /{tenant}/discovery/v2.0/keys) and
// Microsoft Graph's /v1.0/me, with tokens signed by a key of the tenant's
// key set.
type azureStandin struct {
	*standin
	key    *authtest.Key
	issuer string
}

const (
	azTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	azClient = "6731de76-14a6-49ae-97bc-6eba6914391e"
	azSecret = "azure-secret-standin"
	azOID    = "00000000-0000-0000-66f3-3332eca7ea81"
)

func newAzureStandin(t *testing.T) *azureStandin {
	a := &azureStandin{standin: newStandin(t), key: authtest.NewRSAKey("tenant-key")}
	a.issuer = a.URL() + "/" + azTenant + "/v2.0"
	idToken := a.key.MustSign(t, authtest.Claims{"iss": a.issuer, "aud": azClient, "sub": "pairwise-sub", "oid": azOID, "tid": azTenant,
		"name": "Alice Liddell", "preferred_username": "alice@contoso.example", "email": "alice@contoso.example",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(), "ver": "2.0"})
	a.handle("POST /"+azTenant+"/oauth2/v2.0/token", tokenEndpoint(t, azClient, azSecret, "the-code", map[string]any{
		"token_type": "Bearer", "scope": "openid profile email User.Read", "expires_in": 3599,
		"access_token": "graph-access-token-opaque-to-us", "refresh_token": "azure-refresh", "id_token": idToken}))
	a.handle("GET /"+azTenant+"/discovery/v2.0/keys", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"keys":[` + string(a.key.JWK()) + `]}`))
	})
	a.handle("GET /v1.0/me", func(w http.ResponseWriter, r *http.Request) {
		if bearer(r) != "graph-access-token-opaque-to-us" {
			writeJSON(w, 401, map[string]any{"error": map[string]string{"code": "InvalidAuthenticationToken"}})
			return
		}
		if r.URL.Query().Get("$select") == "" {
			t.Error("Graph /me called without $select")
		}
		writeJSON(w, 200, map[string]any{"id": azOID, "displayName": "Alice Liddell", "mail": "alice@contoso.example",
			"userPrincipalName": "alice@contoso.example", "jobTitle": "Chief Curiosity Officer", "officeLocation": "Building 42"})
	})
	return a
}

func newTestAzure(t *testing.T, a *azureStandin, o AzureOptions) *Azure {
	o.Options = Options{ClientID: azClient, ClientSecret: azSecret, Scopes: o.Scopes}
	if o.TenantID == "" {
		o.TenantID = azTenant
	}
	o.Authority, o.GraphURL = a.URL(), a.URL()
	p, err := NewAzure(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// accessClaims are those of a v2 access token for this app's own API.
func (a *azureStandin) accessClaims(aud string) authtest.Claims {
	return authtest.Claims{"iss": a.issuer, "aud": aud, "sub": "pairwise-sub", "oid": azOID, "tid": azTenant, "azp": "client-app",
		"scp": "read write", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(), "ver": "2.0"}
}

func TestAzureProxyFlow(t *testing.T) {
	a := newAzureStandin(t)
	p := newTestAzure(t, a, AzureOptions{})
	u := authCodeURL(p, azClient)
	if got := u.Scheme + "://" + u.Host + u.Path; got != a.URL()+"/"+azTenant+"/oauth2/v2.0/authorize" {
		t.Errorf("authorize URL %s, want the tenant's v2 endpoint", got)
	}
	tok := exchange(t, p, azClient, azSecret, "the-code")
	id, err := p.Identity(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != azOID || id.Email != "alice@contoso.example" || id.Name != "Alice Liddell" {
		t.Errorf("identity %+v: want the object id as subject", id)
	}
	if id.Claims["job_title"] != "Chief Curiosity Officer" || id.Claims["office_location"] != "Building 42" || id.Claims["tid"] != azTenant {
		t.Errorf("claims %v: want job_title and office_location from Graph, tid from the ID token", id.Claims)
	}
	if err := p.Revoke(context.Background(), tok); err != nil {
		t.Error(err)
	}

	// Without a Graph scope granted, the ID token alone makes the identity.
	noGraph := tok.WithExtra(map[string]any{"id_token": tok.Extra("id_token"), "scope": "openid profile"})
	before := a.count("GET /v1.0/me")
	id, err = p.Identity(context.Background(), noGraph)
	if err != nil || id.Subject != azOID || id.Claims["job_title"] != nil || a.count("GET /v1.0/me") != before {
		t.Errorf("identity without User.Read: %+v, %v (Graph called %d times)", id, err, a.count("GET /v1.0/me")-before)
	}

	// An ID token from another tenant, or for another client, is refused.
	other := &azureStandin{standin: a.standin, key: a.key, issuer: a.URL() + "/other-tenant/v2.0"}
	forged := a.key.MustSign(t, authtest.Claims{"iss": other.issuer, "aud": azClient, "sub": "x", "oid": "evil", "exp": time.Now().Add(time.Hour).Unix()})
	if _, err := p.Identity(context.Background(), (&oauth2.Token{AccessToken: "x"}).WithExtra(map[string]any{"id_token": forged})); err == nil {
		t.Error("ID token of another tenant accepted")
	}
	foreign := a.key.MustSign(t, authtest.Claims{"iss": a.issuer, "aud": "api://" + azClient, "sub": "x", "oid": "evil", "exp": time.Now().Add(time.Hour).Unix()})
	if _, err := p.Identity(context.Background(), (&oauth2.Token{AccessToken: "x"}).WithExtra(map[string]any{"id_token": foreign})); err == nil {
		t.Error("ID token whose audience is not the client id accepted")
	}
}

func TestAzureVerifier(t *testing.T) {
	a := newAzureStandin(t)
	p := newTestAzure(t, a, AzureOptions{})
	ctx := context.Background()
	for _, aud := range []string{azClient, "api://" + azClient} {
		at, err := p.Verify(ctx, a.key.MustSign(t, a.accessClaims(aud)))
		if err != nil {
			t.Fatalf("aud %s: %v", aud, err)
		}
		if at.Subject != azOID || !slices.Equal(at.Scopes, []string{"read", "write"}) || at.Issuer != a.issuer || at.ClientID != "client-app" {
			t.Errorf("access token %+v", at)
		}
	}
	bad := map[string]authtest.Claims{}
	c := a.accessClaims(azClient)
	c["iss"] = a.URL() + "/11111111-2222-3333-4444-555555555555/v2.0"
	bad["wrong tenant (issuer)"] = c
	c = a.accessClaims(azClient)
	c["iss"] = "https://sts.windows.net/" + azTenant + "/"
	bad["v1 issuer"] = c
	bad["wrong audience"] = a.accessClaims("https://graph.microsoft.com")
	c = a.accessClaims(azClient)
	delete(c, "scp")
	bad["ID token (no scp or roles)"] = c
	c = a.accessClaims(azClient)
	c["exp"] = time.Now().Add(-time.Hour).Unix()
	bad["expired"] = c
	for name, claims := range bad {
		_, err := p.Verify(ctx, a.key.MustSign(t, claims))
		wantInvalid(t, err, name)
	}
	stranger := authtest.NewRSAKey("tenant-key")
	_, err := p.Verify(ctx, stranger.MustSign(t, a.accessClaims(azClient)))
	wantInvalid(t, err, "signed by a key outside the tenant's key set")
	app := a.accessClaims(azClient)
	delete(app, "scp")
	app["roles"] = []string{"Reports.Read"}
	if _, err := p.Verify(ctx, a.key.MustSign(t, app)); err != nil {
		t.Errorf("app-only token with roles: %v", err)
	}
}

func TestAzureSettings(t *testing.T) {
	a := newAzureStandin(t)
	p := newTestAzure(t, a, AzureOptions{Options: Options{}, IdentifierURI: ""})
	p.opts.Scopes = []string{"openid", "read", "User.Read", "https://graph.microsoft.com/Mail.Read", "api://other/x"}
	want := []string{"openid", "api://" + azClient + "/read", "User.Read", "https://graph.microsoft.com/Mail.Read", "api://other/x"}
	if got := p.DefaultScopes(); !slices.Equal(got, want) {
		t.Errorf("scopes %q, want %q (bare names get the identifier URI)", got, want)
	}
	p.opts.Scopes = nil
	if got := p.DefaultScopes(); !slices.Equal(got, AzureDefaultScopes) {
		t.Errorf("default scopes %q", got)
	}
	for _, tenant := range []string{"common", "organizations", "consumers", "a/b", "x?y"} {
		if _, err := NewAzure(AzureOptions{Options: Options{ClientID: azClient}, TenantID: tenant}); err == nil {
			t.Errorf("tenant %q accepted", tenant)
		}
	}
	if _, err := NewAzure(AzureOptions{Options: Options{ClientID: azClient}}); err == nil {
		t.Error("no tenant accepted")
	}
	gov, err := NewAzure(AzureOptions{Options: Options{ClientID: azClient}, TenantID: azTenant, Authority: "https://login.microsoftonline.us", GraphURL: "https://graph.microsoft.us"})
	if err != nil {
		t.Fatal(err)
	}
	if gov.Endpoint().TokenURL != "https://login.microsoftonline.us/"+azTenant+"/oauth2/v2.0/token" || gov.issuer != "https://login.microsoftonline.us/"+azTenant+"/v2.0" || gov.graph != "https://graph.microsoft.us" {
		t.Errorf("sovereign cloud: %+v %s %s", gov.Endpoint(), gov.issuer, gov.graph)
	}
}
