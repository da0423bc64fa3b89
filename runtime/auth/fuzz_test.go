package auth_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

// FuzzBearerToken: the parser never panics, returns a token only when the
// header holds exactly "bearer" + spaces + that token, and the token is a
// b64token (so it cannot smuggle spaces, quotes or control bytes).
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer abc==", "BEARER  a.b.c", "Bearer", "Bearer ", "Basic x", "", " Bearer x ", "Bearer a b", "Bearerx", "Bearer\tx", "Bearer a=b", "Bearer ==", "Bearer \x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Set("Authorization", v)
		tok, err := auth.BearerToken(h)
		if err != nil {
			if tok != "" {
				t.Fatal("token with an error")
			}
			return
		}
		if tok == "" || len(tok) > auth.MaxTokenBytes {
			t.Fatalf("bad token length %d", len(tok))
		}
		trimmed := strings.Trim(v, " \t")
		if !strings.EqualFold(trimmed[:6], "bearer") || !strings.HasSuffix(trimmed, tok) || strings.TrimSpace(trimmed[6:len(trimmed)-len(tok)]) != "" {
			t.Fatalf("header %q yielded token %q", v, tok)
		}
		seenEq := false
		for i := 0; i < len(tok); i++ {
			c := tok[i]
			alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0
			switch {
			case c == '=' && i > 0:
				seenEq = true
			case alnum && !seenEq:
			default:
				t.Fatalf("token %q has byte %q at %d", tok, c, i)
			}
		}
	})
}

// FuzzParseStaticTokens: never panics; what it accepts builds a verifier
// that accepts exactly the configured tokens.
func FuzzParseStaticTokens(f *testing.F) {
	for _, s := range []string{
		`{"dev":{"sub":"a","scopes":["x"]}}`,
		`{"dev":{"client_id":"c","scopes":"x y","expires_at":"2030-01-01T00:00:00Z"}}`,
		`{"a":{"expires_at":1893456000},"b":{}}`,
		`{"a":{"scopes":null}}`, `{}`, `null`, `[]`, `{"a":1}`, `{"a":{"x":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		toks, err := auth.ParseStaticTokens(data)
		if err != nil || len(toks) == 0 {
			return
		}
		v, err := auth.NewStaticTokens(auth.WithStaticTokens(toks), auth.WithBindHost("127.0.0.1"))
		if err != nil {
			t.Fatalf("parsed tokens rejected by the constructor: %v", err)
		}
		for tok, st := range toks {
			at, err := v.Verify(context.Background(), tok)
			if err != nil && !(errors.Is(err, auth.ErrInvalidToken) && !st.ExpiresAt.IsZero()) {
				t.Fatalf("configured token refused: %v", err)
			}
			if err == nil && (at.Subject != st.Subject || !at.HasScopes(st.Scopes...)) {
				t.Fatalf("token maps to %+v, want %+v", at, st)
			}
			if _, err := v.Verify(context.Background(), tok+"x"); err == nil {
				if _, known := toks[tok+"x"]; !known {
					t.Fatal("unconfigured token accepted")
				}
			}
		}
	})
}

// FuzzJWTVerify: arbitrary input never panics and never verifies.
func FuzzJWTVerify(f *testing.F) {
	rk, _, _ := testKeys()
	v, err := auth.NewJWTVerifier(auth.WithPublicKeyPEM(rk.PublicPEM()), auth.WithIssuer(testIssuer), auth.WithAudience(testResource))
	if err != nil {
		f.Fatal(err)
	}
	good := rk.MustSign(f, claims(nil))
	goodTok, err := v.Verify(context.Background(), good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		at, err := v.Verify(context.Background(), tok)
		// Base64 admits a few spellings of the same bytes; only the
		// signed claims of the good token may ever verify.
		if err == nil && at.Claims["jti"] != goodTok.Claims["jti"] {
			t.Fatalf("forged token %q verified: %+v", tok, at)
		}
		if err != nil && !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("error %v is not ErrInvalidToken", err)
		}
	})
}
