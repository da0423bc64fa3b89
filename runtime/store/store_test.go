package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return store.NewMemory(store.MemoryOptions{}) })
}

func TestFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.NewFile(t.TempDir(), store.FileOptions{SweepInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestRedis(t *testing.T) {
	srv := storetest.StartRedis(t)
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		// A prefix per store: every subtest starts from an empty store.
		n++
		s, err := store.NewRedis(srv.URL, store.RedisOptions{Prefix: fmt.Sprintf("t%d:", n)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestRedisOpen(t *testing.T) {
	srv := storetest.StartRedis(t)
	s, err := store.Open(srv.URL, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(context.Background(), "k", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	// Glob characters in a List prefix are literal.
	s.Set(context.Background(), "a*b/1", nil, 0)
	s.Set(context.Background(), "axb/1", nil, 0)
	if keys, err := s.List(context.Background(), "a*b/"); err != nil || strings.Join(keys, " ") != "a*b/1" {
		t.Fatalf("List(a*b/) = %q, %v", keys, err)
	}
}

func TestRedisRecovers(t *testing.T) {
	srv := storetest.StartRedis(t)
	ctx := context.Background()
	s, err := store.NewRedis(srv.URL, store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sub, err := s.Subscribe(ctx, "ch")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	srv.Stop()
	err = s.Set(ctx, "k", []byte("v"), 0)
	if err == nil || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("Set while Redis is down = %v, want an error naming the store", err)
	}
	srv.Start()
	deadline := time.Now().Add(20 * time.Second)
	for s.Set(ctx, "k", []byte("v"), 0) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the store did not recover after Redis came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The subscription is re-established by the client: publish until seen.
	for {
		s.Publish(ctx, "ch", []byte("again"))
		select {
		case m := <-sub.C:
			if string(m) == "again" {
				return
			}
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the subscription did not recover after Redis came back")
		}
	}
}

func TestMemoryBounded(t *testing.T) {
	ctx := context.Background()
	s := store.NewMemory(store.MemoryOptions{MaxKeys: 3})
	defer s.Close()
	for i := range 3 {
		if err := s.Set(ctx, fmt.Sprint(i), nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, "3", nil, 0); !errors.Is(err, store.ErrFull) {
		t.Fatalf("4th key in a 3-key store: %v", err)
	}
	if ok, err := s.Add(ctx, "3", nil, 0); ok || !errors.Is(err, store.ErrFull) {
		t.Fatalf("Add beyond the bound: %v %v", ok, err)
	}
	if err := s.Set(ctx, "1", []byte("replace"), 0); err != nil {
		t.Fatalf("replacing a key in a full store: %v", err)
	}
	s.Delete(ctx, "0")
	if err := s.Set(ctx, "3", nil, 0); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
}

func TestFileRestartAndLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.NewFile(dir, store.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Set(ctx, "oauth/client/abc", []byte("kept"), 0)
	s.Set(ctx, "../escape", []byte("inside"), 0)
	s.Set(ctx, "gone", []byte("x"), time.Millisecond)
	s.Close()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
		if strings.ContainsAny(e.Name(), "/\\") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("unsafe file name %q", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape")); err == nil {
		t.Fatal("a key escaped the store directory")
	}
	time.Sleep(5 * time.Millisecond)
	s2, err := store.NewFile(dir, store.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v, err := s2.Get(ctx, "oauth/client/abc"); err != nil || string(v) != "kept" {
		t.Fatalf("after restart: %q, %v", v, err)
	}
	if v, err := s2.Get(ctx, "../escape"); err != nil || string(v) != "inside" {
		t.Fatalf("after restart: %q, %v", v, err)
	}
	s2.Sweep()
	if keys, _ := s2.List(ctx, ""); len(keys) != 2 {
		t.Fatalf("keys after restart and sweep: %q", keys)
	}
	if n, _ := os.ReadDir(dir); len(n) != 2 {
		t.Fatalf("%d files after the sweep, want 2", len(n))
	}
}

func TestFileIgnoresForeignFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "garbage"), []byte("not a store file"), 0o600)
	s, err := store.NewFile(dir, store.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Get(context.Background(), "garbage"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a foreign file read as a value: %v", err)
	}
	if keys, err := s.List(context.Background(), ""); err != nil || len(keys) != 0 {
		t.Fatalf("List = %q, %v", keys, err)
	}
}

func TestOpen(t *testing.T) {
	home := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	for _, tc := range []struct {
		url, err string
	}{
		{"memory", ""},
		{"", ""},
		{"file://" + filepath.Join(home, "s"), ""},
		{"file://", ""},
		{"redis://:secret@" + closed + "/0", "redis://:xxxxx@" + closed + "/0: cannot reach Redis"},
		{"rediss://user:secret@" + closed + "/0", "rediss://user:xxxxx@" + closed + "/0: cannot reach Redis"},
		{"redis://:secret@" + closed + "/notanumber", "redis://:xxxxx@"},
		{"bogus", "want"},
	} {
		s, err := store.Open(tc.url, home)
		if tc.err == "" {
			if err != nil {
				t.Errorf("Open(%q): %v", tc.url, err)
				continue
			}
			s.Close()
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Open(%q) = %v, want an error with %q", tc.url, err, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "store")); err != nil {
		t.Errorf("file:// did not default to HOME/store: %v", err)
	}
}

func FuzzFileDecode(f *testing.F) {
	f.Add([]byte("MCPGENS1\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01kv"))
	f.Add([]byte("MCPGENS1\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		name := "k"
		os.WriteFile(filepath.Join(dir, name), b, 0o600)
		s, err := store.NewFile(dir, store.FileOptions{SweepInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.Get(context.Background(), "k")
		s.List(context.Background(), "")
		s.Take(context.Background(), "k")
		s.Sweep()
	})
}
