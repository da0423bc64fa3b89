package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisPrefix starts every key and channel the Redis store uses,
// so a database shared with other programs stays readable.
const DefaultRedisPrefix = "mcpgen:"

// RedisOptions configure NewRedis.
type RedisOptions struct {
	// Prefix starts every key and channel (default DefaultRedisPrefix).
	// Servers that must not share state use different prefixes or
	// different databases.
	Prefix string
	// DialTimeout bounds the first connection check (default 5s).
	DialTimeout time.Duration
}

// Redis is the store shared by replicas: every replica that opens the
// same database (and prefix) sees the same keys and messages. Expiry is
// Redis's own; Take is GETDEL, Add is SET NX, CompareAndSwap is a Lua
// script, so each is one atomic round trip. Publish/Subscribe use Redis
// channels over one connection per store, re-established by the client
// when Redis comes back.
type Redis struct {
	c      *redis.Client
	url    string // redacted
	prefix string
	closed atomic.Bool

	mu      sync.Mutex
	ps      *redis.PubSub
	refs    map[string]int             // local subscribers per Redis channel
	waiters map[string][]chan struct{} // Subscribe calls waiting for Redis's confirmation
	hub     hub
	done    chan struct{}
	wg      sync.WaitGroup
}

// NewRedis connects to the database url names
// (redis://[user:password@]HOST:PORT/DB, rediss:// for TLS) and checks it
// answers: an unreachable store is an error naming the URL (password
// hidden) and the cause.
func NewRedis(url string, o RedisOptions) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", Redact(url), err)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultRedisPrefix
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	opts.DialTimeout = o.DialTimeout
	// Errors reach the caller (and a 503) instead of waiting out retries.
	opts.MaxRetries = 1
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), o.DialTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("store %s: cannot reach Redis: %w", Redact(url), err)
	}
	r := &Redis{c: c, url: Redact(url), prefix: o.Prefix, refs: map[string]int{}, waiters: map[string][]chan struct{}{}, done: make(chan struct{})}
	r.ps = c.Subscribe(context.Background())
	msgs := r.ps.ChannelWithSubscriptions(redis.WithChannelSize(1024))
	r.wg.Add(1)
	go r.receive(msgs)
	return r, nil
}

// String is the store's URL without its password.
func (r *Redis) String() string { return r.url }

func (r *Redis) receive(msgs <-chan any) {
	defer r.wg.Done()
	for {
		select {
		case <-r.done:
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			switch m := m.(type) {
			case *redis.Message:
				r.hub.publish(strings.TrimPrefix(m.Channel, r.prefix), []byte(m.Payload))
			case *redis.Subscription:
				if m.Kind == "subscribe" {
					r.mu.Lock()
					for _, w := range r.waiters[m.Channel] {
						close(w)
					}
					delete(r.waiters, m.Channel)
					r.mu.Unlock()
				}
			}
		}
	}
}

func (r *Redis) key(key string) (string, error) {
	if r.closed.Load() {
		return "", ErrClosed
	}
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return r.prefix + key, nil
}

// fail turns a client error into the store's errors.
func (r *Redis) fail(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return ErrNotFound
	case r.closed.Load() || errors.Is(err, redis.ErrClosed):
		return ErrClosed
	}
	return fmt.Errorf("store %s: %w", r.url, err)
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	k, err := r.key(key)
	if err != nil {
		return nil, err
	}
	v, err := r.c.Get(ctx, k).Bytes()
	return v, r.fail(err)
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	k, err := r.key(key)
	if err != nil {
		return err
	}
	return r.fail(r.c.Set(ctx, k, val, ttlArg(ttl)).Err())
}

// ttlArg is go-redis's expiration: 0 keeps no expiry (SET without PX
// drops an earlier one, as Set promises).
func ttlArg(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return 0
	}
	if ttl < time.Millisecond {
		return time.Millisecond
	}
	return ttl
}

// Add implements Store.
func (r *Redis) Add(ctx context.Context, key string, val []byte, ttl time.Duration) (bool, error) {
	k, err := r.key(key)
	if err != nil {
		return false, err
	}
	ok, err := r.c.SetNX(ctx, k, val, ttlArg(ttl)).Result()
	return ok, r.fail(err)
}

// casScript replaces KEYS[1] with ARGV[2] when it holds ARGV[1]; ARGV[3]
// is the expiry in milliseconds (0: none).
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur ~= ARGV[1] then return 0 end
if tonumber(ARGV[3]) > 0 then
	redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
	redis.call('SET', KEYS[1], ARGV[2])
end
return 1
`)

// CompareAndSwap implements Store.
func (r *Redis) CompareAndSwap(ctx context.Context, key string, old, val []byte, ttl time.Duration) (bool, error) {
	k, err := r.key(key)
	if err != nil {
		return false, err
	}
	n, err := casScript.Run(ctx, r.c, []string{k}, old, val, ttlArg(ttl).Milliseconds()).Int()
	return n == 1, r.fail(err)
}

// Take implements Store.
func (r *Redis) Take(ctx context.Context, key string) ([]byte, error) {
	k, err := r.key(key)
	if err != nil {
		return nil, err
	}
	v, err := r.c.GetDel(ctx, k).Bytes()
	return v, r.fail(err)
}

// Delete implements Store.
func (r *Redis) Delete(ctx context.Context, key string) error {
	k, err := r.key(key)
	if err != nil {
		return err
	}
	return r.fail(r.c.Del(ctx, k).Err())
}

// globEscape quotes the characters SCAN's MATCH pattern treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case '*', '?', '[', ']', '\\', '^', '-':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// List implements Store (SCAN: it does not block Redis on big databases).
func (r *Redis) List(ctx context.Context, prefix string) ([]string, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	var out []string
	iter := r.c.Scan(ctx, 0, globEscape(r.prefix+prefix)+"*", 500).Iterator()
	for iter.Next(ctx) {
		out = append(out, strings.TrimPrefix(iter.Val(), r.prefix))
	}
	if err := iter.Err(); err != nil {
		return nil, r.fail(err)
	}
	// SCAN may return a key twice.
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Publish implements Store: every replica's subscribers receive msg.
func (r *Redis) Publish(ctx context.Context, channel string, msg []byte) error {
	if r.closed.Load() {
		return ErrClosed
	}
	return r.fail(r.c.Publish(ctx, r.prefix+channel, msg).Err())
}

// Subscribe implements Store. It returns once Redis confirmed the
// subscription, so a message published afterwards (from any replica)
// is received.
func (r *Redis) Subscribe(ctx context.Context, channel string) (*Subscription, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	ch := r.prefix + channel
	r.mu.Lock()
	var wait chan struct{}
	if r.refs[ch] == 0 {
		wait = make(chan struct{})
		r.waiters[ch] = append(r.waiters[ch], wait)
		if err := r.ps.Subscribe(ctx, ch); err != nil {
			r.mu.Unlock()
			return nil, r.fail(err)
		}
	}
	r.refs[ch]++
	r.mu.Unlock()
	release := func() { r.unsubscribe(ch) }
	if wait != nil {
		t := time.NewTimer(5 * time.Second)
		defer t.Stop()
		select {
		case <-wait:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		case <-t.C:
			release()
			return nil, fmt.Errorf("store %s: Redis did not confirm the subscription to %q", r.url, channel)
		}
	}
	return r.hub.subscribeWith(ctx, channel, release), nil
}

func (r *Redis) unsubscribe(ch string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refs[ch]--
	if r.refs[ch] > 0 {
		return
	}
	delete(r.refs, ch)
	if !r.closed.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r.ps.Unsubscribe(ctx, ch)
	}
}

// Close implements Store.
func (r *Redis) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	close(r.done)
	r.hub.closeAll()
	r.ps.Close()
	r.wg.Wait()
	return r.c.Close()
}
