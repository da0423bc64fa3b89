package authtest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

func header(t *testing.T, tok string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	json.Unmarshal(b, &h)
	return h
}

func TestSignHeaders(t *testing.T) {
	rk := authtest.NewRSAKey("r")
	ek := authtest.NewECKey("e")
	c := authtest.AccessClaims(authtest.Issuer, "aud", "sub", "a", "b")
	tests := []struct {
		name, tok, alg, kid string
	}{
		{"rsa", rk.MustSign(t, c), "RS256", "r"},
		{"rsa PS256", rk.MustSign(t, c, authtest.WithAlg("PS256")), "PS256", "r"},
		{"ec", ek.MustSign(t, c), "ES256", "e"},
		{"kid override", ek.MustSign(t, c, authtest.WithKID("other")), "ES256", "other"},
		{"no kid", ek.MustSign(t, c, authtest.WithKID("")), "ES256", ""},
		{"none", authtest.Unsigned(c, "r"), "none", "r"},
		{"hmac", must(authtest.SignHMAC(rk.PublicPEM(), "HS256", c, authtest.WithKID("r"))), "HS256", "r"},
	}
	for _, tt := range tests {
		h := header(t, tt.tok)
		kid, _ := h["kid"].(string)
		if h["alg"] != tt.alg || kid != tt.kid {
			t.Errorf("%s: header %v", tt.name, h)
		}
	}
	if c["scope"] != "a b" || c["iss"] != authtest.Issuer {
		t.Errorf("claims %v", c)
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

func TestJWKSRotation(t *testing.T) {
	a, b := authtest.NewECKey("a"), authtest.NewEd25519Key("b")
	j := authtest.NewJWKS(t, a)
	kids := func() []string {
		resp, err := http.Get(j.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var set struct{ Keys []struct{ Kid, D string } }
		if err := json.Unmarshal(body, &set); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, k := range set.Keys {
			if k.D != "" {
				t.Fatal("JWKS publishes a private key")
			}
			out = append(out, k.Kid)
		}
		return out
	}
	if got := strings.Join(kids(), ","); got != "a" {
		t.Fatalf("kids %s", got)
	}
	j.Add(b)
	if got := strings.Join(kids(), ","); got != "a,b" {
		t.Fatalf("kids %s", got)
	}
	j.Remove("a")
	if got := strings.Join(kids(), ","); got != "b" {
		t.Fatalf("kids %s", got)
	}
	if j.Fetches() != 3 || !strings.HasPrefix(j.URL, "http://127.0.0.1:") {
		t.Fatalf("fetches %d url %s", j.Fetches(), j.URL)
	}
	j.SetStatus(503)
	resp, _ := http.Get(j.URL)
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
