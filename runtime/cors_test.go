package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/sse"
	"github.com/mcpgen/mcpgen/runtime/streamable"
)

// The full stack of a protected server with CORS: both transports, the
// bearer-token middleware, a provider that mounts OAuth-proxy-like
// routes, a custom route and a custom page. Requests go through
// Server.ServeHTTP as a browser would send them.

const (
	appOrigin  = "http://app.example:3000"
	evilOrigin = "https://evil.example"
	goodToken  = "good-token"
	goodHost   = "127.0.0.1:8000"
)

// countingVerifier accepts goodToken (scope "mcp") and counts every call,
// so a test can tell whether a refused request reached auth.
type countingVerifier struct{ calls atomic.Int64 }

func (v *countingVerifier) Verify(_ context.Context, tok string) (*auth.AccessToken, error) {
	v.calls.Add(1)
	if tok != goodToken {
		return nil, fmt.Errorf("%w: unknown token", auth.ErrInvalidToken)
	}
	return &auth.AccessToken{Token: tok, Subject: "alice", ClientID: "web", Scopes: []string{"mcp"}}, nil
}

// proxyProvider is a resource server that also serves the endpoints of an
// OAuth proxy, as the proxy's provider does through Routes.
type proxyProvider struct{ *auth.ResourceServer }

func (p proxyProvider) Routes() []runtime.Route {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("proxy " + r.URL.Path)) })
	var rs []runtime.Route
	for _, path := range []string{"/register", "/token", "/revoke", "/authorize", "/consent", "/auth/callback"} {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			rs = append(rs, runtime.Route{Method: m, Path: path, Handler: ok})
		}
	}
	return rs
}

func corsDef() *runtime.Definition {
	return &runtime.Definition{
		Name: "cors-test", Version: "1.0.0",
		Tools: []*runtime.Tool{
			{Name: "weather", InputSchema: json.RawMessage(`{"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"}}}`),
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					return runtime.TextResult("sunny"), nil
				}},
			{Name: "secret", Scopes: []string{"admin"},
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					return runtime.TextResult("s"), nil
				}},
		},
	}
}

type corsFixture struct {
	srv *runtime.Server
	v   *countingVerifier
	log *syncBuffer
}

func newCORSFixture(t *testing.T, opts ...runtime.Option) *corsFixture {
	t.Helper()
	f := &corsFixture{v: &countingVerifier{}, log: &syncBuffer{}}
	rs, err := auth.NewResourceServer(f.v, auth.WithBaseURL("http://"+goodHost), auth.WithMCPPath("/mcp"),
		auth.WithAuthorizationServers("http://"+goodHost))
	if err != nil {
		t.Fatal(err)
	}
	base := []runtime.Option{
		runtime.WithLogger(slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelWarn}))),
		runtime.WithTransport(streamable.New()), runtime.WithTransport(sse.New()),
		runtime.WithMaxBodyBytes(1 << 10),
		runtime.WithRoute(http.MethodGet, "/healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })),
		runtime.WithPageRoute(http.MethodGet, "/login", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<form>")) })),
	}
	base = append(base, auth.ServerOptions(proxyProvider{rs})...)
	f.srv, err = runtime.NewServer(corsDef(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *corsFixture) do(method, path, origin string, hdr map[string]string, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Host = goodHost
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	for k, v := range hdr {
		if k == "Host" {
			r.Host = v
			continue
		}
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// preflightHeaders is what the TypeScript clients ask for on a 2026-07-28
// tools/call with an Mcp-Param header, lower case as browsers send them.
const preflightHeaders = "authorization,content-type,last-event-id,mcp-method,mcp-name,mcp-param-region,mcp-protocol-version,mcp-session-id"

func preflight() map[string]string {
	return map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": preflightHeaders}
}

func hasToken(list, tok string) bool {
	for f := range strings.SplitSeq(list, ",") {
		if strings.EqualFold(strings.TrimSpace(f), tok) {
			return true
		}
	}
	return false
}

// checkCORS fails unless w carries the CORS headers of an answer to
// origin, the exposed headers included.
func checkCORS(t *testing.T, what string, w *httptest.ResponseRecorder, origin string) {
	t.Helper()
	h := w.Header()
	if got := h.Get("Access-Control-Allow-Origin"); got != origin {
		t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", what, got, origin)
	}
	if !hasToken(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("%s: Vary %q lacks Origin", what, h.Values("Vary"))
	}
	for _, e := range []string{"Mcp-Session-Id", "MCP-Protocol-Version", "WWW-Authenticate"} {
		if !hasToken(h.Get("Access-Control-Expose-Headers"), e) {
			t.Errorf("%s: Access-Control-Expose-Headers %q lacks %s", what, h.Get("Access-Control-Expose-Headers"), e)
		}
	}
	if h.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("%s: Access-Control-Allow-Credentials is set; bearer tokens never need it", what)
	}
}

func checkNoCORS(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	for k := range w.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("%s: %s: %q, want no CORS headers", what, k, w.Header().Get(k))
		}
	}
}

func TestCORSPreflightEveryEndpoint(t *testing.T) {
	f := newCORSFixture(t, runtime.WithCORSOrigins(appOrigin))
	for _, path := range []string{
		"/mcp", "/sse", "/messages/", "/messages/?session_id=x",
		"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource",
		"/register", "/token", "/revoke", "/healthz", "/mounted/below/mcp",
	} {
		w := f.do(http.MethodOptions, path, appOrigin, preflight(), "")
		if w.Code != http.StatusNoContent {
			t.Errorf("OPTIONS %s: %d %q, want 204", path, w.Code, w.Body.String())
		}
		checkCORS(t, "OPTIONS "+path, w, appOrigin)
		h := w.Header()
		for _, m := range []string{"GET", "POST", "DELETE"} {
			if !hasToken(h.Get("Access-Control-Allow-Methods"), m) {
				t.Errorf("OPTIONS %s: Allow-Methods %q lacks %s", path, h.Get("Access-Control-Allow-Methods"), m)
			}
		}
		for f := range strings.SplitSeq(preflightHeaders+",accept", ",") {
			if !hasToken(h.Get("Access-Control-Allow-Headers"), f) {
				t.Errorf("OPTIONS %s: Allow-Headers %q lacks %s", path, h.Get("Access-Control-Allow-Headers"), f)
			}
		}
		if h.Get("Access-Control-Max-Age") == "" {
			t.Errorf("OPTIONS %s: no Access-Control-Max-Age", path)
		}
	}
	if n := f.v.calls.Load(); n != 0 {
		t.Errorf("preflights called the token verifier %d times", n)
	}
	// A public page calling a private address (Private Network Access).
	pna := preflight()
	pna["Access-Control-Request-Private-Network"] = "true"
	if w := f.do(http.MethodOptions, "/mcp", appOrigin, pna, ""); w.Header().Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("preflight asking for private network access: Access-Control-Allow-Private-Network %q", w.Header().Get("Access-Control-Allow-Private-Network"))
	}
	if w := f.do(http.MethodOptions, "/mcp", appOrigin, preflight(), ""); w.Header().Get("Access-Control-Allow-Private-Network") != "" {
		t.Errorf("Access-Control-Allow-Private-Network sent unasked")
	}
	// Navigation pages never answer a preflight with CORS headers.
	for _, path := range []string{"/authorize", "/consent", "/auth/callback", "/login"} {
		w := f.do(http.MethodOptions, path, appOrigin, preflight(), "")
		checkNoCORS(t, "OPTIONS "+path, w)
		w = f.do(http.MethodGet, path, appOrigin, nil, "")
		checkNoCORS(t, "GET "+path, w)
	}
	if strings.Contains(f.log.String(), "does not allow") {
		t.Errorf("a preflight for the declared headers was logged as refused:\n%s", f.log)
	}
	// A header no tool declares is not allowed, and the log says so.
	w := f.do(http.MethodOptions, "/mcp", appOrigin, map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,mcp-param-undeclared"}, "")
	if hasToken(w.Header().Get("Access-Control-Allow-Headers"), "mcp-param-undeclared") {
		t.Errorf("an undeclared Mcp-Param header is allowed")
	}
	if !strings.Contains(f.log.String(), "mcp-param-undeclared") {
		t.Errorf("the log does not name the header a preflight asked for in vain:\n%s", f.log)
	}
}

func TestCORSOnErrorAnswers(t *testing.T) {
	f := newCORSFixture(t, runtime.WithCORSOrigins(appOrigin))
	bearer := "Bearer " + goodToken
	post := map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Authorization": bearer}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range post {
			m[k] = v
		}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	callSecret := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"secret","arguments":{}}}`
	for _, tt := range []struct {
		name, method, path string
		hdr                map[string]string
		body               string
		status             int
	}{
		{"no token", "POST", "/mcp", with(map[string]string{"Authorization": ""}), initialize, 401},
		{"bad token", "POST", "/mcp", with(map[string]string{"Authorization": "Bearer nope"}), initialize, 401},
		{"insufficient scope", "POST", "/mcp", with(map[string]string{"MCP-Protocol-Version": "2025-11-25", "Mcp-Session-Id": "x"}), callSecret, 403},
		{"unknown session", "POST", "/mcp", with(map[string]string{"Mcp-Session-Id": "no-such-session", "MCP-Protocol-Version": "2025-11-25"}), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, 404},
		{"method not allowed", "PUT", "/mcp", post, "", 405},
		{"body too large", "POST", "/mcp", post, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 2<<10) + `"}}`, 413},
		{"bad host", "POST", "/mcp", with(map[string]string{"Host": "evil.example:8000"}), initialize, 421},
		{"sse no token", "GET", "/sse", map[string]string{"Accept": "text/event-stream"}, "", 401},
		{"sse bad host", "GET", "/sse", map[string]string{"Host": "evil.example", "Authorization": bearer}, "", 421},
		{"messages wrong method", "GET", "/messages/", map[string]string{"Authorization": bearer}, "", 405},
		{"messages unknown session", "POST", "/messages/?session_id=nope", post, `{"jsonrpc":"2.0","id":1,"method":"ping"}`, 404},
		{"no such route", "GET", "/nope", nil, "", 404},
	} {
		w := f.do(tt.method, tt.path, appOrigin, tt.hdr, tt.body)
		if w.Code != tt.status {
			t.Errorf("%s: %s %s: %d %q, want %d", tt.name, tt.method, tt.path, w.Code, w.Body.String(), tt.status)
		}
		checkCORS(t, tt.name, w, appOrigin)
	}
	// The 401 challenge is what a page reads to start the OAuth flow.
	w := f.do("POST", "/mcp", appOrigin, with(map[string]string{"Authorization": ""}), initialize)
	if !strings.Contains(w.Header().Get("WWW-Authenticate"), "resource_metadata=") {
		t.Errorf("401 without a resource_metadata challenge: %q", w.Header().Get("WWW-Authenticate"))
	}
	// Success, and the session id it returns, are readable too.
	w = f.do("POST", "/mcp", appOrigin, with(map[string]string{"Accept": "application/json, text/event-stream"}), initialize)
	if w.Code != 200 || w.Header().Get("Mcp-Session-Id") == "" {
		t.Fatalf("initialize: %d %q", w.Code, w.Body.String())
	}
	checkCORS(t, "initialize", w, appOrigin)
	sid := w.Header().Get("Mcp-Session-Id")
	w = f.do("DELETE", "/mcp", appOrigin, with(map[string]string{"Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25"}), "")
	if w.Code/100 != 2 {
		t.Errorf("DELETE: %d %q", w.Code, w.Body.String())
	}
	checkCORS(t, "DELETE", w, appOrigin)
}

// A stream's headers go out on a hijacked connection (legacy SSE over
// HTTP/1.1): they carry the CORS headers too.
func TestCORSOnStreams(t *testing.T) {
	f := newCORSFixture(t, runtime.WithCORSOrigins(appOrigin), runtime.WithAllowedHosts("127.0.0.1:*"))
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	req, _ := http.NewRequest("GET", ts.URL+"/sse", nil)
	req.Header.Set("Origin", appOrigin)
	req.Header.Set("Authorization", "Bearer "+goodToken)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /sse: %d", resp.StatusCode)
	}
	rec := httptest.NewRecorder()
	for k, v := range resp.Header {
		rec.Header()[k] = v
	}
	checkCORS(t, "GET /sse stream", rec, appOrigin)
}

func TestCORSDisallowedOrigin(t *testing.T) {
	f := newCORSFixture(t, runtime.WithCORSOrigins(appOrigin))
	// On a loopback server the guard refuses a foreign Origin on the MCP
	// endpoints; elsewhere the answer just carries no CORS headers.
	w := f.do(http.MethodOptions, "/mcp", evilOrigin, preflight(), "")
	if w.Code != http.StatusForbidden {
		t.Errorf("OPTIONS /mcp from %s: %d, want 403 from the Origin guard", evilOrigin, w.Code)
	}
	checkNoCORS(t, "OPTIONS /mcp", w)
	for i := 0; i < 5; i++ {
		w = f.do(http.MethodPost, "/token", evilOrigin, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "grant_type=x")
		checkNoCORS(t, "POST /token", w)
		w = f.do(http.MethodOptions, "/token", evilOrigin, preflight(), "")
		checkNoCORS(t, "OPTIONS /token", w)
	}
	logs := f.log.String()
	if n := strings.Count(logs, "cors: origin not allowed"); n != 1 {
		t.Errorf("%d log lines for one refused origin, want 1 (rate-limited):\n%s", n, logs)
	}
	for _, want := range []string{"level=WARN", evilOrigin, "MCPGEN_CORS_ORIGINS", appOrigin} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log line does not say %q:\n%s", want, logs)
		}
	}
	// The public discovery documents stay readable by anyone.
	w = f.do(http.MethodGet, "/.well-known/oauth-protected-resource/mcp", evilOrigin, nil, "")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("metadata for another origin: %d, Access-Control-Allow-Origin %q, want 200 and *", w.Code, w.Header().Get("Access-Control-Allow-Origin"))
	}
	// An allowed origin sees itself there, as everywhere.
	w = f.do(http.MethodGet, "/.well-known/oauth-protected-resource/mcp", appOrigin, nil, "")
	checkCORS(t, "metadata", w, appOrigin)
	if f.v.calls.Load() != 0 {
		t.Errorf("refused requests reached the token verifier")
	}
}

func TestCORSOffByDefault(t *testing.T) {
	f := newCORSFixture(t)
	for _, path := range []string{"/mcp", "/token", "/healthz"} {
		w := f.do(http.MethodOptions, path, "http://localhost:6274", preflight(), "")
		checkNoCORS(t, "OPTIONS "+path, w)
		w = f.do(http.MethodPost, path, "http://localhost:6274", map[string]string{"Content-Type": "application/json"}, "{}")
		checkNoCORS(t, "POST "+path, w)
	}
	if s := f.log.String(); strings.Contains(s, "cors:") {
		t.Errorf("CORS is off but logged:\n%s", s)
	}
	// The discovery documents are public even so.
	w := f.do(http.MethodOptions, "/.well-known/oauth-protected-resource/mcp", "http://localhost:6274", preflight(), "")
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("metadata preflight with CORS off: %d %q, want 204 and *", w.Code, w.Header().Get("Access-Control-Allow-Origin"))
	}
}

// The Host/Origin guard runs before auth: a request it refuses never
// reaches the token verifier, and gets the guard's status, not 401.
func TestGuardBeforeAuth(t *testing.T) {
	f := newCORSFixture(t, runtime.WithCORSOrigins(appOrigin))
	for _, path := range []string{"/mcp", "/sse", "/messages/?session_id=x", "/MCP/"} {
		for _, tt := range []struct {
			host, origin, token string
			status              int
		}{
			{"evil.example", "", "", 421},
			{"evil.example", "", "garbage", 421},
			{"evil.example:8000", evilOrigin, "garbage", 421},
			{goodHost, evilOrigin, "", 403},
			{goodHost, evilOrigin, "garbage", 403},
			{goodHost, "http://evil.example:8000", goodToken, 403},
		} {
			hdr := map[string]string{"Host": tt.host, "Content-Type": "application/json"}
			if tt.token != "" {
				hdr["Authorization"] = "Bearer " + tt.token
			}
			for _, m := range []string{"GET", "POST"} {
				w := f.do(m, path, tt.origin, hdr, `{"jsonrpc":"2.0","id":1,"method":"ping"}`)
				if w.Code != tt.status {
					t.Errorf("%s %s Host %s Origin %q token %q: %d %q, want %d", m, path, tt.host, tt.origin, tt.token, w.Code, w.Body.String(), tt.status)
				}
			}
		}
	}
	if n := f.v.calls.Load(); n != 0 {
		t.Errorf("the verifier ran %d times for requests the guard refuses", n)
	}
	// The same requests with a good Host and no Origin do reach auth.
	f.do("POST", "/mcp", "", map[string]string{"Authorization": "Bearer garbage", "Content-Type": "application/json"}, "{}")
	if f.v.calls.Load() != 1 {
		t.Errorf("the verifier did not run for a request the guard lets through")
	}
}

// Every origin CORS allows is allowed by the Origin check, whatever
// the guard's own rules are, and other origins are not let in by CORS.
func TestGuardAgreesWithCORS(t *testing.T) {
	for _, tt := range []struct {
		name    string
		opts    []runtime.Option
		host    string
		cors    []string
		refused string // an origin the guard must still refuse ("" if it checks no origins)
	}{
		{"loopback", nil, "localhost:8000", []string{"https://app.example.com", "http://localhost:6274"}, "https://other.example"},
		{"allowed hosts", []runtime.Option{runtime.WithAllowedHosts("mcp.example.com")}, "mcp.example.com", []string{"https://app.example.com"}, "https://other.example"},
		{"allowed origins", []runtime.Option{runtime.WithAllowedHosts("mcp.example.com"), runtime.WithAllowedOrigins("https://admin.example.com")}, "mcp.example.com", []string{"https://app.example.com", "http://[::1]:9000"}, "https://other.example"},
		{"public bind", []runtime.Option{runtime.WithAddr("0.0.0.0", 8000)}, "mcp.example.com", []string{"https://app.example.com"}, ""},
		{"any, public", []runtime.Option{runtime.WithAllowedHosts("mcp.example.com")}, "mcp.example.com", []string{"*"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]runtime.Option{runtime.WithLogger(slog.New(slog.DiscardHandler)), runtime.WithTransport(streamable.New()), runtime.WithCORSOrigins(tt.cors...)}, tt.opts...)
			s, err := runtime.NewServer(corsDef(), opts...)
			if err != nil {
				t.Fatal(err)
			}
			origins := tt.cors
			if tt.cors[0] == "*" {
				origins = []string{"https://anything.example", "http://localhost:1"}
			}
			for _, o := range origins {
				r := httptest.NewRequest("POST", "/mcp", nil)
				r.Host = tt.host
				r.Header.Set("Origin", o)
				if st, msg := s.CheckHostOrigin(r); st != 0 {
					t.Errorf("CORS origin %s refused by the guard: %d %s", o, st, msg)
				}
				w := httptest.NewRecorder()
				r.Method = http.MethodOptions
				r.Header.Set("Access-Control-Request-Method", "POST")
				s.ServeHTTP(w, r)
				want := o
				if tt.cors[0] == "*" {
					want = "*"
				}
				if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != want {
					t.Errorf("preflight from %s: %d, Access-Control-Allow-Origin %q, want 204 and %q", o, w.Code, w.Header().Get("Access-Control-Allow-Origin"), want)
				}
			}
			if tt.refused != "" {
				r := httptest.NewRequest("POST", "/mcp", nil)
				r.Host = tt.host
				r.Header.Set("Origin", tt.refused)
				if st, _ := s.CheckHostOrigin(r); st != http.StatusForbidden {
					t.Errorf("origin %s outside every list: guard status %d, want 403", tt.refused, st)
				}
			}
		})
	}
}

func TestCORSSettingErrors(t *testing.T) {
	mk := func(opts ...runtime.Option) error {
		_, err := runtime.NewServer(corsDef(), append([]runtime.Option{runtime.WithLogger(slog.New(slog.DiscardHandler)), runtime.WithTransport(streamable.New())}, opts...)...)
		return err
	}
	for _, tt := range []struct {
		name string
		opts []runtime.Option
		want string
	}{
		{"any on loopback", []runtime.Option{runtime.WithCORSOrigins("*")}, "list the exact origins"},
		{"any on loopback hosts", []runtime.Option{runtime.WithCORSOrigins("*"), runtime.WithAllowedHosts("localhost:*", "127.0.0.1")}, "MCPGEN_CORS_ORIGINS=*"},
		{"any and a list", []runtime.Option{runtime.WithCORSOrigins("*", "https://a.example"), runtime.WithAllowedHosts("mcp.example.com")}, "either * alone"},
		{"path", []runtime.Option{runtime.WithCORSOrigins("https://a.example/app")}, "exact origin"},
		{"null", []runtime.Option{runtime.WithCORSOrigins("null")}, "never allowed"},
		{"no scheme", []runtime.Option{runtime.WithCORSOrigins("a.example")}, "exact origin"},
		{"wildcard", []runtime.Option{runtime.WithCORSOrigins("https://*.example.com")}, "exact origin"},
	} {
		err := mk(tt.opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want one saying %q", tt.name, err, tt.want)
		}
	}
	if err := mk(runtime.WithCORSOrigins("*"), runtime.WithAllowedHosts("mcp.example.com")); err != nil {
		t.Errorf("* on a server reachable by name: %v", err)
	}
	if err := mk(runtime.WithCORSOrigins("*"), runtime.WithAddr("0.0.0.0", 8000)); err != nil {
		t.Errorf("* on a public bind: %v", err)
	}
	t.Setenv("MCPGEN_CORS_ORIGINS", "https://ok.example, https://bad.example/path")
	if err := mk(); err == nil || !strings.Contains(err.Error(), "MCPGEN_CORS_ORIGINS") {
		t.Errorf("bad MCPGEN_CORS_ORIGINS: err %v, want one naming the variable", err)
	}
	t.Setenv("MCPGEN_CORS_ORIGINS", "https://App.Example:443/, http://localhost:6274")
	s, err := runtime.NewServer(corsDef(), runtime.WithLogger(slog.New(slog.DiscardHandler)), runtime.WithTransport(streamable.New()))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("OPTIONS", "/mcp", nil)
	r.Host = goodHost
	r.Header.Set("Origin", "https://app.example")
	r.Header.Set("Access-Control-Request-Method", "POST")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if got := w.Header().Get("Access-Control-Allow-Origin"); w.Code != 204 || got != "https://app.example" {
		t.Errorf("MCPGEN_CORS_ORIGINS entry normalised: %d %q, want 204 and https://app.example", w.Code, got)
	}
}
