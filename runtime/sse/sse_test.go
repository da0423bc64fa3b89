package sse

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

func TestInitializeAndCall(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil))
	c := open(t, ts.URL, "/sse")
	if !strings.HasPrefix(c.endpoint, "/messages/?session_id=") {
		t.Fatalf("endpoint %q, want /messages/?session_id=...", c.endpoint)
	}
	init := c.initialize(runtime.Version20241105, nil)
	var ir struct {
		ProtocolVersion string `json:"protocolVersion"`
		ServerInfo      struct {
			Name string `json:"name"`
		} `json:"serverInfo"`
	}
	if err := json.Unmarshal(init.Result, &ir); err != nil {
		t.Fatal(err)
	}
	if ir.ProtocolVersion != runtime.Version20241105 || ir.ServerInfo.Name != "sse-test" {
		t.Errorf("initialize result %s: want version 2024-11-05 and name sse-test", init.Result)
	}

	list := c.request("tools/list", nil)
	if !strings.Contains(string(list.Result), `"name":"echo"`) {
		t.Errorf("tools/list: %s", list.Result)
	}

	tests := []struct {
		name string
		tool string
		args any
		hdr  []string
		want string
	}{
		{"text tool", "echo", map[string]any{"text": "hi there"}, nil, "hi there"},
		{"custom header seen, authorization never", "header", nil,
			[]string{"X-Custom", "from-the-post", "Authorization", "Bearer secret"},
			"custom=from-the-post auth= method=POST"},
		{"headers are per POST", "header", nil, []string{"X-Custom", "second"}, "custom=second auth= method=POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := c.request("tools/call", map[string]any{"name": tt.tool, "arguments": tt.args}, tt.hdr...)
			if got := toolText(t, m); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	// An unknown tool is a JSON-RPC error on the stream; the POST is 202.
	m := c.request("tools/call", map[string]any{"name": "nope"})
	if m.Error == nil || m.Error.Code != runtime.CodeInvalidParams {
		t.Errorf("unknown tool: %+v, want -32602", m)
	}
}

func TestRequestBeforeInitialize(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil))
	c := open(t, ts.URL, "/sse")
	m := c.request("tools/list", nil)
	if m.Error == nil || m.Error.Code != runtime.CodeInvalidRequest {
		t.Errorf("tools/list before initialize: %+v, want -32600", m)
	}
}

func TestHTTPErrors(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil, runtime.WithMaxBodyBytes(256)))
	c := open(t, ts.URL, "/sse")
	c.initialize(runtime.Version20241105, nil)
	good := `{"jsonrpc":"2.0","id":1,"method":"ping"}`

	tests := []struct {
		name      string
		method    string
		url       string
		ctype     string
		body      string
		hdr       []string
		status    int
		allow     string
		bodyMatch string
	}{
		{"missing session id", "POST", ts.URL + "/messages/", "application/json", good, nil, 400, "", "session_id"},
		{"unknown session id", "POST", ts.URL + "/messages/?session_id=nope", "application/json", good, nil, 404, "", "session not found"},
		{"overlong session id", "POST", ts.URL + "/messages/?session_id=" + strings.Repeat("A", 100), "application/json", good, nil, 404, "", ""},
		{"GET on the message path", "GET", ts.URL + c.endpoint, "", "", nil, 405, "POST", ""},
		{"DELETE on the message path", "DELETE", ts.URL + c.endpoint, "", "", nil, 405, "POST", ""},
		{"POST on the stream path", "POST", ts.URL + "/sse", "application/json", good, nil, 405, "GET", ""},
		{"PUT on the stream path", "PUT", ts.URL + "/sse", "", "", nil, 405, "GET", ""},
		{"wrong content type", "POST", ts.URL + c.endpoint, "text/plain", good, nil, 415, "", "Content-Type"},
		{"no content type", "POST", ts.URL + c.endpoint, "", good, nil, 415, "", ""},
		{"charset is fine", "POST", ts.URL + c.endpoint, "application/json; charset=utf-8", good, nil, 202, "", "Accepted"},
		{"charset other than utf-8", "POST", ts.URL + c.endpoint, "application/json; charset=latin1", good, nil, 415, "", "utf-8"},
		{"body too large", "POST", ts.URL + c.endpoint, "application/json", `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"` + strings.Repeat("x", 300) + `"}}`, nil, 413, "", "exceeds 256"},
		{"malformed JSON", "POST", ts.URL + c.endpoint, "application/json", `{"jsonrpc":`, nil, 400, "", "-32700"},
		{"not JSON-RPC", "POST", ts.URL + c.endpoint, "application/json", `{"id":7,"method":"ping"}`, nil, 400, "", `"id":7,"error":{"code":-32600`},
		{"batch", "POST", ts.URL + c.endpoint, "application/json", `[` + good + `]`, nil, 400, "", "-32600"},
		{"bad host", "POST", ts.URL + c.endpoint, "application/json", good, []string{"Host", "evil.example"}, 421, "", "MCPGEN_ALLOWED_HOSTS"},
		{"bad origin", "POST", ts.URL + c.endpoint, "application/json", good, []string{"Origin", "http://evil.example"}, 403, "", "MCPGEN_ALLOWED_ORIGINS"},
		{"loopback origin", "POST", ts.URL + c.endpoint, "application/json", good, []string{"Origin", "http://localhost:3000"}, 202, "", ""},
		{"GET stream with bad host", "GET", ts.URL + "/sse", "", "", []string{"Host", "evil.example:80"}, 421, "", ""},
		{"GET stream with bad origin", "GET", ts.URL + "/sse", "", "", []string{"Origin", "https://evil.example"}, 403, "", ""},
		{"GET stream not accepting SSE", "GET", ts.URL + "/sse", "", "", []string{"Accept", "application/json"}, 406, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			for i := 0; i+1 < len(tt.hdr); i += 2 {
				if tt.hdr[i] == "Host" {
					req.Host = tt.hdr[i+1]
				} else {
					req.Header.Set(tt.hdr[i], tt.hdr[i+1])
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b := make([]byte, 4096)
			n, _ := resp.Body.Read(b)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, b[:n], tt.status)
			}
			if tt.allow != "" && resp.Header.Get("Allow") != tt.allow {
				t.Errorf("Allow %q, want %q", resp.Header.Get("Allow"), tt.allow)
			}
			if tt.bodyMatch != "" && !strings.Contains(string(b[:n]), tt.bodyMatch) {
				t.Errorf("body %q does not contain %q", b[:n], tt.bodyMatch)
			}
		})
	}

	// Only the two accepted pings reached the stream; the rejected POSTs
	// sent nothing there.
	c.nextID = 100
	id := c.send("tools/call", map[string]any{"name": "echo", "arguments": map[string]any{"text": "still here"}})
	pings := 0
	for {
		m := c.nextMessage()
		if string(m.ID) == id {
			if got := toolText(t, m); got != "still here" {
				t.Fatalf("after errors: %q", got)
			}
			break
		}
		if string(m.ID) != "1" || string(m.Result) != "{}" {
			t.Fatalf("unexpected message on the stream: %+v", m)
		}
		pings++
	}
	if pings != 2 {
		t.Errorf("%d ping responses on the stream, want 2", pings)
	}
}

func TestMountedUnderStripPrefix(t *testing.T) {
	srv := newTestServer(t, nil, nil)
	mux := http.NewServeMux()
	mux.Handle("/mcp-api/", http.StripPrefix("/mcp-api", srv))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "parent", http.StatusTeapot) })
	ts := serve(t, mux)

	c := open(t, ts.URL, "/mcp-api/sse")
	if !strings.HasPrefix(c.endpoint, "/mcp-api/messages/?session_id=") {
		t.Fatalf("endpoint %q, want /mcp-api/messages/?session_id=...", c.endpoint)
	}
	c.initialize(runtime.Version20241105, nil)
	m := c.request("tools/call", map[string]any{"name": "header"}, "X-Custom", "mounted")
	if got := toolText(t, m); got != "custom=mounted auth= method=POST" {
		t.Errorf("header tool: %q", got)
	}
	// The unprefixed path belongs to the parent, not to us.
	if status, _ := postTo(t, ts.URL+strings.TrimPrefix(c.endpoint, "/mcp-api"), `{"jsonrpc":"2.0","id":1,"method":"ping"}`); status != http.StatusTeapot {
		t.Errorf("unprefixed POST: %d, want the parent's 418", status)
	}
}

func TestMountPrefix(t *testing.T) {
	tests := []struct {
		name       string
		requestURI string
		path       string // r.URL.Path as the handler sees it
		hdr        string // X-Forwarded-Prefix, never trusted
		want       string
	}{
		{"not mounted", "/sse", "/sse", "", ""},
		{"not mounted, forwarded prefix ignored", "/sse", "/sse", "/evil", ""},
		{"strip prefix", "/mcp-api/sse", "/sse", "", "/mcp-api"},
		{"strip prefix with query", "/mcp-api/sse?x=1", "/sse", "", "/mcp-api"},
		{"strip prefix with trailing slash", "/mcp-api/sse", "sse", "", "/mcp-api"},
		{"nested", "/a/b/sse", "/sse", "/x", "/a/b"},
		{"escaped", "/my%20api/sse", "/sse", "", "/my%20api"},
		{"absolute form", "http://127.0.0.1:1/p/sse", "/sse", "", "/p"},
		{"rewritten path", "/other", "/sse", "", ""},
		{"protocol-relative prefix refused", "//evil.example/sse", "/sse", "", ""},
		{"empty request URI", "", "/sse", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/sse", nil)
			r.RequestURI = tt.requestURI
			r.URL.Path, r.URL.RawPath = tt.path, ""
			if tt.hdr != "" {
				r.Header.Set("X-Forwarded-Prefix", tt.hdr)
			}
			if got := mountPrefix(r); got != tt.want {
				t.Errorf("mountPrefix = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestElicitation(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil))
	c := open(t, ts.URL, "/sse")
	c.initialize(runtime.Version20250618, map[string]any{"elicitation": map[string]any{}})
	id := c.send("tools/call", map[string]any{"name": "ask"})
	req := c.nextMessage()
	if req.Method != "elicitation/create" || req.ID == nil {
		t.Fatalf("want an elicitation/create request on the stream, got %+v", req)
	}
	answer, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": map[string]any{"action": "accept", "content": map[string]any{"name": "Ada"}}})
	if status, b := c.post(string(answer)); status != http.StatusAccepted {
		t.Fatalf("POST answer: %d %s", status, b)
	}
	m := c.nextMessage()
	if string(m.ID) != id {
		t.Fatalf("want the response to %s, got %+v", id, m)
	}
	if got := toolText(t, m); got != "accept:Ada" {
		t.Errorf("ask: %q", got)
	}
}

func TestConcurrentRequests(t *testing.T) {
	hk := newHooks()
	ts := serve(t, newTestServer(t, hk, nil))
	c := open(t, ts.URL, "/sse")
	c.initialize(runtime.Version20241105, nil)
	slowID := c.send("tools/call", map[string]any{"name": "slow"})
	// The echo overtakes the slow call: requests do not wait for each other.
	m := c.request("tools/call", map[string]any{"name": "echo", "arguments": map[string]any{"text": "fast"}})
	if got := toolText(t, m); got != "fast" {
		t.Errorf("echo: %q", got)
	}
	close(hk.release)
	m = c.nextMessage()
	if string(m.ID) != slowID || toolText(t, m) != "slow done" {
		t.Errorf("slow: %+v", m)
	}
}

func TestStreamCloseEndsSession(t *testing.T) {
	hk := newHooks()
	ts := serve(t, newTestServer(t, hk, nil))
	c := open(t, ts.URL, "/sse")
	c.initialize(runtime.Version20241105, nil)
	c.send("tools/call", map[string]any{"name": "wait"})
	time.Sleep(50 * time.Millisecond) // let the call start
	c.close()
	select {
	case err := <-hk.waitCancelled:
		if err == nil {
			t.Error("wait tool's context ended without an error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closing the stream did not cancel the in-flight call")
	}
	// The session is gone: its endpoint is 404 now.
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, _ := c.post(`{"jsonrpc":"2.0","id":9,"method":"ping"}`)
		if status == http.StatusNotFound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("POST after the stream closed: %d, want 404", status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestShutdownDeadlineEndsStream(t *testing.T) {
	hk := newHooks()
	srv := newTestServer(t, hk, nil)
	ts := serve(t, srv)
	c := open(t, ts.URL, "/sse")
	c.initialize(runtime.Version20241105, nil)
	c.send("tools/call", map[string]any{"name": "wait"})
	time.Sleep(50 * time.Millisecond)
	// The call never ends by itself: the stream waits for it until
	// Shutdown's deadline, then ends, cancelling it.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want the deadline", err)
	}
	select {
	case _, ok := <-c.events:
		for ok {
			_, ok = <-c.events
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not end the stream")
	}
	select {
	case <-hk.waitCancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not cancel the in-flight call")
	}
}

func TestShutdownDrainsCalls(t *testing.T) {
	hk := newHooks()
	srv := newTestServer(t, hk, nil)
	ts := serve(t, srv)
	c := open(t, ts.URL, "/sse")
	idle := open(t, ts.URL, "/sse")
	c.initialize(runtime.Version20241105, nil)
	id := c.send("tools/call", map[string]any{"name": "slow"})
	time.Sleep(50 * time.Millisecond)

	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	// A stream with no call ends at once.
	select {
	case _, ok := <-idle.events:
		if ok {
			t.Fatal("idle stream got an event at shutdown")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not end the idle stream")
	}
	// A new call is refused while the old one drains.
	body := `{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}`
	if status, b := c.post(body); status != http.StatusServiceUnavailable {
		t.Errorf("POST during shutdown: %d %s, want 503", status, b)
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) before the call finished", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(hk.release)
	m := c.nextMessage()
	if string(m.ID) != id || toolText(t, m) != "slow done" {
		t.Fatalf("response %+v, want the slow call's", m)
	}
	if _, ok := <-c.events; ok {
		t.Error("stream still open after its last call answered")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return once the call finished")
	}
}

func TestMountedWithoutStripPrefix(t *testing.T) {
	srv := newTestServer(t, nil, nil)
	mux := http.NewServeMux()
	mux.Handle("/mcp-api/", srv)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "parent", http.StatusTeapot) })
	ts := serve(t, mux)

	c := open(t, ts.URL, "/mcp-api/sse")
	if !strings.HasPrefix(c.endpoint, "/mcp-api/messages/?session_id=") {
		t.Fatalf("endpoint %q, want /mcp-api/messages/?session_id=...", c.endpoint)
	}
	c.initialize(runtime.Version20241105, nil)
	if got := toolText(t, c.request("tools/call", map[string]any{"name": "echo", "arguments": map[string]any{"text": "hi"}})); got != "hi" {
		t.Errorf("echo: %q", got)
	}
	for _, p := range []string{"/mcp-api/foosse", "/mcp-api/sse/x"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// modernMeta is the _meta of a 2026-07-28 request.
var modernMeta = map[string]any{
	"io.modelcontextprotocol/protocolVersion":    "2026-07-28",
	"io.modelcontextprotocol/clientCapabilities": map[string]any{},
	"io.modelcontextprotocol/clientInfo":         map[string]any{"name": "modern", "version": "0"},
}

func TestModernRequests(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil))
	c := open(t, ts.URL, "/sse")
	// No initialize: a 2026 request stands alone.
	m := c.request("server/discover", map[string]any{"_meta": modernMeta})
	if m.Error != nil || !strings.Contains(string(m.Result), `"supportedVersions"`) {
		t.Fatalf("server/discover: %s %v", m.Result, m.Error)
	}
	m = c.request("tools/call", map[string]any{"_meta": modernMeta, "name": "echo", "arguments": map[string]any{"text": "new"}})
	if got := toolText(t, m); got != "new" {
		t.Errorf("echo: %q", got)
	}
	if !strings.Contains(string(m.Result), `"resultType":"complete"`) {
		t.Errorf("2026 result without resultType: %s", m.Result)
	}
	// With the header, the header checks apply.
	m = c.request("tools/call", map[string]any{"_meta": modernMeta, "name": "echo", "arguments": map[string]any{"text": "x"}},
		"Mcp-Protocol-Version", "2025-11-25")
	if m.Error == nil || m.Error.Code != runtime.CodeHeaderMismatch {
		t.Errorf("mismatched header: %s %v, want %d", m.Result, m.Error, runtime.CodeHeaderMismatch)
	}
	// A 2025 request on the same stream still needs initialize.
	if m := c.request("tools/list", nil); m.Error == nil {
		t.Errorf("tools/list before initialize: %s", m.Result)
	}
}

func TestKeepAlive(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, []Option{WithKeepAlive(20 * time.Millisecond)}))
	c := open(t, ts.URL, "/sse")
	select {
	case line := <-c.comments:
		if line != ": ping" {
			t.Errorf("keep-alive %q, want \": ping\"", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no keep-alive comment")
	}
}

func TestMaxSessions(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil, runtime.WithMaxSessions(1)))
	open(t, ts.URL, "/sse")
	resp, err := http.Get(ts.URL + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("second stream: %d, want 503", resp.StatusCode)
	}
}

func TestSessionIDsAreDistinct(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil))
	seen := map[string]bool{}
	for range 20 {
		c := open(t, ts.URL, "/sse")
		id := strings.TrimPrefix(c.endpoint, "/messages/?session_id=")
		if len(id) < 22 || seen[id] {
			t.Fatalf("session id %q: too short or repeated", id)
		}
		seen[id] = true
		c.close()
	}
}

func TestCustomPathsAndBothTransportsShape(t *testing.T) {
	ts := serve(t, newTestServer(t, nil, nil, runtime.WithSSEPath("/events"), runtime.WithMessagePath("/rpc")))
	c := open(t, ts.URL, "/events")
	if !strings.HasPrefix(c.endpoint, "/rpc?session_id=") {
		t.Fatalf("endpoint %q", c.endpoint)
	}
	c.initialize(runtime.Version20241105, nil)
	if got := toolText(t, c.request("tools/call", map[string]any{"name": "echo", "arguments": map[string]any{"text": "x"}})); got != "x" {
		t.Errorf("echo: %q", got)
	}
}

func TestSamePathForStreamAndMessages(t *testing.T) {
	s := newTestServer(t, nil, nil, runtime.WithSSEPath("/both"), runtime.WithMessagePath("/both"))
	ts := serve(t, s)
	c := open(t, ts.URL, "/both")
	c.initialize(runtime.Version20241105, nil)
	req, _ := http.NewRequest(http.MethodPut, ts.URL+"/both", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
		t.Errorf("PUT: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestAppendEvent(t *testing.T) {
	tests := []struct {
		name, event, data, want string
	}{
		{"endpoint", "endpoint", "/messages/?session_id=A", "event: endpoint\ndata: /messages/?session_id=A\n\n"},
		{"message", "message", `{"a":1}`, "event: message\ndata: {\"a\":1}\n\n"},
		{"line breaks split", "message", "{\n\"a\":\r\n1\r}", "event: message\ndata: {\ndata: \"a\":\ndata: 1\ndata: }\n\n"},
		{"empty", "message", "", "event: message\ndata: \n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendEvent(nil, tt.event, []byte(tt.data))); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHandlerDispatch(t *testing.T) {
	s := newTestServer(t, nil, nil)
	h := New().(*Transport).Handler(s)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"PUT", "/sse", 405, "GET"},
		{"GET", "/messages/", 405, "POST"},
		{"POST", "/messages/", 400, ""},
		{"POST", "/messages/?session_id=x", 404, ""},
		{"GET", "/other", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(`{}`))
			r.Host = "127.0.0.1"
			r.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tt.status || rec.Header().Get("Allow") != tt.allow {
				t.Errorf("got %d Allow %q, want %d Allow %q", rec.Code, rec.Header().Get("Allow"), tt.status, tt.allow)
			}
		})
	}
}
