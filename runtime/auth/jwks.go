package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// jwksCache holds the key set of a JWKS URI. The warm path is one atomic
// load. Refetches are rate-limited (at most one per refetch interval,
// whatever the reason) and single-flight, so a flood of tokens with random
// key ids costs the identity provider one request per interval.
type jwksCache struct {
	uri         string
	client      *http.Client
	maxBytes    int64
	ttl         time.Duration
	minInterval time.Duration
	allow       []string
	now         func() time.Time
	log         *slog.Logger

	snap atomic.Pointer[jwksSnapshot]

	mu          sync.Mutex
	lastAttempt time.Time
	inflight    *jwksCall
}

type jwksSnapshot struct {
	set       *keySet
	fetchedAt time.Time
}

type jwksCall struct {
	done chan struct{}
	snap *jwksSnapshot
	err  error
}

var errRateLimited = errors.New("key set refetched too recently")

// keys returns the candidate keys for kid, fetching the set when it is
// missing or older than the TTL, and refetching (rate-limited) when kid
// is unknown.
func (c *jwksCache) keys(ctx context.Context, kid string) ([]*verificationKey, error) {
	now := c.now()
	snap := c.snap.Load()
	if snap == nil || now.Sub(snap.fetchedAt) >= c.ttl {
		fresh, err := c.refresh(ctx)
		switch {
		case err == nil:
			snap = fresh
		case snap == nil:
			return nil, fmt.Errorf("%w: fetch key set: %v", ErrUnavailable, err)
		case now.Sub(snap.fetchedAt) >= c.ttl*maxJWKSStaleMultiplier:
			// Stale keys are kept while the identity provider is down,
			// but not forever: a removed key must stop working.
			return nil, fmt.Errorf("%w: key set expired and refetch failed: %v", ErrUnavailable, err)
		}
	}
	if ks := snap.set.find(kid); len(ks) > 0 {
		return ks, nil
	}
	if kid == "" && len(snap.set.all) > 1 {
		return nil, invalid("token has no kid and the key set has %d keys", len(snap.set.all))
	}
	// Unknown kid: the provider may have rotated keys since we fetched.
	fresh, err := c.refresh(ctx)
	if err != nil {
		if errors.Is(err, errRateLimited) {
			return nil, invalid("unknown key id")
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return nil, invalidErr("unknown key id", err)
	}
	if ks := fresh.set.find(kid); len(ks) > 0 {
		return ks, nil
	}
	if kid == "" {
		return nil, invalid("token has no kid and the key set has %d keys", len(fresh.set.all))
	}
	return nil, invalid("unknown key id")
}

// refresh fetches the key set unless a fetch was attempted less than the
// refetch interval ago (errRateLimited) or is under way (then it waits
// for that one).
func (c *jwksCache) refresh(ctx context.Context) (*jwksSnapshot, error) {
	c.mu.Lock()
	if call := c.inflight; call != nil {
		c.mu.Unlock()
		select {
		case <-call.done:
			return call.snap, call.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	now := c.now()
	if !c.lastAttempt.IsZero() && now.Sub(c.lastAttempt) < c.minInterval {
		c.mu.Unlock()
		return nil, errRateLimited
	}
	call := &jwksCall{done: make(chan struct{})}
	c.inflight, c.lastAttempt = call, now
	c.mu.Unlock()

	go func() {
		// Detached from the first caller's context: other callers wait on
		// the same fetch, and the client has its own timeout.
		set, err := c.fetch(context.WithoutCancel(ctx))
		if err == nil {
			call.snap = &jwksSnapshot{set: set, fetchedAt: c.now()}
			c.snap.Store(call.snap)
		} else {
			call.err = err
			c.log.Warn("auth: JWKS fetch failed", "uri", c.uri, "err", err)
		}
		c.mu.Lock()
		c.inflight = nil
		c.mu.Unlock()
		close(call.done)
	}()
	select {
	case <-call.done:
		return call.snap, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *jwksCache) fetch(ctx context.Context) (*keySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.uri, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/jwk-set+json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("GET %s: %s", c.uri, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", c.uri, err)
	}
	if int64(len(body)) > c.maxBytes {
		return nil, fmt.Errorf("GET %s: key set larger than %d bytes", c.uri, c.maxBytes)
	}
	set, skipped, err := parseJWKS(body, c.allow)
	if err != nil {
		return nil, err
	}
	for _, s := range skipped {
		c.log.Debug("auth: JWKS key skipped", "uri", c.uri, "why", s)
	}
	return set, nil
}
