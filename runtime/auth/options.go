package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// Option configures the constructors of this package (NewJWTVerifier,
// NewStaticTokens, NewIntrospector, NewResourceServer, NewRemoteAuth) and
// FromEnv, where options override the MCPGEN_AUTH_* environment. Each
// constructor reads the options that concern it and ignores the rest, so
// one list can configure a verifier and the provider around it.
type Option func(*settings)

type settings struct {
	// Resource server.
	baseURL, mcpPath     string
	requiredScopes       []string
	scopesSupported      []string
	resourceName         string
	authorizationServers []string

	// JWT.
	jwksURI        string
	publicKeyPEM   []byte
	hmacSecret     []byte
	issuer         string
	audiences      []string
	noAudience     bool
	algorithms     []string
	leeway         time.Duration
	jwksTTL        time.Duration
	jwksRefetch    time.Duration
	jwksMaxBytes   int64
	fetchTimeout   time.Duration
	httpClient     *http.Client
	allowHTTP      bool
	tokenCacheSize int
	tokenType      string
	idTokens       bool

	// Static tokens.
	staticTokens     map[string]StaticToken
	bindHost         string
	port             int
	allowNonLoopback bool

	// Introspection.
	introspectionURL, clientID, clientSecret string
	introspectionTTL                         time.Duration

	// The server's store and home (proxy modes).
	storeURL, home string
	store          store.Store

	now    func() time.Time
	logger *slog.Logger
}

// Defaults of the verifiers.
const (
	DefaultLeeway            = 30 * time.Second
	DefaultJWKSCacheTTL      = 10 * time.Minute
	DefaultJWKSRefetch       = 30 * time.Second
	DefaultJWKSMaxBytes      = 1 << 20
	DefaultFetchTimeout      = 5 * time.Second
	DefaultIntrospectionTTL  = 5 * time.Minute
	introspectionCacheLimit  = 10000
	maxJWKSStaleMultiplier   = 6
	defaultIntrospectMaxBody = 1 << 20
)

func newSettings(opts []Option) *settings {
	s := &settings{
		leeway:         DefaultLeeway,
		jwksTTL:        DefaultJWKSCacheTTL,
		jwksRefetch:    DefaultJWKSRefetch,
		jwksMaxBytes:   DefaultJWKSMaxBytes,
		fetchTimeout:   DefaultFetchTimeout,
		now:            time.Now,
		tokenCacheSize: DefaultTokenCacheSize,
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s
}

// WithBaseURL sets the public URL of the server (MCPGEN_AUTH_BASE_URL),
// for example https://mcp.example.com, or https://example.com/api when a
// parent mux mounts the server below /api. The canonical resource URL is
// this plus the MCP path.
func WithBaseURL(u string) Option { return func(s *settings) { s.baseURL = u } }

// WithMCPPath sets the Streamable HTTP path the resource URL ends with
// (default MCPGEN_STREAMABLE_HTTP_PATH, else /mcp). ServerOptions checks
// that it agrees with the server's path.
func WithMCPPath(p string) Option { return func(s *settings) { s.mcpPath = p } }

// WithRequiredScopes sets scopes every request must carry
// (MCPGEN_AUTH_REQUIRED_SCOPES); a token without them gets 403
// insufficient_scope.
func WithRequiredScopes(scopes ...string) Option {
	return func(s *settings) { s.requiredScopes = scopes }
}

// WithScopesSupported sets scopes_supported of the metadata document
// (default: the required scopes plus every scope the server's tools,
// resources and prompts name).
func WithScopesSupported(scopes ...string) Option {
	return func(s *settings) { s.scopesSupported = scopes }
}

// WithResourceName sets resource_name of the metadata document.
func WithResourceName(name string) Option { return func(s *settings) { s.resourceName = name } }

// WithAuthorizationServers names the authorization servers announced in
// the metadata document (MCPGEN_AUTH_AUTHORIZATION_SERVERS).
func WithAuthorizationServers(issuers ...string) Option {
	return func(s *settings) { s.authorizationServers = issuers }
}

// WithJWKS verifies JWTs against the key set at uri
// (MCPGEN_AUTH_JWT_JWKS_URI).
func WithJWKS(uri string) Option { return func(s *settings) { s.jwksURI = uri } }

// WithPublicKeyPEM verifies JWTs against one PEM public key (PKIX "PUBLIC
// KEY", PKCS#1 "RSA PUBLIC KEY" or a certificate)
// (MCPGEN_AUTH_JWT_PUBLIC_KEY).
func WithPublicKeyPEM(pem []byte) Option {
	return func(s *settings) { s.publicKeyPEM = append([]byte(nil), pem...) }
}

// WithHMACSecret verifies HS256/384/512 JWTs with a shared secret of at
// least 32 bytes (MCPGEN_AUTH_JWT_SIGNING_KEY). HS* algorithms are
// accepted only in this mode.
func WithHMACSecret(secret []byte) Option {
	return func(s *settings) { s.hmacSecret = append([]byte(nil), secret...) }
}

// WithIssuer sets the required iss of tokens (MCPGEN_AUTH_JWT_ISSUER).
func WithIssuer(iss string) Option { return func(s *settings) { s.issuer = iss } }

// WithAudience sets the accepted aud values (MCPGEN_AUTH_JWT_AUDIENCE),
// replacing the default, the canonical resource URL.
func WithAudience(aud ...string) Option { return func(s *settings) { s.audiences = aud } }

// WithoutAudienceCheck accepts tokens whatever their audience. Without an
// audience check the server accepts every token its issuer ever minted
// for any other service; use it only when the issuer mints tokens for
// this server alone. There is deliberately no environment variable for it.
func WithoutAudienceCheck() Option { return func(s *settings) { s.noAudience = true } }

// WithAlgorithms narrows the accepted signature algorithms
// (MCPGEN_AUTH_JWT_ALGORITHM). It can only narrow: the algorithms a key
// admits are still derived from its type.
func WithAlgorithms(algs ...string) Option { return func(s *settings) { s.algorithms = algs } }

// WithLeeway sets the clock skew tolerated on exp, nbf and iat (default
// 30s).
func WithLeeway(d time.Duration) Option { return func(s *settings) { s.leeway = d } }

// WithJWKSCache sets how long a fetched key set is used (default 10
// minutes) and the minimum interval between refetches triggered by
// unknown key ids (default 30 seconds).
func WithJWKSCache(ttl, refetchInterval time.Duration) Option {
	return func(s *settings) { s.jwksTTL, s.jwksRefetch = ttl, refetchInterval }
}

// WithHTTPClient sets the client for JWKS and introspection requests
// (default: a client with a 5-second timeout). A copy is used, with the
// package's redirect policy (https or loopback targets only, at most 3
// hops) in front of the client's own CheckRedirect.
func WithHTTPClient(c *http.Client) Option { return func(s *settings) { s.httpClient = c } }

// WithInsecureHTTP allows plain-http JWKS, introspection and authorization
// server URLs on non-loopback hosts (a trusted cluster network).
func WithInsecureHTTP() Option { return func(s *settings) { s.allowHTTP = true } }

// WithStaticTokens sets the tokens of a StaticTokens verifier
// (MCPGEN_AUTH_STATIC_TOKENS).
func WithStaticTokens(tokens map[string]StaticToken) Option {
	return func(s *settings) { s.staticTokens = tokens }
}

// WithBindHost tells the static-token verifier which host the server
// listens on (default MCPGEN_HOST, else 127.0.0.1).
func WithBindHost(host string) Option { return func(s *settings) { s.bindHost = host } }

// AllowNonLoopback lets static tokens protect a server reachable from
// other machines. Static tokens never expire on their own and live in the
// environment: they are meant for development on localhost.
func AllowNonLoopback() Option { return func(s *settings) { s.allowNonLoopback = true } }

// WithIntrospection verifies opaque tokens at an RFC 7662 endpoint with
// client credentials (MCPGEN_AUTH_INTROSPECTION_URL, _CLIENT_ID,
// _CLIENT_SECRET).
func WithIntrospection(endpoint, clientID, clientSecret string) Option {
	return func(s *settings) { s.introspectionURL, s.clientID, s.clientSecret = endpoint, clientID, clientSecret }
}

// WithIntrospectionCacheTTL bounds how long an active introspection result
// is reused (default 5 minutes; never beyond the token's exp).
func WithIntrospectionCacheTTL(d time.Duration) Option {
	return func(s *settings) { s.introspectionTTL = d }
}

// WithRequireAccessTokenType makes the JWT verifier accept only tokens
// whose header says typ "at+jwt" (or "application/at+jwt"), the RFC 9068
// access token profile (MCPGEN_AUTH_JWT_REQUIRE_TYP=true). Without it an
// ID token of the same issuer with the right audience is accepted, since
// many identity providers do not set typ on their access tokens; turn it
// on whenever the issuer sets it (mcpgen's own OAuth proxy does).
func WithRequireAccessTokenType() Option { return WithTokenType("at+jwt") }

// WithTokenType makes a JWTVerifier require the JOSE typ header typ
// (compared as RFC 7515 says: case-insensitive, "application/" optional).
// The OAuth proxy verifies its own access tokens with "at+jwt" (RFC
// 9068), so no other JWT it signs can pass as one.
func WithTokenType(typ string) Option { return func(s *settings) { s.tokenType = typ } }

// ForIDTokens makes a JWTVerifier check OpenID Connect ID tokens instead
// of access tokens: their typ and token_use claims ("ID", "id") are
// accepted. Pair it with WithAudience(the client id); the result's
// Claims are the ID token's.
func ForIDTokens() Option { return func(s *settings) { s.idTokens = true } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }

// WithLogger sets where verifiers and the middleware log (never tokens).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// client is the HTTP client of the JWKS and introspection fetches. A
// redirect is followed only when its target passes the rule the
// configured URL passed (https, or http on loopback) and does not move
// from another host onto this machine, at most maxAuthRedirects times; a
// client given with WithHTTPClient gets the same policy in front of its
// own.
func (s *settings) client() *http.Client {
	c := &http.Client{Timeout: s.fetchTimeout}
	if s.httpClient != nil {
		cp := *s.httpClient
		c = &cp
	}
	next := c.CheckRedirect
	allowHTTP := s.allowHTTP
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(req, via, allowHTTP); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return c
}

// HTTPClient returns an HTTP client for calls to an authorization or
// identity server (discovery, JWKS, userinfo, token, introspection,
// revocation) with the redirect policy of the verifiers' own client: a
// GET may follow a few redirects that keep to https (http only on
// loopback) and do not move onto this machine; a POST, which carries
// credentials, follows none. The OAuth proxy and its upstreams use it
// when they are given no client of their own.
func HTTPClient(timeout time.Duration) *http.Client {
	return (&settings{fetchTimeout: timeout}).client()
}

// maxAuthRedirects bounds the redirects of one JWKS or introspection
// fetch.
const maxAuthRedirects = 3

func checkRedirect(req *http.Request, via []*http.Request, allowHTTP bool) error {
	if len(via) > maxAuthRedirects {
		return fmt.Errorf("auth: stopped after %d redirects", maxAuthRedirects)
	}
	if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
		// A POST to an auth endpoint carries a credential (the token to
		// introspect, a code, a refresh token, a client secret); a 307 or
		// 308 would send it again to wherever the answer points.
		return fmt.Errorf("auth: refused to follow a redirect of a %s to %s: it would send its credentials again", m, via[0].URL.Redacted())
	}
	if err := checkEndpointURL("redirect target", req.URL.String(), allowHTTP); err != nil {
		return fmt.Errorf("auth: refused redirect: %w", err)
	}
	if len(via) > 0 && !isLoopbackHost(via[0].URL.Host) && isLoopbackHost(req.URL.Host) {
		return fmt.Errorf("auth: refused redirect from %s to a loopback host", via[0].URL.Host)
	}
	return nil
}
