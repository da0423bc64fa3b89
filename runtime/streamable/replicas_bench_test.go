package streamable

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	goruntime "runtime"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/store"
	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

// countingStore counts the operations that reach the store (each one
// round trip to Redis).
type countingStore struct {
	store.Store
	ops atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, k string) ([]byte, error) {
	c.ops.Add(1)
	return c.Store.Get(ctx, k)
}

func (c *countingStore) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	c.ops.Add(1)
	return c.Store.Set(ctx, k, v, ttl)
}

func (c *countingStore) Delete(ctx context.Context, k string) error {
	c.ops.Add(1)
	return c.Store.Delete(ctx, k)
}

func (c *countingStore) Publish(ctx context.Context, ch string, msg []byte) error {
	c.ops.Add(1)
	return c.Store.Publish(ctx, ch, msg)
}

func newCountingRedis(tb testing.TB, url string) *countingStore {
	tb.Helper()
	r, err := store.NewRedis(url, store.RedisOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return &countingStore{Store: r}
}

var reqID atomic.Int64

// postCall sends tools/call hello (with an id of its own: calls may run
// concurrently on one session) and checks the answer.
func postCall(tb testing.TB, h http.Handler, sid string) {
	body := strconv.AppendInt([]byte(`{"jsonrpc":"2.0","id":`), reqID.Add(1), 10)
	body = append(body, `,"method":"tools/call","params":{"name":"hello","arguments":{}}}`...)
	w := httptest.NewRecorder()
	r := newPOST(sid, "")
	r.Body = nopCloser{bytes.NewReader(body)}
	r.ContentLength = int64(len(body))
	h.ServeHTTP(w, r)
	if w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte(`"hello"`)) {
		tb.Fatalf("%d %s", w.Code, w.Body)
	}
}

// TestStoreRoundTrips counts what a request costs the store: nothing on
// the replica that holds the session, two on the first request through
// another replica (read the record, refresh its expiry), then nothing;
// nothing for 2026 stateless requests.
func TestStoreRoundTrips(t *testing.T) {
	redis := storetest.StartRedis(t)
	st := newCountingRedis(t, redis.URL)
	a, sid := recorderServer(t, runtime.WithStore(st))
	stB := newCountingRedis(t, redis.URL)
	b, _ := recorderServer(t, runtime.WithStore(stB))
	count := func(s *countingStore, f func()) int64 {
		before := s.ops.Load()
		f()
		return s.ops.Load() - before
	}
	if n := count(st, func() { postCall(t, a, sid) }); n != 0 {
		t.Errorf("tools/call on the session's replica: %d store operations, want 0", n)
	}
	if n := count(stB, func() { postCall(t, b, sid) }); n != 2 {
		t.Errorf("first tools/call through another replica: %d store operations, want 2", n)
	}
	if n := count(stB, func() {
		for range 10 {
			postCall(t, b, sid)
		}
	}); n != 0 {
		t.Errorf("10 more tools/call through it: %d store operations, want 0", n)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/mcp", bytes.NewReader([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}`)))
	r.Host = "localhost"
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json, text/event-stream")
	r.Header.Set("MCP-Protocol-Version", "2026-07-28")
	r.Header.Set("Mcp-Method", "tools/call")
	r.Header.Set("Mcp-Name", "hello")
	if n := count(st, func() { a.ServeHTTP(w, r) }); n != 0 || w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte(`"hello"`)) {
		t.Errorf("2026 stateless tools/call: %d store operations (want 0), %d %s", n, w.Code, w.Body)
	}
}

// BenchmarkSessionToolsCall: tools/call on an existing session, 32
// concurrent callers, with the memory store and with Redis (the ratio of
// the two is the cost of sharing); "replicas" alternates two servers on
// one Redis, as a round-robin balancer would.
//
//	go test -run '^$' -bench SessionToolsCall -cpu 2 ./runtime/streamable/
func BenchmarkSessionToolsCall(b *testing.B) {
	run := func(b *testing.B, hs []http.Handler, sid string, st *countingStore) {
		b.ReportAllocs()
		b.SetParallelism(max(1, 32/runtimeGOMAXPROCS()))
		var before int64
		if st != nil {
			before = st.ops.Load()
		}
		b.ResetTimer()
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				postCall(b, hs[int(n.Add(1))%len(hs)], sid)
			}
		})
		if st != nil {
			b.ReportMetric(float64(st.ops.Load()-before)/float64(b.N), "storeops/op")
		}
	}
	b.Run("memory", func(b *testing.B) {
		srv, sid := recorderServer(b)
		run(b, []http.Handler{srv}, sid, nil)
	})
	redis := storetest.StartRedis(b)
	b.Run("redis", func(b *testing.B) {
		st := newCountingRedis(b, redis.URL)
		srv, sid := recorderServer(b, runtime.WithStore(st))
		run(b, []http.Handler{srv}, sid, st)
	})
	b.Run("redis-2-replicas", func(b *testing.B) {
		st := newCountingRedis(b, redis.URL)
		a, sid := recorderServer(b, runtime.WithStore(st))
		bb, _ := recorderServer(b, runtime.WithStore(st))
		run(b, []http.Handler{a, bb}, sid, st)
	})
}

func runtimeGOMAXPROCS() int { return goruntime.GOMAXPROCS(0) }
