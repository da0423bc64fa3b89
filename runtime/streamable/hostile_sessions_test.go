package streamable

// Session flooding, as a hostile client does it (issue: one client made
// the default 10,000 sessions in about two seconds and every other client
// got 503 for half an hour). Counts and times are bounded; memory is
// checked with a generous margin.

import (
	"bufio"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mcp "github.com/mcpgen/mcpgen/runtime"
)

// sessFrom is a client whose requests reach the server through a trusted
// proxy (127.0.0.1) that names addr in X-Forwarded-For.
func sessFrom(t testing.TB, url, addr string) *client {
	return &client{t: t, url: url, hdr: map[string]string{"X-Forwarded-For": addr}}
}

func sessHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHostileSessionFlood: one caller opening the default 10,000
// sessions keeps at most its share (MaxSessionsPerCaller) open, the
// oldest being evicted; another client, and the flooder itself, can
// still initialize; memory stays bounded.
func TestHostileSessionFlood(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 2000
	}
	_, url := newServer(t, nil, mcp.WithTrustedProxies("127.0.0.1"))
	victim := sessFrom(t, url, "198.51.100.1")
	victim.initialize()
	before := sessHeap()
	start := time.Now()
	var first atomic.Value
	var failed atomic.Int64
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 16 {
		wg.Go(func() {
			for range jobs {
				r := sessFrom(t, url, "203.0.113.66").post(initBody)
				if r.status != 200 {
					failed.Add(1)
					continue
				}
				first.CompareAndSwap(nil, r.header.Get(headerSessionID))
			}
		})
	}
	// Bounded in time as well as count: on a loaded machine under -race
	// the flood stops after 90 s, which is enough as long as it went well
	// past the caller's share (so eviction happened many times over).
	sent := 0
	for ; sent < n && time.Since(start) < 90*time.Second; sent++ {
		jobs <- sent
	}
	close(jobs)
	wg.Wait()
	if sent < 3*mcp.DefaultMaxSessionsPerCaller {
		t.Fatalf("only %d sessions opened in 90 s", sent)
	}
	n = sent
	if f := failed.Load(); f != 0 {
		t.Fatalf("%d of the flooder's initializes refused: idle sessions should have been evicted instead", f)
	}
	grown := int64(sessHeap()) - int64(before)
	t.Logf("%d sessions opened in %v; heap grew by %d KiB", n, time.Since(start).Round(time.Millisecond), grown>>10)
	if grown > 150<<20 {
		t.Fatalf("heap grew by %d MiB", grown>>20)
	}
	// The flooder's first sessions were evicted (at most 1000 stay).
	old := sessFrom(t, url, "203.0.113.66")
	old.sid = first.Load().(string)
	if r := old.post(callBody(1, "hello")); r.status != 404 {
		t.Fatalf("flooder's first session: %d, want 404 (evicted)", r.status)
	}
	// The victim's session and a new client are served.
	if r := victim.post(callBody(2, "hello")); r.status != 200 {
		t.Fatalf("victim's session after the flood: %d", r.status)
	}
	sessFrom(t, url, "198.51.100.2").initialize()
	sessFrom(t, url, "203.0.113.66").initialize()
}

// TestHostileSessionStreams: sessions holding GET streams are never
// evicted, so a caller that holds its whole share is refused (503 with
// Retry-After) while other callers are not; sessions that never sent
// notifications/initialized end after SessionInitTimeout, streams and
// all.
func TestHostileSessionStreams(t *testing.T) {
	const share = 40
	_, url := newServer(t, nil, mcp.WithTrustedProxies("127.0.0.1"), mcp.WithMaxSessionsPerCaller(share), mcp.WithSessionInitTimeout(500*time.Millisecond))
	var streams []*http.Response
	defer func() {
		for _, s := range streams {
			s.Body.Close()
		}
	}()
	for i := range share {
		c := sessFrom(t, url, "203.0.113.66")
		r := c.post(initBody) // and never notifications/initialized
		if r.status != 200 {
			t.Fatalf("session %d: %d", i, r.status)
		}
		c.sid = r.header.Get(headerSessionID)
		resp := c.request(http.MethodGet, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("stream %d: %d", i, resp.StatusCode)
		}
		streams = append(streams, resp)
	}
	r := sessFrom(t, url, "203.0.113.66").post(initBody)
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("caller over its share with every session streaming: %d %q Retry-After=%q", r.status, r.body, r.header.Get("Retry-After"))
	}
	other := sessFrom(t, url, "198.51.100.7")
	other.initialize()
	// The handshake never completed: every stream ends, and the caller
	// can open sessions again.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range streams {
			br := bufio.NewReader(s.Body)
			for {
				if _, err := br.ReadString('\n'); err != nil {
					break
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("streams of sessions that never finished the handshake still open after 30 s")
	}
	sessFrom(t, url, "203.0.113.66").initialize()
	if r := other.post(callBody(3, "hello")); r.status != 200 {
		t.Fatalf("the other caller's session: %d", r.status)
	}
}

// TestHostileSessionData: client data a session would keep is bounded:
// initialize with capabilities of nearly the whole body limit (4 MiB) and
// subscriptions to 1 MB URIs are refused with errors naming the setting,
// and memory does not grow with them.
func TestHostileSessionData(t *testing.T) {
	_, url := newServer(t, nil)
	// The issue used 250 rounds of 4 MiB capabilities and 1,000 of 1 MB
	// URIs. Each round is refused alike, so a few show it in CI;
	// MCPGEN_HOSTILE_ROUNDS=1000 runs them at full size.
	rounds := 8
	if v, err := strconv.Atoi(os.Getenv("MCPGEN_HOSTILE_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	before := sessHeap()
	pad := strings.Repeat("x", 4<<20-512)
	big := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"x":"` + pad + `"},"clientInfo":{"name":"h","version":"1"}}}`
	for i := range rounds {
		r := (&client{t: t, url: url}).post(big)
		if r.status != 200 || r.header.Get(headerSessionID) != "" || !strings.Contains(string(r.body), "MCPGEN_MAX_CLIENT_INFO_BYTES") {
			t.Fatalf("round %d: %d session=%q %.200s", i, r.status, r.header.Get(headerSessionID), r.body)
		}
	}
	c := &client{t: t, url: url}
	c.initialize()
	uri := "file:///" + strings.Repeat("u", 1<<20)
	for i := range rounds {
		r := c.post(`{"jsonrpc":"2.0","id":` + strconv.Itoa(i+1) + `,"method":"resources/subscribe","params":{"uri":"` + uri + `"}}`)
		if !strings.Contains(string(r.body), "MCPGEN_MAX_URI_BYTES") {
			t.Fatalf("1 MB URI %d: %d %.200s", i, r.status, r.body)
		}
	}
	for i := range mcp.DefaultMaxSubscriptions {
		r := c.post(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///r/` + strconv.Itoa(i) + `"}}`)
		if r.status != 200 || errorCode(r.last(t)) != 0 {
			t.Fatalf("subscription %d: %d %s", i, r.status, r.body)
		}
	}
	r := c.post(`{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"file:///one-too-many"}}`)
	if !strings.Contains(string(r.body), "MCPGEN_MAX_SUBSCRIPTIONS") {
		t.Fatalf("subscription past the limit: %d %s", r.status, r.body)
	}
	grown := int64(sessHeap()) - int64(before)
	t.Logf("heap grew by %d KiB", grown>>10)
	if grown > 150<<20 {
		t.Fatalf("heap grew by %d MiB", grown>>20)
	}
}
