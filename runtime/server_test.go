package runtime

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

var allEnv = []string{
	"MCPGEN_HOST", "MCPGEN_PORT", "MCPGEN_STREAMABLE_HTTP_PATH", "MCPGEN_SSE_PATH", "MCPGEN_MESSAGE_PATH",
	"MCPGEN_JSON_RESPONSE", "MCPGEN_STATELESS_HTTP", "MCPGEN_ALLOWED_HOSTS", "MCPGEN_ALLOWED_ORIGINS", "MCPGEN_LOG_LEVEL",
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		opts    []Option
		check   func(*Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.Host == "127.0.0.1" && c.Port == 8000 && c.StreamablePath == "/mcp" && c.SSEPath == "/sse" &&
				c.MessagePath == "/messages/" && c.MaxBodyBytes == 4<<20 && c.MaxSessions == 10000 &&
				c.SessionIdleTimeout == 30*time.Minute && !c.JSONResponse && !c.Stateless && c.Logger != nil &&
				c.LogLevel == slog.LevelInfo && c.AllowedHosts == nil
		}, ""},
		{"environment", map[string]string{
			"MCPGEN_HOST": "0.0.0.0", "MCPGEN_PORT": "9001", "MCPGEN_STREAMABLE_HTTP_PATH": "/api/mcp",
			"MCPGEN_SSE_PATH": "/events", "MCPGEN_MESSAGE_PATH": "/msg/", "MCPGEN_JSON_RESPONSE": "true",
			"MCPGEN_STATELESS_HTTP": "1", "MCPGEN_ALLOWED_HOSTS": "a.example, b.example:*",
			"MCPGEN_ALLOWED_ORIGINS": "https://a.example", "MCPGEN_LOG_LEVEL": "DEBUG",
		}, nil, func(c *Config) bool {
			return c.Host == "0.0.0.0" && c.Port == 9001 && c.StreamablePath == "/api/mcp" && c.SSEPath == "/events" &&
				c.MessagePath == "/msg/" && c.JSONResponse && c.Stateless &&
				strings.Join(c.AllowedHosts, "|") == "a.example|b.example:*" &&
				strings.Join(c.AllowedOrigins, "|") == "https://a.example" && c.LogLevel == slog.LevelDebug
		}, ""},
		{"options override environment", map[string]string{"MCPGEN_PORT": "9001", "MCPGEN_STATELESS_HTTP": "true", "MCPGEN_ALLOWED_HOSTS": "x"},
			[]Option{WithAddr("localhost", 0), WithStateless(false), WithAllowedHosts("y"), WithStreamablePath("/other"), WithSSEPath("/s"), WithMessagePath("/m/"), WithMaxSessions(3), WithSessionIdleTimeout(time.Second), WithMaxBodyBytes(10), WithJSONResponse(true), WithAllowedOrigins("https://o.example"), WithDisableHostCheck(true)},
			func(c *Config) bool {
				return c.Host == "localhost" && c.Port == 0 && !c.Stateless && strings.Join(c.AllowedHosts, ",") == "y" &&
					c.StreamablePath == "/other" && c.SSEPath == "/s" && c.MessagePath == "/m/" && c.MaxSessions == 3 &&
					c.SessionIdleTimeout == time.Second && c.MaxBodyBytes == 10 && c.JSONResponse && c.AllowedOrigins[0] == "https://o.example" && c.DisableHostCheck
			}, ""},
		{"false values", map[string]string{"MCPGEN_JSON_RESPONSE": "false", "MCPGEN_STATELESS_HTTP": "0"}, nil,
			func(c *Config) bool { return !c.JSONResponse && !c.Stateless }, ""},
		{"blank values are unset", map[string]string{"MCPGEN_PORT": " ", "MCPGEN_ALLOWED_HOSTS": ""}, nil,
			func(c *Config) bool { return c.Port == 8000 && c.AllowedHosts == nil }, ""},
		{"bad port", map[string]string{"MCPGEN_PORT": "http"}, nil, nil, "MCPGEN_PORT"},
		// A malformed allow-list entry used to start the server, which then
		// refused every request (421 or 403).
		{"origin without scheme", map[string]string{"MCPGEN_ALLOWED_ORIGINS": "https://a.example, example.com"}, nil, nil,
			`MCPGEN_ALLOWED_ORIGINS="https://a.example, example.com": "example.com" has no scheme; want scheme://host[:port] as browsers send it (for example https://example.com)`},
		{"host given as a URL", map[string]string{"MCPGEN_ALLOWED_HOSTS": "http://x"}, nil, nil,
			`MCPGEN_ALLOWED_HOSTS="http://x": "http://x" is a URL; want a host, host:port or host:* (here: x)`},
		{"bad host port", map[string]string{"MCPGEN_ALLOWED_HOSTS": "x:port"}, nil, nil, `MCPGEN_ALLOWED_HOSTS="x:port": "x:port": want a host`},
		{"bad origin option", nil, []Option{WithAllowedOrigins("o")}, nil, `allowed origins (WithAllowedOrigins): "o" has no scheme`},
		{"bad host option", nil, []Option{WithAllowedHosts("a b")}, nil, `allowed hosts (WithAllowedHosts): "a b": want a host`},
		{"wildcards and IPv6", map[string]string{"MCPGEN_ALLOWED_HOSTS": "[::1]:8000,x:*", "MCPGEN_ALLOWED_ORIGINS": "http://[::1]:*,vscode-webview://abc"}, nil,
			func(c *Config) bool { return len(c.AllowedHosts) == 2 && len(c.AllowedOrigins) == 2 }, ""},
		{"port out of range", map[string]string{"MCPGEN_PORT": "70000"}, nil, nil, "MCPGEN_PORT"},
		{"bad bool", map[string]string{"MCPGEN_JSON_RESPONSE": "maybe"}, nil, nil, "MCPGEN_JSON_RESPONSE"},
		{"bad stateless", map[string]string{"MCPGEN_STATELESS_HTTP": "2"}, nil, nil, "MCPGEN_STATELESS_HTTP"},
		{"bad level", map[string]string{"MCPGEN_LOG_LEVEL": "loud"}, nil, nil, "MCPGEN_LOG_LEVEL"},
		{"bad path", map[string]string{"MCPGEN_SSE_PATH": "sse"}, nil, nil, "MCPGEN_SSE_PATH"},
		{"bad path option", nil, []Option{WithStreamablePath("mcp")}, nil, "must start with /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range allEnv {
				t.Setenv(k, tt.env[k])
			}
			s, err := NewServer(&Definition{Name: "cfg"}, tt.opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s.Config()) {
				t.Errorf("config %+v", *s.Config())
			}
		})
	}
}

func TestDefaultLoggerLevel(t *testing.T) {
	t.Setenv("MCPGEN_LOG_LEVEL", "warn")
	s, err := NewServer(&Definition{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if s.Logger().Enabled(ctx, slog.LevelInfo) || !s.Logger().Enabled(ctx, slog.LevelWarn) {
		t.Error("default logger ignores MCPGEN_LOG_LEVEL")
	}
}

func noopTool(context.Context, *Call) (*ToolResult, error)            { return TextResult(""), nil }
func noopResource(context.Context, *Call) ([]ResourceContents, error) { return nil, nil }
func noopPrompt(context.Context, *Call) (*PromptResult, error)        { return UserPrompt(""), nil }
func noopComplete(context.Context, *Call, string) ([]string, error)   { return nil, nil }
func tool(name string) *Tool                                          { return &Tool{Name: name, Handler: noopTool} }
func tmpl(uri string) *ResourceTemplate {
	return &ResourceTemplate{URITemplate: uri, Handler: noopResource}
}
func prompt(name string, args ...PromptArgument) *Prompt {
	return &Prompt{Name: name, Arguments: args, Handler: noopPrompt}
}
func completion(p, tmpl, arg string) *Completion {
	return &Completion{Prompt: p, URITemplate: tmpl, Argument: arg, Handler: noopComplete}
}

func TestDefinitionValidation(t *testing.T) {
	long := strings.Repeat("a", 128)
	tests := []struct {
		name    string
		def     Definition
		wantErr []string
	}{
		{"ok", Definition{Name: "n", Tools: []*Tool{tool("a.b-c_D9"), tool(long)},
			Resources:         []*Resource{{URI: "x://a", Handler: noopResource}},
			ResourceTemplates: []*ResourceTemplate{tmpl("x://{a}/{b.c}"), tmpl("file:///{path}.txt")},
			Prompts:           []*Prompt{prompt("p", PromptArgument{Name: "q"})},
			Completions:       []*Completion{completion("p", "", "q"), completion("", "x://{a}/{b.c}", "b.c")}}, nil},
		{"no name", Definition{}, []string{"server name"}},
		{"bad tool names", Definition{Name: "n", Tools: []*Tool{tool(""), tool("has space"), tool(long + "a"), tool("ünï")}},
			[]string{`tool ""`, `tool "has space"`, `tool "aaaa`, `tool "ünï"`}},
		{"duplicates", Definition{Name: "n", Tools: []*Tool{tool("a"), tool("a")},
			Resources:         []*Resource{{URI: "x://a", Handler: noopResource}, {URI: "x://a", Handler: noopResource}},
			ResourceTemplates: []*ResourceTemplate{tmpl("x://{a}"), tmpl("x://{a}")},
			Prompts:           []*Prompt{prompt("p"), prompt("p")}},
			[]string{`tool "a" is defined twice`, `resource "x://a" is defined twice`, `template "x://{a}" is defined twice`, `prompt "p" is defined twice`}},
		{"missing handlers", Definition{Name: "n", Tools: []*Tool{{Name: "t"}}, Resources: []*Resource{{URI: "x://r"}},
			ResourceTemplates: []*ResourceTemplate{{URITemplate: "x://{a}"}}, Prompts: []*Prompt{{Name: "p"}}},
			[]string{`tool "t" has no Handler`, `resource "x://r" has no Handler`, `template "x://{a}" has no Handler`, `prompt "p" has no Handler`}},
		{"bad schemas", Definition{Name: "n", Tools: []*Tool{{Name: "t", Handler: noopTool, InputSchema: json.RawMessage(`[]`), OutputSchema: json.RawMessage(`{`)}}},
			[]string{"InputSchema", "OutputSchema"}},
		{"bad templates", Definition{Name: "n", ResourceTemplates: []*ResourceTemplate{tmpl("x://{+a}"), tmpl("x://{a"), tmpl("x://a}"), tmpl("x://{a}{b}"), tmpl("x://{a}/{a}"), tmpl("x://{}"), tmpl("x://plain"), tmpl("x://{a:3}"), tmpl("x://{a*}"), tmpl("x://{a,b}"), tmpl("x:// {a}")}},
			[]string{"operator", "unclosed", "unmatched", "literal text between", "appears twice", "empty variable", "no {variable}", "modifier", "variable list", "not allowed"}},
		{"bad completions", Definition{Name: "n", Prompts: []*Prompt{prompt("p", PromptArgument{Name: "q"})}, ResourceTemplates: []*ResourceTemplate{tmpl("x://{a}")},
			Completions: []*Completion{completion("nope", "", "q"), completion("p", "", "zz"), completion("", "y://{a}", "a"), completion("", "x://{a}", "b"), completion("", "", "a"), completion("p", "x://{a}", "a"), completion("p", "", "q"), completion("p", "", "q")}},
			[]string{"no such prompt", `has no argument "zz"`, "no such resource template", "no variable {b}", "neither", "both", "defined twice"}},
		{"prompt arguments", Definition{Name: "n", Prompts: []*Prompt{prompt("p", PromptArgument{Name: "a"}, PromptArgument{Name: "a"}, PromptArgument{})}},
			[]string{`argument "a" is declared twice`, "argument with no name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := tt.def
			_, err := NewServer(&def, WithLogger(quietLogger()))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("invalid definition accepted")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	if _, err := NewServer(nil); err == nil {
		t.Error("nil definition accepted")
	}
}

func TestURITemplateMatch(t *testing.T) {
	tests := []struct {
		tmpl, uri string
		want      map[string]string // nil: no match
	}{
		{"users://{id}/profile", "users://42/profile", map[string]string{"id": "42"}},
		{"users://{id}/profile", "users:///profile", nil},
		{"users://{id}/profile", "users://4/2/profile", nil},
		{"users://{id}/profile", "users://42/profile/x", nil},
		{"users://{id}/profile", "users://%E2%9C%93/profile", map[string]string{"id": "✓"}},
		{"users://{id}/profile", "users://%zz/profile", nil},
		{"file:///{name}.txt", "file:///a.b.txt", map[string]string{"name": "a.b"}},
		{"file:///{name}.txt", "file:///x.txt.txt", map[string]string{"name": "x.txt"}},
		{"repo://{owner}/{repo}", "repo://golang/go", map[string]string{"owner": "golang", "repo": "go"}},
		{"a+b://{x}?q", "a+b://1?q", map[string]string{"x": "1"}},
		{"a+b://{x}?q", "aab://1?q", nil},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl+" "+tt.uri, func(t *testing.T) {
			tm, err := compileURITemplate(tt.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := tm.match(tt.uri)
			if ok != (tt.want != nil) || jsonOf(got) != jsonOf(tt.want) && tt.want != nil {
				t.Errorf("match = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}

func FuzzURITemplate(f *testing.F) {
	f.Add("users://{id}/profile", "users://42/profile")
	f.Add("x://{a}.{b}", "x://1.2.3")
	f.Add("{a}", "%")
	f.Fuzz(func(t *testing.T, tmpl, uri string) {
		tm, err := compileURITemplate(tmpl)
		if err != nil {
			return
		}
		vars, ok := tm.match(uri)
		if ok && len(vars) != len(tm.vars) {
			t.Fatalf("match of %q against %q gave %v", uri, tmpl, vars)
		}
	})
}

type routeTransport struct{ routes []Route }

func (r routeTransport) Routes(*Server) ([]Route, error) { return r.routes, nil }

func TestHandlerRoutesAndMiddleware(t *testing.T) {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "transport") })
	custom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "custom") })
	tag := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Add("X-Order", name)
				next.ServeHTTP(w, r)
			})
		}
	}
	// The requests carry Host example.com: this test is about routing, not
	// the Host guard that runs in front of a transport's MCP path.
	s, err := NewServer(&Definition{Name: "r"}, WithLogger(quietLogger()), WithDisableHostCheck(true),
		WithTransport(routeTransport{[]Route{{Method: "POST", Path: "/mcp", Handler: hello}}}),
		WithRoute("GET", "/healthz", custom),
		WithMiddleware(tag("outer"), tag("inner")))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"POST", "/mcp", 200, "transport"},
		{"GET", "/healthz", 200, "custom"},
		{"GET", "/nope", 404, ""},
		{"PUT", "/mcp", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := newRecorder()
			s.ServeHTTP(rec, mustRequest(tt.method, tt.path))
			if rec.Code != tt.status || (tt.body != "" && rec.Body.String() != tt.body) {
				t.Errorf("got %d %q", rec.Code, rec.Body.String())
			}
			if got := strings.Join(rec.Header()["X-Order"], ","); got != "outer,inner" {
				t.Errorf("middleware order %q", got)
			}
		})
	}
	_, err = NewServer(&Definition{Name: "r"}, WithLogger(quietLogger()),
		WithRoute("GET", "/a", custom), WithRoute("GET", "/a", custom))
	if err == nil || !strings.Contains(err.Error(), "GET /a") {
		t.Errorf("conflicting routes: %v", err)
	}
}

func TestServeAndShutdown(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	streamEnded := make(chan struct{})
	var s *Server
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	stream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-s.Done() // a long-lived stream ends when the server closes
		close(streamEnded)
	})
	var err error
	s, err = NewServer(&Definition{Name: "l"}, WithLogger(quietLogger()), WithAddr("127.0.0.1", 0),
		WithRoute("GET", "/slow", slow), WithRoute("GET", "/stream", stream))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.ListenAndServe(ctx, "") }()
	var addr net.Addr
	for i := 0; i < 200 && addr == nil; i++ {
		time.Sleep(5 * time.Millisecond)
		addr = s.Addr()
	}
	if addr == nil || strings.HasSuffix(addr.String(), ":0") {
		t.Fatalf("no bound address: %v", addr)
	}
	base := "http://" + addr.String()

	streamResp, err := http.Get(base + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer streamResp.Body.Close()
	slowDone := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slowDone <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slowDone <- string(b)
	}()
	<-started
	cancel() // graceful shutdown: the in-flight request finishes
	select {
	case <-streamEnded:
	case <-time.After(5 * time.Second):
		t.Fatal("Done was not closed on shutdown")
	}
	select {
	case err := <-served:
		t.Fatalf("ListenAndServe returned %v before the in-flight request finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if got := <-slowDone; got != "finished" {
		t.Errorf("in-flight request got %q", got)
	}
	if err := <-served; err != nil {
		t.Errorf("ListenAndServe: %v", err)
	}
	if _, err := http.Get(base + "/slow"); err == nil {
		t.Error("server still accepts connections")
	}
}

func TestShutdownDirect(t *testing.T) {
	s := newTestServer(t)
	// Not listening: Shutdown only closes Done.
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed")
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal("second Shutdown:", err)
	}

	s2 := newTestServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s2.Serve(context.Background(), ln) }()
	for s2.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	if err := s2.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve after Shutdown: %v", err)
	}
	if err := s2.ListenAndServe(context.Background(), "127.0.0.1:0"); err == nil {
		t.Error("serving twice accepted")
	}
	if err := newTestServer(t).ListenAndServe(context.Background(), "256.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "MCPGEN_HOST") {
		t.Errorf("bad address: %v", err)
	}
}
