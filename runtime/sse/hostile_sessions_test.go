package sse

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// sessGET opens a legacy SSE stream as a client behind the trusted proxy
// 127.0.0.1 with address addr.
func sessGET(t *testing.T, url, addr string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/sse", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestHostileSessionStreams: legacy SSE sessions obey the same admission
// rules as Streamable HTTP ones: one caller holding its share of streams
// is refused (503, Retry-After) while another caller is served, and
// streams that never complete the handshake end after
// SessionInitTimeout.
func TestHostileSessionStreams(t *testing.T) {
	const share = 20
	ts := serve(t, newTestServer(t, nil, nil, runtime.WithTrustedProxies("127.0.0.1"),
		runtime.WithMaxSessionsPerCaller(share), runtime.WithSessionInitTimeout(500*time.Millisecond)))
	var held []*http.Response
	defer func() {
		for _, r := range held {
			r.Body.Close()
		}
	}()
	for i := range share {
		r := sessGET(t, ts.URL, "203.0.113.66")
		if r.StatusCode != 200 {
			t.Fatalf("stream %d: %d", i, r.StatusCode)
		}
		held = append(held, r)
	}
	r := sessGET(t, ts.URL, "203.0.113.66")
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("caller over its share: %d %s Retry-After=%q", r.StatusCode, body, r.Header.Get("Retry-After"))
	}
	other := sessGET(t, ts.URL, "198.51.100.7")
	other.Body.Close()
	if other.StatusCode != 200 {
		t.Fatalf("another caller: %d", other.StatusCode)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, r := range held {
			io.Copy(io.Discard, r.Body)
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("streams that never completed the handshake still open after 30 s")
	}
	again := sessGET(t, ts.URL, "203.0.113.66")
	again.Body.Close()
	if again.StatusCode != 200 {
		t.Fatalf("caller after its streams ended: %d", again.StatusCode)
	}
}
