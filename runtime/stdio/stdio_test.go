package stdio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// testDef is a hand-built Definition with the tools the tests need.
func testDef(waitCancelled chan<- error, release <-chan struct{}) *runtime.Definition {
	return &runtime.Definition{
		Name: "stdio-test", Version: "1.0.0",
		Tools: []*runtime.Tool{
			{Name: "echo", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				var in struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(c.Arguments, &in); err != nil {
					return runtime.InvalidArguments(err), nil
				}
				return runtime.TextResult(in.Text), nil
			}},
			{Name: "header", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				_, err := runtime.HTTPRequest(ctx)
				return runtime.TextResult(fmt.Sprintf("headers=%d request=%v err=%v", len(c.Header()), c.Request != nil, err != nil)), nil
			}},
			{Name: "ask", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				r, err := c.Session.Elicit(ctx, "Your name?", map[string]any{"type": "object"})
				if err != nil {
					return nil, err
				}
				return runtime.TextResult(r.Action + ":" + fmt.Sprint(r.Content["name"])), nil
			}},
			{Name: "wait", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				<-ctx.Done()
				if waitCancelled != nil {
					waitCancelled <- ctx.Err()
				}
				return nil, ctx.Err()
			}},
			{Name: "slow", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
				select {
				case <-release:
					return runtime.TextResult("slow done"), nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}},
		},
	}
}

func newServer(tb testing.TB, def *runtime.Definition, opts ...runtime.Option) *runtime.Server {
	tb.Helper()
	opts = append([]runtime.Option{runtime.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)
	s, err := runtime.NewServer(def, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *runtime.Error  `json:"error"`
}

// pipeClient drives Serve through two io.Pipes, as a parent process
// drives a child's stdin and stdout.
type pipeClient struct {
	t     testing.TB
	in    *io.PipeWriter // the server's stdin
	lines chan string    // the server's stdout, line by line
	done  chan error     // Serve's result
}

func startPipe(t testing.TB, ctx context.Context, s *runtime.Server) *pipeClient {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &pipeClient{t: t, in: inW, lines: make(chan string, 64), done: make(chan error, 1)}
	go func() {
		err := Serve(ctx, s, inR, outW)
		outW.Close()
		c.done <- err
	}()
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { inW.Close() })
	return c
}

func (c *pipeClient) write(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *pipeClient) next() rpcMessage {
	c.t.Helper()
	select {
	case l, ok := <-c.lines:
		if !ok {
			c.t.Fatal("output ended")
		}
		var m rpcMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			c.t.Fatalf("output line %q: %v", l, err)
		}
		return m
	case <-time.After(5 * time.Second):
		c.t.Fatal("no output within 5s")
	}
	return rpcMessage{}
}

func (c *pipeClient) initialize() {
	c.t.Helper()
	c.write(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"pipe","version":"0"}}}` + "\n")
	if m := c.next(); m.Error != nil || string(m.ID) != "0" {
		c.t.Fatalf("initialize: %+v", m)
	}
	c.write(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")
}

func text(t testing.TB, m rpcMessage) string {
	t.Helper()
	var r struct {
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	if m.Error != nil || json.Unmarshal(m.Result, &r) != nil || len(r.Content) == 0 {
		t.Fatalf("not a text result: %+v (%s)", m, m.Result)
	}
	return r.Content[0].Text
}

func TestRoundTrip(t *testing.T) {
	c := startPipe(t, context.Background(), newServer(t, testDef(nil, nil), runtime.WithMaxBodyBytes(1024)))
	c.initialize()

	tests := []struct {
		name    string
		line    string
		wantID  string
		want    string // text of the result, or
		wantErr int    // the JSON-RPC error code
	}{
		{"tools/list", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, "1", "", 0},
		{"text tool", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`, "2", "hi", 0},
		{"CRLF and spaces", "  {\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"ping\"}  \r", `"s"`, "", 0},
		{"no HTTP request over stdio", `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"header"}}`, "3", "headers=0 request=false err=true", 0},
		{"parse error", `{"jsonrpc":`, "null", "", runtime.CodeParseError},
		{"invalid request keeps its id", `{"jsonrpc":"1.0","id":4,"method":"ping"}`, "4", "", runtime.CodeInvalidRequest},
		{"batch", `[{"jsonrpc":"2.0","id":5,"method":"ping"}]`, "null", "", runtime.CodeInvalidRequest},
		{"unknown method", `{"jsonrpc":"2.0","id":6,"method":"nope"}`, "6", "", runtime.CodeMethodNotFound},
		{"line too long", `{"jsonrpc":"2.0","id":7,"method":"ping","params":{"x":"` + strings.Repeat("x", 2000) + `"}}`, "null", "", runtime.CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.write("\n" + tt.line + "\n\n") // blank lines are skipped
			m := c.next()
			if string(m.ID) != tt.wantID {
				t.Fatalf("id %s, want %s (%+v)", m.ID, tt.wantID, m)
			}
			switch {
			case tt.wantErr != 0:
				if m.Error == nil || m.Error.Code != tt.wantErr {
					t.Errorf("error %+v, want code %d", m.Error, tt.wantErr)
				}
			case tt.want != "":
				if got := text(t, m); got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			case m.Error != nil:
				t.Errorf("unexpected error %+v", m.Error)
			}
		})
	}

	c.in.Close()
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("Serve at EOF: %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return at EOF")
	}
}

func TestElicitation(t *testing.T) {
	c := startPipe(t, context.Background(), newServer(t, testDef(nil, nil)))
	c.initialize()
	c.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}}` + "\n")
	req := c.next()
	if req.Method != "elicitation/create" {
		t.Fatalf("want elicitation/create, got %+v", req)
	}
	c.write(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"action":"accept","content":{"name":"Ada"}}}`+"\n", req.ID))
	m := c.next()
	if string(m.ID) != "1" || text(t, m) != "accept:Ada" {
		t.Errorf("ask: %+v", m)
	}
}

func TestConcurrentRequests(t *testing.T) {
	release := make(chan struct{})
	c := startPipe(t, context.Background(), newServer(t, testDef(nil, release)))
	c.initialize()
	c.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}` + "\n")
	c.write(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"fast"}}}` + "\n")
	if m := c.next(); string(m.ID) != "2" || text(t, m) != "fast" {
		t.Fatalf("the fast call should overtake the slow one: %+v", m)
	}
	close(release)
	if m := c.next(); string(m.ID) != "1" || text(t, m) != "slow done" {
		t.Fatalf("slow: %+v", m)
	}
}

func TestContextEndCancelsInFlight(t *testing.T) {
	waitCancelled := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	c := startPipe(t, ctx, newServer(t, testDef(waitCancelled, nil)))
	c.initialize()
	c.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"wait"}}` + "\n")
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-c.done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Serve: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return when ctx ended")
	}
	select {
	case <-waitCancelled:
	default:
		t.Error("Serve returned before the in-flight call was cancelled")
	}
	// Nothing is written after Serve returns.
	for l := range c.lines {
		t.Errorf("output after ctx end: %q", l)
	}
}

// TestModernCancel: notifications/cancelled ends a 2026-07-28 request
// (which belongs to no session) as it ends a 2025 one.
func TestModernCancel(t *testing.T) {
	waitCancelled := make(chan error, 1)
	c := startPipe(t, context.Background(), newServer(t, testDef(waitCancelled, nil)))
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}`
	c.write(`{"jsonrpc":"2.0","id":"w-1","method":"tools/call","params":{` + meta + `,"name":"wait"}}` + "\n")
	time.Sleep(50 * time.Millisecond)
	c.write(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w-1","reason":"user"}}` + "\n")
	select {
	case err := <-waitCancelled:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the tool's context ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the 2026 request was not cancelled by notifications/cancelled")
	}
	// The server goes on: a later 2026 request is answered.
	c.write(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{` + meta + `,"name":"echo","arguments":{"text":"after"}}}` + "\n")
	for {
		m := c.next()
		if string(m.ID) == "2" {
			if text(t, m) != "after" {
				t.Fatalf("after the cancel: %s %v", m.Result, m.Error)
			}
			break
		}
	}
}

// TestEOFAnswersInFlight: a client that writes its requests and closes
// stdin (printf '...' | server) gets every answer before Serve returns.
func TestEOFAnswersInFlight(t *testing.T) {
	release := make(chan struct{})
	c := startPipe(t, context.Background(), newServer(t, testDef(nil, release)))
	c.initialize()
	c.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}` + "\n")
	c.in.Close()
	select {
	case err := <-c.done:
		t.Fatalf("Serve returned (%v) at EOF with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if m := c.next(); string(m.ID) != "1" || text(t, m) != "slow done" {
		t.Fatalf("in-flight call at EOF: %+v", m)
	}
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("Serve: %v, want nil at EOF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return once the in-flight call had answered")
	}
}

// TestPipedInput is the shell pipeline of the issue: the whole input at
// once, then EOF. Every request is answered, every time.
func TestPipedInput(t *testing.T) {
	s := newServer(t, testDef(nil, nil))
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"sh","version":"0"}}`
	inputs := []struct {
		name, input string
		ids         []string
	}{
		{"2025 session", `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sh","version":"0"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"a"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
`, []string{"0", "1", "2"}},
		{"one 2026 server/discover", `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{` + meta + `}}` + "\n", []string{"1"}},
	}
	for _, in := range inputs {
		for range 20 {
			var out syncBuffer
			if err := Serve(context.Background(), s, strings.NewReader(in.input), &out); err != nil {
				t.Fatalf("%s: Serve: %v", in.name, err)
			}
			var ids []string
			for l := range strings.SplitSeq(strings.TrimSpace(out.String()), "\n") {
				var m rpcMessage
				if err := json.Unmarshal([]byte(l), &m); err != nil || m.Error != nil {
					t.Fatalf("%s: output line %q (%v)", in.name, l, err)
				}
				ids = append(ids, string(m.ID))
			}
			slices.Sort(ids)
			if !slices.Equal(ids, in.ids) {
				t.Fatalf("%s: answered ids %v, want %v; output:\n%s", in.name, ids, in.ids, out.String())
			}
		}
	}
}

// TestEOFFailsServerRequests: a tool waiting for the client's answer to
// elicitation/create when stdin ends gets an error at once (no answer can
// come), and its result is still written.
func TestEOFFailsServerRequests(t *testing.T) {
	c := startPipe(t, context.Background(), newServer(t, testDef(nil, nil)))
	c.initialize()
	c.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}}` + "\n")
	if req := c.next(); req.Method != "elicitation/create" {
		t.Fatalf("want elicitation/create, got %+v", req)
	}
	c.in.Close()
	m := c.next()
	if string(m.ID) != "1" || !strings.Contains(string(m.Result), `"isError":true`) || !strings.Contains(string(m.Result), "closed its input") {
		t.Fatalf("ask at EOF: %+v (%s)", m, m.Result)
	}
	if err := <-c.done; err != nil {
		t.Errorf("Serve: %v, want nil at EOF", err)
	}
}

// TestEOFThenContextEnd: a call that does not finish keeps Serve waiting
// after EOF until ctx ends, which cancels it.
func TestEOFThenContextEnd(t *testing.T) {
	waitCancelled := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	c := startPipe(t, ctx, newServer(t, testDef(waitCancelled, nil)))
	c.initialize()
	c.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"wait"}}` + "\n")
	c.in.Close()
	select {
	case err := <-c.done:
		t.Fatalf("Serve returned (%v) at EOF with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-c.done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Serve: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return when ctx ended")
	}
	select {
	case <-waitCancelled:
	default:
		t.Error("in-flight call not cancelled when ctx ended")
	}
}

func TestShutdownEndsServe(t *testing.T) {
	s := newServer(t, testDef(nil, nil))
	c := startPipe(t, context.Background(), s)
	c.initialize()
	s.Shutdown(context.Background())
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("Serve after Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Shutdown")
	}
}

// failingWriter fails every write, as stdout does when the client is gone.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteErrorEndsServe(t *testing.T) {
	inR, inW := io.Pipe()
	defer inW.Close()
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), newServer(t, testDef(nil, nil)), inR, failingWriter{}) }()
	io.WriteString(inW, `{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n")
	select {
	case err := <-done:
		if !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("Serve: %v, want the write error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after a write error")
	}
}

func TestWriterKeepsOneMessagePerLine(t *testing.T) {
	tests := []struct {
		name, msg, want string
	}{
		{"plain", `{"a":1}`, "{\"a\":1}\n"},
		{"raw line breaks compacted", "{\n  \"a\": \"x\\ny\"\r\n}", "{\"a\":\"x\\ny\"}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := &writer{out: &b, broken: make(chan struct{})}
			if err := w.Send([]byte(tt.msg)); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestSerializedWrites(t *testing.T) {
	var mu sync.Mutex
	var b bytes.Buffer
	w := &writer{out: writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		// Write in two halves: interleaving would show if writes overlapped.
		n1, _ := b.Write(p[:len(p)/2])
		time.Sleep(time.Microsecond)
		n2, _ := b.Write(p[len(p)/2:])
		return n1 + n2, nil
	}), broken: make(chan struct{})}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { w.Send([]byte(fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, strings.Repeat("p", i)))) })
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 50 {
		t.Fatalf("%d lines, want 50", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("interleaved line %q", l)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// FuzzServe feeds arbitrary input to Serve: it never panics, returns nil
// at EOF, and every line it writes is one JSON value.
func FuzzServe(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}` + "\n" + `{"jsonrpc":"2.0","id":1,"method":"tools/list"}` + "\n",
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		"\n\n\r\n",
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}` + "\n",
		`{"jsonrpc":"2.0","id":1,"result":{}}` + "\n" + `[1,2]` + "\n",
		"{\"jsonrpc\":\n\"2.0\"}\n",
		"\xff\xfe\x00",
	} {
		f.Add(s)
	}
	s := newServer(f, testDef(nil, nil), runtime.WithMaxBodyBytes(512))
	f.Fuzz(func(t *testing.T, input string) {
		var out bytes.Buffer
		if err := Serve(context.Background(), s, strings.NewReader(input), &out); err != nil {
			t.Fatalf("Serve: %v", err)
		}
		for l := range strings.SplitSeq(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if l != "" && !json.Valid([]byte(l)) {
				t.Fatalf("output line %q is not JSON", l)
			}
		}
	})
}

func BenchmarkToolsCall(b *testing.B) {
	c := startPipe(b, context.Background(), newServer(b, testDef(nil, nil)))
	c.initialize()
	line := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}` + "\n"
	b.ReportAllocs()
	for b.Loop() {
		c.write(line)
		<-c.lines
	}
}

func TestModernRequests(t *testing.T) {
	s := newServer(t, testDef(nil, nil))
	c := startPipe(t, context.Background(), s)
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"modern","version":"0"}}`
	tests := []struct {
		name, line string
		check      func(rpcMessage) string // "" when fine
	}{
		{"discover without initialize", `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{` + meta + `}}`, func(m rpcMessage) string {
			if m.Error != nil || !strings.Contains(string(m.Result), `"supportedVersions"`) || !strings.Contains(string(m.Result), "stdio-test") {
				return "not a discover result"
			}
			return ""
		}},
		{"tools/call", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{` + meta + `,"name":"echo","arguments":{"text":"hi"}}}`, func(m rpcMessage) string {
			if text(t, m) != "hi" || !strings.Contains(string(m.Result), `"resultType":"complete"`) {
				return "not a complete echo result"
			}
			return ""
		}},
		{"initialize is not a 2026 method", `{"jsonrpc":"2.0","id":3,"method":"initialize","params":{` + meta + `,"protocolVersion":"2026-07-28","capabilities":{},"clientInfo":{"name":"x","version":"0"}}}`, func(m rpcMessage) string {
			if m.Error == nil || m.Error.Code != runtime.CodeMethodNotFound {
				return "want -32601"
			}
			return ""
		}},
		{"a 2025 request still needs initialize", `{"jsonrpc":"2.0","id":4,"method":"tools/list"}`, func(m rpcMessage) string {
			if m.Error == nil || m.Error.Code != runtime.CodeInvalidRequest {
				return "want -32600"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		c.write(tt.line + "\n")
		m := c.next()
		if why := tt.check(m); why != "" {
			t.Errorf("%s: %s: id %s result %s error %v", tt.name, why, m.ID, m.Result, m.Error)
		}
	}
}

func TestRequestLogLevel(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		var buf syncBuffer
		s := newServer(t, testDef(nil, nil), runtime.WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))))
		c := startPipe(t, context.Background(), s)
		c.initialize()
		c.write(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}` + "\n")
		c.next()
		c.write(`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"nope"}}` + "\n")
		c.next()
		got := buf.String()
		if level == slog.LevelInfo {
			if strings.Contains(got, "mcp: request") {
				t.Errorf("request lines at info level:\n%s", got)
			}
			continue
		}
		for _, want := range []string{
			`msg="mcp: request" method=tools/call name=echo duration=`,
			`outcome=ok`,
			`name=nope`, `outcome="error -32602: invalid params: unknown tool \"nope\""`,
			`method=initialize`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("debug log lacks %q:\n%s", want, got)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
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
