package streamable

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
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

// testDef is a hand-built Definition with the tools the transport tests
// need.
func testDef() *runtime.Definition {
	return &runtime.Definition{
		Name: "streamable-test", Version: "1.0.0",
		Tools: []*runtime.Tool{
			{Name: "hello", Description: "Says hello.", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				return runtime.TextResult("hello"), nil
			}},
			{Name: "chatty", Description: "Logs and reports progress.", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				if err := c.Session.Log(runtime.LevelInfo, "chatty", "working"); err != nil {
					return nil, err
				}
				if err := c.Session.Progress(1, 2, "half"); err != nil {
					return nil, err
				}
				if err := c.Session.Progress(2, 2, "all"); err != nil {
					return nil, err
				}
				return runtime.TextResult("done"), nil
			}},
			{Name: "ask", Description: "Elicits a name.", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				r, err := c.Session.Elicit(ctx, "Your name?", map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}})
				if err != nil {
					return nil, err
				}
				return runtime.TextResult(r.Action + ":" + fmt.Sprint(r.Content["name"])), nil
			}},
			{Name: "test_reconnection", Description: "Closes its stream, then finishes.", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				closed := c.Session.CloseStream()
				select {
				case <-time.After(100 * time.Millisecond):
				case <-ctx.Done():
					return nil, fmt.Errorf("cancelled after CloseStream: %w", ctx.Err())
				}
				if err := c.Session.Log(runtime.LevelInfo, "poll", "after close"); err != nil {
					return nil, err
				}
				return runtime.TextResult(fmt.Sprintf("reconnected closed=%v", closed)), nil
			}},
			{Name: "wait", Description: "Blocks until cancelled.", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}},
			{Name: "header", Description: "Echoes a request header.", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				if _, err := runtime.HTTPRequest(ctx); err != nil {
					return nil, err
				}
				return runtime.TextResult(runtime.HTTPHeaders(ctx).Get("X-Test")), nil
			}},
		},
		Resources: []*runtime.Resource{{
			URI: "mem://a", Name: "a",
			Handler: func(ctx context.Context, c *runtime.Call) ([]runtime.ResourceContents, error) {
				return []runtime.ResourceContents{&runtime.TextResourceContents{URI: "mem://a", Text: "A"}}, nil
			},
		}},
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newServer serves a test server over real HTTP on 127.0.0.1.
func newServer(t testing.TB, topts []Option, opts ...runtime.Option) (*runtime.Server, string) {
	t.Helper()
	return newServerDef(t, testDef(), topts, opts...)
}

// newServerDef is newServer with another definition.
func newServerDef(t testing.TB, def *runtime.Definition, topts []Option, opts ...runtime.Option) (*runtime.Server, string) {
	t.Helper()
	all := append([]runtime.Option{runtime.WithLogger(quietLogger()), runtime.WithTransport(New(topts...))}, opts...)
	srv, err := runtime.NewServer(def, all...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ts.Close()
	})
	return srv, ts.URL + "/mcp"
}

// client is a minimal Streamable HTTP client.
type client struct {
	t   testing.TB
	url string
	sid string
	hdr map[string]string // sent with every request
}

type reply struct {
	status int
	header http.Header
	body   []byte
	events []sseEvent // for text/event-stream
	msgs   []map[string]any
}

func (c *client) request(method, body string, hdr map[string]string) *http.Response {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(c.newRequest(method, body, hdr))
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

// newRequest builds the request that request sends.
func (c *client) newRequest(method, body string, hdr map[string]string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.url, rd)
	if err != nil {
		panic(err) // a test's URL
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
	} else {
		req.Header.Set("Accept", "text/event-stream")
	}
	if c.sid != "" {
		req.Header.Set(headerSessionID, c.sid)
	}
	for k, v := range c.hdr {
		req.Header.Set(k, v)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return req
}

// do sends a request and reads the whole answer.
func (c *client) do(method, body string, hdr map[string]string) *reply {
	c.t.Helper()
	resp := c.request(method, body, hdr)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &reply{status: resp.StatusCode, header: resp.Header, body: b}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		r.events = parseSSE(b)
		for _, e := range r.events {
			if e.Data != "" {
				r.msgs = append(r.msgs, decode(c.t, []byte(e.Data)))
			}
		}
	} else if len(b) > 0 {
		r.msgs = append(r.msgs, decode(c.t, b))
	}
	return r
}

func (c *client) post(body string) *reply { c.t.Helper(); return c.do(http.MethodPost, body, nil) }

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("invalid JSON %q: %v", b, err)
	}
	return m
}

const initBody = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"test","version":"1"}}}`

// initialize opens a session.
func (c *client) initialize() {
	c.t.Helper()
	c.sid = ""
	r := c.post(initBody)
	if r.status != 200 {
		c.t.Fatalf("initialize: status %d %s", r.status, r.body)
	}
	c.sid = r.header.Get(headerSessionID)
	if c.sid == "" && !strings.Contains(c.url, "stateless") {
		c.t.Fatalf("initialize: no Mcp-Session-Id")
	}
	if r := c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); r.status != 202 {
		c.t.Fatalf("notifications/initialized: status %d %s", r.status, r.body)
	}
}

// last returns the final JSON-RPC message of a reply (the response).
func (r *reply) last(t testing.TB) map[string]any {
	t.Helper()
	if len(r.msgs) == 0 {
		t.Fatalf("no message in reply (status %d): %q", r.status, r.body)
	}
	return r.msgs[len(r.msgs)-1]
}

// text returns the first text block of a tools/call result.
func text(t testing.TB, m map[string]any) string {
	t.Helper()
	res, ok := m["result"].(map[string]any)
	if !ok {
		t.Fatalf("not a result: %v", m)
	}
	content, _ := res["content"].([]any)
	if len(content) == 0 {
		t.Fatalf("no content: %v", m)
	}
	return content[0].(map[string]any)["text"].(string)
}

// errorCode returns the JSON-RPC error code of a message, or 0.
func errorCode(m map[string]any) int {
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 0
	}
	f, _ := e["code"].(float64)
	return int(f)
}

func callBody(id int, tool string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{},"_meta":{"progressToken":"p%d"}}}`, id, tool, id)
}

// eventReader reads SSE events one by one from a live stream.
type eventReader struct {
	br *bufio.Reader
}

var errEOF = errors.New("stream ended")

// next returns the next event with data or an id (comments skipped).
func (er *eventReader) next(t testing.TB, timeout time.Duration) (sseEvent, error) {
	t.Helper()
	type res struct {
		e   sseEvent
		err error
	}
	ch := make(chan res, 1)
	go func() {
		var raw []byte
		for {
			line, err := er.br.ReadBytes('\n')
			raw = append(raw, line...)
			if err != nil {
				ch <- res{err: errEOF}
				return
			}
			if len(strings.TrimRight(string(line), "\r\n")) == 0 {
				if evs := parseSSE(raw); len(evs) > 0 {
					ch <- res{e: evs[0]}
					return
				}
				raw = raw[:0]
			}
		}
	}()
	select {
	case r := <-ch:
		return r.e, r.err
	case <-time.After(timeout):
		t.Fatalf("no SSE event within %v", timeout)
		return sseEvent{}, nil
	}
}
