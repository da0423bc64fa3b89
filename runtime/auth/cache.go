package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// DefaultTokenCacheSize is how many verified JWTs a JWTVerifier remembers.
const DefaultTokenCacheSize = 10000

// WithTokenCache sets how many verified JWTs are remembered (default
// 10000; 0 turns the cache off). MCP clients send the same token with
// every request, and an ES256 signature check alone costs ~40µs; a hit
// costs a SHA-256 of the token. An entry is only used while the key set
// it was verified against is current and unexpired, and exp is checked
// again on every hit, so the cache accepts nothing a fresh verification
// would refuse.
func WithTokenCache(size int) Option { return func(s *settings) { s.tokenCacheSize = size } }

// tokenCache maps SHA-256(token) to its verified result. It bounds
// memory, it is not an LRU: when full, expired entries go first, then
// arbitrary ones.
type tokenCache struct {
	size int
	mu   sync.RWMutex
	m    map[[32]byte]cachedToken
}

type cachedToken struct {
	tok  *AccessToken
	keys *keySet // the key set that verified it
}

func newTokenCache(size int) *tokenCache {
	if size <= 0 {
		return nil
	}
	return &tokenCache{size: size, m: map[[32]byte]cachedToken{}}
}

func (c *tokenCache) get(key [32]byte, keys *keySet, now time.Time, leeway time.Duration) *AccessToken {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || e.keys != keys || !now.Before(e.tok.ExpiresAt.Add(leeway)) {
		return nil
	}
	return copyToken(e.tok)
}

func (c *tokenCache) put(key [32]byte, keys *keySet, tok *AccessToken, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.size {
		for k, e := range c.m {
			if !now.Before(e.tok.ExpiresAt) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.size*9/10 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = cachedToken{tok: copyToken(tok), keys: keys}
}

func tokenKey32(token string) [32]byte { return sha256.Sum256([]byte(token)) }
