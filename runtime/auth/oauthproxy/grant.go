package oauthproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
	"github.com/mcpgen/mcpgen/runtime/store"
)

// Store key prefixes.
const (
	keyClient      = "oauth/client/"
	keyTxn         = "oauth/txn/"
	keyCode        = "oauth/code/"
	keyCodeUsed    = "oauth/code-used/"
	keyGrant       = "oauth/grant/"
	keyRefresh     = "oauth/refresh/"
	keyRefreshUsed = "oauth/refresh-used/"
	keyRemember    = "oauth/consent/"
)

// grant is one user's authorization of one client: the upstream tokens
// (sealed) and identity, and what the proxy issued against it. Deleting
// it revokes every access and refresh token issued for it.
type grant struct {
	ID       string            `json:"id"`
	ClientID string            `json:"client_id"`
	Identity upstream.Identity `json:"identity"`
	Scopes   []string          `json:"scopes,omitempty"`
	Resource string            `json:"resource"`
	Upstream []byte            `json:"upstream"` // sealed oauth2.Token JSON
	Created  time.Time         `json:"created"`
}

// codeRecord is a client authorization code, stored under its hash.
type codeRecord struct {
	GrantID       string   `json:"grant"`
	ClientID      string   `json:"client_id"`
	RedirectURI   string   `json:"redirect_uri"`
	CodeChallenge string   `json:"code_challenge"`
	Scopes        []string `json:"scopes,omitempty"`
}

// refreshRecord is a proxy refresh token, stored under its hash.
type refreshRecord struct {
	GrantID  string    `json:"grant"`
	ClientID string    `json:"client_id"`
	Scopes   []string  `json:"scopes,omitempty"`
	Expires  time.Time `json:"expires"`
}

func (p *Proxy) put(ctx context.Context, key string, v any, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return p.store.Set(ctx, key, b, ttl)
}

func (p *Proxy) get(ctx context.Context, key string, v any) error {
	b, err := p.store.Get(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (p *Proxy) take(ctx context.Context, key string, v any) error {
	b, err := p.store.Take(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (p *Proxy) sealToken(g *grant, tok *oauth2.Token) error {
	b, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	g.Upstream = p.keys.seal(b, "grant:"+g.ID)
	return nil
}

func (p *Proxy) openToken(g *grant) (*oauth2.Token, error) {
	b, err := p.keys.open(g.Upstream, "grant:"+g.ID)
	if err != nil {
		return nil, fmt.Errorf("oauthproxy: the upstream token of grant %s cannot be opened (was MCPGEN_AUTH_TOKEN_KEY changed?)", g.ID)
	}
	var tok oauth2.Token
	if err := json.Unmarshal(b, &tok); err != nil {
		return nil, err
	}
	return &tok, nil
}

// revokeGrant deletes a grant (so every token issued for it stops
// working) and revokes its upstream token, best effort.
func (p *Proxy) revokeGrant(ctx context.Context, id, why string) {
	var g grant
	if err := p.take(ctx, keyGrant+id, &g); err != nil {
		return
	}
	p.log.Info("oauthproxy: grant revoked", "client", g.ClientID, "reason", why)
	if tok, err := p.openToken(&g); err == nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := p.up.Revoke(p.upstreamCtx(rctx), tok); err != nil {
			p.log.Warn("oauthproxy: upstream revocation failed", "upstream", p.up.Name(), "err", err)
		}
	}
}

// accessClaims are the claims of a proxy access token (RFC 9068).
type accessClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`
	IssuedAt int64  `json:"iat"`
	Expiry   int64  `json:"exp"`
	ID       string `json:"jti"`
	Grant    string `json:"gid"`
}

func newSigner(k *keys) (jose.Signer, error) {
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: k.signing},
		(&jose.SignerOptions{}).WithType("at+jwt").WithHeader(jose.HeaderKey("kid"), k.kid))
}

// mintAccess returns a signed access token for g.
func (p *Proxy) mintAccess(g *grant, scopes []string) (string, time.Time, error) {
	now := p.now()
	exp := now.Add(p.cfg.AccessTokenTTL)
	tok, err := jwt.Signed(p.sig).Claims(accessClaims{
		Issuer: p.issuer, Subject: g.Identity.Subject, Audience: p.resource,
		ClientID: g.ClientID, Scope: strings.Join(scopes, " "),
		IssuedAt: now.Unix(), Expiry: exp.Unix(), ID: randomToken(16), Grant: g.ID,
	}).Serialize()
	return tok, exp, err
}

// Verify checks a proxy access token: signature, typ at+jwt, issuer,
// audience (this resource), expiry; then that its grant still exists
// (revocation), whose upstream identity it returns in the token.
func (p *Proxy) Verify(ctx context.Context, token string) (*auth.AccessToken, error) {
	at, err := p.verifier.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	gid, _ := at.Claims["gid"].(string)
	if gid == "" {
		return nil, &auth.TokenError{Reason: "not a token of this server"}
	}
	g, err := p.loadGrant(ctx, gid)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &auth.TokenError{Reason: "token revoked"}
		}
		return nil, fmt.Errorf("%w: %v", auth.ErrUnavailable, err)
	}
	out := *at // the verifier may share at with its cache
	out.Claims = make(map[string]any, len(at.Claims)+len(g.Identity.Claims)+2)
	maps.Copy(out.Claims, g.Identity.Claims)
	maps.Copy(out.Claims, at.Claims)
	if g.Identity.Email != "" {
		out.Claims["email"] = g.Identity.Email
	}
	if g.Identity.Name != "" {
		out.Claims["name"] = g.Identity.Name
	}
	out.Email, out.Name = g.Identity.Email, g.Identity.Name
	return &out, nil
}

// grantCacheLimit bounds the decoded grants kept by loadGrant.
const grantCacheLimit = 10000

type cachedGrant struct {
	raw []byte
	g   *grant
}

// loadGrant reads a grant from the store on every call (so revocation
// by any replica takes effect at once) but decodes it only when its
// stored bytes changed. The result is shared: do not modify it.
func (p *Proxy) loadGrant(ctx context.Context, gid string) (*grant, error) {
	raw, err := p.store.Get(ctx, keyGrant+gid)
	if err != nil {
		return nil, err
	}
	if v, ok := p.grants.Load(gid); ok {
		if c := v.(*cachedGrant); bytes.Equal(c.raw, raw) {
			return c.g, nil
		}
	}
	g := new(grant)
	if err := json.Unmarshal(raw, g); err != nil {
		return nil, err
	}
	if p.grantCount.Add(1) > grantCacheLimit {
		p.grants.Clear()
		p.grantCount.Store(0)
	}
	p.grants.Store(gid, &cachedGrant{raw: raw, g: g})
	return g, nil
}

// ErrNoUpstreamToken is returned by UpstreamToken outside a request
// authenticated by an OAuth proxy, or when the user's upstream
// authorization is gone (revoked, or expired without a refresh token).
var ErrNoUpstreamToken = errors.New("oauthproxy: no upstream token for this request")

// UpstreamToken returns the upstream provider's token of the user behind
// the request (the one the proxy obtained at sign-in, refreshed when it
// has expired), for tool code that calls the provider's API on the
// user's behalf:
//
//	tok, err := oauthproxy.UpstreamToken(ctx)
//	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
//
// It never returns the client's own token. Do not log or return it.
func UpstreamToken(ctx context.Context) (*oauth2.Token, error) {
	at := auth.TokenFromContext(ctx)
	if at == nil {
		return nil, ErrNoUpstreamToken
	}
	v, ok := issuers.Load(at.Issuer)
	if !ok {
		return nil, ErrNoUpstreamToken
	}
	p := v.(*Proxy)
	gid, _ := at.Claims["gid"].(string)
	if gid == "" {
		return nil, ErrNoUpstreamToken
	}
	return p.upstreamToken(ctx, gid)
}

// upstreamToken returns the fresh upstream token of grant gid.
func (p *Proxy) upstreamToken(ctx context.Context, gid string) (*oauth2.Token, error) {
	var g grant
	if err := p.get(ctx, keyGrant+gid, &g); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrNoUpstreamToken
		}
		return nil, err
	}
	tok, err := p.openToken(&g)
	if err != nil {
		return nil, err
	}
	if tok.Valid() {
		return tok, nil
	}
	if tok.RefreshToken == "" {
		return nil, fmt.Errorf("%w: the upstream token expired and cannot be refreshed; the user must sign in again", ErrNoUpstreamToken)
	}
	return p.refreshUpstream(ctx, gid)
}

// refreshUpstream refreshes the upstream token of grant gid, once even
// when several requests need it at the same time, and stores the result.
func (p *Proxy) refreshUpstream(ctx context.Context, gid string) (*oauth2.Token, error) {
	p.refreshMu.Lock()
	defer p.refreshMu.Unlock()
	for range 3 {
		old, err := p.store.Get(ctx, keyGrant+gid)
		if err != nil {
			return nil, ErrNoUpstreamToken
		}
		var g grant
		if err := json.Unmarshal(old, &g); err != nil {
			return nil, err
		}
		tok, err := p.openToken(&g)
		if err != nil {
			return nil, err
		}
		if tok.Valid() {
			return tok, nil // refreshed meanwhile
		}
		fresh, err := p.oauth.TokenSource(p.upstreamRefreshCtx(ctx), tok).Token()
		if err != nil {
			return nil, fmt.Errorf("oauthproxy: refreshing the %s token: %w", p.up.Name(), sanitizeUpstreamErr(err))
		}
		// x/oauth2 keeps the old refresh token when the upstream sends
		// none; the proxy's own refresh token keeps its own lifetime.
		if err := p.sealToken(&g, fresh); err != nil {
			return nil, err
		}
		b, _ := json.Marshal(&g)
		ok, err := p.store.CompareAndSwap(ctx, keyGrant+gid, old, b, p.cfg.RefreshTokenTTL)
		if err != nil {
			return nil, err
		}
		if ok {
			return fresh, nil
		}
	}
	return nil, errors.New("oauthproxy: the grant changed during the upstream refresh; try again")
}

// sanitizeUpstreamErr drops the response body of an upstream token error
// (it may echo tokens) and keeps the OAuth error code.
func sanitizeUpstreamErr(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" && re.Response != nil {
			code = http.StatusText(re.Response.StatusCode)
		}
		return fmt.Errorf("upstream token endpoint refused: %s", code)
	}
	return err
}

// upstreamCtx carries the proxy's HTTP client for x/oauth2.
func (p *Proxy) upstreamCtx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, p.client)
}

// upstreamRefreshCtx is upstreamCtx with the client of refresh calls.
func (p *Proxy) upstreamRefreshCtx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, p.refresher)
}

// refreshClient is client, made once in New, with a transport that adds
// the upstream's extra parameters to refresh calls at tokenURL (x/oauth2
// has no option for them there; some providers require them on every
// token call); client itself when there are none.
func refreshClient(client *http.Client, tokenURL string, extra url.Values) *http.Client {
	if len(extra) == 0 {
		return client
	}
	c := *client
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = &extraParamTransport{base: base, tokenURL: tokenURL, extra: extra}
	return &c
}

// extraParamTransport adds parameters to the refresh calls of one token
// endpoint.
type extraParamTransport struct {
	base     http.RoundTripper
	tokenURL string
	extra    url.Values
}

func (t *extraParamTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost || r.Body == nil || r.URL.String() != t.tokenURL {
		return t.base.RoundTrip(r)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err == nil && form.Get("grant_type") == "refresh_token" {
		for k, vs := range t.extra {
			if !form.Has(k) {
				form[k] = vs
			}
		}
		body = []byte(form.Encode())
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	return t.base.RoundTrip(r2)
}
