package oauthproxy

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/store"
)

// Token endpoint authentication methods.
const (
	authNone   = "none"
	authPost   = "client_secret_post"
	authBasic  = "client_secret_basic"
	maxRegBody = 64 << 10
	maxNameLen = 200
	maxURIs    = 20
)

// client is a registered (RFC 7591) or metadata-document client.
type client struct {
	ID            string   `json:"client_id"`
	SecretHash    string   `json:"secret_sha256,omitempty"`
	RedirectURIs  []string `json:"redirect_uris"`
	GrantTypes    []string `json:"grant_types"`
	ResponseTypes []string `json:"response_types"`
	AuthMethod    string   `json:"token_endpoint_auth_method"`
	Name          string   `json:"client_name,omitempty"`
	URI           string   `json:"client_uri,omitempty"`
	Scope         string   `json:"scope,omitempty"`
	IssuedAt      int64    `json:"client_id_issued_at"`
	// Document is set for clients whose id is a metadata document URL.
	Document bool `json:"-"`

	redirects []*redirectURI
}

// registration is the RFC 7591 request (and, for metadata documents,
// the document).
type registration struct {
	ClientID      string   `json:"client_id"`
	RedirectURIs  []string `json:"redirect_uris"`
	GrantTypes    []string `json:"grant_types"`
	ResponseTypes []string `json:"response_types"`
	AuthMethod    string   `json:"token_endpoint_auth_method"`
	Name          string   `json:"client_name"`
	URI           string   `json:"client_uri"`
	LogoURI       string   `json:"logo_uri"`
	Scope         string   `json:"scope"`
	ClientSecret  string   `json:"client_secret"`
}

// regError is an RFC 7591 error response.
type regError struct{ code, desc string }

func (e *regError) Error() string { return e.code + ": " + e.desc }

func badMetadata(format string, args ...any) *regError {
	return &regError{"invalid_client_metadata", fmt.Sprintf(format, args...)}
}

// validate turns a registration into a client, applying RFC 7591
// defaults and the proxy's rules.
func (p *Proxy) validate(reg *registration, document bool) (*client, error) {
	c := &client{
		RedirectURIs: reg.RedirectURIs, GrantTypes: reg.GrantTypes, ResponseTypes: reg.ResponseTypes,
		AuthMethod: reg.AuthMethod, Name: strings.TrimSpace(reg.Name), URI: reg.URI, Scope: reg.Scope, Document: document,
	}
	if len(c.RedirectURIs) == 0 {
		return nil, &regError{"invalid_redirect_uri", "redirect_uris is required"}
	}
	if len(c.RedirectURIs) > maxURIs {
		return nil, &regError{"invalid_redirect_uri", fmt.Sprintf("at most %d redirect_uris", maxURIs)}
	}
	for _, raw := range c.RedirectURIs {
		r, err := p.checkRedirect(raw)
		if err != nil {
			return nil, &regError{"invalid_redirect_uri", err.Error()}
		}
		c.redirects = append(c.redirects, r)
	}
	if c.AuthMethod == "" {
		c.AuthMethod = authBasic // RFC 7591 2
		if document {
			c.AuthMethod = authNone
		}
	}
	switch c.AuthMethod {
	case authNone, authPost, authBasic:
	default:
		return nil, badMetadata("token_endpoint_auth_method %q: want none, client_secret_post or client_secret_basic", c.AuthMethod)
	}
	if document && c.AuthMethod != authNone {
		return nil, badMetadata("a client ID metadata document client is public: token_endpoint_auth_method must be none")
	}
	if len(c.GrantTypes) == 0 {
		c.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range c.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return nil, badMetadata("grant_types: %q is not supported (authorization_code and refresh_token are)", g)
		}
	}
	if !slices.Contains(c.GrantTypes, "authorization_code") {
		return nil, badMetadata("grant_types must include authorization_code")
	}
	if len(c.ResponseTypes) == 0 {
		c.ResponseTypes = []string{"code"}
	}
	for _, rt := range c.ResponseTypes {
		if rt != "code" {
			return nil, badMetadata("response_types: %q is not supported (code is)", rt)
		}
	}
	if len(c.Name) > maxNameLen || strings.ContainsFunc(c.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, badMetadata("client_name: at most %d characters, no control characters", maxNameLen)
	}
	if c.URI != "" {
		if u, err := url.Parse(c.URI); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(c.URI) > maxRedirectURILen {
			return nil, badMetadata("client_uri must be an http or https URL")
		}
	}
	if _, err := parseScope(c.Scope); err != nil {
		return nil, badMetadata("scope: %v", err)
	}
	return c, nil
}

// checkRedirect parses a redirect URI and applies the operator's
// allowlist.
func (p *Proxy) checkRedirect(raw string) (*redirectURI, error) {
	r, err := parseRedirectURI(raw, p.callback)
	if err != nil {
		return nil, err
	}
	if p.noRedirs {
		return nil, errors.New("no client redirect URIs are allowed by this server (MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS is empty)")
	}
	if len(p.patterns) > 0 && !slices.ContainsFunc(p.patterns, func(pt *redirectPattern) bool { return pt.match(r) }) {
		return nil, errors.New("redirect URI not allowed by this server's MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS")
	}
	return r, nil
}

// serveRegister is RFC 7591 dynamic client registration.
func (p *Proxy) serveRegister(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		writeJSONError(w, http.StatusBadRequest, "invalid_client_metadata", "send the registration as application/json")
		return
	}
	body, err := runtime.ReadBody(r.Body, r.ContentLength, maxRegBody)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, "invalid_client_metadata", "registration body unreadable or larger than 64 KiB")
		return
	}
	var reg registration
	if err := json.Unmarshal(body, &reg); err != nil {
		writeJSONError(w, http.StatusBadRequest, "invalid_client_metadata", "registration is not a JSON object of the RFC 7591 fields")
		return
	}
	c, err := p.validate(&reg, false)
	if err != nil {
		var re *regError
		errors.As(err, &re)
		p.log.Info("oauthproxy: registration refused", "reason", re.desc)
		writeJSONError(w, http.StatusBadRequest, re.code, re.desc)
		return
	}
	c.ID = randomToken(18)
	c.IssuedAt = p.now().Unix()
	var secret string
	if c.AuthMethod != authNone {
		secret = randomToken(32)
		c.SecretHash = hashSecret(secret)
	}
	if err := p.put(r.Context(), keyClient+c.ID, c, 0); err != nil {
		p.unavailable(w, "registration", err)
		return
	}
	p.log.Info("oauthproxy: client registered", "client", c.ID, "name", c.Name, "auth", c.AuthMethod)
	resp := map[string]any{
		"client_id":                  c.ID,
		"client_id_issued_at":        c.IssuedAt,
		"redirect_uris":              c.RedirectURIs,
		"grant_types":                c.GrantTypes,
		"response_types":             c.ResponseTypes,
		"token_endpoint_auth_method": c.AuthMethod,
	}
	if secret != "" {
		resp["client_secret"] = secret
		resp["client_secret_expires_at"] = 0
	}
	if c.Name != "" {
		resp["client_name"] = c.Name
	}
	if c.URI != "" {
		resp["client_uri"] = c.URI
	}
	if c.Scope != "" {
		resp["scope"] = c.Scope
	}
	writeJSON(w, http.StatusCreated, resp)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// checkSecret compares a presented secret with the stored hash in
// constant time.
func (c *client) checkSecret(secret string) bool {
	if c.SecretHash == "" || secret == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(c.SecretHash)) == 1
}

// errUnknownClient says the client id is neither registered nor a
// metadata document URL.
var errUnknownClient = errors.New("unknown client")

// lookupClient finds a client by id: a metadata document when the id is
// an https URL, else a registration in the store.
func (p *Proxy) lookupClient(ctx context.Context, id string) (*client, error) {
	if id == "" || len(id) > 2048 {
		return nil, errUnknownClient
	}
	if strings.HasPrefix(id, "https://") {
		if p.cimd.opts.Disable {
			return nil, errUnknownClient
		}
		reg, err := p.cimd.fetch(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("%w: client metadata document %s: %v", errUnknownClient, id, err)
		}
		c, err := p.validate(reg, true)
		if err != nil {
			return nil, fmt.Errorf("%w: client metadata document %s: %v", errUnknownClient, id, err)
		}
		c.ID = id
		return c, nil
	}
	if len(id) > store.MaxKeyLen-len(keyClient) {
		return nil, errUnknownClient
	}
	var c client
	if err := p.get(ctx, keyClient+id, &c); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errUnknownClient
		}
		return nil, err
	}
	for _, raw := range c.RedirectURIs {
		r, err := parseRedirectURI(raw, p.callback)
		if err != nil {
			continue
		}
		c.redirects = append(c.redirects, r)
	}
	return &c, nil
}

// redirectFor returns the registered redirect URI that raw selects.
func (p *Proxy) redirectFor(c *client, raw string) (*redirectURI, error) {
	if raw == "" {
		// Required always (OAuth 2.1 allows leaving it out with one
		// registered URI; MCP clients send it, and an explicit value
		// is what the token request is checked against).
		return nil, errors.New("redirect_uri is required")
	}
	req, err := p.checkRedirect(raw)
	if err != nil {
		return nil, err
	}
	for _, reg := range c.redirects {
		if reg.matches(req) {
			return req, nil
		}
	}
	return nil, errors.New("redirect_uri is not registered for this client")
}
