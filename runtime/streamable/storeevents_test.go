package streamable

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/store"
	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

func testStoreEventStore(t *testing.T, st store.Store) {
	ctx := context.Background()
	es := NewStoreEventStore(st, StoreEventStoreOptions{MaxEventsPerStream: 4})
	var ids []string
	for i := range 6 {
		id, err := es.Append(ctx, "s1/1", []byte(fmt.Sprint("e", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var got []string
	sid, err := es.Replay(ctx, ids[2], func(id string, d []byte) error { got = append(got, id+"="+string(d)); return nil })
	if err != nil || sid != "s1/1" || strings.Join(got, " ") != ids[3]+"=e3 "+ids[4]+"=e4 "+ids[5]+"=e5" {
		t.Fatalf("Replay(%s) = %s %v: %q", ids[2], sid, err, got)
	}
	// ids[0] is trimmed away (4 kept: e2..e5, so replay after e1 works
	// and after e0 does not); an id never issued, a malformed one and
	// another stream's are unknown.
	for _, bad := range []string{ids[0], "s1/1#7", "s1/1#x", "nope", "s2/1#1"} {
		if _, err := es.Replay(ctx, bad, func(string, []byte) error { return nil }); !errors.Is(err, runtime.ErrUnknownEvent) {
			t.Errorf("Replay(%q) = %v, want ErrUnknownEvent", bad, err)
		}
	}
	if _, err := es.Replay(ctx, ids[1], func(string, []byte) error { return nil }); err != nil {
		t.Errorf("Replay(%s): %v", ids[1], err)
	}
	// Concurrent writers of one stream (replicas of one session's GET
	// stream) get distinct ids.
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				id, err := es.Append(ctx, "s1/0", []byte("x"))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[id] {
					t.Errorf("id %s issued twice", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Fatalf("%d ids for 40 events", len(seen))
	}
}

func TestStoreEventStore(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testStoreEventStore(t, store.NewMemory(store.MemoryOptions{})) })
	t.Run("file", func(t *testing.T) {
		st, err := store.NewFile(t.TempDir(), store.FileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testStoreEventStore(t, st)
	})
	t.Run("redis", func(t *testing.T) {
		st, err := store.NewRedis(storetest.StartRedis(t).URL, store.RedisOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testStoreEventStore(t, st)
	})
}

// eventIDs returns the ids of a reply's events that carry a message.
func eventIDs(r *reply) []string {
	var ids []string
	for _, e := range r.events {
		if e.ID != "" && e.Data != "" {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// checkResume calls chatty through a, then resumes its stream after its
// first event through b: the events after it arrive, the response last.
func checkResume(t *testing.T, a, b *client) {
	t.Helper()
	r := a.post(callBody(1, "chatty"))
	ids := eventIDs(r)
	if r.status != 200 || len(ids) < 3 {
		t.Fatalf("chatty: %d, events %q: %s", r.status, ids, r.body)
	}
	res := b.do(http.MethodGet, "", map[string]string{"Last-Event-ID": ids[0]})
	if res.status != 200 {
		t.Fatalf("GET with Last-Event-ID %s: %d %s", ids[0], res.status, res.body)
	}
	if got := eventIDs(res); strings.Join(got, " ") != strings.Join(ids[1:], " ") {
		t.Fatalf("resumed events %q, want %q", got, ids[1:])
	}
	if text(t, res.last(t)) != "done" {
		t.Fatalf("last resumed message: %v", res.last(t))
	}
}

// TestFileStoreKeepsSessionsAndEvents: with MCPGEN_STORE=file://DIR a
// session and its stored events outlive the process.
func TestFileStoreKeepsSessionsAndEvents(t *testing.T) {
	url := "file://" + t.TempDir()
	srvA, urlA := newServer(t, nil, runtime.WithStoreURL(url))
	a := &client{t: t, url: urlA}
	a.initialize()
	r := a.post(callBody(1, "chatty"))
	ids := eventIDs(r)
	if len(ids) < 3 {
		t.Fatalf("chatty: %q", r.body)
	}
	if err := srvA.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, urlB := newServer(t, nil, runtime.WithStoreURL(url))
	b := &client{t: t, url: urlB, sid: a.sid}
	res := b.do(http.MethodGet, "", map[string]string{"Last-Event-ID": ids[0]})
	if res.status != 200 || strings.Join(eventIDs(res), " ") != strings.Join(ids[1:], " ") {
		t.Fatalf("resumed after a restart: %d %q, want %q", res.status, eventIDs(res), ids[1:])
	}
	if r := b.post(callBody(2, "hello")); r.status != 200 || text(t, r.last(t)) != "hello" {
		t.Fatalf("the session after a restart: %d %s", r.status, r.body)
	}
}
