package sse

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// hooks let a test observe the tools of testDef.
type hooks struct {
	// waitCancelled receives the error of the "wait" tool's context once
	// it ends.
	waitCancelled chan error
	// release unblocks the "slow" tool.
	release chan struct{}
}

func newHooks() *hooks {
	return &hooks{waitCancelled: make(chan error, 4), release: make(chan struct{})}
}

// testDef is a hand-built Definition with the tools the transport tests
// need.
func testDef(hk *hooks) *runtime.Definition {
	if hk == nil {
		hk = newHooks()
	}
	return &runtime.Definition{
		Name: "sse-test", Version: "1.0.0",
		Tools: []*runtime.Tool{
			{
				Name: "echo", Description: "Echoes its text argument.",
				InputSchema: json.RawMessage(`{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}`),
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					var in struct {
						Text string `json:"text"`
					}
					if err := json.Unmarshal(c.Arguments, &in); err != nil {
						return runtime.InvalidArguments(err), nil
					}
					return runtime.TextResult(in.Text), nil
				},
			},
			{
				Name: "header", Description: "Returns the X-Custom and Authorization headers it sees and the method of the HTTP request.",
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					method := "none"
					if r, err := runtime.HTTPRequest(ctx); err == nil {
						method = r.Method
					}
					h := c.Header()
					return runtime.TextResult(fmt.Sprintf("custom=%s auth=%s method=%s", h.Get("X-Custom"), h.Get("Authorization"), method)), nil
				},
			},
			{
				Name: "ask", Description: "Elicits a name.",
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					r, err := c.Session.Elicit(ctx, "Your name?", map[string]any{
						"type":       "object",
						"properties": map[string]any{"name": map[string]any{"type": "string"}},
					})
					if err != nil {
						return nil, err
					}
					return runtime.TextResult(r.Action + ":" + fmt.Sprint(r.Content["name"])), nil
				},
			},
			{
				Name: "wait", Description: "Blocks until cancelled.",
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					<-ctx.Done()
					hk.waitCancelled <- ctx.Err()
					return nil, ctx.Err()
				},
			},
			{
				Name: "slow", Description: "Blocks until the test releases it.",
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					select {
					case <-hk.release:
						return runtime.TextResult("slow done"), nil
					case <-ctx.Done():
						return nil, ctx.Err()
					}
				},
			},
		},
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestServer builds a runtime.Server with only this transport.
func newTestServer(t testing.TB, hk *hooks, topts []Option, opts ...runtime.Option) *runtime.Server {
	t.Helper()
	opts = append([]runtime.Option{runtime.WithLogger(quietLogger()), runtime.WithTransport(New(topts...))}, opts...)
	s, err := runtime.NewServer(testDef(hk), opts...)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	return s
}

// serve starts s on 127.0.0.1 (httptest) and stops it when the test ends.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// event is one SSE event as a client parses it.
type event struct {
	Type string
	Data string
}

// client is a hand-written legacy SSE client: it holds the GET stream,
// reads its events in a goroutine, and POSTs to the endpoint.
type client struct {
	t        testing.TB
	origin   string // scheme://host:port
	endpoint string // as the endpoint event gave it
	resp     *http.Response
	events   chan event
	comments chan string
	cancel   context.CancelFunc
	nextID   int
}

// open GETs url and waits for the endpoint event.
func open(t testing.TB, origin, path string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, origin+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		t.Fatalf("GET %s: %s %s", path, resp.Status, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("GET %s: Content-Type %q, want text/event-stream", path, ct)
	}
	c := &client{t: t, origin: origin, resp: resp, events: make(chan event, 64), comments: make(chan string, 64), cancel: cancel}
	go c.read()
	t.Cleanup(c.close)
	ev := c.nextEvent()
	if ev.Type != "endpoint" {
		t.Fatalf("first event %+v, want endpoint", ev)
	}
	c.endpoint = ev.Data
	return c
}

func (c *client) close() {
	c.cancel()
	c.resp.Body.Close()
}

// read parses the stream (HTML event-stream rules, enough of them) until
// it ends, then closes events.
func (c *client) read() {
	defer close(c.events)
	br := bufio.NewReader(c.resp.Body)
	var cur event
	var data []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if data != nil {
				cur.Data = strings.Join(data, "\n")
				if cur.Type == "" {
					cur.Type = "message"
				}
				c.events <- cur
			}
			cur, data = event{}, nil
		case line[0] == ':':
			select {
			case c.comments <- line:
			default:
			}
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				cur.Type = value
			case "data":
				data = append(data, value)
			}
		}
	}
}

func (c *client) nextEvent() event {
	c.t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			c.t.Fatal("stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		c.t.Fatal("no event within 5s")
	}
	return event{}
}

// post sends body to the endpoint with the given extra headers and
// returns the status and body of the answer.
func (c *client) post(body string, hdr ...string) (int, string) {
	c.t.Helper()
	return postTo(c.t, c.origin+c.endpoint, body, hdr...)
}

func postTo(t testing.TB, url, body string, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rpcMessage is a JSON-RPC message as the tests read it.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *runtime.Error  `json:"error"`
}

func (c *client) nextMessage() rpcMessage {
	c.t.Helper()
	ev := c.nextEvent()
	if ev.Type != "message" {
		c.t.Fatalf("event %+v, want a message", ev)
	}
	var m rpcMessage
	if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
		c.t.Fatalf("message %q: %v", ev.Data, err)
	}
	return m
}

// request POSTs a request, expects 202, and returns the response from the
// stream (messages before it must not be responses to other ids).
func (c *client) request(method string, params any, hdr ...string) rpcMessage {
	c.t.Helper()
	id := c.send(method, params, hdr...)
	for {
		m := c.nextMessage()
		if m.Method == "" && string(m.ID) == id {
			return m
		}
		if m.Method == "" {
			c.t.Fatalf("response to id %s while waiting for %s", m.ID, id)
		}
	}
}

// send POSTs a request without waiting for its response; it returns the id.
func (c *client) send(method string, params any, hdr ...string) string {
	c.t.Helper()
	c.nextID++
	id := fmt.Sprint(c.nextID)
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method, "params": params})
	if status, b := c.post(string(body), hdr...); status != http.StatusAccepted {
		c.t.Fatalf("POST %s: %d %s", method, status, b)
	}
	return id
}

func (c *client) notify(method string) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	if status, b := c.post(string(body)); status != http.StatusAccepted {
		c.t.Fatalf("POST %s: %d %s", method, status, b)
	}
}

// initialize runs the handshake with the given capabilities.
func (c *client) initialize(version string, caps map[string]any) rpcMessage {
	c.t.Helper()
	if caps == nil {
		caps = map[string]any{}
	}
	m := c.request("initialize", map[string]any{
		"protocolVersion": version,
		"capabilities":    caps,
		"clientInfo":      map[string]any{"name": "sse-test-client", "version": "0"},
	})
	if m.Error != nil {
		c.t.Fatalf("initialize: %v", m.Error)
	}
	c.notify("notifications/initialized")
	return m
}

// toolText returns the first text block of a tools/call result.
func toolText(t testing.TB, m rpcMessage) string {
	t.Helper()
	if m.Error != nil {
		t.Fatalf("tools/call error: %v", m.Error)
	}
	var r struct {
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
		IsError bool `json:"isError"`
	}
	if err := json.Unmarshal(m.Result, &r); err != nil || len(r.Content) == 0 {
		t.Fatalf("tools/call result %s: %v", m.Result, err)
	}
	if r.IsError {
		t.Fatalf("tools/call isError: %s", r.Content[0].Text)
	}
	return r.Content[0].Text
}
