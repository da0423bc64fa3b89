package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
	"github.com/mcpgen/mcpgen/runtime/stdio"
	"github.com/mcpgen/mcpgen/runtime/streamable"
)

var objectSchema = json.RawMessage(`{"type":"object"}`)

// newServer is a small hand-written server: echo returns its arguments,
// fail is a tool error, reject a protocol error.
func newServer(t testing.TB) *runtime.Server {
	srv, _ := newServerCancel(t)
	return srv
}

// newServerCancel is newServer with a tool "block" that waits for its
// context to end and then sends on the returned channel.
func newServerCancel(t testing.TB) (*runtime.Server, chan struct{}) {
	t.Helper()
	cancelled := make(chan struct{}, 1)
	def := &runtime.Definition{Name: "test", Version: "1", Tools: []*runtime.Tool{
		{Name: "block", InputSchema: objectSchema, Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
			<-ctx.Done()
			cancelled <- struct{}{}
			return nil, ctx.Err()
		}},
		{Name: "echo", InputSchema: objectSchema, Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
			return runtime.TextResult(string(c.Arguments)), nil
		}},
		{Name: "fail", InputSchema: objectSchema, Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
			return nil, errors.New("it broke")
		}},
		{Name: "reject", InputSchema: objectSchema, Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
			return nil, runtime.NewError(runtime.CodeInvalidParams, "no such thing")
		}},
	}}
	srv, err := runtime.NewServer(def, runtime.WithTransport(streamable.New()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return srv, cancelled
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestErrorsAreTyped(t *testing.T) {
	ctx := ctxT(t)
	for _, version := range []string{"", runtime.Version20251125} {
		c, err := client.Connect(ctx, client.InProcess(newServer(t)), &client.Options{ProtocolVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		res, err := c.CallTool(ctx, "echo", map[string]int{"n": 1})
		if err != nil || res.Text() != `{"n":1}` {
			t.Fatalf("echo = %+v, %v", res, err)
		}
		_, err = c.CallTool(ctx, "fail", nil)
		var te *client.ToolError
		if !errors.As(err, &te) || te.Text != "it broke" || te.Tool != "fail" || !te.Result.IsError {
			t.Errorf("fail: err = %#v, want a *ToolError with the text", err)
		}
		_, err = c.CallTool(ctx, "reject", nil)
		var re *runtime.Error
		if !errors.As(err, &re) || re.Code != runtime.CodeInvalidParams || !strings.Contains(re.Message, "no such thing") {
			t.Errorf("reject: err = %#v, want a *runtime.Error -32602", err)
		}
		err = c.Call(ctx, "no/such/method", nil, nil)
		if !errors.As(err, &re) || re.Code != runtime.CodeMethodNotFound {
			t.Errorf("unknown method: err = %#v, want -32601", err)
		}
	}
}

// tokenSource counts the tokens it hands out.
type tokenSource struct{ n atomic.Int64 }

func (s *tokenSource) Token() (*oauth2.Token, error) {
	s.n.Add(1)
	return &oauth2.Token{AccessToken: "secret", TokenType: "Bearer"}, nil
}

func TestBearerTokens(t *testing.T) {
	ctx := ctxT(t)
	srv := newServer(t)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="x"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	url := hs.URL + "/mcp"

	_, err := client.Connect(ctx, client.HTTP(url), &client.Options{BearerToken: "wrong"})
	var he *client.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized || !strings.Contains(he.WWWAuthenticate, "resource_metadata") {
		t.Fatalf("wrong token: err = %v, want an *HTTPError 401 with WWW-Authenticate", err)
	}

	c, err := client.Connect(ctx, client.HTTP(url), &client.Options{BearerToken: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallTool(ctx, "echo", nil); err != nil {
		t.Fatal(err)
	}
	c.Close()

	var ts tokenSource
	c, err = client.Connect(ctx, client.HTTP(url), &client.Options{TokenSource: &ts, ProtocolVersion: runtime.Version20251125})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.CallTool(ctx, "echo", nil); err != nil {
		t.Fatal(err)
	}
	if ts.n.Load() < 3 { // initialize, initialized, tools/call
		t.Errorf("token source asked %d times, want once per request", ts.n.Load())
	}
}

func TestCloseFailsCallsInFlight(t *testing.T) {
	ctx := ctxT(t)
	c, err := client.Connect(ctx, client.InProcess(newServer(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.CallTool(ctx, "echo", nil); !errors.Is(err, client.ErrClosed) {
		t.Errorf("call after Close: %v, want ErrClosed", err)
	}
}

// TestCancel: a call whose context ends fails with the context's error,
// and the server's handler sees its own context end
// (notifications/cancelled, or the aborted HTTP request).
func TestCancel(t *testing.T) {
	for _, tr := range []string{"in-process", "http"} {
		for _, version := range []string{runtime.Version20251125, runtime.Version20260728} {
			t.Run(tr+"/"+version, func(t *testing.T) {
				srv, cancelled := newServerCancel(t)
				var tp client.Transport = client.InProcess(srv)
				if tr == "http" {
					hs := httptest.NewServer(srv)
					defer hs.Close()
					tp = client.HTTP(hs.URL + "/mcp")
				}
				c, err := client.Connect(ctxT(t), tp, &client.Options{ProtocolVersion: version})
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				ctx, cancel := context.WithTimeout(ctxT(t), 50*time.Millisecond)
				defer cancel()
				if _, err := c.CallTool(ctx, "block", nil); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want context.DeadlineExceeded", err)
				}
				select {
				case <-cancelled:
				case <-time.After(10 * time.Second):
					t.Fatal("the tool's context did not end")
				}
			})
		}
	}
}

// TestSessionRenewed: when the server forgets the session (here: it is
// replaced by a fresh one, as after a restart), the next call gets 404,
// and the client starts a new session and sends the call again.
func TestSessionRenewed(t *testing.T) {
	ctx := ctxT(t)
	var current atomic.Pointer[runtime.Server]
	current.Store(newServer(t))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current.Load().ServeHTTP(w, r)
	}))
	defer hs.Close()
	c, err := client.Connect(ctx, client.HTTP(hs.URL+"/mcp"), &client.Options{ProtocolVersion: runtime.Version20251125})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.CallTool(ctx, "echo", nil); err != nil {
		t.Fatal(err)
	}
	current.Store(newServer(t))
	res, err := c.CallTool(ctx, "echo", map[string]int{"n": 2})
	if err != nil || res.Text() != `{"n":2}` {
		t.Fatalf("after the server forgot the session: %+v, %v", res, err)
	}
}

// TestSSEEndpointElsewhere: a legacy SSE server that names an endpoint on
// another origin is refused, so messages never go to a third party.
func TestSSEEndpointElsewhere(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "event: endpoint\ndata: http://attacker.example/messages\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer hs.Close()
	_, err := client.Connect(ctxT(t), client.SSE(hs.URL+"/sse"), nil)
	if err == nil || !strings.Contains(err.Error(), "not on the server's origin") {
		t.Fatalf("err = %v, want the endpoint refused", err)
	}
}

// TestStdioServerGoesAway: calls fail with ErrClosed, not hang, when a
// stdio server's output ends.
func TestStdioServerGoesAway(t *testing.T) {
	ctx := ctxT(t)
	srv := newServer(t)
	toServer, fromClient := io.Pipe()
	toClient, fromServer := io.Pipe()
	done := make(chan error, 1)
	sctx, stop := context.WithCancel(ctx)
	go func() { done <- stdio.Serve(sctx, srv, toServer, fromServer) }()
	c, err := client.Connect(ctx, client.Stream(toClient, fromClient), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.CallTool(ctx, "echo", nil); err != nil {
		t.Fatal(err)
	}
	stop()
	<-done
	fromServer.Close()
	if _, err := c.CallTool(ctx, "echo", nil); !errors.Is(err, client.ErrClosed) {
		t.Errorf("after the server went away: %v, want ErrClosed", err)
	}
}
