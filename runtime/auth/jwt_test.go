package auth_test

import (
	"context"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

const (
	testIssuer   = authtest.Issuer
	testResource = "https://mcp.example.com/mcp"
)

// Keys are slow to make; tests share them.
var (
	keysOnce               sync.Once
	rsaKey, rsaKey2, ecKey *authtest.Key
)

func testKeys() (*authtest.Key, *authtest.Key, *authtest.Key) {
	keysOnce.Do(func() {
		rsaKey = authtest.NewRSAKey("rsa-1")
		rsaKey2 = authtest.NewRSAKey("rsa-2")
		ecKey = authtest.NewECKey("ec-1")
	})
	return rsaKey, rsaKey2, ecKey
}

func newJWKSVerifier(t *testing.T, jwks *authtest.JWKS, opts ...auth.Option) *auth.JWTVerifier {
	t.Helper()
	base := []auth.Option{auth.WithJWKS(jwks.URL), auth.WithIssuer(testIssuer), auth.WithBaseURL("https://MCP.example.com/"), auth.WithMCPPath("/mcp")}
	v, err := auth.NewJWTVerifier(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewJWTVerifier: %v", err)
	}
	return v
}

func claims(mut func(authtest.Claims)) authtest.Claims {
	c := authtest.AccessClaims(testIssuer, testResource, "alice", "read", "write")
	if mut != nil {
		mut(c)
	}
	return c
}

// TestJWTVerifierRejects: every case must fail closed with a reason the
// client can act on; the first case checks the fixture accepts a good token.
func TestJWTVerifierRejects(t *testing.T) {
	rk, _, ek := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	v := newJWKSVerifier(t, jwks)
	now := time.Now()
	hs, err := authtest.SignHMAC(rk.PublicPEM(), "HS256", claims(nil), authtest.WithKID(rk.ID))
	if err != nil {
		t.Fatal(err)
	}
	// An attacker's key, named by the kid of ours and embedded in the
	// header: the verifier must use only the key set.
	attacker := authtest.NewRSAKey(rk.ID)
	var embedded map[string]any
	json.Unmarshal(attacker.JWK(), &embedded)
	// An EC key set: an RS256 token whose kid names the EC key.
	ecJWKS := authtest.NewJWKS(t, ek)
	ecV := newJWKSVerifier(t, ecJWKS)

	tests := []struct {
		name   string
		v      *auth.JWTVerifier
		token  string
		reason string // "" means accepted
	}{
		{"valid", v, rk.MustSign(t, claims(nil)), ""},
		{"PS256 against a JWK whose alg is RS256", v, rk.MustSign(t, claims(nil), authtest.WithAlg("PS256")), "not allowed for the key"},
		{"valid aud list", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["aud"] = []string{"other", testResource} })), ""},
		{"expired", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["exp"] = now.Add(-time.Minute).Unix() })), "token expired"},
		{"expired within leeway", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["exp"] = now.Add(-10 * time.Second).Unix() })), ""},
		{"no exp", v, rk.MustSign(t, claims(func(c authtest.Claims) { delete(c, "exp") })), "token has no exp"},
		{"exp not a number", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["exp"] = "tomorrow" })), "NumericDate"},
		{"not yet valid", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["nbf"] = now.Add(5 * time.Minute).Unix() })), "not valid yet"},
		{"iat in the future", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["iat"] = now.Add(5 * time.Minute).Unix() })), "issued in the future"},
		{"wrong issuer", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["iss"] = "https://evil.example" })), "wrong issuer"},
		{"no issuer", v, rk.MustSign(t, claims(func(c authtest.Claims) { delete(c, "iss") })), "wrong issuer"},
		{"wrong audience", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["aud"] = "https://other.example.com/mcp" })), "wrong audience"},
		{"audience prefix", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["aud"] = "https://mcp.example.com/mcp/evil" })), "wrong audience"},
		{"no audience", v, rk.MustSign(t, claims(func(c authtest.Claims) { delete(c, "aud") })), "wrong audience"},
		{"alg none", v, authtest.Unsigned(claims(nil), rk.ID), "signature algorithm not allowed"},
		{"alg none no kid", v, authtest.Unsigned(claims(nil), ""), "signature algorithm not allowed"},
		{"HS256 with the RSA public key PEM as secret", v, hs, "signature algorithm not allowed"},
		{"RS256 against an EC key set", ecV, authtest.NewRSAKey(ek.ID).MustSign(t, claims(nil)), "not allowed for the key"},
		{"refresh token_use", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["token_use"] = "refresh" })), "not an access token"},
		{"id token_use", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["token_use"] = "id" })), "not an access token"},
		{"refresh typ claim", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["typ"] = "Refresh" })), "not an access token"},
		{"refresh typ header", v, rk.MustSign(t, claims(nil), authtest.WithHeader("typ", "refresh+jwt")), "not an access token"},
		{"embedded jwk header", v, attacker.MustSign(t, claims(nil), authtest.WithHeader("jwk", embedded)), "bad signature"},
		{"bad signature", v, tamper(rk.MustSign(t, claims(nil))), "bad signature"},
		{"signed by another key with the same kid", v, authtest.NewECKey(rk.ID).MustSign(t, claims(nil)), "not allowed for the key"},
		{"garbage", v, "not.a.jwt", "malformed token"},
		{"empty", v, "", "malformed token"},
		{"JWS JSON serialization", v, `{"payload":"e30","signatures":[]}`, "malformed token"},
		{"scope not a string", v, rk.MustSign(t, claims(func(c authtest.Claims) { c["scope"] = []string{"read"} })), "scope is not a string"},
		{"too long", v, strings.Repeat("a", auth.MaxTokenBytes+1), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := tt.v.Verify(context.Background(), tt.token)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if tok.Subject != "alice" || tok.Resource != testResource || tok.Issuer != testIssuer || !tok.HasScopes("read", "write") {
					t.Fatalf("token = %+v", tok)
				}
				return
			}
			if err == nil {
				t.Fatalf("Verify accepted a token it must refuse: %+v", tok)
			}
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("error %v does not wrap ErrInvalidToken", err)
			}
			if tok != nil {
				t.Fatalf("token returned with an error")
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("error %q, want it to mention %q", err, tt.reason)
			}
		})
	}
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	// Change the payload, keep the signature.
	parts[1] = parts[1][:len(parts[1])-2] + "AA"
	return strings.Join(parts, ".")
}

func TestJWTClaimsMapping(t *testing.T) {
	rk, _, _ := testKeys()
	v := newJWKSVerifier(t, authtest.NewJWKS(t, rk))
	tests := []struct {
		name       string
		mut        func(authtest.Claims)
		wantClient string
		wantScopes []string
	}{
		{"scope string", nil, "test-client", []string{"read", "write"}},
		{"scp list", func(c authtest.Claims) { delete(c, "scope"); c["scp"] = []string{"a", "b"} }, "test-client", []string{"a", "b"}},
		{"scp string", func(c authtest.Claims) { delete(c, "scope"); c["scp"] = "a b" }, "test-client", []string{"a", "b"}},
		{"scope wins over scp", func(c authtest.Claims) { c["scp"] = []string{"x"} }, "test-client", []string{"read", "write"}},
		{"azp", func(c authtest.Claims) { delete(c, "client_id"); c["azp"] = "app" }, "app", []string{"read", "write"}},
		{"okta cid", func(c authtest.Claims) { delete(c, "client_id"); c["cid"] = "0oa1" }, "0oa1", []string{"read", "write"}},
		{"entra v1 appid", func(c authtest.Claims) { delete(c, "client_id"); c["appid"] = "guid" }, "guid", []string{"read", "write"}},
		{"sub as client", func(c authtest.Claims) { delete(c, "client_id") }, "alice", []string{"read", "write"}},
		{"token_use access", func(c authtest.Claims) { c["token_use"] = "access" }, "test-client", []string{"read", "write"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := v.Verify(context.Background(), rk.MustSign(t, claims(tt.mut)))
			if err != nil {
				t.Fatal(err)
			}
			if tok.ClientID != tt.wantClient || fmt.Sprint(tok.Scopes) != fmt.Sprint(tt.wantScopes) {
				t.Fatalf("client %q scopes %v, want %q %v", tok.ClientID, tok.Scopes, tt.wantClient, tt.wantScopes)
			}
			if tok.Claims["sub"] != "alice" || tok.ExpiresAt.IsZero() || tok.Token == "" {
				t.Fatalf("token = %+v", tok)
			}
		})
	}
}

// TestJWKSRotation: an unknown kid fails, then passes once the key is
// published (after the refetch interval), and a removed key stops working
// after the cache TTL.
func TestJWKSRotation(t *testing.T) {
	rk, rk2, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	clock := newClock()
	v := newJWKSVerifier(t, jwks, auth.WithClock(clock.Now), auth.WithJWKSCache(10*time.Minute, 30*time.Second))
	ctx := context.Background()
	good := func(k *authtest.Key) string {
		c := claims(nil)
		c["iat"], c["exp"] = clock.Now().Unix(), clock.Now().Add(time.Hour).Unix()
		return k.MustSign(t, c)
	}
	if _, err := v.Verify(ctx, good(rk)); err != nil {
		t.Fatalf("first key: %v", err)
	}
	if _, err := v.Verify(ctx, good(rk2)); err == nil || !strings.Contains(err.Error(), "unknown key id") {
		t.Fatalf("unpublished key: err = %v", err)
	}
	jwks.Add(rk2)
	// Within the refetch interval the set is not fetched again.
	if _, err := v.Verify(ctx, good(rk2)); err == nil {
		t.Fatal("refetched within the interval")
	}
	clock.Advance(31 * time.Second)
	if _, err := v.Verify(ctx, good(rk2)); err != nil {
		t.Fatalf("rotated-in key after the interval: %v", err)
	}
	jwks.Remove(rk.ID)
	clock.Advance(11 * time.Minute)
	if _, err := v.Verify(ctx, good(rk)); err == nil {
		t.Fatal("removed key still accepted after the TTL")
	}
	if _, err := v.Verify(ctx, good(rk2)); err != nil {
		t.Fatalf("remaining key: %v", err)
	}
	if n := jwks.Fetches(); n != 3 {
		t.Fatalf("fetches = %d, want 3 (initial, rotation, TTL)", n)
	}
}

// TestJWKSRefetchRateLimit floods the verifier with random kids from many
// goroutines: the JWKS must be fetched once for the initial load and once
// for the first unknown kid, not once per token.
func TestJWKSRefetchRateLimit(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	clock := newClock()
	v := newJWKSVerifier(t, jwks, auth.WithJWKSCache(time.Hour, 30*time.Second), auth.WithClock(clock.Now))
	ctx := context.Background()
	if _, err := v.Verify(ctx, rk.MustSign(t, claims(nil))); err != nil {
		t.Fatal(err)
	}
	// Past the refetch interval the first unknown kid may refetch once.
	clock.Advance(time.Minute)
	var wg sync.WaitGroup
	var accepted sync.Map
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				tok := rk.MustSign(t, claims(nil), authtest.WithKID(fmt.Sprintf("random-%d-%d", g, i)))
				if _, err := v.Verify(ctx, tok); err == nil {
					accepted.Store(tok, true)
				}
			}
		}()
	}
	wg.Wait()
	accepted.Range(func(k, _ any) bool { t.Errorf("token with random kid accepted"); return false })
	if n := jwks.Fetches(); n != 2 {
		t.Fatalf("JWKS fetched %d times under a flood of random kids, want 2", n)
	}
}

func TestJWKSSkipsUnsupportedKeys(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t)
	jwks.AddRaw(`{"kty":"OKP","crv":"X448","x":"AAAA","kid":"weird"}`)
	jwks.AddRaw(`{"kty":"EC","crv":"secp256k1","x":"AAAA","y":"AAAA","kid":"k1"}`)
	jwks.AddRaw(`{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI","kid":"sym"}`)
	jwks.AddRaw(`{"kty":"FOO","kid":"foo"}`)
	jwks.AddRaw(`"not an object"`)
	jwks.Add(rk)
	v := newJWKSVerifier(t, jwks)
	if _, err := v.Verify(context.Background(), rk.MustSign(t, claims(nil))); err != nil {
		t.Fatalf("usable key beside unsupported ones: %v", err)
	}
	// The symmetric key from the set must never verify an HS256 token.
	hs, _ := authtest.SignHMAC([]byte("secretsecretsecretsecretsecret12"), "HS256", claims(nil), authtest.WithKID("sym"))
	if _, err := v.Verify(context.Background(), hs); err == nil {
		t.Fatal("HS256 token verified against an oct key from the JWKS")
	}
}

func TestJWKSKidless(t *testing.T) {
	rk, rk2, _ := testKeys()
	tests := []struct {
		name string
		keys []*authtest.Key
		ok   bool
	}{
		{"one key", []*authtest.Key{rk}, true},
		{"two keys", []*authtest.Key{rk, rk2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newJWKSVerifier(t, authtest.NewJWKS(t, tt.keys...))
			_, err := v.Verify(context.Background(), rk.MustSign(t, claims(nil), authtest.WithKID("")))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "no kid") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestJWKSUnavailable(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	jwks.SetStatus(503)
	v := newJWKSVerifier(t, jwks)
	_, err := v.Verify(context.Background(), rk.MustSign(t, claims(nil)))
	if !errors.Is(err, auth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

func TestJWKSSizeLimit(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	for range 400 {
		jwks.AddRaw(`{"kty":"FOO","kid":"` + strings.Repeat("x", 3000) + `"}`)
	}
	v := newJWKSVerifier(t, jwks)
	if _, err := v.Verify(context.Background(), rk.MustSign(t, claims(nil))); !errors.Is(err, auth.ErrUnavailable) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized JWKS: err = %v", err)
	}
}

func TestJWTKeySources(t *testing.T) {
	rk, _, ek := testKeys()
	secret := []byte(strings.Repeat("s", 32))
	hs, _ := authtest.SignHMAC(secret, "HS256", claims(nil))
	hs512, _ := authtest.SignHMAC([]byte(strings.Repeat("s", 64)), "HS512", claims(nil))
	p384 := authtest.NewECKeyCurve("p384", elliptic.P384())
	ed := authtest.NewEd25519Key("ed")
	base := []auth.Option{auth.WithIssuer(testIssuer), auth.WithAudience(testResource)}
	tests := []struct {
		name  string
		opts  []auth.Option
		token string
		ok    bool
	}{
		{"RSA PEM", []auth.Option{auth.WithPublicKeyPEM(rk.PublicPEM())}, rk.MustSign(t, claims(nil)), true},
		{"RSA PEM, PS256", []auth.Option{auth.WithPublicKeyPEM(rk.PublicPEM())}, rk.MustSign(t, claims(nil), authtest.WithAlg("PS512")), true},
		{"RSA PEM, HS256 with the PEM as secret", []auth.Option{auth.WithPublicKeyPEM(rk.PublicPEM())}, must(authtest.SignHMAC(rk.PublicPEM(), "HS256", claims(nil))), false},
		{"RSA PEM, ES256 token", []auth.Option{auth.WithPublicKeyPEM(rk.PublicPEM())}, ek.MustSign(t, claims(nil)), false},
		{"EC PEM", []auth.Option{auth.WithPublicKeyPEM(ek.PublicPEM())}, ek.MustSign(t, claims(nil)), true},
		{"EC P-256 PEM, ES384 token", []auth.Option{auth.WithPublicKeyPEM(ek.PublicPEM())}, p384.MustSign(t, claims(nil)), false},
		{"EC P-384 PEM", []auth.Option{auth.WithPublicKeyPEM(p384.PublicPEM())}, p384.MustSign(t, claims(nil)), true},
		{"Ed25519 PEM", []auth.Option{auth.WithPublicKeyPEM(ed.PublicPEM())}, ed.MustSign(t, claims(nil)), true},
		{"HMAC", []auth.Option{auth.WithHMACSecret(secret)}, hs, true},
		{"HMAC, HS512 with a 32-byte secret", []auth.Option{auth.WithHMACSecret(secret)}, hs512, false},
		{"HMAC, RS256 token", []auth.Option{auth.WithHMACSecret(secret)}, rk.MustSign(t, claims(nil)), false},
		{"HMAC, alg none", []auth.Option{auth.WithHMACSecret(secret)}, authtest.Unsigned(claims(nil), ""), false},
		{"RSA PEM restricted to PS256, RS256 token", []auth.Option{auth.WithPublicKeyPEM(rk.PublicPEM()), auth.WithAlgorithms("PS256")}, rk.MustSign(t, claims(nil)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := auth.NewJWTVerifier(append(append([]auth.Option{}, base...), tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(context.Background(), tt.token)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

func TestNewJWTVerifierErrors(t *testing.T) {
	rk, _, _ := testKeys()
	tests := []struct {
		name string
		opts []auth.Option
		want string
	}{
		{"no key", []auth.Option{auth.WithIssuer(testIssuer), auth.WithAudience("a")}, "set MCPGEN_AUTH_JWT_JWKS_URI or pass auth.WithJWKS"},
		{"two keys", []auth.Option{auth.WithIssuer(testIssuer), auth.WithAudience("a"), auth.WithJWKS("https://x/jwks"), auth.WithPublicKeyPEM(rk.PublicPEM())}, "exactly one"},
		{"no issuer", []auth.Option{auth.WithJWKS("https://x/jwks"), auth.WithAudience("a")}, "MCPGEN_AUTH_JWT_ISSUER"},
		{"no audience", []auth.Option{auth.WithJWKS("https://x/jwks"), auth.WithIssuer(testIssuer)}, "auth.WithoutAudienceCheck"},
		{"http JWKS", []auth.Option{auth.WithJWKS("http://idp.example.com/jwks"), auth.WithIssuer(testIssuer), auth.WithAudience("a")}, "plain http"},
		{"short secret", []auth.Option{auth.WithHMACSecret([]byte("short")), auth.WithIssuer(testIssuer), auth.WithAudience("a")}, "at least 32 bytes"},
		{"HS with JWKS", []auth.Option{auth.WithJWKS("https://x/jwks"), auth.WithIssuer(testIssuer), auth.WithAudience("a"), auth.WithAlgorithms("HS256")}, "shared secret"},
		{"none algorithm", []auth.Option{auth.WithJWKS("https://x/jwks"), auth.WithIssuer(testIssuer), auth.WithAudience("a"), auth.WithAlgorithms("none")}, "unsupported algorithm"},
		{"EC alg for RSA PEM", []auth.Option{auth.WithPublicKeyPEM(rk.PublicPEM()), auth.WithIssuer(testIssuer), auth.WithAudience("a"), auth.WithAlgorithms("ES256")}, "does not fit"},
		{"private key PEM", []auth.Option{auth.WithPublicKeyPEM([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")), auth.WithIssuer(testIssuer), auth.WithAudience("a")}, "private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.NewJWTVerifier(tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestWithoutAudienceCheck(t *testing.T) {
	rk, _, _ := testKeys()
	v, err := auth.NewJWTVerifier(auth.WithPublicKeyPEM(rk.PublicPEM()), auth.WithIssuer(testIssuer), auth.WithoutAudienceCheck())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := v.Verify(context.Background(), rk.MustSign(t, claims(func(c authtest.Claims) { c["aud"] = "anything" })))
	if err != nil || tok.Resource != "" {
		t.Fatalf("tok %+v err %v", tok, err)
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestJWTTokenCache: a remembered token is refused once it expires, and
// once the key that signed it is rotated out of the JWKS.
func TestJWTTokenCache(t *testing.T) {
	rk, rk2, _ := testKeys()
	for _, size := range []int{auth.DefaultTokenCacheSize, 0} {
		t.Run(fmt.Sprint("size ", size), func(t *testing.T) {
			jwks := authtest.NewJWKS(t, rk, rk2)
			clock := newClock()
			v := newJWKSVerifier(t, jwks, auth.WithClock(clock.Now), auth.WithTokenCache(size), auth.WithJWKSCache(10*time.Minute, time.Second))
			ctx := context.Background()
			c := claims(nil)
			c["exp"] = clock.Now().Add(5 * time.Minute).Unix()
			short := rk.MustSign(t, c)
			long := rk.MustSign(t, claims(nil))
			for range 3 {
				tok, err := v.Verify(ctx, short)
				if err != nil || tok.Subject != "alice" {
					t.Fatalf("%+v %v", tok, err)
				}
				tok.Scopes[0] = "mutated"
			}
			if tok, _ := v.Verify(ctx, short); tok.Scopes[0] != "read" {
				t.Fatal("cache handed out a shared token")
			}
			clock.Advance(6 * time.Minute)
			if _, err := v.Verify(ctx, short); err == nil || !strings.Contains(err.Error(), "expired") {
				t.Fatalf("expired token: %v", err)
			}
			if _, err := v.Verify(ctx, long); err != nil {
				t.Fatal(err)
			}
			jwks.Remove(rk.ID)
			clock.Advance(10 * time.Minute)
			if _, err := v.Verify(ctx, long); err == nil {
				t.Fatal("token of a rotated-out key accepted")
			}
		})
	}
}
