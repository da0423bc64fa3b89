package presets

import (
	"net/http"
	"testing"
)

// FuzzProviderAnswers feeds arbitrary bytes to the parsers of what a
// provider (or something impersonating it) answers: error bodies, the
// X-OAuth-Scopes and token expiry headers. None may panic, and what
// reaches an error message stays short and printable.
func FuzzProviderAnswers(f *testing.F) {
	f.Add([]byte(`{"error":"invalid_token","error_description":"Invalid Value"}`), "repo, user:email", "2026-12-02 04:00:00 UTC")
	f.Add([]byte(`{"message":"Bad credentials"}`), ",,,", "")
	f.Add([]byte(`{"error":{"code":"InvalidAuthenticationToken"}}`), " ", "2026-12-02T04:00:00Z")
	f.Fuzz(func(t *testing.T, body []byte, scopes, expiry string) {
		d := errorDetail(body)
		if len(d) > 200 {
			t.Fatalf("detail of %d bytes", len(d))
		}
		for _, r := range d {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character in %q", d)
			}
		}
		h := http.Header{}
		h.Set("X-OAuth-Scopes", scopes)
		h.Set("GitHub-Authentication-Token-Expiration", expiry)
		for _, s := range githubScopes(h) {
			if s == "" {
				t.Fatal("empty scope")
			}
		}
		githubExpiry(h)
	})
}
