package runtime_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/sse"
	"github.com/mcpgen/mcpgen/runtime/streamable"
)

// deployDef is a hand-built Definition: "slow" takes 300 ms and says when
// it started; "echo" answers at once.
func deployDef(started chan<- struct{}) *runtime.Definition {
	return &runtime.Definition{
		Name: "deploy-test", Version: "1.0.0",
		Tools: []*runtime.Tool{
			{Name: "slow", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				if started != nil {
					started <- struct{}{}
				}
				select {
				case <-time.After(300 * time.Millisecond):
					return runtime.TextResult("slow done"), nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}},
			{Name: "echo", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				return runtime.TextResult("echo " + string(c.Arguments)), nil
			}},
		},
	}
}

// syncBuffer is a bytes.Buffer the logger may write from any goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// listening starts ListenAndServe on a free loopback port and returns the
// base URL and ListenAndServe's result channel.
func listening(t *testing.T, ctx context.Context, s *runtime.Server) (string, <-chan error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe(ctx, "127.0.0.1:0") }()
	deadline := time.Now().Add(5 * time.Second)
	for s.Addr() == nil {
		if time.Now().After(deadline) {
			t.Fatal("ListenAndServe did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return "http://" + s.Addr().String(), errc
}

// post sends one JSON-RPC message to a Streamable HTTP endpoint and
// returns the response (not read).
func post(t *testing.T, url, session, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", runtime.Version20251125)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	return resp
}

// initialize opens a 2025-11-25 session and returns its id.
func initialize(t *testing.T, url string) string {
	t.Helper()
	resp := post(t, url, "", `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sid := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || sid == "" {
		t.Fatalf("initialize: %s %s", resp.Status, b)
	}
	resp = post(t, url, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	resp.Body.Close()
	return sid
}

// sseData returns the data of every event of an SSE body, until it ends,
// or the body itself when the server answered with JSON.
func sseData(r io.Reader) []string {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && d != "" {
			out = append(out, d)
		} else if !ok && strings.HasPrefix(sc.Text(), "{") {
			out = append(out, sc.Text()) // a JSON answer instead of a stream
		}
	}
	return out
}

func toolText(t *testing.T, data string) string {
	t.Helper()
	var m struct {
		Result struct {
			Content []struct {
				Text string `json:"text"`
			} `json:"content"`
		} `json:"result"`
		Error *runtime.Error `json:"error"`
	}
	if err := json.Unmarshal([]byte(data), &m); err != nil || m.Error != nil || len(m.Result.Content) == 0 {
		t.Fatalf("not a tool result: %s (%v)", data, err)
	}
	return m.Result.Content[0].Text
}

func TestGracefulShutdown(t *testing.T) {
	for _, how := range []string{"Shutdown", "context"} {
		t.Run(how, func(t *testing.T) {
			var logs syncBuffer
			started := make(chan struct{}, 1)
			s, err := runtime.NewServer(deployDef(started), runtime.WithTransport(streamable.New()),
				runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			base, served := listening(t, ctx, s)
			if want := "mcpgen: serving deploy-test on " + base + "/mcp"; !strings.Contains(logs.String(), want+`"`) {
				t.Errorf("start-up log %q lacks %q", logs.String(), want)
			}
			url := base + "/mcp"
			sid := initialize(t, url)

			// An open GET stream.
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Accept", "text/event-stream")
			req.Header.Set("Mcp-Session-Id", sid)
			req.Header.Set("Mcp-Protocol-Version", runtime.Version20251125)
			get, err := http.DefaultClient.Do(req)
			if err != nil || get.StatusCode != http.StatusOK {
				t.Fatalf("GET: %v %v", err, get)
			}
			defer get.Body.Close()
			getEnded := make(chan []string, 1)
			go func() { getEnded <- sseData(get.Body) }()

			// A slow call in flight.
			callDone := make(chan []string, 1)
			go func() {
				resp := post(t, url, sid, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}`)
				defer resp.Body.Close()
				callDone <- sseData(resp.Body)
			}()
			<-started

			begun := time.Now()
			deadline := 5 * time.Second
			shut := make(chan error, 1)
			switch how {
			case "Shutdown":
				go func() {
					sctx, scancel := context.WithTimeout(context.Background(), deadline)
					defer scancel()
					shut <- s.Shutdown(sctx)
				}()
			case "context":
				cancel() // ListenAndServe shuts down with runtime.ShutdownGrace
				shut <- nil
				deadline = runtime.ShutdownGrace
			}

			// New connections are refused while the call finishes.
			refused := false
			for range 100 {
				c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second)
				if err != nil {
					refused = true
					break
				}
				c.Close()
				time.Sleep(2 * time.Millisecond)
			}
			if !refused {
				t.Error("new connections still accepted after Shutdown started")
			}

			select {
			case <-getEnded:
			case <-time.After(2 * time.Second):
				t.Error("the GET stream did not end")
			}
			select {
			case err := <-served:
				t.Fatalf("ListenAndServe returned (%v) while a call was in flight", err)
			case <-callDone:
				t.Fatal("the slow call ended before shutdown began waiting for it")
			default:
			}
			select {
			case data := <-callDone:
				if len(data) == 0 || toolText(t, data[len(data)-1]) != "slow done" {
					t.Errorf("slow call: %q, want its result", data)
				}
			case <-time.After(deadline):
				t.Fatal("the slow call did not complete")
			}
			if err := <-shut; err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			select {
			case err := <-served:
				if err != nil {
					t.Errorf("ListenAndServe: %v", err)
				}
			case <-time.After(deadline):
				t.Fatal("ListenAndServe did not return before the deadline")
			}
			if took := time.Since(begun); took > 2*time.Second {
				t.Errorf("shutdown took %v", took)
			}
			if err := s.ListenAndServe(context.Background(), "127.0.0.1:0"); !errors.Is(err, runtime.ErrServerClosed) {
				t.Errorf("ListenAndServe after Shutdown: %v, want ErrServerClosed", err)
			}
		})
	}
}

func TestStartupLineNamesSSE(t *testing.T) {
	var logs syncBuffer
	s, err := runtime.NewServer(deployDef(nil), runtime.WithTransport(streamable.New()), runtime.WithTransport(sse.New()),
		runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := listening(t, context.Background(), s)
	want := "mcpgen: serving deploy-test on " + base + "/mcp and " + base + "/sse (legacy SSE)"
	if !strings.Contains(logs.String(), want) || !strings.Contains(logs.String(), "level=INFO") {
		t.Errorf("start-up log %q lacks %q at info", logs.String(), want)
	}
}

// TestMounted mounts one server with both transports in a parent mux,
// with and without http.StripPrefix.
func TestMounted(t *testing.T) {
	for _, strip := range []bool{true, false} {
		name := "without StripPrefix"
		if strip {
			name = "with StripPrefix"
		}
		t.Run(name, func(t *testing.T) {
			s, err := runtime.NewServer(deployDef(nil), runtime.WithTransport(streamable.New()), runtime.WithTransport(sse.New()),
				runtime.WithLogger(slog.New(slog.DiscardHandler)))
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			if strip {
				mux.Handle("/mcp-api/", http.StripPrefix("/mcp-api", s))
			} else {
				mux.Handle("/mcp-api/", s)
			}
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "parent", http.StatusTeapot) })
			ts := httptest.NewServer(mux)
			defer ts.Close()

			// Streamable HTTP.
			url := ts.URL + "/mcp-api/mcp"
			sid := initialize(t, url)
			resp := post(t, url, sid, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"x":1}}}`)
			data := sseData(resp.Body)
			resp.Body.Close()
			if len(data) == 0 || toolText(t, data[len(data)-1]) != `echo {"x":1}` {
				t.Errorf("tools/call: %q", data)
			}

			// Legacy SSE: the endpoint event points back through the prefix.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/mcp-api/sse", nil)
			get, err := http.DefaultClient.Do(req)
			if err != nil || get.StatusCode != http.StatusOK {
				t.Fatalf("GET /mcp-api/sse: %v %v", err, get)
			}
			defer get.Body.Close()
			br := bufio.NewReader(get.Body)
			var endpoint string
			for endpoint == "" {
				line, err := br.ReadString('\n')
				if err != nil {
					t.Fatalf("stream: %v", err)
				}
				if d, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
					endpoint = d
				}
			}
			if !strings.HasPrefix(endpoint, "/mcp-api/messages/?session_id=") {
				t.Fatalf("endpoint %q, want /mcp-api/messages/?session_id=...", endpoint)
			}
			req, _ = http.NewRequest(http.MethodPost, ts.URL+endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
			req.Header.Set("Content-Type", "application/json")
			presp, err := http.DefaultClient.Do(req)
			if err != nil || presp.StatusCode != http.StatusAccepted {
				t.Fatalf("POST endpoint: %v %v", err, presp)
			}
			presp.Body.Close()

			// Paths that merely end in a route name are not routes.
			for _, p := range []string{"/mcp-api/foomcp", "/mcp-api/mcp/extra", "/mcp-api/xsse"} {
				resp := post(t, ts.URL+p, "", `{}`)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", p, resp.StatusCode)
				}
			}
			// Outside the mount the parent answers.
			resp = post(t, ts.URL+"/mcp", "", `{}`)
			resp.Body.Close()
			if resp.StatusCode != http.StatusTeapot {
				t.Errorf("POST /mcp: %d, want the parent's 418", resp.StatusCode)
			}
		})
	}
}
