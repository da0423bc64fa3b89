package store

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultMaxKeys bounds the memory store when MemoryOptions.MaxKeys is 0.
const DefaultMaxKeys = 100_000

// MemoryOptions configure NewMemory.
type MemoryOptions struct {
	// MaxKeys bounds the number of live keys (default DefaultMaxKeys):
	// new keys beyond it are refused with ErrFull after expired ones are
	// swept, never made room for by dropping live state.
	MaxKeys int
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Memory is the in-process store: a map guarded by a mutex. State ends
// with the process and is not shared between replicas.
type Memory struct {
	mu     sync.Mutex
	items  map[string]memItem
	max    int
	now    func() time.Time
	closed bool
	hub    hub
	nextGC time.Time
}

type memItem struct {
	val []byte
	exp time.Time // zero: none
}

func (it memItem) live(now time.Time) bool { return it.exp.IsZero() || now.Before(it.exp) }

// NewMemory returns an empty memory store.
func NewMemory(o MemoryOptions) *Memory {
	if o.MaxKeys <= 0 {
		o.MaxKeys = DefaultMaxKeys
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Memory{items: map[string]memItem{}, max: o.MaxKeys, now: o.Now}
}

func expiry(now time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return now.Add(ttl)
}

// lookup returns the live item of key; the caller holds mu.
func (m *Memory) lookup(key string, now time.Time) (memItem, bool) {
	it, ok := m.items[key]
	if ok && !it.live(now) {
		delete(m.items, key)
		return memItem{}, false
	}
	return it, ok
}

// room makes sure a new key fits; the caller holds mu.
func (m *Memory) room(now time.Time) error {
	if len(m.items) < m.max {
		if now.After(m.nextGC) && len(m.items) > m.max/2 {
			m.sweep(now)
		}
		return nil
	}
	m.sweep(now)
	if len(m.items) >= m.max {
		return ErrFull
	}
	return nil
}

func (m *Memory) sweep(now time.Time) {
	for k, it := range m.items {
		if !it.live(now) {
			delete(m.items, k)
		}
	}
	m.nextGC = now.Add(time.Minute)
}

func (m *Memory) begin(key string) (time.Time, error) {
	if err := CheckKey(key); err != nil {
		return time.Time{}, err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return time.Time{}, ErrClosed
	}
	return m.now(), nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	now, err := m.begin(key)
	if err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	it, ok := m.lookup(key, now)
	if !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(it.val), nil
}

// Set implements Store.
func (m *Memory) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	now, err := m.begin(key)
	if err != nil {
		return err
	}
	defer m.mu.Unlock()
	if _, ok := m.lookup(key, now); !ok {
		if err := m.room(now); err != nil {
			return err
		}
	}
	m.items[key] = memItem{val: slices.Clone(val), exp: expiry(now, ttl)}
	return nil
}

// Add implements Store.
func (m *Memory) Add(_ context.Context, key string, val []byte, ttl time.Duration) (bool, error) {
	now, err := m.begin(key)
	if err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	if _, ok := m.lookup(key, now); ok {
		return false, nil
	}
	if err := m.room(now); err != nil {
		return false, err
	}
	m.items[key] = memItem{val: slices.Clone(val), exp: expiry(now, ttl)}
	return true, nil
}

// CompareAndSwap implements Store.
func (m *Memory) CompareAndSwap(_ context.Context, key string, old, val []byte, ttl time.Duration) (bool, error) {
	now, err := m.begin(key)
	if err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	it, ok := m.lookup(key, now)
	if !ok || !bytes.Equal(it.val, old) {
		return false, nil
	}
	m.items[key] = memItem{val: slices.Clone(val), exp: expiry(now, ttl)}
	return true, nil
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, key string) ([]byte, error) {
	now, err := m.begin(key)
	if err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	it, ok := m.lookup(key, now)
	if !ok {
		return nil, ErrNotFound
	}
	delete(m.items, key)
	return it.val, nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, key string) error {
	if _, err := m.begin(key); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.items, key)
	return nil
}

// List implements Store.
func (m *Memory) List(_ context.Context, prefix string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	now := m.now()
	var out []string
	for k, it := range m.items {
		if strings.HasPrefix(k, prefix) && it.live(now) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Publish implements Store.
func (m *Memory) Publish(_ context.Context, channel string, msg []byte) error {
	if m.isClosed() {
		return ErrClosed
	}
	m.hub.publish(channel, msg)
	return nil
}

// Subscribe implements Store.
func (m *Memory) Subscribe(ctx context.Context, channel string) (*Subscription, error) {
	if m.isClosed() {
		return nil, ErrClosed
	}
	return m.hub.subscribe(ctx, channel), nil
}

func (m *Memory) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// Close implements Store.
func (m *Memory) Close() error {
	m.mu.Lock()
	m.closed = true
	m.items = map[string]memItem{}
	m.mu.Unlock()
	m.hub.closeAll()
	return nil
}
