package presets

import (
	"context"
	"testing"
	"time"
)

// BenchmarkGitHubVerify: a token the verifier has seen (cache hit: a
// SHA-256 and a map lookup) and one it asks the user API about each time
// (cache off; a loopback stand-in, so the network costs next to nothing
// compared with api.github.com).
func BenchmarkGitHubVerify(b *testing.B) {
	for _, c := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", time.Hour}, {"uncached", -1}} {
		b.Run(c.name, func(b *testing.B) {
			g := newGitHubStandin(b)
			p, err := NewGitHub(GitHubOptions{Options: Options{ClientID: ghClient, ClientSecret: ghSecret, CacheTTL: c.ttl}, BaseURL: g.URL()})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := p.Verify(ctx, ghToken); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := p.Verify(ctx, ghToken); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
