// Package storetest is the conformance suite every store.Store
// implementation passes: Run it from the implementation's tests with a
// constructor of empty stores.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// Run runs the suite; newStore returns an empty store, closed by the
// suite (or by a t.Cleanup of its own).
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"GetSetDelete", testGetSetDelete},
		{"Keys", testKeys},
		{"ValuesAreCopies", testCopies},
		{"TTL", testTTL},
		{"Add", testAdd},
		{"CompareAndSwap", testCAS},
		{"TakeOnce", testTakeOnce},
		{"List", testList},
		{"PubSub", testPubSub},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

var ctx = context.Background()

func mustGet(t *testing.T, s store.Store, key string, want []byte) {
	t.Helper()
	got, err := s.Get(ctx, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

func mustMissing(t *testing.T, s store.Store, key string) {
	t.Helper()
	if v, err := s.Get(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", key, v, err)
	}
}

func testGetSetDelete(t *testing.T, s store.Store) {
	mustMissing(t, s, "a")
	if err := s.Set(ctx, "a", []byte("one"), 0); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, "a", []byte("one"))
	if err := s.Set(ctx, "a", []byte("two"), 0); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, "a", []byte("two"))
	if err := s.Set(ctx, "empty", nil, 0); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, "empty"); err != nil || len(v) != 0 {
		t.Fatalf("empty value: %q, %v", v, err)
	}
	bin := []byte{0, 1, 2, 0xff, '\n', 0}
	if err := s.Set(ctx, "bin", bin, 0); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, "bin", bin)
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	mustMissing(t, s, "a")
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
}

func testKeys(t *testing.T, s store.Store) {
	// Keys that an encoding could confuse with each other or with paths.
	keys := []string{"a/b", "a%2Fb", "a_b", "A/B", "../x", "..", ".", "x/../y", "ключ", "a b", "h-1", "a:b", "a\x00b", strings.Repeat("k", store.MaxKeyLen)}
	for i, k := range keys {
		if err := s.Set(ctx, k, []byte(fmt.Sprint(i)), 0); err != nil {
			t.Fatalf("Set(%q): %v", k, err)
		}
	}
	for i, k := range keys {
		mustGet(t, s, k, []byte(fmt.Sprint(i)))
	}
	got, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(keys) {
		t.Fatalf("List = %q, want the %d keys", got, len(keys))
	}
	for _, bad := range []string{"", strings.Repeat("k", store.MaxKeyLen+1)} {
		if err := s.Set(ctx, bad, []byte("x"), 0); err == nil {
			t.Errorf("Set(%d-byte key) accepted", len(bad))
		}
		if _, err := s.Get(ctx, bad); err == nil || errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(%d-byte key) = %v, want a key error", len(bad), err)
		}
	}
}

func testCopies(t *testing.T, s store.Store) {
	v := []byte("abc")
	if err := s.Set(ctx, "k", v, 0); err != nil {
		t.Fatal(err)
	}
	v[0] = 'X'
	mustGet(t, s, "k", []byte("abc"))
	got, _ := s.Get(ctx, "k")
	got[0] = 'Y'
	mustGet(t, s, "k", []byte("abc"))
}

// eventually polls cond for up to 10 seconds (the suite runs on loaded
// machines; expiry is checked, not its timing).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 10s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testTTL(t *testing.T, s store.Store) {
	if err := s.Set(ctx, "short", []byte("x"), 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "long", []byte("y"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "forever", []byte("z"), 0); err != nil {
		t.Fatal(err)
	}
	eventually(t, "short key expires", func() bool {
		_, err := s.Get(ctx, "short")
		return errors.Is(err, store.ErrNotFound)
	})
	mustGet(t, s, "long", []byte("y"))
	mustGet(t, s, "forever", []byte("z"))
	if keys, _ := s.List(ctx, ""); len(keys) != 2 {
		t.Errorf("List after expiry = %q, want long and forever", keys)
	}
	if _, err := s.Take(ctx, "short"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Take of an expired key: %v", err)
	}
	if ok, err := s.Add(ctx, "short", []byte("again"), 0); err != nil || !ok {
		t.Errorf("Add over an expired key = %v, %v", ok, err)
	}
	// Set with a TTL replaces an eternal value's expiry too.
	if err := s.Set(ctx, "forever", []byte("z"), 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	eventually(t, "re-set key expires", func() bool {
		_, err := s.Get(ctx, "forever")
		return errors.Is(err, store.ErrNotFound)
	})
}

func testAdd(t *testing.T, s store.Store) {
	ok, err := s.Add(ctx, "k", []byte("first"), 0)
	if err != nil || !ok {
		t.Fatalf("Add on a missing key = %v, %v", ok, err)
	}
	ok, err = s.Add(ctx, "k", []byte("second"), 0)
	if err != nil || ok {
		t.Fatalf("Add on a present key = %v, %v", ok, err)
	}
	mustGet(t, s, "k", []byte("first"))
	// Concurrent Adds: exactly one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := s.Add(ctx, "race", []byte(fmt.Sprint(i)), 0); err == nil && ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Fatalf("%d concurrent Adds succeeded, want 1", n)
	}
}

func testCAS(t *testing.T, s store.Store) {
	if ok, err := s.CompareAndSwap(ctx, "k", nil, []byte("x"), 0); err != nil || ok {
		t.Fatalf("CAS on a missing key = %v, %v", ok, err)
	}
	mustMissing(t, s, "k")
	s.Set(ctx, "k", []byte("1"), 0)
	if ok, err := s.CompareAndSwap(ctx, "k", []byte("2"), []byte("3"), 0); err != nil || ok {
		t.Fatalf("CAS with a wrong old value = %v, %v", ok, err)
	}
	if ok, err := s.CompareAndSwap(ctx, "k", []byte("1"), []byte("2"), 0); err != nil || !ok {
		t.Fatalf("CAS with the right old value = %v, %v", ok, err)
	}
	mustGet(t, s, "k", []byte("2"))
	// A counter incremented by racing CAS loops ends exact.
	s.Set(ctx, "n", []byte("0"), 0)
	var wg sync.WaitGroup
	const workers, each = 4, 10
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				for {
					cur, err := s.Get(ctx, "n")
					if err != nil {
						t.Error(err)
						return
					}
					var n int
					fmt.Sscan(string(cur), &n)
					if ok, err := s.CompareAndSwap(ctx, "n", cur, []byte(fmt.Sprint(n+1)), 0); err != nil {
						t.Error(err)
						return
					} else if ok {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	mustGet(t, s, "n", []byte(fmt.Sprint(workers*each)))
}

func testTakeOnce(t *testing.T, s store.Store) {
	if _, err := s.Take(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Take of a missing key: %v", err)
	}
	s.Set(ctx, "code", []byte("v"), time.Minute)
	got, err := s.Take(ctx, "code")
	if err != nil || string(got) != "v" {
		t.Fatalf("Take = %q, %v", got, err)
	}
	mustMissing(t, s, "code")
	for round := range 5 {
		key := fmt.Sprint("single-", round)
		s.Set(ctx, key, []byte("v"), time.Minute)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if v, err := s.Take(ctx, key); err == nil && string(v) == "v" {
					wins.Add(1)
				} else if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("round %d: %d concurrent Takes got the value, want 1", round, n)
		}
	}
}

func testList(t *testing.T, s store.Store) {
	for _, k := range []string{"client/b", "client/a", "clientx", "code/1", "client/c"} {
		s.Set(ctx, k, []byte("v"), 0)
	}
	got, err := s.List(ctx, "client/")
	if err != nil {
		t.Fatal(err)
	}
	if want := "client/a client/b client/c"; strings.Join(got, " ") != want {
		t.Fatalf("List(client/) = %q, want %s", got, want)
	}
	if got, _ := s.List(ctx, "nothing/"); len(got) != 0 {
		t.Fatalf("List(nothing/) = %q", got)
	}
	s.Delete(ctx, "client/b")
	if got, _ := s.List(ctx, "client/"); strings.Join(got, " ") != "client/a client/c" {
		t.Fatalf("List after Delete = %q", got)
	}
}

func testPubSub(t *testing.T, s store.Store) {
	sub, err := s.Subscribe(ctx, "events")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Subscribe(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	subCtx, cancel := context.WithCancel(ctx)
	second, err := s.Subscribe(subCtx, "events")
	if err != nil {
		t.Fatal(err)
	}
	// Some stores subscribe asynchronously: publish until seen.
	recv := func(sub *store.Subscription, want string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case m, ok := <-sub.C:
				if !ok {
					t.Fatalf("subscription closed before %q", want)
				}
				if string(m) == want {
					return
				}
			case <-deadline:
				t.Fatalf("message %q not received", want)
			}
		}
	}
	for i := range 3 {
		if err := s.Publish(ctx, "events", []byte(fmt.Sprint("m", i))); err != nil {
			t.Fatal(err)
		}
	}
	recv(sub, "m0")
	recv(sub, "m1")
	recv(sub, "m2")
	recv(second, "m2")
	select {
	case m := <-other.C:
		t.Fatalf("other channel received %q", m)
	default:
	}
	cancel()
	eventually(t, "subscription closed when its context ends", func() bool {
		select {
		case _, ok := <-second.C:
			return !ok
		default:
			return false
		}
	})
	sub.Close()
	sub.Close() // idempotent
	if _, ok := <-sub.C; ok {
		// drain anything buffered before the close
		for range sub.C {
		}
	}
	if err := s.Publish(ctx, "events", []byte("after")); err != nil {
		t.Fatal(err)
	}
	other.Close()
}

func testClose(t *testing.T, s store.Store) {
	sub, err := s.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	s.Set(ctx, "k", []byte("v"), 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Get after Close: %v", err)
	}
	if err := s.Set(ctx, "k", nil, 0); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Set after Close: %v", err)
	}
	if _, err := s.Take(ctx, "k"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Take after Close: %v", err)
	}
	eventually(t, "subscriptions end on Close", func() bool {
		select {
		case _, ok := <-sub.C:
			return !ok
		default:
			return false
		}
	})
}
