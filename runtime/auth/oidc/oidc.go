// Package oidc is the OAuth proxy's upstream for any OpenID Connect
// provider (Keycloak, Okta, Auth0, Zitadel, Entra ID, Google, ...):
// discovery from the provider's configuration document, the ID token
// verified with go-jose against the provider's JWKS (issuer, audience =
// the proxy's client id, expiry, algorithm from the key type), and the
// userinfo endpoint for the remaining claims.
//
// It registers itself as the upstream preset "oidc" (MCPGEN_AUTH_OIDC_*).
package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

func init() { upstream.Register("oidc", FromEnv) }

// Config configures New.
type Config struct {
	// ConfigURL is the discovery document
	// (https://issuer/.well-known/openid-configuration, or the RFC 8414
	// form); https, or http on a loopback host.
	ConfigURL string
	// ClientID is the proxy's client at the provider: the ID token's
	// audience.
	ClientID, ClientSecret string
	// ExtraParams are sent on the authorization request and on every
	// token call (audience=..., for example).
	ExtraParams url.Values
	// HTTPClient makes the discovery, JWKS and userinfo calls (default:
	// 10-second timeout).
	HTTPClient *http.Client
}

// Provider is an OpenID provider as the OAuth proxy's upstream.
type Provider struct {
	cfg      Config
	doc      discovery
	client   *http.Client
	idTokens *auth.JWTVerifier
	opts     []oauth2.AuthCodeOption
}

type discovery struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	UserinfoEndpoint      string   `json:"userinfo_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	RevocationEndpoint    string   `json:"revocation_endpoint"`
	ScopesSupported       []string `json:"scopes_supported"`
	TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
}

// FromEnv builds the provider from MCPGEN_AUTH_OIDC_CONFIG_URL,
// MCPGEN_AUTH_OIDC_CLIENT_ID, MCPGEN_AUTH_OIDC_CLIENT_SECRET and
// MCPGEN_AUTH_OIDC_EXTRA_PARAMS (a query string such as
// "audience=https://api.example.com").
func FromEnv(getenv func(string) string) (upstream.Provider, error) {
	cfg := Config{
		ConfigURL:    strings.TrimSpace(getenv("MCPGEN_AUTH_OIDC_CONFIG_URL")),
		ClientID:     strings.TrimSpace(getenv("MCPGEN_AUTH_OIDC_CLIENT_ID")),
		ClientSecret: getenv("MCPGEN_AUTH_OIDC_CLIENT_SECRET"),
	}
	if cfg.ConfigURL == "" {
		return nil, errors.New("oidc: set MCPGEN_AUTH_OIDC_CONFIG_URL to the provider's discovery document (https://issuer/.well-known/openid-configuration)")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oidc: set MCPGEN_AUTH_OIDC_CLIENT_ID (and MCPGEN_AUTH_OIDC_CLIENT_SECRET) to the client registered at the provider with redirect URI MCPGEN_AUTH_BASE_URL/auth/callback")
	}
	if v := strings.TrimSpace(getenv("MCPGEN_AUTH_OIDC_EXTRA_PARAMS")); v != "" {
		q, err := url.ParseQuery(v)
		if err != nil {
			return nil, fmt.Errorf("oidc: MCPGEN_AUTH_OIDC_EXTRA_PARAMS: want a query string such as audience=https://api.example.com: %v", err)
		}
		cfg.ExtraParams = q
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return New(ctx, cfg)
}

// New fetches the discovery document and returns the provider.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if err := checkURL("MCPGEN_AUTH_OIDC_CONFIG_URL", cfg.ConfigURL); err != nil {
		return nil, err
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oidc: no client id")
	}
	p := &Provider{cfg: cfg, client: cfg.HTTPClient}
	if p.client == nil {
		p.client = auth.HTTPClient(10 * time.Second)
	}
	if err := p.getJSON(ctx, cfg.ConfigURL, "", &p.doc); err != nil {
		return nil, fmt.Errorf("oidc: discovery at %s: %w", cfg.ConfigURL, err)
	}
	d := &p.doc
	iss := strings.TrimRight(d.Issuer, "/")
	if d.Issuer == "" || (cfg.ConfigURL != iss+"/.well-known/openid-configuration" && cfg.ConfigURL != insertWellKnown(d.Issuer)) {
		return nil, fmt.Errorf("oidc: discovery at %s names the issuer %q, which does not serve it there (mix-up protection)", cfg.ConfigURL, d.Issuer)
	}
	for _, e := range []struct{ name, v string }{
		{"authorization_endpoint", d.AuthorizationEndpoint}, {"token_endpoint", d.TokenEndpoint}, {"jwks_uri", d.JWKSURI},
	} {
		if e.v == "" {
			return nil, fmt.Errorf("oidc: discovery at %s has no %s", cfg.ConfigURL, e.name)
		}
		if err := checkURL(e.name, e.v); err != nil {
			return nil, err
		}
	}
	for _, e := range []struct{ name, v string }{{"userinfo_endpoint", d.UserinfoEndpoint}, {"revocation_endpoint", d.RevocationEndpoint}} {
		if e.v != "" {
			if err := checkURL(e.name, e.v); err != nil {
				return nil, err
			}
		}
	}
	if len(d.CodeChallengeMethods) > 0 && !slices.Contains(d.CodeChallengeMethods, "S256") {
		return nil, fmt.Errorf("oidc: the provider does not support PKCE S256")
	}
	var err error
	p.idTokens, err = auth.NewJWTVerifier(
		auth.WithJWKS(d.JWKSURI), auth.WithIssuer(d.Issuer), auth.WithAudience(cfg.ClientID),
		auth.ForIDTokens(), auth.WithHTTPClient(p.client),
	)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	for k, vs := range cfg.ExtraParams {
		for _, v := range vs {
			p.opts = append(p.opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	return p, nil
}

func insertWellKnown(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host + "/.well-known/openid-configuration" + strings.TrimRight(u.Path, "/")
}

// checkURL accepts https URLs, and http ones on loopback hosts.
func checkURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return fmt.Errorf("oidc: %s %q: want an absolute https URL", what, raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		h := u.Hostname()
		if ip := net.ParseIP(h); h == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
	}
	return fmt.Errorf("oidc: %s %q: want https (http only on loopback hosts)", what, raw)
}

// Name is "oidc".
func (p *Provider) Name() string { return "oidc" }

// Issuer is the provider's issuer.
func (p *Provider) Issuer() string { return p.doc.Issuer }

// Endpoint returns the provider's authorization and token endpoints.
func (p *Provider) Endpoint() oauth2.Endpoint {
	style := oauth2.AuthStyleInHeader
	if m := p.doc.TokenAuthMethods; len(m) > 0 && !slices.Contains(m, "client_secret_basic") && slices.Contains(m, "client_secret_post") {
		style = oauth2.AuthStyleInParams
	}
	return oauth2.Endpoint{AuthURL: p.doc.AuthorizationEndpoint, TokenURL: p.doc.TokenEndpoint, AuthStyle: style}
}

// DefaultScopes are openid, profile and email (and offline_access when
// the provider lists it, so that it issues refresh tokens).
func (p *Provider) DefaultScopes() []string {
	s := []string{"openid", "profile", "email"}
	if slices.Contains(p.doc.ScopesSupported, "offline_access") {
		s = append(s, "offline_access")
	}
	return s
}

// AuthCodeOptions are the configured extra parameters.
func (p *Provider) AuthCodeOptions() []oauth2.AuthCodeOption { return slices.Clone(p.opts) }

// protocolClaims are ID token claims about the token, not the user.
var protocolClaims = []string{"iss", "aud", "exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", "azp", "typ", "sid", "auth_time", "acr", "amr"}

// Identity verifies the ID token of tok (when the provider sent one) and
// merges the userinfo claims (when it has the endpoint). The userinfo
// subject must equal the ID token's.
func (p *Provider) Identity(ctx context.Context, tok *oauth2.Token) (upstream.Identity, error) {
	claims := map[string]any{}
	sub := ""
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		at, err := p.idTokens.Verify(ctx, raw)
		if err != nil {
			return upstream.Identity{}, fmt.Errorf("oidc: ID token: %w", err)
		}
		if aud, ok := at.Claims["aud"].([]any); ok && len(aud) > 1 {
			if azp, _ := at.Claims["azp"].(string); azp != p.cfg.ClientID {
				return upstream.Identity{}, errors.New("oidc: ID token for several audiences without azp naming this client")
			}
		}
		for k, v := range at.Claims {
			claims[k] = v
		}
		sub = at.Subject
	}
	if p.doc.UserinfoEndpoint != "" && tok.AccessToken != "" {
		var ui map[string]any
		if err := p.getJSON(ctx, p.doc.UserinfoEndpoint, tok.AccessToken, &ui); err != nil {
			if sub == "" {
				return upstream.Identity{}, fmt.Errorf("oidc: userinfo: %w", err)
			}
		} else {
			us, _ := ui["sub"].(string)
			if sub != "" && us != sub {
				return upstream.Identity{}, errors.New("oidc: userinfo is about another subject than the ID token")
			}
			sub = us
			for k, v := range ui {
				claims[k] = v
			}
		}
	}
	if sub == "" {
		return upstream.Identity{}, errors.New("oidc: the provider returned neither an ID token nor userinfo with a subject")
	}
	for _, k := range protocolClaims {
		delete(claims, k)
	}
	id := upstream.Identity{Subject: sub, Claims: claims}
	if e, _ := claims["email"].(string); e != "" {
		if v, ok := claims["email_verified"].(bool); !ok || v {
			id.Email = e
		}
	}
	id.Name, _ = claims["name"].(string)
	if id.Name == "" {
		id.Name, _ = claims["preferred_username"].(string)
	}
	return id, nil
}

// Revoke revokes the refresh token (or, without one, the access token)
// at the provider's revocation endpoint, when it has one.
func (p *Provider) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if p.doc.RevocationEndpoint == "" || tok == nil {
		return nil
	}
	form := url.Values{}
	if tok.RefreshToken != "" {
		form.Set("token", tok.RefreshToken)
		form.Set("token_type_hint", "refresh_token")
	} else {
		form.Set("token", tok.AccessToken)
		form.Set("token_type_hint", "access_token")
	}
	ep := p.Endpoint()
	if ep.AuthStyle == oauth2.AuthStyleInParams {
		form.Set("client_id", p.cfg.ClientID)
		form.Set("client_secret", p.cfg.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.doc.RevocationEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ep.AuthStyle != oauth2.AuthStyleInParams {
		req.SetBasicAuth(url.QueryEscape(p.cfg.ClientID), url.QueryEscape(p.cfg.ClientSecret))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("oidc: revocation: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("oidc: revocation: HTTP %d", resp.StatusCode)
	}
	return nil
}

// getJSON fetches a JSON document (at most 1 MiB), with a bearer token
// when given.
func (p *Provider) getJSON(ctx context.Context, u, bearer string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	return nil
}
