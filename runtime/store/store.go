// Package store keeps the state a server holds between requests: OAuth
// clients, transactions, codes, tokens and keys of the OAuth proxy today,
// and (with the Redis store) sessions and SSE events shared by replicas.
//
// A Store is a key-value map with per-key expiry, the two atomic
// operations single-use and shared items need (Take: get-and-delete;
// CompareAndSwap, with Add for set-if-absent), prefix listing for
// collections, and publish/subscribe for messages between the parts of
// a server (between replicas once a shared store exists).
//
// Implementations: Memory (the default; bounded; one process), File
// (file://DIR: one file per key, survives restarts; one process) and
// Redis (redis://: shared by every replica that opens it). Open picks one
// from MCPGEN_STORE. Every implementation passes the same
// conformance suite (storetest.Run).
package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Errors of every Store.
var (
	// ErrNotFound: the key does not exist or has expired.
	ErrNotFound = errors.New("store: not found")
	// ErrFull: a bounded store is at its limit and refuses new keys.
	ErrFull = errors.New("store: full")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
)

// MaxKeyLen bounds keys in every store (the file store turns a key into
// a file name). Callers hash longer identifiers.
const MaxKeyLen = 160

// Store is the state shared by the parts of a server. Keys are non-empty
// strings of at most MaxKeyLen bytes; a ttl of zero means no expiry.
// Every method is safe for concurrent use.
type Store interface {
	// Get returns the value of key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores val under key, replacing any value.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Add stores val only when key is absent; it reports whether it did.
	Add(ctx context.Context, key string, val []byte, ttl time.Duration) (bool, error)
	// CompareAndSwap replaces the value of key with val only when the
	// current value equals old; it reports whether it did. A missing key
	// never matches (use Add).
	CompareAndSwap(ctx context.Context, key string, old, val []byte, ttl time.Duration) (bool, error)
	// Take returns the value of key and deletes it, atomically: of many
	// concurrent Takes of one key exactly one gets the value, the others
	// ErrNotFound. It is how single-use items (codes, refresh tokens) are
	// redeemed.
	Take(ctx context.Context, key string) ([]byte, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the live keys starting with prefix, sorted.
	List(ctx context.Context, prefix string) ([]string, error)
	// Publish sends msg to the current subscribers of channel.
	Publish(ctx context.Context, channel string, msg []byte) error
	// Subscribe receives the messages published on channel from now on
	// until the subscription is closed or ctx ends.
	Subscribe(ctx context.Context, channel string) (*Subscription, error)
	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// CheckKey returns an error for a key no store accepts.
func CheckKey(key string) error {
	if key == "" {
		return errors.New("store: empty key")
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("store: key of %d bytes: at most %d", len(key), MaxKeyLen)
	}
	return nil
}

// Open returns the store a MCPGEN_STORE value names: "memory" (or ""),
// "file://DIR" (an empty DIR is home/store) or
// "redis://[user:password@]HOST:PORT/DB" ("rediss://" for TLS). A store
// that is named but cannot be opened is an error: a server never falls
// back to memory.
func Open(url, home string) (Store, error) {
	switch {
	case url == "" || url == "memory":
		return NewMemory(MemoryOptions{}), nil
	case strings.HasPrefix(url, "file://"):
		dir := strings.TrimPrefix(url, "file://")
		if dir == "" {
			dir = filepath.Join(home, "store")
		}
		return NewFile(dir, FileOptions{})
	case strings.HasPrefix(url, "redis://"), strings.HasPrefix(url, "rediss://"):
		return NewRedis(url, RedisOptions{})
	}
	return nil, fmt.Errorf("store %q: want \"memory\", \"file://DIR\" or \"redis://HOST:PORT/DB\"", Redact(url))
}

// Redact hides the password of a store URL for logs and errors.
func Redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	at := strings.LastIndex(rest, "@")
	slash := strings.Index(rest, "/")
	if at < 0 || (slash >= 0 && slash < at) {
		return url
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return url
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}
