package auth_test

import (
	"context"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

// BenchmarkJWTVerifyWarm measures one verification with the key set
// already cached. "signature" turns the verified-token cache off, so every
// iteration parses, checks the signature and decodes the claims (what a
// token seen for the first time costs); "repeat" is the same token again,
// as MCP clients send it on every request.
func BenchmarkJWTVerifyWarm(b *testing.B) {
	rk, _, ek := testKeys()
	for _, bc := range []struct {
		name  string
		key   *authtest.Key
		cache int
	}{
		{"RS256/signature", rk, 0}, {"ES256/signature", ek, 0},
		{"RS256/repeat", rk, auth.DefaultTokenCacheSize}, {"ES256/repeat", ek, auth.DefaultTokenCacheSize},
	} {
		b.Run(bc.name, func(b *testing.B) {
			jwks := authtest.NewJWKS(b, bc.key)
			v, err := auth.NewJWTVerifier(auth.WithJWKS(jwks.URL), auth.WithIssuer(testIssuer), auth.WithAudience(testResource), auth.WithTokenCache(bc.cache))
			if err != nil {
				b.Fatal(err)
			}
			tok := bc.key.MustSign(b, claims(nil))
			ctx := context.Background()
			if _, err := v.Verify(ctx, tok); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := v.Verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
			if jwks.Fetches() != 1 {
				b.Fatalf("JWKS fetched %d times", jwks.Fetches())
			}
		})
	}
}

// BenchmarkBearerToken measures the header parser on the hot path.
func BenchmarkBearerToken(b *testing.B) {
	rk, _, _ := testKeys()
	h := map[string][]string{"Authorization": {"Bearer " + rk.MustSign(b, claims(nil))}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := auth.BearerToken(h); err != nil {
			b.Fatal(err)
		}
	}
}
