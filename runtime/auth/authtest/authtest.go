// Package authtest helps test servers protected by runtime/auth: it makes
// RSA, EC and Ed25519 keys, serves them as a JWKS on a loopback
// httptest server (keys can be added and removed to test rotation, and
// fetches are counted), and mints JWTs with chosen claims, key id and
// algorithm, including the broken ones a verifier must refuse (alg none,
// HMAC signed with a public key).
//
//	key := authtest.NewRSAKey("k1")
//	jwks := authtest.NewJWKS(t, key)
//	v, _ := auth.NewJWTVerifier(auth.WithJWKS(jwks.URL), auth.WithIssuer(authtest.Issuer), auth.WithAudience("http://127.0.0.1:8000/mcp"))
//	tok := key.MustSign(t, authtest.AccessClaims(authtest.Issuer, "http://127.0.0.1:8000/mcp", "alice", "read"))
package authtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Issuer is a ready-made issuer URL for tests.
const Issuer = "https://issuer.example.test"

// Key is a signing key pair with its key id and default algorithm.
type Key struct {
	ID     string
	Alg    string // RS256, ES256/ES384/ES512 or EdDSA
	Signer crypto.Signer
}

// NewRSAKey makes a 2048-bit RSA key that signs RS256.
func NewRSAKey(kid string) *Key {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return &Key{ID: kid, Alg: "RS256", Signer: k}
}

// NewECKey makes a P-256 key that signs ES256.
func NewECKey(kid string) *Key { return NewECKeyCurve(kid, elliptic.P256()) }

// NewECKeyCurve makes an EC key on curve (P-256, P-384 or P-521) that
// signs the matching ES algorithm.
func NewECKeyCurve(kid string, curve elliptic.Curve) *Key {
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		panic(err)
	}
	alg := map[int]string{256: "ES256", 384: "ES384", 521: "ES512"}[curve.Params().BitSize]
	return &Key{ID: kid, Alg: alg, Signer: k}
}

// NewEd25519Key makes an Ed25519 key that signs EdDSA.
func NewEd25519Key(kid string) *Key {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return &Key{ID: kid, Alg: "EdDSA", Signer: k}
}

// Public returns the public key.
func (k *Key) Public() crypto.PublicKey { return k.Signer.Public() }

// PublicPEM returns the public key as a PKIX "PUBLIC KEY" PEM block, the
// form MCPGEN_AUTH_JWT_PUBLIC_KEY takes.
func (k *Key) PublicPEM() []byte {
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// JWK returns the public JWK of the key, with kid, alg and use "sig".
func (k *Key) JWK() json.RawMessage {
	b, err := json.Marshal(jose.JSONWebKey{Key: k.Public(), KeyID: k.ID, Algorithm: k.Alg, Use: "sig"})
	if err != nil {
		panic(err)
	}
	return b
}

// Claims are the claims of a token to mint.
type Claims map[string]any

// AccessClaims returns the claims of a valid access token: iss, aud, sub,
// client_id, scope (space-separated), iat now and exp in an hour.
func AccessClaims(issuer, audience, subject string, scopes ...string) Claims {
	now := time.Now()
	c := Claims{
		"iss": issuer, "aud": audience, "sub": subject, "client_id": "test-client",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": fmt.Sprint(now.UnixNano()),
	}
	if len(scopes) > 0 {
		c["scope"] = strings.Join(scopes, " ")
	}
	return c
}

// SignOption changes the header of a minted token.
type SignOption func(*signConfig)

type signConfig struct {
	kid    *string
	alg    string
	header map[jose.HeaderKey]any
}

// WithKID sets the kid header to kid ("" omits it).
func WithKID(kid string) SignOption { return func(c *signConfig) { c.kid = &kid } }

// WithAlg signs with alg instead of the key's default (PS256 with an RSA
// key, for example).
func WithAlg(alg string) SignOption { return func(c *signConfig) { c.alg = alg } }

// WithHeader adds a protected header parameter (typ, for example).
func WithHeader(name string, value any) SignOption {
	return func(c *signConfig) {
		if c.header == nil {
			c.header = map[jose.HeaderKey]any{}
		}
		c.header[jose.HeaderKey(name)] = value
	}
}

// Sign mints a compact JWS of claims signed by the key.
func (k *Key) Sign(claims Claims, opts ...SignOption) (string, error) {
	c := signConfig{alg: k.Alg}
	for _, o := range opts {
		o(&c)
	}
	kid := k.ID
	if c.kid != nil {
		kid = *c.kid
	}
	var key any = k.Signer
	if kid != "" {
		key = jose.JSONWebKey{Key: k.Signer, KeyID: kid}
	}
	return sign(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(c.alg), Key: key}, claims, c.header)
}

// MustSign is Sign that fails the test on error.
func (k *Key) MustSign(tb testing.TB, claims Claims, opts ...SignOption) string {
	tb.Helper()
	s, err := k.Sign(claims, opts...)
	if err != nil {
		tb.Fatalf("authtest: sign: %v", err)
	}
	return s
}

// SignHMAC mints a token signed with an HMAC secret (alg HS256, HS384 or
// HS512). With a public key's PEM as the secret it makes the classic
// algorithm-confusion token a verifier must refuse.
func SignHMAC(secret []byte, alg string, claims Claims, opts ...SignOption) (string, error) {
	c := signConfig{alg: alg}
	for _, o := range opts {
		o(&c)
	}
	if c.kid != nil && *c.kid != "" {
		// go-jose does not put the kid of a symmetric JWK in the header.
		WithHeader("kid", *c.kid)(&c)
	}
	return sign(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: secret}, claims, c.header)
}

func sign(sk jose.SigningKey, claims Claims, header map[jose.HeaderKey]any) (string, error) {
	so := &jose.SignerOptions{}
	so.WithType("JWT")
	for k, v := range header {
		so.WithHeader(k, v)
	}
	signer, err := jose.NewSigner(sk, so)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// Unsigned mints an "alg": "none" token with an empty signature, which no
// verifier may accept.
func Unsigned(claims Claims, kid string) string {
	h := map[string]any{"alg": "none", "typ": "JWT"}
	if kid != "" {
		h["kid"] = kid
	}
	hb, _ := json.Marshal(h)
	pb, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(hb) + "." + enc.EncodeToString(pb) + "."
}

// JWKS serves a key set on a loopback httptest server. Keys can be added
// and removed while it runs; Fetches counts the GETs it answered.
type JWKS struct {
	// URL is the address of the key set.
	URL string

	srv     *httptest.Server
	mu      sync.Mutex
	keys    []json.RawMessage
	kids    []string
	status  int
	fetches atomic.Int64
}

// NewJWKS serves keys on 127.0.0.1 until the test ends.
func NewJWKS(tb testing.TB, keys ...*Key) *JWKS {
	tb.Helper()
	j := &JWKS{status: http.StatusOK}
	j.Add(keys...)
	j.srv = httptest.NewServer(http.HandlerFunc(j.serve))
	j.URL = j.srv.URL + "/.well-known/jwks.json"
	tb.Cleanup(j.srv.Close)
	return j
}

func (j *JWKS) serve(w http.ResponseWriter, r *http.Request) {
	j.fetches.Add(1)
	j.mu.Lock()
	status := j.status
	body, _ := json.Marshal(map[string]any{"keys": j.keys})
	j.mu.Unlock()
	if status != http.StatusOK {
		http.Error(w, "unavailable", status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// Add publishes keys (rotation in).
func (j *JWKS) Add(keys ...*Key) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, k := range keys {
		j.keys = append(j.keys, k.JWK())
		j.kids = append(j.kids, k.ID)
	}
}

// AddRaw publishes an arbitrary JWK, such as one of a key type a verifier
// does not support.
func (j *JWKS) AddRaw(jwk string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys = append(j.keys, json.RawMessage(jwk))
	j.kids = append(j.kids, "")
}

// Remove unpublishes every key with kid (rotation out).
func (j *JWKS) Remove(kid string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var keys []json.RawMessage
	var kids []string
	for i, k := range j.kids {
		if k != kid {
			keys, kids = append(keys, j.keys[i]), append(kids, k)
		}
	}
	j.keys, j.kids = keys, kids
}

// SetStatus makes the server answer with status (503 to simulate an
// outage; 200 restores it).
func (j *JWKS) SetStatus(status int) {
	j.mu.Lock()
	j.status = status
	j.mu.Unlock()
}

// Fetches returns how many times the key set was requested.
func (j *JWKS) Fetches() int { return int(j.fetches.Load()) }
