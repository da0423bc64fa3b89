package streamable

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

func TestInitializeAndCall(t *testing.T) {
	tests := []struct {
		name        string
		opts        []runtime.Option
		contentType string
	}{
		// A response with nothing before it is JSON in either mode; the
		// stream only turns into SSE at the first related message.
		{"sse", nil, "application/json"},
		{"json", []runtime.Option{runtime.WithJSONResponse(true)}, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := newServer(t, nil, tt.opts...)
			c := &client{t: t, url: url}
			init := c.post(initBody)
			if init.status != 200 || !strings.HasPrefix(init.header.Get("Content-Type"), "application/json") {
				t.Fatalf("initialize: %d %s %q", init.status, init.header.Get("Content-Type"), init.body)
			}
			sid := init.header.Get(headerSessionID)
			if len(sid) != 32 {
				t.Fatalf("session id %q: want 32 hex digits", sid)
			}
			if v := init.last(t)["result"].(map[string]any)["protocolVersion"]; v != "2025-11-25" {
				t.Fatalf("negotiated %v", v)
			}
			c.sid = sid
			if r := c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); r.status != 202 || len(r.body) != 0 {
				t.Fatalf("notification: %d %q", r.status, r.body)
			}

			r := c.post(callBody(1, "hello"))
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), tt.contentType) {
				t.Fatalf("tools/call: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
			}
			if got := text(t, r.last(t)); got != "hello" {
				t.Fatalf("result %q", got)
			}
			if tt.opts == nil {
				r := c.post(callBody(9, "chatty"))
				if ct := r.header.Get("Content-Type"); r.status != 200 || !strings.HasPrefix(ct, "text/event-stream") {
					t.Fatalf("chatty tools/call: %d %q %q", r.status, ct, r.body)
				}
				first := r.events[0]
				if first.ID == "" || first.Data != "" || first.Retry != "1000" {
					t.Fatalf("first event %+v: want a priming event with id, empty data and retry", first)
				}
				if r.events[1].ID == "" {
					t.Fatalf("event has no id: %+v", r.events[1])
				}
			}

			// A different supported version on the header is fine.
			r = c.do(http.MethodPost, callBody(2, "hello"), map[string]string{headerProtocolVersion: "2025-03-26"})
			if r.status != 200 || text(t, r.last(t)) != "hello" {
				t.Fatalf("with 2025-03-26 header: %d %q", r.status, r.body)
			}
			// Injected headers reach the handler.
			r = c.do(http.MethodPost, callBody(3, "header"), map[string]string{"X-Test": "yes"})
			if got := text(t, r.last(t)); got != "yes" {
				t.Fatalf("header tool: %q", got)
			}
		})
	}
}

func TestRelatedMessagesOnPOSTStream(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	r := c.post(callBody(7, "chatty"))
	var methods []string
	for _, m := range r.msgs {
		if meth, ok := m["method"].(string); ok {
			methods = append(methods, meth)
		} else {
			methods = append(methods, "response")
		}
	}
	want := "notifications/message notifications/progress notifications/progress response"
	if got := strings.Join(methods, " "); got != want {
		t.Fatalf("stream carried %q, want %q", got, want)
	}
	if got := text(t, r.last(t)); got != "done" {
		t.Fatalf("result %q", got)
	}
}

func TestElicitationRoundTrip(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	resp := c.request(http.MethodPost, callBody(5, "ask"), nil)
	defer resp.Body.Close()
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	elicitID := readElicitation(t, er)
	answer := fmt.Sprintf(`{"jsonrpc":"2.0","id":%v,"result":{"action":"accept","content":{"name":"Ada"}}}`, jsonValue(elicitID))
	if r := c.post(answer); r.status != 202 {
		t.Fatalf("posting the elicitation result: %d %q", r.status, r.body)
	}
	e, err := er.next(t, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, decode(t, []byte(e.Data))); got != "accept:Ada" {
		t.Fatalf("result %q", got)
	}
	if _, err := er.next(t, 5*time.Second); err != errEOF {
		t.Fatalf("stream did not end after the response: %v", err)
	}
}

// readElicitation reads er up to an elicitation/create request and
// returns its id.
func readElicitation(t *testing.T, er *eventReader) any {
	t.Helper()
	for {
		e, err := er.next(t, 10*time.Second)
		if err != nil {
			t.Fatal("stream ended before the elicitation request")
		}
		if e.Data == "" {
			continue
		}
		m := decode(t, []byte(e.Data))
		if m["method"] != "elicitation/create" {
			t.Fatalf("unexpected message %v", m)
		}
		return m["id"]
	}
}

func jsonValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

func TestSessionErrors(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	sid := c.sid

	tests := []struct {
		name   string
		method string
		sid    string
		body   string
		status int
	}{
		{"missing session id", http.MethodPost, "", callBody(1, "hello"), 400},
		{"unknown session id", http.MethodPost, "0123456789abcdef0123456789abcdef", callBody(1, "hello"), 404},
		{"bad session id", http.MethodPost, "not valid", callBody(1, "hello"), 404},
		{"initialize inside a session", http.MethodPost, sid, initBody, 400},
		{"GET without session", http.MethodGet, "", "", 400},
		{"DELETE without session", http.MethodDelete, "", "", 400},
		{"DELETE unknown", http.MethodDelete, "ffffffffffffffffffffffffffffffff", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := &client{t: t, url: url, sid: tt.sid}
			r := cc.do(tt.method, tt.body, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %q", r.status, tt.status, r.body)
			}
			if m := r.last(t); errorCode(m) == 0 {
				t.Fatalf("body is not a JSON-RPC error: %q", r.body)
			}
		})
	}

	if r := c.do(http.MethodDelete, "", nil); r.status != 200 {
		t.Fatalf("DELETE: %d %q", r.status, r.body)
	}
	if r := c.post(callBody(2, "hello")); r.status != 404 {
		t.Fatalf("after DELETE: %d, want 404", r.status)
	}
}

func TestHTTPErrors(t *testing.T) {
	_, url := newServer(t, nil, runtime.WithMaxBodyBytes(1024))
	c := &client{t: t, url: url}
	c.initialize()

	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{"pad":"` + strings.Repeat("x", 2000) + `"}}}`
	tests := []struct {
		name   string
		method string
		body   string
		hdr    map[string]string
		status int
		code   int
	}{
		{"unsupported protocol version", http.MethodPost, callBody(1, "hello"), map[string]string{headerProtocolVersion: "1999-01-01"}, 400, runtime.CodeUnsupportedProtocolVersion},
		{"accept json only", http.MethodPost, callBody(1, "hello"), map[string]string{"Accept": "application/json"}, 406, codeTransport},
		{"accept missing", http.MethodPost, callBody(1, "hello"), map[string]string{"Accept": ""}, 406, codeTransport},
		{"GET without event-stream", http.MethodGet, "", map[string]string{"Accept": "application/json"}, 406, codeTransport},
		{"content type", http.MethodPost, callBody(1, "hello"), map[string]string{"Content-Type": "text/plain"}, 415, codeTransport},
		{"charset other than utf-8", http.MethodPost, callBody(1, "hello"), map[string]string{"Content-Type": "application/json; charset=latin1"}, 415, codeTransport},
		{"GET, unsupported protocol version", http.MethodGet, "", map[string]string{headerProtocolVersion: "1999-01-01"}, 400, codeTransport},
		{"DELETE, unsupported protocol version", http.MethodDelete, "", map[string]string{headerProtocolVersion: "1999-01-01"}, 400, codeTransport},
		{"too large", http.MethodPost, big, nil, 413, codeTransport},
		{"too large, chunked", http.MethodPost, big, map[string]string{"Transfer-Encoding": "chunked"}, 413, codeTransport},
		{"parse error", http.MethodPost, `{"jsonrpc":`, nil, 400, runtime.CodeParseError},
		{"empty body", http.MethodPost, ``, nil, 400, runtime.CodeParseError},
		{"invalid request", http.MethodPost, `{"jsonrpc":"1.0","id":1,"method":"x"}`, nil, 400, runtime.CodeInvalidRequest},
		{"batch", http.MethodPost, `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, nil, 400, runtime.CodeInvalidRequest},
		{"PUT", http.MethodPut, `{}`, nil, 405, codeTransport},
		{"PATCH", http.MethodPatch, `{}`, nil, 405, codeTransport},
		{"bad Last-Event-ID", http.MethodGet, "", map[string]string{headerLastEventID: strings.Repeat("x", 2000)}, 400, codeTransport},
		{"unknown Last-Event-ID", http.MethodGet, "", map[string]string{headerLastEventID: "nope#1"}, 404, codeTransport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(tt.method, tt.body, tt.hdr)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %q", r.status, tt.status, r.body)
			}
			if got := errorCode(r.last(t)); got != tt.code {
				t.Fatalf("code %d, want %d: %q", got, tt.code, r.body)
			}
			if tt.status == 405 && r.header.Get("Allow") != "GET, POST, DELETE" {
				t.Fatalf("Allow %q", r.header.Get("Allow"))
			}
		})
	}
}

func TestHostAndOrigin(t *testing.T) {
	tests := []struct {
		name   string
		opts   []runtime.Option
		hdr    map[string]string
		status int
	}{
		{"loopback host, no origin", nil, nil, 200},
		{"localhost host", nil, map[string]string{"Host": "localhost:1234"}, 200},
		{"ipv6 loopback", nil, map[string]string{"Host": "[::1]:80", "Origin": "http://[::1]:3000"}, 200},
		{"evil host", nil, map[string]string{"Host": "evil.example.com"}, 421},
		{"evil host and origin", nil, map[string]string{"Host": "evil.example.com", "Origin": "http://evil.example.com"}, 421},
		{"evil origin", nil, map[string]string{"Origin": "http://evil.example.com"}, 403},
		{"null origin", nil, map[string]string{"Origin": "null"}, 403},
		{"loopback origin", nil, map[string]string{"Origin": "http://localhost:5173"}, 200},
		{"https loopback origin", nil, map[string]string{"Origin": "https://127.0.0.1"}, 200},
		{"allowed host list", []runtime.Option{runtime.WithAllowedHosts("mcp.example.com:*")}, map[string]string{"Host": "mcp.example.com:8443", "Origin": "https://mcp.example.com:8443"}, 200},
		{"allowed host list rejects loopback", []runtime.Option{runtime.WithAllowedHosts("mcp.example.com")}, nil, 421},
		{"allowed origins", []runtime.Option{runtime.WithAllowedOrigins("https://app.example.com")}, map[string]string{"Origin": "https://app.example.com"}, 200},
		{"allowed origins, other port", []runtime.Option{runtime.WithAllowedOrigins("https://app.example.com")}, map[string]string{"Origin": "https://app.example.com:444"}, 403},
		{"disabled", []runtime.Option{func(c *runtime.Config) { c.DisableHostCheck = true }}, map[string]string{"Host": "evil.example.com", "Origin": "http://evil.example.com"}, 200},
		{"non-loopback bind", []runtime.Option{runtime.WithAddr("0.0.0.0", 0)}, map[string]string{"Host": "anything.example", "Origin": "http://anything.example"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := newServer(t, nil, tt.opts...)
			c := &client{t: t, url: url}
			r := c.do(http.MethodPost, initBody, tt.hdr)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %q", r.status, tt.status, r.body)
			}
			if tt.status >= 400 && errorCode(r.last(t)) == 0 {
				t.Fatalf("no JSON-RPC error body: %q", r.body)
			}
		})
	}
}

func TestStateless(t *testing.T) {
	_, url := newServer(t, nil, runtime.WithStateless(true))
	c := &client{t: t, url: url}
	r := c.post(initBody)
	if r.status != 200 || r.header.Get(headerSessionID) != "" {
		t.Fatalf("initialize: %d session %q", r.status, r.header.Get(headerSessionID))
	}
	for _, tool := range []string{"hello", "chatty"} {
		r = c.do(http.MethodPost, callBody(1, tool), map[string]string{headerProtocolVersion: "2025-11-25"})
		if r.status != 200 || r.header.Get(headerSessionID) != "" {
			t.Fatalf("%s: %d %q", tool, r.status, r.body)
		}
		if len(r.events) > 0 && r.events[0].Data == "" {
			t.Fatalf("%s: stateless stream has a priming event: %+v", tool, r.events[0])
		}
		if m := r.last(t); m["result"] == nil {
			t.Fatalf("%s: %v", tool, m)
		}
	}
	// CloseStream is not offered without resumption; the call still ends.
	r = c.post(callBody(2, "test_reconnection"))
	if got := text(t, r.last(t)); got != "reconnected closed=false" {
		t.Fatalf("test_reconnection: %q", got)
	}
	if r := c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); r.status != 202 {
		t.Fatalf("notification: %d", r.status)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		r := c.do(m, "", nil)
		if r.status != 405 || r.header.Get("Allow") != "POST" {
			t.Fatalf("%s: %d Allow %q", m, r.status, r.header.Get("Allow"))
		}
	}
}

func TestResumeAfterCloseStream(t *testing.T) {
	_, url := newServer(t, []Option{WithRetry(50 * time.Millisecond)})
	c := &client{t: t, url: url}
	c.initialize()
	r := c.do(http.MethodPost, callBody(1, "test_reconnection"), map[string]string{headerProtocolVersion: "2025-03-26"})
	if r.status != 200 || len(r.events) == 0 {
		t.Fatalf("POST: %d %q", r.status, r.body)
	}
	if len(r.msgs) != 0 {
		t.Fatalf("the stream should end before any message, got %v", r.msgs)
	}
	prime := r.events[0]
	if prime.ID == "" || prime.Retry != "50" {
		t.Fatalf("priming event %+v", prime)
	}
	// The handler is still running: resume right away and wait for it.
	g := c.do(http.MethodGet, "", map[string]string{headerLastEventID: prime.ID})
	if g.status != 200 {
		t.Fatalf("GET: %d %q", g.status, g.body)
	}
	if len(g.msgs) != 2 || g.msgs[0]["method"] != "notifications/message" {
		t.Fatalf("resumed stream carried %v", g.msgs)
	}
	if got := text(t, g.last(t)); got != "reconnected closed=true" {
		t.Fatalf("result %q", got)
	}
	// Resuming again from the log event replays the response from the store.
	g2 := c.do(http.MethodGet, "", map[string]string{headerLastEventID: g.events[0].ID})
	if len(g2.msgs) != 1 || text(t, g2.last(t)) != "reconnected closed=true" {
		t.Fatalf("second resume carried %v", g2.msgs)
	}
	// Another session cannot read these events.
	other := &client{t: t, url: url}
	other.initialize()
	if r := other.do(http.MethodGet, "", map[string]string{headerLastEventID: prime.ID}); r.status != 404 {
		t.Fatalf("cross-session resume: %d", r.status)
	}
}

func TestResumeAfterResponseStored(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	r := c.post(callBody(1, "test_reconnection"))
	time.Sleep(300 * time.Millisecond) // the call finishes while no stream is attached
	g := c.do(http.MethodGet, "", map[string]string{headerLastEventID: r.events[0].ID})
	if got := text(t, g.last(t)); got != "reconnected closed=true" {
		t.Fatalf("result %q", got)
	}
}

func TestStandaloneStream(t *testing.T) {
	srv, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	if r := c.post(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"mem://a"}}`); r.status != 200 || r.last(t)["result"] == nil {
		t.Fatalf("subscribe: %d %q", r.status, r.body)
	}
	resp := c.request(http.MethodGet, "", nil)
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	prime, err := er.next(t, 5*time.Second)
	if err != nil || prime.ID == "" || prime.Data != "" {
		t.Fatalf("priming event %+v %v", prime, err)
	}
	if r := c.do(http.MethodGet, "", nil); r.status != 409 {
		t.Fatalf("second GET: %d, want 409", r.status)
	}
	srv.NotifyResourceUpdated("mem://a")
	e, err := er.next(t, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, []byte(e.Data))
	if m["method"] != "notifications/resources/updated" || e.ID == "" {
		t.Fatalf("event %+v", e)
	}
	// DELETE ends the stream.
	if r := c.do(http.MethodDelete, "", nil); r.status != 200 {
		t.Fatalf("DELETE: %d", r.status)
	}
	if _, err := er.next(t, 5*time.Second); err != errEOF {
		t.Fatalf("GET stream still open after DELETE: %v", err)
	}
}

func TestStandaloneResume(t *testing.T) {
	srv, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	c.post(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"mem://a"}}`)
	resp := c.request(http.MethodGet, "", nil)
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	prime, _ := er.next(t, 5*time.Second)
	resp.Body.Close()
	// Reconnect from the priming id: nothing to replay, live from now on.
	deadline := time.Now().Add(5 * time.Second)
	var resp2 *http.Response
	for {
		resp2 = c.request(http.MethodGet, "", map[string]string{headerLastEventID: prime.ID})
		if resp2.StatusCode != http.StatusConflict || time.Now().After(deadline) {
			break
		}
		resp2.Body.Close() // the server has not noticed the first stream ended yet
		time.Sleep(10 * time.Millisecond)
	}
	defer resp2.Body.Close()
	if resp2.StatusCode != 200 {
		t.Fatalf("resume: %d", resp2.StatusCode)
	}
	srv.NotifyResourceUpdated("mem://a")
	er2 := &eventReader{br: bufio.NewReader(resp2.Body)}
	e, err := er2.next(t, 5*time.Second)
	if err != nil || !strings.Contains(e.Data, "resources/updated") {
		t.Fatalf("event %+v %v", e, err)
	}
}

func TestDeleteCancelsRequests(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	resp := c.request(http.MethodPost, callBody(9, "wait"), nil)
	defer resp.Body.Close()
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	if _, err := er.next(t, 5*time.Second); err != nil { // priming
		t.Fatal(err)
	}
	if r := c.do(http.MethodDelete, "", nil); r.status != 200 {
		t.Fatalf("DELETE: %d", r.status)
	}
	for {
		_, err := er.next(t, 5*time.Second)
		if err == errEOF {
			break
		}
	}
}

func TestIdleExpiry(t *testing.T) {
	_, url := newServer(t, nil, runtime.WithSessionIdleTimeout(50*time.Millisecond))
	c := &client{t: t, url: url}
	c.initialize()
	if r := c.post(callBody(1, "hello")); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	time.Sleep(300 * time.Millisecond)
	if r := c.post(callBody(2, "hello")); r.status != 404 {
		t.Fatalf("after idle timeout: %d, want 404", r.status)
	}
}

// TestMaxSessions: at the cap, a session holding a stream is never
// evicted, so with every session busy a new one is refused (503 with
// Retry-After); an idle one makes room (the least recently used goes).
func TestMaxSessions(t *testing.T) {
	_, url := newServer(t, nil, runtime.WithMaxSessions(2))
	a, b := &client{t: t, url: url}, &client{t: t, url: url}
	a.initialize()
	b.initialize()
	for _, cl := range []*client{a, b} {
		resp := cl.request(http.MethodGet, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET stream: %d", resp.StatusCode)
		}
		defer resp.Body.Close()
	}
	c := &client{t: t, url: url}
	r := c.post(initBody)
	if r.status != 503 || errorCode(r.last(t)) == 0 || r.header.Get("Retry-After") == "" {
		t.Fatalf("third session with both busy: %d %q Retry-After=%q", r.status, r.body, r.header.Get("Retry-After"))
	}
	a.do(http.MethodDelete, "", nil)
	c.initialize()
	// b holds its stream and c is idle: a fourth session evicts c.
	d := &client{t: t, url: url}
	d.initialize()
	if r := c.post(callBody(1, "hello")); r.status != 404 {
		t.Fatalf("evicted session: %d, want 404", r.status)
	}
	if r := b.post(callBody(2, "hello")); r.status != 200 {
		t.Fatalf("busy session after eviction: %d", r.status)
	}
}

func TestConcurrentStreams(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			cc := &client{t: t, url: url, sid: c.sid}
			r := cc.post(callBody(100+i, "chatty"))
			if r.status != 200 || text(t, r.last(t)) != "done" {
				t.Errorf("stream %d: %d %q", i, r.status, r.body)
			}
		})
	}
	wg.Wait()
}

func TestShutdownEndsGET(t *testing.T) {
	srv, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	resp := c.request(http.MethodGet, "", nil)
	defer resp.Body.Close()
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	er.next(t, 5*time.Second)
	srv.Shutdown(t.Context())
	if _, err := er.next(t, 5*time.Second); err != errEOF {
		t.Fatalf("GET stream open after Shutdown: %v", err)
	}
}

func TestKeepAlive(t *testing.T) {
	_, url := newServer(t, []Option{WithKeepAlive(20 * time.Millisecond)})
	c := &client{t: t, url: url}
	c.initialize()
	resp := c.request(http.MethodGet, "", nil)
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	deadline := time.After(5 * time.Second)
	got := make(chan bool, 1)
	go func() {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				got <- false
				return
			}
			if strings.HasPrefix(line, ": keep-alive") {
				got <- true
				return
			}
		}
	}()
	select {
	case ok := <-got:
		if !ok {
			t.Fatal("stream ended without a keep-alive")
		}
	case <-deadline:
		t.Fatal("no keep-alive comment")
	}
}

func TestJSONModeAcceptsJSONOnly(t *testing.T) {
	_, url := newServer(t, nil, runtime.WithJSONResponse(true))
	c := &client{t: t, url: url}
	c.initialize()
	tests := []struct {
		accept string
		status int
	}{
		{"application/json", 200},
		{"application/json, text/event-stream", 200},
		{"text/event-stream", 406},
	}
	for _, tt := range tests {
		r := c.do(http.MethodPost, callBody(1, "hello"), map[string]string{"Accept": tt.accept})
		if r.status != tt.status {
			t.Errorf("Accept %q: status %d, want %d (%q)", tt.accept, r.status, tt.status, r.body)
		}
	}
	// Related messages have no stream in JSON mode; the response still comes.
	r := c.post(callBody(2, "chatty"))
	if len(r.msgs) != 1 || text(t, r.last(t)) != "done" {
		t.Fatalf("chatty in JSON mode: %q", r.body)
	}
}

func TestSessionlessVersion(t *testing.T) {
	const v = "2026-07-28"
	if !runtime.IsSupportedVersion(v) {
		t.Skip("the core does not speak " + v + " yet")
	}
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	r := c.do(http.MethodPost, callBody(1, "hello"), map[string]string{headerProtocolVersion: v})
	if r.status != 200 || r.header.Get(headerSessionID) != "" || text(t, r.last(t)) != "hello" {
		t.Fatalf("%d %q", r.status, r.body)
	}
}

func TestOlderVersionHasNoPriming(t *testing.T) {
	_, url := newServer(t, nil)
	c := &client{t: t, url: url}
	r := c.post(strings.Replace(initBody, "2025-11-25", "2025-06-18", 1))
	c.sid = r.header.Get(headerSessionID)
	c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	hdr := map[string]string{headerProtocolVersion: "2025-06-18"}
	r = c.do(http.MethodPost, callBody(1, "test_reconnection"), hdr)
	if len(r.events) == 0 || r.events[0].Data == "" {
		t.Fatalf("want no priming event before 2025-11-25: %+v", r.events)
	}
	// Without a priming event the client could not resume: the stream
	// stays open and CloseStream reports false.
	if got := text(t, r.last(t)); got != "reconnected closed=false" {
		t.Fatalf("result %q", got)
	}
}

// TestResponseFraming: a response with nothing before it is a JSON body,
// unless the client names text/event-stream first; a handler that
// streams turns the answer into SSE (with a priming event on 2025-11-25
// sessions); and nothing of a JSON answer is kept in the event store.
func TestResponseFraming(t *testing.T) {
	tests := []struct {
		name, accept, tool, wantType string
		wantPriming                  bool
	}{
		{"json first", "application/json, text/event-stream", "hello", "application/json", false},
		{"sse first", "text/event-stream, application/json", "hello", "text/event-stream", true},
		{"sse first with q", "text/event-stream;q=1, application/json;q=1", "hello", "text/event-stream", true},
		{"streaming handler", "application/json, text/event-stream", "chatty", "text/event-stream", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := NewMemoryEventStore(MemoryEventStoreOptions{})
			_, url := newServer(t, nil, runtime.WithEventStore(store))
			c := &client{t: t, url: url}
			c.initialize()
			before, _ := store.Len()
			r := c.do(http.MethodPost, callBody(3, tt.tool), map[string]string{"Accept": tt.accept})
			if ct := r.header.Get("Content-Type"); r.status != 200 || !strings.HasPrefix(ct, tt.wantType) {
				t.Fatalf("%d %q %q, want %s", r.status, ct, r.body, tt.wantType)
			}
			if r.last(t)["result"] == nil {
				t.Fatalf("no result in %q", r.body)
			}
			after, _ := store.Len()
			if tt.wantType == "application/json" && after != before {
				t.Errorf("a JSON answer stored %d events", after-before)
			}
			if tt.wantPriming && (len(r.events) == 0 || r.events[0].ID == "" || r.events[0].Data != "") {
				t.Errorf("events %+v: want a priming event first", r.events)
			}
		})
	}
}

// TestHijackedGETStream: the standalone stream of an HTTP/1.1 client is
// written on the taken-over connection (Connection: close ends its
// body), carries the priming event and the session's notifications, and
// gives its slot back as soon as the client hangs up, so a reconnecting
// client is not refused with 409.
func TestHijackedGETStream(t *testing.T) {
	srv, url := newServer(t, nil)
	c := &client{t: t, url: url}
	c.initialize()
	resp := c.request(http.MethodGet, "", map[string]string{headerProtocolVersion: "2025-11-25"})
	if resp.StatusCode != 200 || !resp.Close || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || resp.Header.Get(headerSessionID) != c.sid {
		t.Fatalf("GET: %d close=%v %v", resp.StatusCode, resp.Close, resp.Header)
	}
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	if e, err := er.next(t, 5*time.Second); err != nil || e.ID == "" || e.Data != "" {
		t.Fatalf("first event %+v, %v: want the priming event", e, err)
	}
	if r := c.post(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"mem://a"}}`); r.status != 200 {
		t.Fatalf("subscribe: %d %q", r.status, r.body)
	}
	srv.NotifyResourceUpdated("mem://a")
	e, err := er.next(t, 5*time.Second)
	if err != nil || !strings.Contains(e.Data, "notifications/resources/updated") {
		t.Fatalf("event %+v, %v: want the resources/updated notification", e, err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := c.request(http.MethodGet, "", map[string]string{headerProtocolVersion: "2025-11-25"})
		r.Body.Close()
		if r.StatusCode == 200 {
			break
		}
		if r.StatusCode != http.StatusConflict || time.Now().After(deadline) {
			t.Fatalf("GET after the client hung up: %d", r.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestJSONModeDisconnectIsNotCancellation: in JSON response mode too, a
// client that drops the POST of a session's call does not cancel the
// call (the specification: a disconnect is not a cancellation). The call
// goes on waiting for its elicitation, so the server sends no
// notifications/cancelled for it; the next message on the GET stream is
// the log of a later call.
func TestJSONModeDisconnectIsNotCancellation(t *testing.T) {
	_, url := newServer(t, nil, runtime.WithJSONResponse(true))
	c := &client{t: t, url: url}
	c.initialize()
	get := c.request(http.MethodGet, "", nil)
	defer get.Body.Close()
	er := &eventReader{br: bufio.NewReader(get.Body)}
	next := func() map[string]any {
		for {
			e, err := er.next(t, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if e.Data != "" {
				return decode(t, []byte(e.Data))
			}
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(callBody(5, "ask")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(headerSessionID, c.sid)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	m := next()
	if m["method"] != "elicitation/create" {
		t.Fatalf("GET stream: %v, want the elicitation request", m)
	}
	cancel() // the client goes away
	<-done
	time.Sleep(200 * time.Millisecond) // let the server notice it
	if r := c.do(http.MethodPost, callBody(6, "chatty"), nil); r.status != 200 {
		t.Fatalf("chatty: %d %s", r.status, r.body)
	}
	if m := next(); m["method"] != "notifications/message" {
		t.Fatalf("GET stream: %v, want chatty's log (the dropped call must not be cancelled)", m)
	}
	// The call still waits for its answer; give it one, so it ends.
	if r := c.post(fmt.Sprintf(`{"jsonrpc":"2.0","id":%v,"result":{"action":"decline"}}`, jsonValue(m["id"]))); r.status != 202 {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
}
