package streamable

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

func replayAll(t *testing.T, m *MemoryEventStore, id string) (string, []string, error) {
	t.Helper()
	var got []string
	sid, err := m.Replay(context.Background(), id, func(_ string, data []byte) error {
		got = append(got, string(data))
		return nil
	})
	return sid, got, err
}

func TestMemoryEventStoreReplay(t *testing.T) {
	m := NewMemoryEventStore(MemoryEventStoreOptions{})
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		id, err := m.Append(ctx, "s1/1", fmt.Appendf(nil, "e%d", i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	m.Append(ctx, "s1/2", []byte("other stream"))

	tests := []struct {
		name   string
		id     string
		want   string
		stream string
		err    error
	}{
		{"from first", ids[0], "e1 e2", "s1/1", nil},
		{"from last", ids[2], "", "s1/1", nil},
		{"never issued", "s1/1#4", "", "", runtime.ErrUnknownEvent},
		{"unknown stream", "s9/1#1", "", "", runtime.ErrUnknownEvent},
		{"malformed", "garbage", "", "", runtime.ErrUnknownEvent},
		{"zero seq", "s1/1#0", "", "", runtime.ErrUnknownEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid, got, err := replayAll(t, m, tt.id)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if sid != tt.stream || strings.Join(got, " ") != tt.want {
				t.Fatalf("got %q %q, want %q %q", sid, got, tt.stream, tt.want)
			}
		})
	}
}

func TestMemoryEventStoreBounds(t *testing.T) {
	ctx := context.Background()
	t.Run("per stream", func(t *testing.T) {
		m := NewMemoryEventStore(MemoryEventStoreOptions{MaxEventsPerStream: 2})
		first, _ := m.Append(ctx, "s", []byte("a"))
		second, _ := m.Append(ctx, "s", []byte("b"))
		m.Append(ctx, "s", []byte("c"))
		m.Append(ctx, "s", []byte("d"))
		if _, _, err := replayAll(t, m, first); !errors.Is(err, runtime.ErrUnknownEvent) {
			t.Fatalf("replay past the retained window: %v", err)
		}
		if _, got, err := replayAll(t, m, second); err != nil || strings.Join(got, "") != "cd" {
			t.Fatalf("replay at the window edge: %q %v", got, err)
		}
		if n, b := m.Len(); n != 2 || b != 2 {
			t.Fatalf("Len %d %d", n, b)
		}
	})
	t.Run("overall events", func(t *testing.T) {
		m := NewMemoryEventStore(MemoryEventStoreOptions{MaxEvents: 10})
		for i := range 100 {
			m.Append(ctx, fmt.Sprint("s", i), []byte("x"))
		}
		if n, _ := m.Len(); n > 10 {
			t.Fatalf("%d events held, bound is 10", n)
		}
		if _, _, err := replayAll(t, m, "s0#1"); !errors.Is(err, runtime.ErrUnknownEvent) {
			t.Fatalf("oldest stream still held: %v", err)
		}
	})
	t.Run("overall bytes", func(t *testing.T) {
		m := NewMemoryEventStore(MemoryEventStoreOptions{MaxBytes: 1000})
		for i := range 100 {
			m.Append(ctx, fmt.Sprint("s", i), make([]byte, 100))
		}
		if _, b := m.Len(); b > 1000 {
			t.Fatalf("%d bytes held, bound is 1000", b)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		m := NewMemoryEventStore(MemoryEventStoreOptions{TTL: time.Minute})
		now := time.Unix(1000, 0)
		m.now = func() time.Time { return now }
		id, _ := m.Append(ctx, "old", []byte("x"))
		now = now.Add(2 * time.Minute)
		m.Append(ctx, "new", []byte("y"))
		if _, _, err := replayAll(t, m, id); !errors.Is(err, runtime.ErrUnknownEvent) {
			t.Fatalf("expired stream replayed: %v", err)
		}
		if n, _ := m.Len(); n != 1 {
			t.Fatalf("%d events held after expiry", n)
		}
	})
	t.Run("forget", func(t *testing.T) {
		m := NewMemoryEventStore(MemoryEventStoreOptions{})
		m.Append(ctx, "a/1", []byte("x"))
		m.Append(ctx, "a/0", []byte("x"))
		keep, _ := m.Append(ctx, "b/1", []byte("x"))
		m.Forget(ctx, "a/")
		if n, _ := m.Len(); n != 1 {
			t.Fatalf("%d events after Forget", n)
		}
		if _, _, err := replayAll(t, m, keep); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMemoryEventStoreCopiesData(t *testing.T) {
	m := NewMemoryEventStore(MemoryEventStoreOptions{})
	ctx := context.Background()
	first, _ := m.Append(ctx, "s", []byte("x"))
	buf := []byte("hello")
	m.Append(ctx, "s", buf)
	copy(buf, "XXXXX")
	if _, got, _ := replayAll(t, m, first); got[0] != "hello" {
		t.Fatalf("store kept the caller's buffer: %q", got)
	}
}

func FuzzParseEventID(f *testing.F) {
	for _, s := range []string{"s#1", "a/b#c#2", "#1", "s#", "s#00", "s#18446744073709551616", "s#-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		stream, seq, ok := parseEventID(id)
		if !ok {
			return
		}
		if seq == 0 || stream == "" {
			t.Fatalf("accepted %q as %q %d", id, stream, seq)
		}
		if back := formatEventID(stream, seq); back != id && strings.TrimLeft(id[len(stream)+1:], "0") != fmt.Sprint(seq) {
			t.Fatalf("%q parsed to %q %d, formats back to %q", id, stream, seq, back)
		}
		// Replay of any id must not panic.
		m := NewMemoryEventStore(MemoryEventStoreOptions{})
		m.Append(context.Background(), stream, []byte("x"))
		m.Replay(context.Background(), id, func(string, []byte) error { return nil })
	})
}

// TestMemoryEventStorePerSession: one session's events cannot take more
// than MaxBytesPerSession, and other sessions' events stay.
func TestMemoryEventStorePerSession(t *testing.T) {
	m := NewMemoryEventStore(MemoryEventStoreOptions{MaxBytesPerSession: 10 << 10, MaxBytes: 1 << 20})
	ctx := context.Background()
	bobID, err := m.Append(ctx, "bob/1", []byte("bob's event"))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := m.Append(ctx, "alice/1", make([]byte, 1000))
	chunk := make([]byte, 1000)
	var last string
	for i := range 100 {
		last, _ = m.Append(ctx, "alice/"+strconv.Itoa(1+i%5), chunk)
	}
	_, b := m.Len()
	if b > int64(10<<10+len("bob's event")) {
		t.Fatalf("store holds %d bytes, want at most alice's 10 KiB and bob's event", b)
	}
	if _, err := m.Replay(ctx, first, func(string, []byte) error { return nil }); !errors.Is(err, runtime.ErrUnknownEvent) {
		t.Fatalf("alice's oldest event still replayable: %v", err)
	}
	if _, err := m.Replay(ctx, last, func(string, []byte) error { return nil }); err != nil {
		t.Fatalf("alice's newest event: %v", err)
	}
	var got []string
	m.Append(ctx, "bob/1", []byte("more"))
	if _, err := m.Replay(ctx, bobID, func(_ string, d []byte) error { got = append(got, string(d)); return nil }); err != nil || len(got) != 1 {
		t.Fatalf("bob's stream after alice's flood: %v %q", err, got)
	}
	// One event larger than the bound is kept (the newest always is).
	big, _ := m.Append(ctx, "carol/1", make([]byte, 20<<10))
	if _, err := m.Replay(ctx, big, func(string, []byte) error { return nil }); err != nil {
		t.Fatalf("carol's single large event: %v", err)
	}
}
