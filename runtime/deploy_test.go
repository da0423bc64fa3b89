package runtime

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

// TestLogLevelFromEnvironment checks that MCPGEN_LOG_LEVEL decides
// whether the per-request debug lines reach the default logger (stderr).
func TestLogLevelFromEnvironment(t *testing.T) {
	tests := []struct {
		level string
		want  bool
	}{
		{"debug", true},
		{"info", false},
		{"", false},
		{"error", false},
	}
	call := &Message{ID: []byte("1"), Method: "tools/call", Params: []byte(`{"name":"add","arguments":{"a":1}}`)}
	resp := []byte(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"2"}]}}`)
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			for _, k := range allEnv {
				t.Setenv(k, "")
			}
			t.Setenv("MCPGEN_LOG_LEVEL", tt.level)
			f, err := os.CreateTemp(t.TempDir(), "stderr")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stderr := os.Stderr
			os.Stderr = f // the default logger writes where os.Stderr is at NewServer
			s, err := NewServer(&Definition{Name: "logs"})
			os.Stderr = stderr
			if err != nil {
				t.Fatal(err)
			}
			s.LogMessage(context.Background(), "sess-1", call, time.Now(), resp)
			s.Logger().Error("marker")
			b, err := os.ReadFile(f.Name())
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if !strings.Contains(got, "marker") {
				t.Fatalf("the default logger does not write to stderr: %q", got)
			}
			if has := strings.Contains(got, `msg="mcp: request"`); has != tt.want {
				t.Errorf("MCPGEN_LOG_LEVEL=%q: request line logged %v, want %v:\n%s", tt.level, has, tt.want, got)
			}
		})
	}
}

func TestLogMessage(t *testing.T) {
	tests := []struct {
		name string
		msg  *Message
		resp string
		want []string // substrings of the line; nil: no line
	}{
		{"tool ok", &Message{ID: []byte("1"), Method: "tools/call", Params: []byte(`{"name":"add"}`)},
			`{"jsonrpc":"2.0","id":1,"result":{"content":[]}}`,
			[]string{`method=tools/call`, `name=add`, `session=s1`, `duration=`, `outcome=ok`}},
		{"tool error", &Message{ID: []byte("1"), Method: "tools/call", Params: []byte(`{"name":"add"}`)},
			`{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}`, []string{`outcome="tool error"`}},
		{"resource", &Message{ID: []byte("2"), Method: "resources/read", Params: []byte(`{"uri":"file:///a"}`)},
			`{"jsonrpc":"2.0","id":2,"error":{"code":-32002,"message":"resource not found"}}`,
			[]string{`name=file:///a`, `outcome="error -32002: resource not found"`}},
		{"completion", &Message{ID: []byte("3"), Method: "completion/complete", Params: []byte(`{"ref":{"type":"ref/prompt","name":"p"}}`)},
			`{"jsonrpc":"2.0","id":3,"result":{}}`, []string{`name=p`}},
		{"input required", &Message{ID: []byte("4"), Method: "tools/call", Params: []byte(`{"name":"ask"}`)},
			`{"jsonrpc":"2.0","id":4,"result":{"resultType":"input_required"}}`, []string{`outcome=input_required`}},
		{"no params", &Message{ID: []byte("5"), Method: "ping"}, `{"jsonrpc":"2.0","id":5,"result":{}}`,
			[]string{`method=ping session=s1`}},
		{"notification", &Message{Method: "notifications/initialized"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf strings.Builder
			s := &Server{cfg: Config{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}}
			var resp []byte
			if tt.resp != "" {
				resp = []byte(tt.resp)
			}
			s.LogMessage(context.Background(), "s1", tt.msg, time.Now(), resp)
			got := buf.String()
			if tt.want == nil {
				if got != "" {
					t.Errorf("logged %q, want nothing", got)
				}
				return
			}
			if strings.Count(got, "\n") != 1 {
				t.Errorf("want one line, got %q", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("line %q lacks %q", got, w)
				}
			}
		})
	}
}

func TestStoreAndHomeSettings(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory:", err)
	}
	// NewServer opens the store it is given: a real Redis and real
	// directories.
	redisURL := strings.TrimSuffix(storetest.StartRedis(t).URL, "/0")
	dir := t.TempDir()
	tests := []struct {
		name      string
		env       map[string]string
		opts      []Option
		wantHome  string
		wantStore string
		wantErr   string
	}{
		{"defaults", nil, nil, filepath.Join(home, ".mcpgen"), "memory", ""},
		{"environment", map[string]string{"MCPGEN_HOME": "/srv/state", "MCPGEN_STORE": redisURL + "/2"}, nil, "/srv/state", redisURL + "/2", ""},
		{"tilde", map[string]string{"MCPGEN_HOME": "~/x"}, nil, filepath.Join(home, "x"), "memory", ""},
		{"file store", map[string]string{"MCPGEN_STORE": "file://" + dir + "/a"}, nil, filepath.Join(home, ".mcpgen"), "file://" + dir + "/a", ""},
		{"redis without db", map[string]string{"MCPGEN_STORE": redisURL}, nil, filepath.Join(home, ".mcpgen"), redisURL, ""},
		{"options override", map[string]string{"MCPGEN_HOME": "/a", "MCPGEN_STORE": "memory"}, []Option{WithHome("/b"), WithStoreURL("file://" + dir + "/b")}, "/b", "file://" + dir + "/b", ""},
		{"unreachable redis", map[string]string{"MCPGEN_STORE": "redis://:hunter2@127.0.0.1:1/0"}, nil, "", "", "MCPGEN_STORE: store redis://:xxxxx@127.0.0.1:1/0: cannot reach Redis: dial tcp 127.0.0.1:1"},
		{"unknown store", map[string]string{"MCPGEN_STORE": "postgres://x"}, nil, "", "", "MCPGEN_STORE"},
		{"file store without dir", map[string]string{"MCPGEN_STORE": "file://"}, nil, "", "", "MCPGEN_STORE"},
		{"redis bad db", map[string]string{"MCPGEN_STORE": "redis://cache:6379/zero"}, nil, "", "", "MCPGEN_STORE"},
		{"redis no host", map[string]string{"MCPGEN_STORE": "redis:///0"}, nil, "", "", "MCPGEN_STORE"},
		{"bad store option", nil, []Option{WithStoreURL("s3://b")}, "", "", "store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range append(allEnv, "MCPGEN_HOME", "MCPGEN_STORE") {
				t.Setenv(k, tt.env[k])
			}
			s, err := NewServer(&Definition{Name: "st"}, tt.opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("the error shows the store password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Shutdown(context.Background())
			if c := s.Config(); c.Home != tt.wantHome || c.StoreURL != tt.wantStore {
				t.Errorf("home %q store %q, want %q %q", c.Home, c.StoreURL, tt.wantHome, tt.wantStore)
			}
		})
	}
}

// TestBadSettingsNameTheVariable covers every app setting whose value can
// be malformed: NewServer fails with an error naming the variable.
func TestBadSettingsNameTheVariable(t *testing.T) {
	bad := map[string]string{
		"MCPGEN_PORT":                 "eighty",
		"MCPGEN_STREAMABLE_HTTP_PATH": "mcp",
		"MCPGEN_SSE_PATH":             "sse",
		"MCPGEN_MESSAGE_PATH":         "messages/",
		"MCPGEN_JSON_RESPONSE":        "perhaps",
		"MCPGEN_STATELESS_HTTP":       "sometimes",
		"MCPGEN_LOG_LEVEL":            "verbose",
		"MCPGEN_REQUEST_STATE_KEY":    "short",
		"MCPGEN_STORE":                "ftp://x",
	}
	for name, value := range bad {
		t.Run(name, func(t *testing.T) {
			for _, k := range append(allEnv, "MCPGEN_HOME", "MCPGEN_STORE", "MCPGEN_REQUEST_STATE_KEY") {
				t.Setenv(k, "")
			}
			t.Setenv(name, value)
			_, err := NewServer(&Definition{Name: "bad"})
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%q: error %v, want one naming the variable", name, value, err)
			}
		})
	}
}

func TestMountedRoute(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path+" "+r.RequestURI)
	})
	s, err := NewServer(&Definition{Name: "m"}, WithLogger(slog.New(slog.DiscardHandler)),
		WithRoute(http.MethodPost, "/mcp", ok),
		WithRoute(http.MethodGet, "/messages/", ok),
		WithRoute(http.MethodGet, "/.well-known/oauth-protected-resource/mcp", ok),
		WithRoute(http.MethodGet, "/users/:id", ok),
		WithRoute(http.MethodGet, "/", ok),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"POST", "/mcp", 200, "/mcp /mcp"},
		{"POST", "/mcp-api/mcp", 200, "/mcp /mcp-api/mcp"},
		{"POST", "/a/b/mcp", 200, "/mcp /a/b/mcp"},
		{"POST", "/foomcp", 404, ""},
		{"POST", "/mcp-api/foomcp", 404, ""},
		{"POST", "/mcp/x", 404, ""},
		{"GET", "/mcp-api/messages/", 200, "/messages/ /mcp-api/messages/"},
		{"GET", "/x/.well-known/oauth-protected-resource/mcp", 200, "/.well-known/oauth-protected-resource/mcp /x/.well-known/oauth-protected-resource/mcp"},
		{"GET", "/mcp-api/mcp", 405, ""},
		{"GET", "/users/7", 200, "/users/7 /users/7"},
		{"GET", "/", 200, "/ /"},
		{"GET", "/nothing/", 404, ""}, // "/" is never a suffix: every path would match it
		{"GET", "/.well-known/oauth-authorization-server/mcp", 404, ""},
		{"POST", "/.well-known/oauth-authorization-server/mcp-api/mcp", 404, ""},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
		if w.Code != tt.status || tt.body != "" && w.Body.String() != tt.body {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, w.Code, w.Body.String(), tt.status, tt.body)
		}
	}
}

// BenchmarkServeHTTPRouting measures what ServeHTTP adds before the
// router: nothing allocated on an exact route, one request copy under a
// prefix.
func BenchmarkServeHTTPRouting(b *testing.B) {
	s, err := NewServer(&Definition{Name: "m"}, WithLogger(slog.New(slog.DiscardHandler)),
		WithRoute(http.MethodPost, "/mcp", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/mcp", "/mcp-api/mcp"} {
		b.Run(strings.TrimPrefix(strings.ReplaceAll(path, "/", "_"), "_"), func(b *testing.B) {
			r := httptest.NewRequest(http.MethodPost, path, nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				s.ServeHTTP(w, r)
			}
		})
	}
}

// FuzzMountedRoute: any request path is either served as it is or by a
// route it ends with, after a non-empty prefix; never a panic.
func FuzzMountedRoute(f *testing.F) {
	for _, p := range []string{"/mcp", "/mcp-api/mcp", "/foomcp", "", "/", "//mcp", "/a/messages/", "mcp", "/\x00/sse"} {
		f.Add(p)
	}
	s, err := NewServer(&Definition{Name: "m"}, WithLogger(slog.New(slog.DiscardHandler)),
		WithRoute(http.MethodPost, "/mcp", http.NotFoundHandler()), WithRoute(http.MethodGet, "/sse", http.NotFoundHandler()),
		WithRoute(http.MethodPost, "/messages/", http.NotFoundHandler()), WithRoute(http.MethodGet, "/", http.NotFoundHandler()))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		route := s.mountedRoute(path)
		if route == "" {
			return
		}
		if route == "/" || strings.HasPrefix(path, "/.well-known/") || len(path) <= len(route) || !strings.HasSuffix(path, route) || route[0] != '/' {
			t.Fatalf("path %q mapped to route %q", path, route)
		}
		r := withPath(httptest.NewRequest(http.MethodGet, "/", nil), route)
		if r.URL.Path != route || r.URL.RawPath != "" {
			t.Fatalf("withPath: %q %q", r.URL.Path, r.URL.RawPath)
		}
	})
}

// TestMiddlewareSeesRoutePath: middleware that guards a path (as the auth
// middleware guards /mcp) also guards it under an unstripped prefix, and
// the first middleware given is the outermost.
func TestMiddlewareSeesRoutePath(t *testing.T) {
	var order []string
	mw := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name+" "+r.URL.Path)
				if name == "guard" && r.URL.Path == "/mcp" && r.Header.Get("Authorization") == "" {
					http.Error(w, "no token", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	s, err := NewServer(&Definition{Name: "m"}, WithLogger(slog.New(slog.DiscardHandler)),
		WithRoute(http.MethodPost, "/mcp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { order = append(order, "route") })),
		WithMiddleware(mw("outer"), mw("guard")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, auth string
		status     int
		order      string
	}{
		{"/mcp", "", 401, "outer /mcp,guard /mcp"},
		{"/mcp-api/mcp", "", 401, "outer /mcp,guard /mcp"},
		{"/mcp-api/mcp", "Bearer x", 200, "outer /mcp,guard /mcp,route"},
	} {
		order = nil
		r := httptest.NewRequest(http.MethodPost, tt.path, nil)
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != tt.status || strings.Join(order, ",") != tt.order {
			t.Errorf("%s: %d %q, want %d %q", tt.path, w.Code, strings.Join(order, ","), tt.status, tt.order)
		}
	}
}
