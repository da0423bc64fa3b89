package presets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// AzureOptions configure the Microsoft Entra ID preset.
type AzureOptions struct {
	Options
	// TenantID is the directory (tenant) id, a GUID
	// (MCPGEN_AUTH_AZURE_TENANT_ID). The multi-tenant aliases common,
	// organizations and consumers are refused: tokens from them cannot be
	// pinned to one issuer.
	TenantID string
	// Authority is the sign-in host (default
	// https://login.microsoftonline.com; US Government:
	// https://login.microsoftonline.us, China: https://login.chinacloudapi.cn).
	Authority string
	// GraphURL is Microsoft Graph (default https://graph.microsoft.com;
	// sovereign clouds have their own).
	GraphURL string
	// IdentifierURI prefixes bare scope names (default api://CLIENT_ID):
	// "read" is asked as api://CLIENT_ID/read, the form Entra needs for
	// a scope the app registration exposes. It is also an accepted
	// audience of access tokens in Verify.
	IdentifierURI string
	// AuthURL, TokenURL, JWKSURL and Issuer override the v2 endpoints
	// derived from Authority and TenantID.
	AuthURL, TokenURL, JWKSURL, Issuer string
	// JWTOptions are extra options for the token verifier
	// (auth.WithLeeway, auth.WithJWKSCache, ...).
	JWTOptions []auth.Option
}

// Azure is the Microsoft Entra ID (Azure AD) v2 preset.
type Azure struct {
	provider
	tenant, graph, idURI, jwksURL, issuer string
	jwt                                   *auth.JWTVerifier
}

// AzureDefaultScopes are asked when none are configured: sign-in, a
// refresh token, and Graph's User.Read for job title and office location.
var AzureDefaultScopes = []string{"openid", "profile", "email", "offline_access", "User.Read"}

var tenantRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$`)

// NewAzure checks the options and returns the preset.
func NewAzure(o AzureOptions) (*Azure, error) {
	if o.ClientID == "" {
		return nil, errors.New("presets: azure needs the app registration's client id: set MCPGEN_AUTH_AZURE_CLIENT_ID")
	}
	switch t := strings.ToLower(o.TenantID); {
	case t == "":
		return nil, errors.New("presets: azure needs the directory (tenant) id: set MCPGEN_AUTH_AZURE_TENANT_ID")
	case t == "common" || t == "organizations" || t == "consumers":
		return nil, fmt.Errorf("presets: MCPGEN_AUTH_AZURE_TENANT_ID %q: use your directory (tenant) id; multi-tenant sign-in cannot pin the token issuer", o.TenantID)
	case !tenantRE.MatchString(o.TenantID):
		return nil, fmt.Errorf("presets: MCPGEN_AUTH_AZURE_TENANT_ID %q: not a tenant id", o.TenantID)
	}
	authority := strings.TrimRight(pick(o.Authority, "https://login.microsoftonline.com"), "/")
	a := &Azure{
		provider: newProvider(o.Options, pick(o.AuthURL, authority+"/"+o.TenantID+"/oauth2/v2.0/authorize"),
			pick(o.TokenURL, authority+"/"+o.TenantID+"/oauth2/v2.0/token"), AzureDefaultScopes),
		tenant:  o.TenantID,
		graph:   strings.TrimRight(pick(o.GraphURL, "https://graph.microsoft.com"), "/"),
		idURI:   strings.TrimRight(pick(o.IdentifierURI, "api://"+o.ClientID), "/"),
		jwksURL: pick(o.JWKSURL, authority+"/"+o.TenantID+"/discovery/v2.0/keys"),
		issuer:  pick(o.Issuer, authority+"/"+o.TenantID+"/v2.0"),
	}
	if err := checkURLs(map[string]string{"Azure authority": authority, "Microsoft Graph URL": a.graph, "Azure authorize URL": a.authURL,
		"Azure token URL": a.tokenURL, "Azure JWKS URL": a.jwksURL}); err != nil {
		return nil, err
	}
	jopts := []auth.Option{auth.WithJWKS(a.jwksURL), auth.WithIssuer(a.issuer), auth.WithAudience(o.ClientID, a.idURI),
		auth.WithHTTPClient(a.opts.client())}
	if o.Now != nil {
		jopts = append(jopts, auth.WithClock(o.Now))
	}
	v, err := auth.NewJWTVerifier(append(jopts, o.JWTOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("presets: azure: %w", err)
	}
	a.jwt = v
	return a, nil
}

// Name is "azure".
func (a *Azure) Name() string { return "azure" }

// DefaultScopes returns the configured scopes (bare names prefixed with
// the identifier URI), else AzureDefaultScopes.
func (a *Azure) DefaultScopes() []string {
	out := a.provider.DefaultScopes()
	for i, s := range out {
		out[i] = a.QualifyScope(s)
	}
	return out
}

// QualifyScope turns a bare scope name the app exposes ("read") into the
// identifier-URI form Entra expects (api://CLIENT_ID/read). OpenID
// scopes, Graph scopes (User.Read) and full URIs are left alone.
func (a *Azure) QualifyScope(s string) string {
	switch s {
	case "openid", "profile", "email", "offline_access":
		return s
	}
	if strings.ContainsAny(s, "./:") {
		return s
	}
	return a.idURI + "/" + s
}

// Identity verifies the ID token on the tenant's key set (subject: the
// object id oid, stable across apps, unlike sub) and, when the access
// token may read Graph (User.Read), adds job title and office location
// from /me.
func (a *Azure) Identity(ctx context.Context, tok *oauth2.Token) (upstream.Identity, error) {
	if tok == nil || tok.AccessToken == "" {
		return upstream.Identity{}, errors.New("azure: no access token")
	}
	var id upstream.Identity
	id.Claims = map[string]any{}
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		t, err := a.jwt.Verify(ctx, raw)
		if err != nil {
			return upstream.Identity{}, fmt.Errorf("azure: ID token: %w", err)
		}
		if aud, _ := t.Claims["aud"].(string); aud != a.opts.ClientID {
			return upstream.Identity{}, errors.New("azure: ID token issued to another client")
		}
		c := t.Claims
		id.Subject = firstClaim(c, "oid", "sub")
		id.Email = firstClaim(c, "email", "preferred_username")
		id.Name = firstClaim(c, "name")
		for _, k := range []string{"tid", "preferred_username", "upn", "given_name", "family_name"} {
			setIf(id.Claims, k, c[k])
		}
		for _, k := range []string{"jobTitle", "job_title", "officeLocation", "office_location"} {
			setIf(id.Claims, snake(k), c[k])
		}
	}
	if a.mayReadGraph(tok) {
		me, err := a.me(ctx, tok.AccessToken)
		switch {
		case err == nil && (id.Subject == "" || id.Subject == me.ID):
			id.Subject = me.ID
			id.Email = pick(id.Email, pick(me.Mail, me.UserPrincipalName))
			id.Name = pick(id.Name, me.DisplayName)
			setIf(id.Claims, "job_title", me.JobTitle)
			setIf(id.Claims, "office_location", me.OfficeLocation)
			setIf(id.Claims, "upn", me.UserPrincipalName)
		case err == nil:
			return upstream.Identity{}, errors.New("azure: Graph /me names another user than the ID token")
		case id.Subject == "":
			return upstream.Identity{}, fmt.Errorf("azure: Graph /me: %w", err)
		}
	}
	if id.Subject == "" {
		return upstream.Identity{}, errors.New("azure: no ID token and no Graph access: ask for the openid scope")
	}
	return id, nil
}

func snake(k string) string {
	switch k {
	case "jobTitle":
		return "job_title"
	case "officeLocation":
		return "office_location"
	}
	return k
}

// mayReadGraph reports whether the token response granted a Graph scope.
func (a *Azure) mayReadGraph(tok *oauth2.Token) bool {
	granted, _ := tok.Extra("scope").(string)
	for _, s := range strings.Fields(granted) {
		if strings.EqualFold(s, "User.Read") || strings.HasPrefix(strings.ToLower(s), strings.ToLower(a.graph)+"/") {
			return true
		}
	}
	return false
}

type graphMe struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	Mail              string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName"`
	JobTitle          string `json:"jobTitle"`
	OfficeLocation    string `json:"officeLocation"`
}

func (a *Azure) me(ctx context.Context, token string) (graphMe, error) {
	var me graphMe
	_, err := call(ctx, a.opts.client(), http.MethodGet,
		a.graph+"/v1.0/me?$select=id,displayName,mail,userPrincipalName,jobTitle,officeLocation", token, nil, &me)
	if err == nil && me.ID == "" {
		err = errors.New("answer has no id")
	}
	return me, err
}

// Revoke returns nil: Entra ID has no token revocation endpoint
// (sessions are revoked per user in the directory).
func (a *Azure) Revoke(context.Context, *oauth2.Token) error { return nil }

// Verify checks an Entra v2 access token (resource-server mode): signed
// by a key of the tenant's JWKS, issuer the tenant's v2 issuer, audience
// this app (its client id or identifier URI), and an access token (scp
// or roles), not an ID token. Set accessTokenAcceptedVersion to 2 in the
// app manifest: v1 tokens (issuer https://sts.windows.net/...) are
// refused. The subject is the object id (oid) when present; scopes come
// from scp.
func (a *Azure) Verify(ctx context.Context, token string) (*auth.AccessToken, error) {
	t, err := a.jwt.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if _, ok := t.Claims["scp"]; !ok {
		if _, ok := t.Claims["roles"]; !ok {
			return nil, invalid("not an access token (no scp or roles claim)")
		}
	}
	if oid := firstClaim(t.Claims, "oid"); oid != "" {
		t.Subject = oid
	}
	t.Email = pick(t.Email, firstClaim(t.Claims, "email", "preferred_username", "upn"))
	t.Name = pick(t.Name, firstClaim(t.Claims, "name"))
	return t, nil
}

func firstClaim(c map[string]any, names ...string) string {
	for _, n := range names {
		if s, ok := c[n].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
