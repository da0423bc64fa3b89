// Package oauthproxy makes an MCP server its own OAuth 2.1 authorization
// server in front of an upstream identity provider that MCP clients
// cannot use directly (GitHub, Google, Entra ID, WorkOS, any OpenID
// provider without dynamic registration).
//
// MCP clients register with the proxy (RFC 7591, or a client ID metadata
// document), are sent through /authorize and a consent page to the
// upstream provider with the proxy's own client id, PKCE pair and state,
// come back through /auth/callback, and receive tokens minted by the
// proxy (JWT access tokens bound to this server's resource URL, opaque
// rotating refresh tokens). Upstream tokens stay on the server, sealed
// in the store; tool code that calls the provider's API on the user's
// behalf gets them with UpstreamToken.
//
// The upstream is an upstream.Provider: package oidc implements it for
// any OpenID provider; the presets for GitHub, Google, Azure and WorkOS
// register themselves with upstream.Register. Importing this package
// registers the auth modes oidc, github, google, azure and workos, so
// auth.EnvOptions("github") serves them.
package oauthproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
	"github.com/mcpgen/mcpgen/runtime/store"
)

// ConsentMode says when the consent page is shown.
type ConsentMode string

// Consent modes (MCPGEN_AUTH_CONSENT).
const (
	// ConsentAlways shows the page on every authorization (default).
	ConsentAlways ConsentMode = "always"
	// ConsentRemember skips the page when this browser approved the same
	// client, redirect URI and scopes before, except on a cross-site
	// navigation.
	ConsentRemember ConsentMode = "remember"
	// ConsentOff never shows it. A malicious client can then obtain
	// tokens for a signed-in user by sending them a link: use it only
	// when every client is trusted.
	ConsentOff ConsentMode = "off"
)

// Defaults.
const (
	DefaultAccessTokenTTL  = time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	// TransactionTTL bounds the time from /authorize to /auth/callback.
	TransactionTTL = 10 * time.Minute
	// CodeTTL is the lifetime of an authorization code handed to a client.
	CodeTTL = 5 * time.Minute
	// RememberTTL is how long a remembered approval lasts.
	RememberTTL = 30 * 24 * time.Hour
)

// Config configures New.
type Config struct {
	// Upstream is the identity provider (required).
	Upstream upstream.Provider
	// ClientID and ClientSecret are the proxy's own client at the
	// upstream (MCPGEN_AUTH_<P>_CLIENT_ID/_SECRET); ClientID required.
	ClientID, ClientSecret string
	// UpstreamScopes are asked of the upstream (default
	// Upstream.DefaultScopes()).
	UpstreamScopes []string

	// BaseURL is the issuer: the server's public URL
	// (MCPGEN_AUTH_BASE_URL); every endpoint is below it.
	BaseURL string
	// MCPPath is the Streamable HTTP path (default /mcp); the resource
	// is BaseURL + MCPPath.
	MCPPath string
	// RequiredScopes are demanded of every request to the MCP endpoints;
	// ScopesSupported are announced (both default to none).
	RequiredScopes, ScopesSupported []string
	// ResourceName names the server on the consent page.
	ResourceName string

	// Store keeps clients, transactions, codes, grants and keys
	// (default: a new memory store).
	Store store.Store
	// TokenKey signs the access tokens and seals upstream tokens
	// (MCPGEN_AUTH_TOKEN_KEY); empty: generated once and kept in Store.
	TokenKey []byte
	// AccessTokenTTL and RefreshTokenTTL (MCPGEN_AUTH_ACCESS_TOKEN_TTL,
	// MCPGEN_AUTH_REFRESH_TOKEN_TTL; defaults 1h and 720h).
	AccessTokenTTL, RefreshTokenTTL time.Duration
	// Consent is the consent mode (default ConsentAlways).
	Consent ConsentMode
	// AllowedRedirectURIs, when non-nil, are the patterns every client
	// redirect URI must also match (MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS);
	// an empty non-nil slice allows none.
	AllowedRedirectURIs []string
	// CIMD tunes the fetching of client ID metadata documents.
	CIMD CIMDOptions

	// HTTPClient makes the upstream calls (default: 10-second timeout).
	HTTPClient *http.Client
	// Logger receives one line per decision (never a token or secret).
	Logger *slog.Logger
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Proxy is the OAuth proxy: an auth.Provider whose Routes are the
// authorization server's endpoints.
type Proxy struct {
	cfg        Config
	issuer     string // canonical, no trailing slash
	basePath   string // path of the issuer ("" at the root)
	resource   string
	callback   string
	up         upstream.Provider
	oauth      *oauth2.Config
	extra      url.Values // the upstream's extra token parameters
	store      store.Store
	ownsStore  bool
	keys       *keys
	sig        jose.Signer
	verifier   *auth.JWTVerifier
	patterns   []*redirectPattern
	noRedirs   bool
	cimd       *cimdFetcher
	log        *slog.Logger
	now        func() time.Time
	client     *http.Client
	refresher  *http.Client // client plus the extra parameters on refresh
	scopes     []string     // scopes_supported
	cookiePath string
	secure     bool

	refreshMu sync.Mutex // serialises upstream refreshes in this process

	grants     sync.Map // gid -> *cachedGrant
	grantCount atomic.Int64
}

// scopeQualifier is an upstream whose scopes have a provider-specific
// full form (Entra ID: a bare "read" is api://CLIENT_ID/read). Scopes the
// operator sets (MCPGEN_AUTH_<P>_SCOPES) go through it, as the preset's
// own defaults already do.
type scopeQualifier interface{ QualifyScope(string) string }

// New checks cfg and returns the proxy.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstream == nil {
		return nil, errors.New("oauthproxy: no upstream provider")
	}
	name := strings.ToUpper(cfg.Upstream.Name())
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("oauthproxy: the proxy's client at %s is missing: set MCPGEN_AUTH_%s_CLIENT_ID (and _CLIENT_SECRET)", cfg.Upstream.Name(), name)
	}
	if cfg.BaseURL == "" {
		return nil, errors.New("oauthproxy: the issuer URL is missing: set MCPGEN_AUTH_BASE_URL")
	}
	if cfg.MCPPath == "" {
		cfg.MCPPath = runtime.DefaultStreamablePath
	}
	issuer, err := auth.CanonicalResourceURL(cfg.BaseURL, "")
	if err != nil {
		return nil, fmt.Errorf("oauthproxy: MCPGEN_AUTH_BASE_URL: %w", err)
	}
	iu, _ := url.Parse(issuer)
	if iu.Scheme != "https" && !isLoopback(iu.Hostname()) {
		return nil, fmt.Errorf("oauthproxy: MCPGEN_AUTH_BASE_URL %s: an authorization server needs https (http only on loopback hosts)", issuer)
	}
	resource, err := auth.CanonicalResourceURL(cfg.BaseURL, cfg.MCPPath)
	if err != nil {
		return nil, fmt.Errorf("oauthproxy: %w", err)
	}
	switch cfg.Consent {
	case "":
		cfg.Consent = ConsentAlways
	case ConsentAlways, ConsentRemember, ConsentOff:
	default:
		return nil, fmt.Errorf("oauthproxy: MCPGEN_AUTH_CONSENT=%q: want always, remember or off", cfg.Consent)
	}
	if cfg.AccessTokenTTL == 0 {
		cfg.AccessTokenTTL = DefaultAccessTokenTTL
	}
	if cfg.RefreshTokenTTL == 0 {
		cfg.RefreshTokenTTL = DefaultRefreshTokenTTL
	}
	if cfg.AccessTokenTTL < time.Minute || cfg.RefreshTokenTTL < cfg.AccessTokenTTL {
		return nil, fmt.Errorf("oauthproxy: token lifetimes %v (access) and %v (refresh): want access at least 1m and refresh at least access", cfg.AccessTokenTTL, cfg.RefreshTokenTTL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := &Proxy{
		cfg: cfg, issuer: issuer, basePath: iu.Path, resource: resource,
		callback: issuer + "/auth/callback", up: cfg.Upstream,
		log: cfg.Logger, now: cfg.Now, client: cfg.HTTPClient,
		secure: iu.Scheme == "https",
	}
	p.cookiePath = p.basePath + "/"
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.client == nil {
		p.client = auth.HTTPClient(10 * time.Second)
	}
	for _, pat := range cfg.AllowedRedirectURIs {
		rp, err := parsePattern(pat)
		if err != nil {
			return nil, fmt.Errorf("oauthproxy: MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS: %w", err)
		}
		p.patterns = append(p.patterns, rp)
	}
	p.noRedirs = cfg.AllowedRedirectURIs != nil && len(p.patterns) == 0
	scopes := cfg.UpstreamScopes
	if len(scopes) == 0 {
		scopes = cfg.Upstream.DefaultScopes()
	} else if q, ok := cfg.Upstream.(scopeQualifier); ok {
		scopes = slices.Clone(scopes)
		for i, s := range scopes {
			scopes[i] = q.QualifyScope(s)
		}
	}
	p.oauth = &oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Endpoint: cfg.Upstream.Endpoint(), RedirectURL: p.callback, Scopes: scopes,
	}
	if p.oauth.Endpoint.AuthURL == "" || p.oauth.Endpoint.TokenURL == "" {
		return nil, fmt.Errorf("oauthproxy: upstream %s has no authorization or token endpoint", cfg.Upstream.Name())
	}
	p.extra = extraParams(cfg.Upstream.AuthCodeOptions())
	p.refresher = refreshClient(p.client, p.oauth.Endpoint.TokenURL, p.extra)
	p.store = cfg.Store
	if p.store == nil {
		p.store, p.ownsStore = store.NewMemory(store.MemoryOptions{}), true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if p.keys, err = loadKeys(ctx, p.store, cfg.TokenKey); err != nil {
		return nil, err
	}
	if p.sig, err = newSigner(p.keys); err != nil {
		return nil, fmt.Errorf("oauthproxy: %w", err)
	}
	p.verifier, err = auth.NewJWTVerifier(
		auth.WithHMACSecret(p.keys.signing), auth.WithAlgorithms("HS256"),
		auth.WithIssuer(issuer), auth.WithAudience(resource),
		auth.WithTokenType("at+jwt"), auth.WithClock(p.now),
	)
	if err != nil {
		return nil, fmt.Errorf("oauthproxy: %w", err)
	}
	p.scopes = slices.Clone(cfg.RequiredScopes)
	p.SupportScopes(cfg.ScopesSupported...)
	p.cimd = newCIMDFetcher(cfg.CIMD, p.now)
	registerIssuer(p)
	return p, nil
}

// Close releases a store New created itself and forgets the proxy.
func (p *Proxy) Close() error {
	unregisterIssuer(p)
	if p.ownsStore {
		return p.store.Close()
	}
	return nil
}

// Issuer is the proxy's issuer URL.
func (p *Proxy) Issuer() string { return p.issuer }

// Resource is the canonical URL of the MCP endpoint its tokens are for.
func (p *Proxy) Resource() string { return p.resource }

// Metadata is the protected-resource metadata naming the proxy as the
// authorization server.
func (p *Proxy) Metadata() auth.ResourceMetadata {
	return auth.ResourceMetadata{
		Resource:               p.resource,
		AuthorizationServers:   []string{p.issuer},
		ScopesSupported:        slices.Clone(p.scopes),
		BearerMethodsSupported: []string{"header"},
		ResourceName:           p.cfg.ResourceName,
	}
}

// SupportScopes adds scopes to scopes_supported and to the default
// grant; auth.ServerOptions calls it with the scopes the server's tools,
// resources and prompts declare, before the server serves.
func (p *Proxy) SupportScopes(scopes ...string) {
	for _, sc := range scopes {
		if !slices.Contains(p.scopes, sc) {
			p.scopes = append(p.scopes, sc)
		}
	}
}

// RequiredScopes are demanded of every request.
func (p *Proxy) RequiredScopes() []string { return slices.Clone(p.cfg.RequiredScopes) }

// Routes are the authorization server's endpoints, relative to the base
// URL's path (the server sees them below its own root; mounted below a
// prefix, the runtime finds them under it).
func (p *Proxy) Routes() []runtime.Route {
	var rs []runtime.Route
	add := func(h http.HandlerFunc, path string, methods ...string) {
		for _, m := range methods {
			rs = append(rs, runtime.Route{Method: m, Path: path, Handler: h})
		}
	}
	md := p.metadataHandler()
	add(md, "/.well-known/oauth-authorization-server"+p.basePath, http.MethodGet, http.MethodHead, http.MethodOptions)
	add(p.serveRegister, "/register", http.MethodPost, http.MethodOptions)
	add(p.serveAuthorize, "/authorize", http.MethodGet, http.MethodPost)
	add(p.serveConsent, "/consent", http.MethodGet, http.MethodPost)
	add(p.serveCallback, "/auth/callback", http.MethodGet)
	add(p.serveToken, "/token", http.MethodPost, http.MethodOptions)
	add(p.serveRevoke, "/revoke", http.MethodPost, http.MethodOptions)
	return rs
}

// extraParams recovers the parameters of oauth2.AuthCodeOptions (they
// are opaque) by rendering them into an authorization URL, so they can
// be sent on refresh calls too.
func extraParams(opts []oauth2.AuthCodeOption) url.Values {
	if len(opts) == 0 {
		return nil
	}
	c := oauth2.Config{Endpoint: oauth2.Endpoint{AuthURL: "http://x/"}}
	u, err := url.Parse(c.AuthCodeURL("", opts...))
	if err != nil {
		return nil
	}
	q := u.Query()
	for _, std := range []string{"response_type", "client_id", "state", "redirect_uri", "scope"} {
		q.Del(std)
	}
	if len(q) == 0 {
		return nil
	}
	return q
}

// issuers lets UpstreamToken find the proxy that minted a token.
var issuers sync.Map // issuer -> *Proxy

func registerIssuer(p *Proxy)   { issuers.Store(p.issuer, p) }
func unregisterIssuer(p *Proxy) { issuers.CompareAndDelete(p.issuer, p) }
