package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeOut is an Outbound that records what the core sends.
type fakeOut struct {
	mu     sync.Mutex
	msgs   [][]byte
	sent   chan []byte // if non-nil, every message is also sent here
	closed bool        // CloseStream was called
}

func (o *fakeOut) Send(b []byte) error {
	o.mu.Lock()
	o.msgs = append(o.msgs, append([]byte(nil), b...))
	ch := o.sent
	o.mu.Unlock()
	if ch != nil {
		ch <- b
	}
	return nil
}

func (o *fakeOut) messages() []map[string]any {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []map[string]any
	for _, b := range o.msgs {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("core sent invalid JSON %s: %v", b, err))
		}
		out = append(out, m)
	}
	return out
}

// closingOut supports CloseStream.
type closingOut struct{ fakeOut }

func (o *closingOut) CloseStream() { o.mu.Lock(); o.closed = true; o.mu.Unlock() }

type addIn struct {
	A int `json:"a"`
	B int `json:"b"`
}

type addOut struct {
	Sum int `json:"sum"`
}

// testDef is a Definition exercising every kind of handler result.
func testDef() *Definition {
	return &Definition{
		Name: "test", Title: "Test server", Version: "1.0.0", Instructions: "Use the tools.",
		Tools: []*Tool{
			{
				Name: "add", Description: "Adds two numbers.",
				InputSchema:  json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}`),
				OutputSchema: json.RawMessage(`{"type":"object","properties":{"sum":{"type":"integer"}},"required":["sum"]}`),
				Annotations:  &ToolAnnotations{ReadOnlyHint: Bool(true)},
				Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
					var in addIn
					if err := json.Unmarshal(c.Arguments, &in); err != nil {
						return InvalidArguments(err), nil
					}
					return JSONResult(addOut{in.A + in.B})
				},
			},
			{Name: "echo", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return TextResult(string(c.Arguments)), nil
			}},
			{Name: "fail", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return nil, errors.New("the weather service is down")
			}},
			{Name: "proto", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return nil, fmt.Errorf("wrapped: %w", NewError(-32001, "custom failure"))
			}},
			{Name: "boom", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				panic("kaboom")
			}},
			{Name: "nothing", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return nil, nil
			}},
			{Name: "chatty", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				for _, l := range []LogLevel{LevelDebug, LevelInfo, LevelWarning, LevelError} {
					if err := c.Session.Log(l, "chatty", string(l)); err != nil {
						return nil, err
					}
				}
				if err := c.Session.Progress(1, 3, "one"); err != nil {
					return nil, err
				}
				if err := c.Session.Progress(2, 3, "two"); err != nil {
					return nil, err
				}
				if err := c.Session.Progress(2, 3, "again"); err == nil {
					return ErrorResult("non-increasing progress was accepted"), nil
				}
				return TextResult("done"), nil
			}},
			{Name: "wait", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}},
			{Name: "ask", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				r, err := c.Session.Elicit(ctx, "Your name?", map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}})
				if err != nil {
					return nil, err
				}
				name, ok := r.Content["name"].(string)
				if !ok {
					name = "none"
				}
				return TextResult(r.Action + ":" + name), nil
			}},
			{Name: "askurl", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				r, err := c.Session.ElicitURL(ctx, "Sign in", "https://example.com/login", "el-1")
				if err != nil {
					return nil, err
				}
				return TextResult(r.Action), nil
			}},
			{Name: "roots", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				roots, err := c.Session.ListRoots(ctx)
				if err != nil {
					return nil, err
				}
				return TextResult(fmt.Sprint(len(roots))), nil
			}},
			{Name: "sample", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				r, err := c.Session.CreateMessage(ctx, &CreateMessageParams{MaxTokens: 10, Messages: []SamplingMessage{{Role: "user", Content: json.RawMessage(`{"type":"text","text":"hi"}`)}}})
				if err != nil {
					return nil, err
				}
				return TextResult(r.Model), nil
			}},
			{Name: "reconnect", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return TextResult(fmt.Sprint(c.Session.CloseStream())), nil
			}},
			{Name: "who", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return TextResult(c.Session.ClientInfo().Name + " " + c.Session.ProtocolVersion() + " " + fmt.Sprint(c.Request != nil)), nil
			}},
		},
		Resources: []*Resource{{
			URI: "mem://readme", Name: "readme", MIMEType: "text/markdown",
			Handler: func(ctx context.Context, c *Call) ([]ResourceContents, error) {
				return []ResourceContents{&TextResourceContents{Text: "# Hello"}}, nil
			},
		}},
		ResourceTemplates: []*ResourceTemplate{{
			URITemplate: "users://{id}/profile", Name: "profile",
			Handler: func(ctx context.Context, c *Call) ([]ResourceContents, error) {
				if c.Params["id"] == "missing" {
					return nil, NewError(CodeResourceNotFound, "no user %s", c.Params["id"])
				}
				return JSONResource(c.URI, "", map[string]string{"id": c.Params["id"]})
			},
		}},
		Prompts: []*Prompt{{
			Name: "greet", Description: "Greets someone.",
			Arguments: []PromptArgument{{Name: "name", Required: true}, {Name: "style"}},
			Handler: func(ctx context.Context, c *Call) (*PromptResult, error) {
				return UserPrompt("Hello " + c.Params["name"] + c.Params["style"]), nil
			},
		}},
		Completions: []*Completion{
			{Prompt: "greet", Argument: "name", Handler: func(ctx context.Context, c *Call, v string) ([]string, error) {
				var out []string
				for _, n := range []string{"alice", "albert", "bob"} {
					if strings.HasPrefix(n, v) {
						out = append(out, n)
					}
				}
				return out, nil
			}},
			{URITemplate: "users://{id}/profile", Argument: "id", Handler: func(ctx context.Context, c *Call, v string) ([]string, error) {
				out := make([]string, 150)
				for i := range out {
					out[i] = fmt.Sprint(v, i)
				}
				return out, nil
			}},
		},
	}
}

// quietLogger discards everything; tests that look at logs use their own.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(testDef(), append([]Option{WithLogger(quietLogger())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// request sends one request and returns the decoded response.
func request(t testing.TB, s *Server, c *Conn, out Outbound, id any, method, params string) map[string]any {
	t.Helper()
	return requestCtx(context.Background(), t, s, c, out, id, method, params)
}

func requestCtx(ctx context.Context, t testing.TB, s *Server, c *Conn, out Outbound, id any, method, params string) map[string]any {
	t.Helper()
	idb, _ := json.Marshal(id)
	raw := `{"jsonrpc":"2.0","id":` + string(idb) + `,"method":` + quote(method)
	if params != "" {
		raw += `,"params":` + params
	}
	raw += "}"
	msg, perr := ParseMessage([]byte(raw))
	if perr != nil {
		t.Fatalf("ParseMessage(%s): %v", raw, perr)
	}
	resp := s.Handle(ctx, c, msg, out)
	if resp == nil {
		t.Fatalf("%s: no response", method)
	}
	var m map[string]any
	if err := json.Unmarshal(resp, &m); err != nil {
		t.Fatalf("%s: invalid response %s: %v", method, resp, err)
	}
	if m["jsonrpc"] != "2.0" {
		t.Fatalf("%s: response without jsonrpc 2.0: %s", method, resp)
	}
	if got, _ := json.Marshal(m["id"]); string(got) != string(idb) {
		t.Fatalf("%s: response id %s, want %s", method, got, idb)
	}
	return m
}

func notify(t testing.TB, s *Server, c *Conn, method, params string) {
	t.Helper()
	raw := `{"jsonrpc":"2.0","method":` + quote(method)
	if params != "" {
		raw += `,"params":` + params
	}
	msg, perr := ParseMessage([]byte(raw + "}"))
	if perr != nil {
		t.Fatal(perr)
	}
	if resp := s.Handle(context.Background(), c, msg, nil); resp != nil {
		t.Fatalf("notification %s answered: %s", method, resp)
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// initConn returns an initialized conn whose client declared caps.
func initConn(t testing.TB, s *Server, caps string) *Conn {
	t.Helper()
	c := s.NewConn(ConnConfig{ID: "sess-1"})
	m := request(t, s, c, nil, 0, "initialize", `{"protocolVersion":"2025-11-25","capabilities":`+caps+`,"clientInfo":{"name":"tester","version":"0.1"}}`)
	if m["error"] != nil {
		t.Fatalf("initialize: %v", m["error"])
	}
	notify(t, s, c, "notifications/initialized", "")
	return c
}

func errCode(m map[string]any) int {
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 0
	}
	return int(e["code"].(float64))
}

func errMsg(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func result(t testing.TB, m map[string]any) map[string]any {
	t.Helper()
	r, ok := m["result"].(map[string]any)
	if !ok {
		t.Fatalf("no result in %v", m)
	}
	return r
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// textOf returns the text of the first content block of a tool result.
func textOf(r map[string]any) string {
	c, _ := r["content"].([]any)
	if len(c) == 0 {
		return ""
	}
	b, _ := c[0].(map[string]any)
	s, _ := b["text"].(string)
	return s
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func mustRequest(method, path string) *http.Request { return httptest.NewRequest(method, path, nil) }
