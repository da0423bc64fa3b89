package runtime

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSSEWriterNotHijackable(t *testing.T) {
	tests := []struct {
		name  string
		major int
	}{
		{"HTTP/1.1 recorder without Hijack", 1},
		{"HTTP/2", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/sse", nil)
			r.ProtoMajor = tt.major
			if sw, gone := HijackSSE(rec, r); sw != nil || gone != nil {
				t.Fatal("HijackSSE took a connection it cannot have")
			}
			if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Flushed {
				t.Fatalf("HijackSSE wrote to the response: %d %q", rec.Code, rec.Body.String())
			}
			// The fallback streams through net/http.
			sw := StartSSE(rec)
			if sw.Hijacked() {
				t.Error("StartSSE writer says it is hijacked")
			}
			sw.Buf = append(sw.Buf, "data: x\n\n"...)
			if err := sw.Flush(); err != nil {
				t.Fatal(err)
			}
			if len(sw.Buf) != 0 {
				t.Errorf("Buf not emptied: %q", sw.Buf)
			}
			if err := sw.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if got := rec.Header().Get("Content-Type"); got != "text/event-stream" {
				t.Errorf("Content-Type %q", got)
			}
			if rec.Header().Get("Connection") != "" {
				t.Error("Connection header on a stream net/http ends")
			}
			if rec.Body.String() != "data: x\n\n" || !rec.Flushed {
				t.Errorf("body %q, flushed %v", rec.Body.String(), rec.Flushed)
			}
		})
	}
}

func TestSSEWriterHijacked(t *testing.T) {
	goneCh := make(chan (<-chan struct{}), 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Mcp-Session-Id", "abc")
		w.Header().Set("Content-Length", "5") // must not survive: the body ends with the connection
		sw, gone := HijackSSE(w, r)
		if sw == nil {
			http.Error(w, "not hijacked", http.StatusInternalServerError)
			return
		}
		sw.Buf = append(sw.Buf, "data: one\n\n"...)
		go func() {
			defer sw.Close()
			if !sw.Hijacked() {
				return
			}
			if err := sw.Flush(); err != nil {
				return
			}
			sw.Buf = append(sw.Buf, strings.Repeat(": pad\n", 400)...) // above the kept size
			sw.Buf = append(sw.Buf, "data: two\n\n"...)
			if err := sw.Flush(); err != nil || sw.Buf != nil {
				return // a large buffer is dropped, not kept
			}
			goneCh <- gone
			<-gone
		}()
	}))
	defer ts.Close()

	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /sse HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Content-Type":      "text/event-stream",
		"Cache-Control":     "no-cache, no-transform",
		"X-Accel-Buffering": "no",
		"Mcp-Session-Id":    "abc",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if resp.StatusCode != http.StatusOK || !resp.Close || resp.ContentLength != -1 || resp.Header.Get("Date") == "" {
		t.Errorf("status %d, close %v, length %d, date %q", resp.StatusCode, resp.Close, resp.ContentLength, resp.Header.Get("Date"))
	}
	var data []string
	sc := bufio.NewScanner(resp.Body)
	for len(data) < 2 && sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = append(data, v)
		}
	}
	if strings.Join(data, ",") != "one,two" {
		t.Fatalf("events %q, want one,two", data)
	}
	var gone <-chan struct{}
	select {
	case gone = <-goneCh:
	case <-time.After(5 * time.Second):
		t.Fatal("the large buffer was kept after Flush")
	}
	c.Close()
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("gone not closed after the client left")
	}
}

func BenchmarkSSEWriterFlush(b *testing.B) {
	rec := httptest.NewRecorder()
	sw := StartSSE(rec)
	ev := []byte("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n")
	b.ReportAllocs()
	for b.Loop() {
		sw.Buf = append(sw.Buf, ev...)
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		rec.Body.Reset()
	}
}

// TestHijackSSEClientFlood: a client may send a little up a hijacked
// stream without losing it, but one that keeps sending is cut off.
func TestHijackSSEClientFlood(t *testing.T) {
	proceed := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, gone := HijackSSE(w, r)
		if sw == nil {
			t.Error("not hijacked")
			return
		}
		go func() {
			defer sw.Close()
			sw.Buf = append(sw.Buf, ": open\n\n"...)
			if sw.Flush() != nil {
				return
			}
			select {
			case <-proceed:
			case <-gone:
				return
			}
			select {
			case <-gone:
				sw.Buf = append(sw.Buf, "data: gone\n\n"...)
			default:
				sw.Buf = append(sw.Buf, "data: ok\n\n"...)
			}
			if sw.Flush() != nil {
				return
			}
			<-gone
		}()
	}))
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(conn, "GET /sse HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	readUntil := func(want string) {
		t.Helper()
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("before %q: %v", want, err)
			}
			if strings.TrimSpace(line) == want {
				return
			}
		}
	}
	readUntil(": open")
	// A few stray bytes (under SSEMaxClientBytes) are tolerated.
	io.WriteString(conn, strings.Repeat("z", 100))
	close(proceed)
	readUntil("data: ok")
	// A flood is not: the server closes the connection, so writing fails
	// or reading ends, long before 64 MiB have gone up.
	chunk := make([]byte, 64<<10)
	sent := 0
	for ; sent < 64<<20; sent += len(chunk) {
		if _, err := conn.Write(chunk); err != nil {
			break
		}
	}
	if sent >= 64<<20 {
		t.Fatalf("the server took %d bytes up an event stream without closing it", sent)
	}
	if _, err := io.Copy(io.Discard, br); err != nil && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("after the flood: %v", err)
	}
}
