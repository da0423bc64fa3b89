package presets

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// Options are the settings every preset shares.
type Options struct {
	// ClientID and ClientSecret are the proxy's own OAuth client at the
	// provider (MCPGEN_AUTH_<P>_CLIENT_ID, _CLIENT_SECRET).
	ClientID, ClientSecret string
	// Scopes are asked of the provider; nil means the preset's defaults
	// (MCPGEN_AUTH_<P>_SCOPES).
	Scopes []string
	// HTTPClient makes every call to the provider's APIs (default: a
	// client with a 10-second timeout). Token exchanges go through
	// golang.org/x/oauth2, which the proxy gives this client too.
	HTTPClient *http.Client
	// CacheTTL is how long Verify remembers an opaque token it checked
	// with the provider (default one minute; negative turns it off).
	CacheTTL time.Duration
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// DefaultCacheTTL is how long a verified opaque token is reused.
const DefaultCacheTTL = time.Minute

// maxBody bounds what is read from a provider's API.
const maxBody = 1 << 20

func (o *Options) client() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return auth.HTTPClient(10 * time.Second)
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) scopes(defaults []string) []string {
	if o.Scopes != nil {
		return append([]string(nil), o.Scopes...)
	}
	return append([]string(nil), defaults...)
}

// pick returns the override when set, else the default.
func pick(override, def string) string {
	if override != "" {
		return override
	}
	return def
}

// checkURL accepts absolute https URLs, and http ones on loopback hosts
// (test stand-ins, local development).
func checkURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("presets: %s %q: %w", what, raw, err)
	}
	if u.Host == "" || u.User != nil || u.Fragment != "" || u.RawQuery != "" {
		return fmt.Errorf("presets: %s %q: want an absolute https URL without userinfo, query or fragment", what, raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || strings.EqualFold(host, "localhost") {
			return nil
		}
		return fmt.Errorf("presets: %s %q: plain http is only allowed on loopback hosts", what, raw)
	}
	return fmt.Errorf("presets: %s %q: want an https URL", what, raw)
}

func checkURLs(urls map[string]string) error {
	for what, u := range urls {
		if err := checkURL(what, u); err != nil {
			return err
		}
	}
	return nil
}

// apiError is a failed call to a provider's API.
type apiError struct {
	Status int
	Detail string
}

func (e *apiError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("HTTP %d: %s", e.Status, e.Detail)
	}
	return fmt.Sprintf("HTTP %d", e.Status)
}

// call sends one request to a provider API with the bearer token (empty:
// none) and decodes the JSON answer into out. The token never appears in
// an error.
func call(ctx context.Context, client *http.Client, method, endpoint, bearer string, form url.Values, out any) (http.Header, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return do(client, req, out)
}

func do(client *http.Client, req *http.Request, out any) (http.Header, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp.Header, fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), err)
	}
	if len(raw) > maxBody {
		return resp.Header, fmt.Errorf("%s %s: answer larger than %d bytes", req.Method, redact(req.URL), maxBody)
	}
	if resp.StatusCode/100 != 2 {
		return resp.Header, fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), &apiError{Status: resp.StatusCode, Detail: errorDetail(raw)})
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: answer is not the expected JSON: %v", req.Method, redact(req.URL), err)
		}
	}
	return resp.Header, nil
}

// redact drops the query (Google's tokeninfo takes the token there when
// called with GET; we never do, but a stand-in URL may carry one).
func redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}

// errorDetail extracts the provider's error message (OAuth error,
// GitHub's message), short and printable.
func errorDetail(raw []byte) string {
	var e struct {
		Error            any    `json:"error"`
		ErrorDescription string `json:"error_description"`
		Message          string `json:"message"`
	}
	_ = json.Unmarshal(raw, &e)
	parts := []string{}
	if s, ok := e.Error.(string); ok && s != "" {
		parts = append(parts, s)
	}
	for _, s := range []string{e.ErrorDescription, e.Message} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	d := strings.Join(parts, ": ")
	if len(d) > 200 {
		d = d[:200]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, d)
}

// verifyError turns a failed provider call made to check a token into the
// error a Verifier returns: the provider refusing the token is
// auth.ErrInvalidToken; the provider being down, rate limiting or
// answering something unexpected is auth.ErrUnavailable (the client
// should retry, not sign in again).
func verifyError(err error, hdr http.Header) error {
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.Status == http.StatusTooManyRequests,
			ae.Status == http.StatusForbidden && hdr.Get("X-RateLimit-Remaining") == "0":
			return fmt.Errorf("%w: provider rate limit: %v", auth.ErrUnavailable, err)
		case ae.Status == http.StatusBadRequest, ae.Status == http.StatusUnauthorized,
			ae.Status == http.StatusForbidden, ae.Status == http.StatusNotFound:
			return &auth.TokenError{Reason: "the provider refused the token", Err: err}
		}
	}
	return fmt.Errorf("%w: %v", auth.ErrUnavailable, err)
}

// invalid is an auth.ErrInvalidToken with a reason safe to show clients.
func invalid(reason string) error { return &auth.TokenError{Reason: reason} }

// tokenCache remembers verified opaque tokens by their SHA-256, bounded
// in size; an entry lives for the TTL and never beyond the token's own
// expiry.
type tokenCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[[32]byte]cached
}

type cached struct {
	tok   *auth.AccessToken
	until time.Time
}

const tokenCacheSize = 10000

func newTokenCache(ttl time.Duration) *tokenCache {
	if ttl == 0 {
		ttl = DefaultCacheTTL
	}
	if ttl < 0 {
		return nil
	}
	return &tokenCache{ttl: ttl, m: map[[32]byte]cached{}}
}

func (c *tokenCache) get(token string, now time.Time) *auth.AccessToken {
	if c == nil {
		return nil
	}
	k := sha256.Sum256([]byte(token))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		return nil
	}
	if !now.Before(e.until) {
		delete(c.m, k)
		return nil
	}
	return cloneToken(e.tok)
}

func (c *tokenCache) put(tok *auth.AccessToken, now time.Time) {
	if c == nil {
		return
	}
	until := now.Add(c.ttl)
	if !tok.ExpiresAt.IsZero() && tok.ExpiresAt.Before(until) {
		until = tok.ExpiresAt
	}
	k := sha256.Sum256([]byte(tok.Token))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= tokenCacheSize {
		for key, e := range c.m {
			if !now.Before(e.until) || len(c.m) >= tokenCacheSize*9/10 {
				delete(c.m, key)
			}
		}
	}
	c.m[k] = cached{tok: cloneToken(tok), until: until}
}

func cloneToken(t *auth.AccessToken) *auth.AccessToken {
	c := *t
	c.Scopes = append([]string(nil), t.Scopes...)
	if t.Claims != nil {
		c.Claims = make(map[string]any, len(t.Claims))
		for k, v := range t.Claims {
			c.Claims[k] = v
		}
	}
	return &c
}

// setIf adds a claim when its value is not empty.
func setIf(m map[string]any, name string, v any) {
	switch x := v.(type) {
	case nil:
		return
	case string:
		if x == "" {
			return
		}
	}
	m[name] = v
}

// provider holds what every preset has: its options, the two OAuth
// endpoints, its default scopes and the cache of verified opaque tokens.
// Presets embed it for Endpoint, DefaultScopes and AuthCodeOptions.
type provider struct {
	opts              Options
	authURL, tokenURL string
	defaults          []string
	cache             *tokenCache
}

func newProvider(o Options, authURL, tokenURL string, defaults []string) provider {
	return provider{opts: o, authURL: authURL, tokenURL: tokenURL, defaults: defaults, cache: newTokenCache(o.CacheTTL)}
}

// Endpoint returns the authorize and token URLs. Every preset's provider
// takes the client credentials in the form body.
func (p *provider) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: p.authURL, TokenURL: p.tokenURL, AuthStyle: oauth2.AuthStyleInParams}
}

// DefaultScopes returns the configured scopes, else the preset's
// defaults.
func (p *provider) DefaultScopes() []string { return p.opts.scopes(p.defaults) }

// AuthCodeOptions returns nil: no extra parameters.
func (p *provider) AuthCodeOptions() []oauth2.AuthCodeOption { return nil }

// verifyOpaque is Verify for tokens only the provider can check: the
// cache first, then check (which asks the provider and maps its answer),
// then the expiry.
func (p *provider) verifyOpaque(ctx context.Context, token string, check func(ctx context.Context, token string, now time.Time) (*auth.AccessToken, error)) (*auth.AccessToken, error) {
	if token == "" || len(token) > auth.MaxTokenBytes {
		return nil, invalid("malformed token")
	}
	now := p.opts.now()
	if t := p.cache.get(token, now); t != nil {
		return t, nil
	}
	t, err := check(ctx, token, now)
	if err != nil {
		return nil, err
	}
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return nil, invalid("token expired")
	}
	t.Token = token
	t.Email = pick(t.Email, firstClaim(t.Claims, "email"))
	t.Name = pick(t.Name, firstClaim(t.Claims, "name"))
	p.cache.put(t, now)
	return t, nil
}

// identityClaims are the claims of an access token made from an
// identity: sub, email and name next to the provider's own claims.
func identityClaims(id upstream.Identity) map[string]any {
	c := map[string]any{"sub": id.Subject}
	for k, v := range id.Claims {
		c[k] = v
	}
	setIf(c, "email", id.Email)
	setIf(c, "name", id.Name)
	return c
}

// userinfo is an OpenID Connect userinfo answer (Google, AuthKit): the
// standard claims plus the provider extras the presets keep.
type userinfo struct {
	Sub           string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
	GivenName     string `json:"given_name"`
	FamilyName    string `json:"family_name"`
	Picture       string `json:"picture"`
	Locale        string `json:"locale"`
	HD            string `json:"hd"`     // Google Workspace domain
	OrgID         string `json:"org_id"` // WorkOS organization
}

func fetchUserinfo(ctx context.Context, client *http.Client, endpoint, token string) (userinfo, http.Header, error) {
	var u userinfo
	hdr, err := call(ctx, client, http.MethodGet, endpoint, token, nil, &u)
	if err == nil && u.Sub == "" {
		err = errors.New("userinfo answer has no sub")
	}
	return u, hdr, err
}

func (u userinfo) identity() upstream.Identity {
	c := map[string]any{}
	setIf(c, "picture", u.Picture)
	setIf(c, "locale", u.Locale)
	setIf(c, "given_name", u.GivenName)
	setIf(c, "family_name", u.FamilyName)
	setIf(c, "hd", u.HD)
	setIf(c, "org_id", u.OrgID)
	if u.EmailVerified != nil {
		c["email_verified"] = *u.EmailVerified
	}
	name := u.Name
	if name == "" {
		name = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
	}
	return upstream.Identity{Subject: u.Sub, Email: u.Email, Name: name, Claims: c}
}
