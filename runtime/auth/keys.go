package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// minRSABits is the smallest RSA modulus accepted (RFC 7518 3.3).
const minRSABits = 2048

// verificationKey is one key with the algorithms it may verify. The list
// comes from the key's type (and its JWK "alg", and the configured
// allowlist), never from the token, so a token cannot pick HS256 against
// an RSA key or RS256 against an EC key.
type verificationKey struct {
	kid  string
	key  any // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey or []byte (HMAC)
	algs []jose.SignatureAlgorithm
}

func (k *verificationKey) allows(alg string) bool {
	return slices.Contains(k.algs, jose.SignatureAlgorithm(alg))
}

// keySet is an immutable set of verification keys.
type keySet struct {
	byKID map[string][]*verificationKey
	all   []*verificationKey
}

func newKeySet(keys []*verificationKey) *keySet {
	ks := &keySet{byKID: map[string][]*verificationKey{}, all: keys}
	for _, k := range keys {
		ks.byKID[k.kid] = append(ks.byKID[k.kid], k)
	}
	return ks
}

// find returns the candidate keys for a token's kid. A token without a kid
// is only matched when the set has exactly one key: with several, picking
// one by trial would let the token choose.
func (ks *keySet) find(kid string) []*verificationKey {
	if kid == "" {
		if len(ks.all) == 1 {
			return ks.all
		}
		return nil
	}
	return ks.byKID[kid]
}

// asymmetricAlgs lists the algorithms a public key of each type admits.
func algsForKey(key any) ([]jose.SignatureAlgorithm, error) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits: want at least %d", k.N.BitLen(), minRSABits)
		}
		return []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512}, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return []jose.SignatureAlgorithm{jose.ES256}, nil
		case elliptic.P384():
			return []jose.SignatureAlgorithm{jose.ES384}, nil
		case elliptic.P521():
			return []jose.SignatureAlgorithm{jose.ES512}, nil
		}
		return nil, fmt.Errorf("unsupported EC curve %s", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return []jose.SignatureAlgorithm{jose.EdDSA}, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", key)
}

// hmacAlgs lists the HS* algorithms a secret is long enough for.
func hmacAlgs(secret []byte) []jose.SignatureAlgorithm {
	var out []jose.SignatureAlgorithm
	if len(secret) >= 32 {
		out = append(out, jose.HS256)
	}
	if len(secret) >= 48 {
		out = append(out, jose.HS384)
	}
	if len(secret) >= 64 {
		out = append(out, jose.HS512)
	}
	return out
}

// restrict keeps the algorithms of have that are in allow (all of have
// when allow is empty).
func restrict(have []jose.SignatureAlgorithm, allow []string) []jose.SignatureAlgorithm {
	if len(allow) == 0 {
		return have
	}
	var out []jose.SignatureAlgorithm
	for _, a := range have {
		for _, b := range allow {
			if string(a) == b {
				out = append(out, a)
			}
		}
	}
	return out
}

// knownAlgs are the algorithms the parser admits at all; "none" is not
// among them.
var asymmetricAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

func checkAlgorithmNames(algs []string) error {
	for _, a := range algs {
		ok := slices.Contains(asymmetricAlgs, jose.SignatureAlgorithm(a)) || a == "HS256" || a == "HS384" || a == "HS512"
		if !ok {
			return fmt.Errorf("unsupported algorithm %q: want one of RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA HS256 HS384 HS512", a)
		}
	}
	return nil
}

// parsePublicKeyPEM reads the first public key of a PEM bundle.
func parsePublicKeyPEM(data []byte) (any, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM public key found (want -----BEGIN PUBLIC KEY-----)")
		}
		switch block.Type {
		case "PUBLIC KEY":
			return x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			return x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, err
			}
			return c.PublicKey, nil
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			return nil, errors.New("PEM holds a private key: give the verifier the public key only")
		}
	}
}

// parseJWKS reads a JWK set, keeping the keys this verifier can use and
// skipping the others (unknown kty, unsupported curve, symmetric keys,
// encryption keys, short RSA keys), so one exotic key published by the
// identity provider does not break verification of all the others.
func parseJWKS(data []byte, allow []string) (*keySet, []string, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("JWKS: %w", err)
	}
	if doc.Keys == nil {
		return nil, nil, errors.New(`JWKS: no "keys" member`)
	}
	var keys []*verificationKey
	var skipped []string
	for i, raw := range doc.Keys {
		var probe struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
		}
		_ = json.Unmarshal(raw, &probe)
		skip := func(why string) { skipped = append(skipped, fmt.Sprintf("key %d (kid %q): %s", i, probe.Kid, why)) }
		if strings.EqualFold(probe.Kty, "oct") {
			// A symmetric key in a public key set would let anyone who
			// can read the set mint tokens.
			skip("symmetric keys are never accepted from a JWKS")
			continue
		}
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(raw); err != nil {
			skip(err.Error())
			continue
		}
		if jwk.Use != "" && jwk.Use != "sig" {
			skip("use is " + jwk.Use)
			continue
		}
		pub := jwk.Public()
		if pub.Key == nil {
			skip("no public key")
			continue
		}
		algs, err := algsForKey(pub.Key)
		if err != nil {
			skip(err.Error())
			continue
		}
		if jwk.Algorithm != "" {
			algs = restrict(algs, []string{jwk.Algorithm})
		}
		algs = restrict(algs, allow)
		if len(algs) == 0 {
			skip("no allowed algorithm for this key")
			continue
		}
		keys = append(keys, &verificationKey{kid: jwk.KeyID, key: pub.Key, algs: algs})
	}
	return newKeySet(keys), skipped, nil
}
