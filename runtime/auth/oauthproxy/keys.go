package oauthproxy

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// keys are the secrets the proxy derives from one token key: the HMAC
// key of the access tokens it mints, the AES key that seals secrets at
// rest in the store, and the HMAC key of its browser cookies and CSRF
// tokens. Replicas sharing a store and a token key derive the same ones.
type keys struct {
	signing []byte
	kid     string
	aead    cipher.AEAD
	cookie  []byte
}

// storeKeyName is where a generated token key is kept when
// MCPGEN_AUTH_TOKEN_KEY is unset.
const storeKeyName = "oauth/keys/token"

// minTokenKeyLen is the shortest MCPGEN_AUTH_TOKEN_KEY accepted.
const minTokenKeyLen = 32

// loadKeys derives the keys from secret, or from a random key generated
// once and kept in st when secret is empty.
func loadKeys(ctx context.Context, st store.Store, secret []byte) (*keys, error) {
	if len(secret) == 0 {
		gen := make([]byte, 32)
		rand.Read(gen)
		if _, err := st.Add(ctx, storeKeyName, gen, 0); err != nil {
			return nil, fmt.Errorf("oauthproxy: keeping the generated token key in the store: %w", err)
		}
		var err error
		if secret, err = st.Get(ctx, storeKeyName); err != nil {
			return nil, fmt.Errorf("oauthproxy: reading the token key from the store: %w", err)
		}
	} else if len(secret) < minTokenKeyLen {
		return nil, fmt.Errorf("oauthproxy: MCPGEN_AUTH_TOKEN_KEY: want at least %d characters of secret (for example: openssl rand -hex 32)", minTokenKeyLen)
	}
	derive := func(info string) []byte {
		k, err := hkdf.Key(sha256.New, secret, []byte("mcpgen oauthproxy"), info, 32)
		if err != nil {
			panic(err) // 32 bytes of SHA-256 output: cannot fail
		}
		return k
	}
	k := &keys{signing: derive("access token signing"), cookie: derive("cookies and csrf")}
	sum := sha256.Sum256(k.signing)
	k.kid = hex.EncodeToString(sum[:6])
	block, _ := aes.NewCipher(derive("store sealing"))
	k.aead, _ = cipher.NewGCM(block)
	return k, nil
}

// seal encrypts plaintext for the store; aad binds it to its record.
func (k *keys) seal(plaintext []byte, aad string) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, plaintext, []byte(aad))
}

func (k *keys) open(sealed []byte, aad string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("oauthproxy: sealed value too short")
	}
	return k.aead.Open(nil, sealed[:n], sealed[n:], []byte(aad))
}

// mac is HMAC-SHA256 under the cookie key of the parts, NUL-separated.
func (k *keys) mac(parts ...string) []byte {
	h := hmac.New(sha256.New, k.cookie)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashKey is the store key suffix for a secret value (codes, refresh
// tokens, browser ids): the store never holds them in the clear.
func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
