package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// JWTVerifier verifies JWT access tokens (RFC 9068 profile) signed by an
// authorization server: signature against exactly one key source (a JWKS
// URI, a PEM public key or an HMAC secret), then iss, aud, exp, nbf, iat
// and the token type. The algorithms accepted are derived from the key
// type, never from the token.
type JWTVerifier struct {
	issuer    string
	audiences []string
	checkAud  bool
	leeway    time.Duration
	now       func() time.Time

	static *keySet    // PEM or HMAC
	jwks   *jwksCache // JWKS URI
	algs   []jose.SignatureAlgorithm
	cache  *tokenCache // nil when off

	// tokenType, when set, is the JOSE typ header every token must
	// carry ("at+jwt" for the OAuth proxy's own tokens).
	tokenType string
	// idTokens verifies OpenID ID tokens (their typ claims are not
	// refused as non-access tokens).
	idTokens bool
}

// NewJWTVerifier builds a verifier from WithJWKS, WithPublicKeyPEM or
// WithHMACSecret (exactly one), WithIssuer (required), and WithAudience,
// or WithBaseURL so the audience is the canonical resource URL (required
// unless WithoutAudienceCheck). WithAlgorithms, WithLeeway, WithJWKSCache
// and WithHTTPClient tune it.
func NewJWTVerifier(opts ...Option) (*JWTVerifier, error) {
	return newJWTVerifier(newSettings(opts))
}

func newJWTVerifier(s *settings) (*JWTVerifier, error) {
	n := 0
	for _, set := range []bool{s.jwksURI != "", len(s.publicKeyPEM) > 0, len(s.hmacSecret) > 0} {
		if set {
			n++
		}
	}
	switch n {
	case 0:
		return nil, errors.New("auth: JWT verification needs a key: set MCPGEN_AUTH_JWT_JWKS_URI or pass auth.WithJWKS (or MCPGEN_AUTH_JWT_PUBLIC_KEY / auth.WithPublicKeyPEM, MCPGEN_AUTH_JWT_SIGNING_KEY / auth.WithHMACSecret)")
	case 1:
	default:
		return nil, errors.New("auth: give exactly one of MCPGEN_AUTH_JWT_JWKS_URI, MCPGEN_AUTH_JWT_PUBLIC_KEY and MCPGEN_AUTH_JWT_SIGNING_KEY (auth.WithJWKS, auth.WithPublicKeyPEM, auth.WithHMACSecret)")
	}
	if s.issuer == "" {
		return nil, errors.New("auth: JWT verification needs the issuer: set MCPGEN_AUTH_JWT_ISSUER or pass auth.WithIssuer")
	}
	if err := checkAlgorithmNames(s.algorithms); err != nil {
		return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_ALGORITHM: %w", err)
	}
	if s.leeway < 0 || s.leeway > maxLeeway {
		return nil, fmt.Errorf("auth: leeway %v: want between 0 and 5m", s.leeway)
	}
	v := &JWTVerifier{issuer: s.issuer, leeway: s.leeway, now: s.now, checkAud: !s.noAudience, cache: newTokenCache(s.tokenCacheSize), tokenType: s.tokenType, idTokens: s.idTokens}
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
			return nil, errors.New("auth: JWT verification needs an audience: set MCPGEN_AUTH_BASE_URL (the audience is then the server's resource URL) or MCPGEN_AUTH_JWT_AUDIENCE, or pass auth.WithBaseURL or auth.WithAudience (auth.WithoutAudienceCheck opts out)")
		}
	}
	switch {
	case s.jwksURI != "":
		if err := checkEndpointURL("MCPGEN_AUTH_JWT_JWKS_URI", s.jwksURI, s.allowHTTP); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		if slices.ContainsFunc(s.algorithms, func(a string) bool { return strings.HasPrefix(a, "HS") }) {
			return nil, errors.New("auth: HS* algorithms need a shared secret (MCPGEN_AUTH_JWT_SIGNING_KEY), never a JWKS")
		}
		if s.jwksTTL <= 0 || s.jwksRefetch <= 0 {
			return nil, errors.New("auth: JWKS cache TTL and refetch interval must be positive")
		}
		v.jwks = &jwksCache{
			uri: s.jwksURI, client: s.client(), maxBytes: s.jwksMaxBytes,
			ttl: s.jwksTTL, minInterval: s.jwksRefetch, allow: s.algorithms, now: s.now, log: s.logger,
		}
		v.algs = restrict(asymmetricAlgs, s.algorithms)
	case len(s.publicKeyPEM) > 0:
		key, err := parsePublicKeyPEM(s.publicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_PUBLIC_KEY: %w", err)
		}
		algs, err := algsForKey(key)
		if err != nil {
			return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_PUBLIC_KEY: %w", err)
		}
		if algs = restrict(algs, s.algorithms); len(algs) == 0 {
			return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_ALGORITHM %v does not fit the %T public key", s.algorithms, key)
		}
		v.static, v.algs = newKeySet([]*verificationKey{{key: key, algs: algs}}), algs
	default:
		algs := hmacAlgs(s.hmacSecret)
		if len(algs) == 0 {
			return nil, errors.New("auth: MCPGEN_AUTH_JWT_SIGNING_KEY: an HMAC secret needs at least 32 bytes (for example: openssl rand -hex 32)")
		}
		if algs = restrict(algs, s.algorithms); len(algs) == 0 {
			return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_ALGORITHM %v does not fit an HMAC secret of %d bytes", s.algorithms, len(s.hmacSecret))
		}
		v.static, v.algs = newKeySet([]*verificationKey{{key: s.hmacSecret, algs: algs}}), algs
	}
	if len(v.algs) == 0 {
		return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_ALGORITHM %v leaves no usable algorithm", s.algorithms)
	}
	return v, nil
}

func (s *settings) path() string {
	if s.mcpPath != "" {
		return s.mcpPath
	}
	return "/mcp"
}

// Audiences returns the aud values accepted (nil without an audience
// check).
func (v *JWTVerifier) Audiences() []string { return slices.Clone(v.audiences) }

// Verify checks the token's signature and claims and returns what it
// grants. Errors wrap ErrInvalidToken, or ErrUnavailable when the key set
// cannot be fetched.
func (v *JWTVerifier) Verify(ctx context.Context, token string) (*AccessToken, error) {
	if len(token) > MaxTokenBytes {
		return nil, invalid("token too long")
	}
	var ckey [32]byte
	var current *keySet
	if v.cache != nil {
		current = v.currentKeys()
		if current != nil {
			ckey = tokenKey32(token)
			if tok := v.cache.get(ckey, current, v.now(), v.leeway); tok != nil {
				return tok, nil
			}
		}
	}
	jws, err := jose.ParseSignedCompact(token, v.algs)
	if err != nil {
		if strings.Contains(err.Error(), "algorithm") {
			return nil, invalid("signature algorithm not allowed")
		}
		return nil, invalid("malformed token")
	}
	if len(jws.Signatures) != 1 {
		return nil, invalid("malformed token")
	}
	hdr := jws.Signatures[0].Protected
	alg := hdr.Algorithm
	typ, _ := hdr.ExtraHeaders[jose.HeaderType].(string)
	if isRefreshType(typ) || (v.tokenType != "" && !sameMediaType(typ, v.tokenType)) {
		return nil, invalid("not an access token")
	}
	var keys []*verificationKey
	if v.static != nil {
		keys = v.static.all
	} else if keys, err = v.jwks.keys(ctx, hdr.KeyID); err != nil {
		return nil, err
	}
	var payload []byte
	matched := false
	for _, k := range keys {
		if !k.allows(alg) {
			continue
		}
		matched = true
		if payload, err = jws.Verify(k.key); err == nil {
			break
		}
	}
	if !matched {
		return nil, invalid("signature algorithm %s not allowed for the key", quotable(alg))
	}
	if err != nil {
		return nil, invalid("bad signature")
	}
	tok, err := v.claims(token, payload)
	if err == nil && current != nil && current == v.currentKeys() {
		v.cache.put(ckey, current, tok, v.now())
	}
	return tok, err
}

// currentKeys returns the key set a cached result must have been
// verified with to be reused: the static key, or the JWKS snapshot while
// it is within its TTL (nil otherwise, so the slow path refreshes it).
func (v *JWTVerifier) currentKeys() *keySet {
	if v.static != nil {
		return v.static
	}
	snap := v.jwks.snap.Load()
	if snap == nil || v.now().Sub(snap.fetchedAt) >= v.jwks.ttl {
		return nil
	}
	return snap.set
}

// sameMediaType compares JOSE typ values, where "application/" may be
// left out and case does not matter (RFC 7515 4.1.9).
func sameMediaType(a, b string) bool {
	trim := func(s string) string {
		s = strings.ToLower(s)
		return strings.TrimPrefix(s, "application/")
	}
	return trim(a) == trim(b)
}

func isRefreshType(typ string) bool {
	return strings.Contains(strings.ToLower(typ), "refresh")
}

func (v *JWTVerifier) claims(token string, payload []byte) (*AccessToken, error) {
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil || c == nil {
		return nil, invalid("claims are not a JSON object")
	}
	iss, _ := c["iss"].(string)
	if iss != v.issuer {
		return nil, invalid("wrong issuer")
	}
	now := v.now()
	exp, ok, err := numericDate(c, "exp")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("token has no exp")
	}
	if !now.Before(exp.Add(v.leeway)) {
		return nil, invalid("token expired")
	}
	if nbf, ok, err := numericDate(c, "nbf"); err != nil {
		return nil, err
	} else if ok && now.Add(v.leeway).Before(nbf) {
		return nil, invalid("token not valid yet")
	}
	if iat, ok, err := numericDate(c, "iat"); err != nil {
		return nil, err
	} else if ok && now.Add(v.leeway).Before(iat) {
		return nil, invalid("token issued in the future")
	}
	if use, ok := c["token_use"]; ok && use != "access" && !(v.idTokens && use == "id") {
		return nil, invalid("not an access token")
	}
	if typ, ok := c["typ"].(string); ok && (isRefreshType(typ) || (strings.EqualFold(typ, "id") && !v.idTokens)) {
		return nil, invalid("not an access token")
	}
	var resource string
	if v.checkAud {
		if resource = v.matchAudience(c["aud"]); resource == "" {
			return nil, invalid("wrong audience")
		}
	}
	sub, _ := c["sub"].(string)
	// client_id (RFC 9068), azp (OIDC, Entra v2, Keycloak), cid (Okta),
	// appid (Entra v1), and the subject as a last resort.
	client := firstString(c, "client_id", "azp", "cid", "appid", "sub")
	scopes, err := scopeClaim(c)
	if err != nil {
		return nil, err
	}
	return &AccessToken{
		Token: token, ClientID: client, Subject: sub, Scopes: scopes,
		ExpiresAt: exp, Resource: resource, Issuer: iss, Claims: c,
	}, nil
}

// matchAudience returns the accepted audience the aud claim (a string or
// an array of strings) names, or "".
func (v *JWTVerifier) matchAudience(aud any) string {
	match := func(a string) string {
		for _, want := range v.audiences {
			if sameResource(a, want) {
				return want
			}
		}
		return ""
	}
	switch a := aud.(type) {
	case string:
		return match(a)
	case []any:
		for _, e := range a {
			if s, ok := e.(string); ok {
				if m := match(s); m != "" {
					return m
				}
			}
		}
	}
	return ""
}

// numericDate reads a NumericDate claim; a present claim that is not a
// finite number makes the token invalid.
func numericDate(c map[string]any, name string) (time.Time, bool, error) {
	raw, ok := c[name]
	if !ok {
		return time.Time{}, false, nil
	}
	f, ok := raw.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return time.Time{}, false, invalid("claim %s is not a NumericDate", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

func firstString(c map[string]any, names ...string) string {
	for _, n := range names {
		if s, ok := c[n].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// scopeClaim reads "scope" (space-separated, RFC 9068 / RFC 8693), else
// "scp" (a string or an array, as Azure AD and Okta send).
func scopeClaim(c map[string]any) ([]string, error) {
	if raw, ok := c["scope"]; ok {
		s, ok := raw.(string)
		if !ok {
			return nil, invalid("claim scope is not a string")
		}
		return strings.Fields(s), nil
	}
	switch s := c["scp"].(type) {
	case nil:
		return nil, nil
	case string:
		return strings.Fields(s), nil
	case []any:
		out := make([]string, 0, len(s))
		for _, e := range s {
			str, ok := e.(string)
			if !ok {
				return nil, invalid("claim scp holds a non-string")
			}
			out = append(out, str)
		}
		return out, nil
	}
	return nil, invalid("claim scp is neither a string nor a list")
}
