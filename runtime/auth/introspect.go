package auth

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Introspector verifies opaque tokens by asking the authorization server
// (RFC 7662), authenticating with client credentials (HTTP Basic,
// client_secret_basic). Active results are cached, keyed by the token's
// SHA-256, until the token's exp and at most the cache TTL, so a busy
// client does not cost one round trip per request. Refusals (inactive,
// wrong audience, malformed) are remembered for a few seconds only
// (negativeTTL), in a small table, so a flood of garbage tokens costs the
// authorization server one round trip per distinct token and interval,
// and a token that was just issued is not refused for long.
type Introspector struct {
	endpoint, clientID, clientSecret string
	client                           *http.Client
	issuer                           string
	audiences                        []string
	checkAud                         bool
	ttl                              time.Duration
	now                              func() time.Time
	log                              *slog.Logger

	mu       sync.Mutex
	cache    map[[32]byte]introspected
	refused  map[[32]byte]refusal
	inflight map[[32]byte]*introspectCall
}

type refusal struct {
	err   error
	until time.Time
}

// The negative cache: how long a refusal is remembered, and how many.
const (
	negativeTTL   = 10 * time.Second
	negativeLimit = 1024
)

type introspected struct {
	tok   *AccessToken
	until time.Time
}

type introspectCall struct {
	done chan struct{}
	tok  *AccessToken
	err  error
}

// NewIntrospector builds the verifier from WithIntrospection (required),
// WithBaseURL or WithAudience (the aud the response must name, unless
// WithoutAudienceCheck), WithIssuer (optional: checked when the response
// carries iss) and WithIntrospectionCacheTTL.
func NewIntrospector(opts ...Option) (*Introspector, error) {
	return newIntrospector(newSettings(opts))
}

func newIntrospector(s *settings) (*Introspector, error) {
	if s.introspectionURL == "" {
		return nil, errors.New("auth: introspection needs an endpoint: set MCPGEN_AUTH_INTROSPECTION_URL or pass auth.WithIntrospection")
	}
	if err := checkEndpointURL("MCPGEN_AUTH_INTROSPECTION_URL", s.introspectionURL, s.allowHTTP); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if s.clientID == "" || s.clientSecret == "" {
		return nil, errors.New("auth: introspection needs client credentials: set MCPGEN_AUTH_INTROSPECTION_CLIENT_ID and MCPGEN_AUTH_INTROSPECTION_CLIENT_SECRET or pass auth.WithIntrospection")
	}
	v := &Introspector{
		endpoint: s.introspectionURL, clientID: s.clientID, clientSecret: s.clientSecret,
		client: s.client(), issuer: s.issuer, checkAud: !s.noAudience, ttl: s.introspectionTTL,
		now: s.now, log: s.logger,
		cache: map[[32]byte]introspected{}, inflight: map[[32]byte]*introspectCall{},
		refused: map[[32]byte]refusal{},
	}
	if v.ttl <= 0 {
		v.ttl = DefaultIntrospectionTTL
	}
	if v.checkAud {
		v.audiences = s.audiences
		if len(v.audiences) == 0 && s.baseURL != "" {
			res, err := CanonicalResourceURL(s.baseURL, s.path())
			if err != nil {
				return nil, fmt.Errorf("auth: MCPGEN_AUTH_BASE_URL: %w", err)
			}
			v.audiences = []string{res}
		}
		if len(v.audiences) == 0 {
			return nil, errors.New("auth: introspection needs an audience: set MCPGEN_AUTH_BASE_URL or MCPGEN_AUTH_JWT_AUDIENCE, or pass auth.WithBaseURL or auth.WithAudience (auth.WithoutAudienceCheck opts out)")
		}
	}
	return v, nil
}

// Verify returns the cached result for token or asks the endpoint;
// concurrent requests for one token share one round trip.
func (v *Introspector) Verify(ctx context.Context, token string) (*AccessToken, error) {
	if len(token) > MaxTokenBytes {
		return nil, invalid("token too long")
	}
	key := sha256.Sum256([]byte(token))
	now := v.now()
	v.mu.Lock()
	if e, ok := v.cache[key]; ok {
		if now.Before(e.until) {
			v.mu.Unlock()
			return copyToken(e.tok), nil
		}
		delete(v.cache, key)
	}
	if e, ok := v.refused[key]; ok {
		if now.Before(e.until) {
			v.mu.Unlock()
			return nil, e.err
		}
		delete(v.refused, key)
	}
	call, waiting := v.inflight[key]
	if !waiting {
		call = &introspectCall{done: make(chan struct{})}
		v.inflight[key] = call
	}
	v.mu.Unlock()
	if !waiting {
		go func() {
			call.tok, call.err = v.introspect(context.WithoutCancel(ctx), token)
			v.mu.Lock()
			delete(v.inflight, key)
			if call.err == nil {
				v.store(key, call.tok)
			} else if !errors.Is(call.err, ErrUnavailable) {
				v.storeRefusal(key, call.err)
			}
			v.mu.Unlock()
			close(call.done)
		}()
	}
	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, ctx.Err())
	}
	if call.err != nil {
		return nil, call.err
	}
	return copyToken(call.tok), nil
}

// store caches tok; v.mu is held. When the cache is full, expired entries
// go first, then arbitrary ones: the cache bounds memory, it is not an
// LRU.
func (v *Introspector) store(key [32]byte, tok *AccessToken) {
	now := v.now()
	until := now.Add(v.ttl)
	if !tok.ExpiresAt.IsZero() && tok.ExpiresAt.Before(until) {
		until = tok.ExpiresAt
	}
	if !now.Before(until) {
		return
	}
	if len(v.cache) >= introspectionCacheLimit {
		for k, e := range v.cache {
			if !now.Before(e.until) {
				delete(v.cache, k)
			}
		}
		for k := range v.cache {
			if len(v.cache) < introspectionCacheLimit {
				break
			}
			delete(v.cache, k)
		}
	}
	v.cache[key] = introspected{tok: tok, until: until}
}

// storeRefusal remembers a refusal for negativeTTL; v.mu is held. A full
// table sheds expired entries, then arbitrary ones.
func (v *Introspector) storeRefusal(key [32]byte, err error) {
	now := v.now()
	if len(v.refused) >= negativeLimit {
		for k, e := range v.refused {
			if len(v.refused) < negativeLimit && now.Before(e.until) {
				continue
			}
			delete(v.refused, k)
			if len(v.refused) < negativeLimit/2 {
				break
			}
		}
	}
	v.refused[key] = refusal{err: err, until: now.Add(negativeTTL)}
}

func copyToken(t *AccessToken) *AccessToken {
	c := *t
	c.Scopes = append([]string(nil), t.Scopes...)
	c.Claims = maps.Clone(t.Claims)
	return &c
}

func (v *Introspector) introspect(ctx context.Context, token string) (*AccessToken, error) {
	form := url.Values{"token": {token}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, unavailable("introspection request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	// RFC 6749 2.3.1: id and secret are form-encoded before Basic.
	req.SetBasicAuth(url.QueryEscape(v.clientID), url.QueryEscape(v.clientSecret))
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, unavailable("introspection: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, defaultIntrospectMaxBody+1))
	if err != nil || len(body) > defaultIntrospectMaxBody {
		return nil, unavailable("introspection: unreadable or oversized response")
	}
	if resp.StatusCode != http.StatusOK {
		v.log.Warn("auth: introspection endpoint refused", "status", resp.Status)
		return nil, unavailable("introspection: %s", resp.Status)
	}
	var c map[string]any
	if err := json.Unmarshal(body, &c); err != nil || c == nil {
		return nil, unavailable("introspection: response is not a JSON object")
	}
	return v.result(token, c)
}

func (v *Introspector) result(token string, c map[string]any) (*AccessToken, error) {
	if active, _ := c["active"].(bool); !active {
		return nil, invalid("token is not active")
	}
	now := v.now()
	var exp time.Time
	if t, ok, err := numericDate(c, "exp"); err != nil {
		return nil, err
	} else if ok {
		if !now.Before(t) {
			return nil, invalid("token expired")
		}
		exp = t
	}
	if nbf, ok, err := numericDate(c, "nbf"); err != nil {
		return nil, err
	} else if ok && now.Add(DefaultLeeway).Before(nbf) {
		return nil, invalid("token not valid yet")
	}
	if tt, ok := c["token_type"].(string); ok && isRefreshType(tt) {
		return nil, invalid("not an access token")
	}
	iss, _ := c["iss"].(string)
	if v.issuer != "" && iss != "" && iss != v.issuer {
		return nil, invalid("wrong issuer")
	}
	var resource string
	if v.checkAud {
		jv := JWTVerifier{audiences: v.audiences}
		if resource = jv.matchAudience(c["aud"]); resource == "" {
			return nil, invalid("wrong audience")
		}
	}
	var scopes []string
	if s, ok := c["scope"].(string); ok {
		scopes = strings.Fields(s)
	}
	sub, _ := c["sub"].(string)
	return &AccessToken{
		Token: token, ClientID: firstString(c, "client_id", "sub"), Subject: sub, Scopes: scopes,
		ExpiresAt: exp, Resource: resource, Issuer: iss, Claims: c,
	}, nil
}
