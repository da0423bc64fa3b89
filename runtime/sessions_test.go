package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var sessEnv = []string{
	"MCPGEN_MAX_SESSIONS", "MCPGEN_SESSION_IDLE_TIMEOUT", "MCPGEN_SESSION_INIT_TIMEOUT",
	"MCPGEN_MAX_SESSIONS_PER_CALLER", "MCPGEN_TRUSTED_PROXIES", "MCPGEN_MAX_CLIENT_INFO_BYTES",
	"MCPGEN_MAX_SUBSCRIPTIONS", "MCPGEN_MAX_URI_BYTES", "MCPGEN_MAX_PENDING_REQUESTS",
	"MCPGEN_MAX_EVENT_BYTES_PER_SESSION",
}

func TestSessionConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		opts    []Option
		check   func(*Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.MaxSessions == 10000 && c.SessionIdleTimeout == 30*time.Minute && c.SessionInitTimeout == 30*time.Second &&
				c.MaxSessionsPerCaller == 1000 && c.TrustedProxies == nil && c.MaxClientInfoBytes == 16<<10 &&
				c.MaxSubscriptions == 1000 && c.MaxURIBytes == 8<<10 && c.MaxPendingRequests == 64 &&
				c.MaxEventBytesPerSession == 16<<20
		}, ""},
		{"environment", map[string]string{
			"MCPGEN_MAX_SESSIONS": "50", "MCPGEN_SESSION_IDLE_TIMEOUT": "5m", "MCPGEN_SESSION_INIT_TIMEOUT": "0",
			"MCPGEN_MAX_SESSIONS_PER_CALLER": "7", "MCPGEN_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1",
			"MCPGEN_MAX_CLIENT_INFO_BYTES": "100", "MCPGEN_MAX_SUBSCRIPTIONS": "0", "MCPGEN_MAX_URI_BYTES": "64",
			"MCPGEN_MAX_PENDING_REQUESTS": "2", "MCPGEN_MAX_EVENT_BYTES_PER_SESSION": "1024",
		}, nil, func(c *Config) bool {
			return c.MaxSessions == 50 && c.SessionIdleTimeout == 5*time.Minute && c.SessionInitTimeout == 0 &&
				c.MaxSessionsPerCaller == 7 && strings.Join(c.TrustedProxies, "|") == "10.0.0.0/8|192.168.1.1" &&
				c.MaxClientInfoBytes == 100 && c.MaxSubscriptions == 0 && c.MaxURIBytes == 64 &&
				c.MaxPendingRequests == 2 && c.MaxEventBytesPerSession == 1024
		}, ""},
		{"options", map[string]string{"MCPGEN_MAX_SESSIONS_PER_CALLER": "7"},
			[]Option{WithMaxSessionsPerCaller(3), WithSessionInitTimeout(time.Second), WithTrustedProxies("::1"), WithSessionBounds(1, 2, 3, 4), WithMaxEventBytesPerSession(5)},
			func(c *Config) bool {
				return c.MaxSessionsPerCaller == 3 && c.SessionInitTimeout == time.Second && c.TrustedProxies[0] == "::1" &&
					c.MaxClientInfoBytes == 1 && c.MaxSubscriptions == 2 && c.MaxURIBytes == 3 && c.MaxPendingRequests == 4 &&
					c.MaxEventBytesPerSession == 5
			}, ""},
		{"bad count", map[string]string{"MCPGEN_MAX_SESSIONS_PER_CALLER": "many"}, nil, nil, "MCPGEN_MAX_SESSIONS_PER_CALLER"},
		{"negative count", map[string]string{"MCPGEN_MAX_SUBSCRIPTIONS": "-1"}, nil, nil, "MCPGEN_MAX_SUBSCRIPTIONS"},
		{"bad duration", map[string]string{"MCPGEN_SESSION_INIT_TIMEOUT": "30"}, nil, nil, "MCPGEN_SESSION_INIT_TIMEOUT"},
		{"bad idle", map[string]string{"MCPGEN_SESSION_IDLE_TIMEOUT": "-1s"}, nil, nil, "MCPGEN_SESSION_IDLE_TIMEOUT"},
		{"bad proxy", map[string]string{"MCPGEN_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, nil, nil, "MCPGEN_TRUSTED_PROXIES"},
		{"bad proxy option", nil, []Option{WithTrustedProxies("nope")}, nil, "trusted proxy"},
		{"bad event bytes", map[string]string{"MCPGEN_MAX_EVENT_BYTES_PER_SESSION": "1MB"}, nil, nil, "MCPGEN_MAX_EVENT_BYTES_PER_SESSION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range append(allEnv, sessEnv...) {
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

func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies([]string{"10.0.0.0/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		remote string
		xff    []string
		want   string
	}{
		{"203.0.113.5:1234", nil, "203.0.113.5"},
		{"203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"}, // untrusted peer: header ignored
		{"10.1.2.3:80", []string{"1.2.3.4"}, "1.2.3.4"},
		{"10.1.2.3:80", []string{"6.6.6.6, 1.2.3.4, 10.9.9.9"}, "1.2.3.4"}, // right-most untrusted
		{"10.1.2.3:80", []string{"6.6.6.6", "1.2.3.4"}, "1.2.3.4"},
		{"10.1.2.3:80", []string{"garbage"}, "10.1.2.3"},
		{"10.1.2.3:80", nil, "10.1.2.3"},
		{"[::1]:80", []string{"2001:db8::1"}, "2001:db8::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := ClientAddr(r, trusted); got != tc.want {
			t.Errorf("%s %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

// sessTable is a table over a real Server, with a log capture.
func sessTable(t *testing.T, opts ...Option) (*SessionTable[int], *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return log.Write(p) })
	srv, err := NewServer(&Definition{Name: "sess"}, append([]Option{WithLogger(slog.New(slog.NewTextHandler(w, nil)))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	var n atomic.Int64
	return NewSessionTable[int](srv, "test", func() string { return "s" + strconv.FormatInt(n.Add(1), 10) }), &log
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func sessRequest(remote, principal string) *http.Request {
	r := httptest.NewRequest("POST", "/mcp", nil)
	r.RemoteAddr = remote
	if principal != "" {
		r = r.WithContext(WithPrincipal(r.Context(), principal))
	}
	return r
}

func sessOpen(t *testing.T, tb *SessionTable[int], r *http.Request) *SessionEntry[int] {
	t.Helper()
	e, aerr := tb.Open(r, func(string, *Conn) int { return 1 }, func(int) {})
	if aerr != nil {
		t.Fatalf("Open: %v", aerr)
	}
	return e
}

// sessReady completes e's handshake as a client does.
func sessReady(t *testing.T, e *SessionEntry[int]) {
	t.Helper()
	srv := e.Conn.srv
	ctx := context.Background()
	init, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	srv.Handle(ctx, e.Conn, init, nil)
	note, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	srv.Handle(ctx, e.Conn, note, nil)
	if !e.Conn.Ready() {
		t.Fatal("handshake did not make the session ready")
	}
}

func TestSessionTableOwnership(t *testing.T) {
	tb, log := sessTable(t)
	e := sessOpen(t, tb, sessRequest("127.0.0.1:1", "alice"))
	if got := tb.Lookup(sessRequest("127.0.0.1:1", "alice"), e.ID()); got != e {
		t.Fatal("owner's lookup failed")
	}
	for _, who := range []string{"bob", ""} {
		if got := tb.Lookup(sessRequest("127.0.0.1:1", who), e.ID()); got != nil {
			t.Fatalf("%q found alice's session", who)
		}
	}
	if !strings.Contains(log.String(), "level=WARN") || strings.Contains(log.String(), e.ID()) {
		t.Fatalf("want a warning that does not reveal the session id:\n%s", log)
	}
	if tb.Lookup(sessRequest("127.0.0.1:1", "alice"), "unknown") != nil {
		t.Fatal("unknown id found")
	}
	// An unauthenticated server: every caller is "", as before.
	e2 := sessOpen(t, tb, sessRequest("127.0.0.1:2", ""))
	if tb.Lookup(sessRequest("127.0.0.9:9", ""), e2.ID()) != e2 {
		t.Fatal("unauthenticated session not found from another address")
	}
	if r := e.Record(); r.ID != e.ID() || r.Principal != "alice" || r.Caller != "principal:alice" || r.ProtocolVersion != "" {
		t.Fatalf("record %+v", r)
	}
	sessReady(t, e)
	r := e.Record()
	if r.ProtocolVersion != "2025-06-18" || r.ClientInfo.Name != "t" || r.LogLevel != LevelDebug {
		t.Fatalf("record after initialize %+v", r)
	}
	// The record is what a shared store keeps: it survives JSON.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back SessionRecord
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, r) {
		t.Fatalf("record after a JSON round trip: %+v (%v), want %+v", back, err, r)
	}
}

func TestSessionTableAdmission(t *testing.T) {
	tb, log := sessTable(t, WithMaxSessions(4), WithMaxSessionsPerCaller(2))
	closed := map[string]bool{}
	var mu sync.Mutex
	open := func(remote string) (*SessionEntry[int], *AdmissionError) {
		var id string
		e, aerr := tb.Open(sessRequest(remote, ""), func(i string, _ *Conn) int { id = i; return 0 }, func(int) { mu.Lock(); closed[id] = true; mu.Unlock() })
		return e, aerr
	}
	a1, _ := open("192.0.2.1:1")
	a2, _ := open("192.0.2.1:2")
	sessReady(t, a1)
	sessReady(t, a2)
	a1.Begin() // a1 holds a stream
	// The per-caller cap evicts the caller's own idle session (a2), never
	// the busy one.
	a3, aerr := open("192.0.2.1:3")
	if aerr != nil || !a2.closed.Load() || a1.closed.Load() {
		t.Fatalf("third session of one caller: %v, a2 closed %v, a1 closed %v", aerr, a2.closed.Load(), a1.closed.Load())
	}
	a3.Begin()
	// Both of the caller's sessions busy: refused with Retry-After.
	if _, aerr := open("192.0.2.1:4"); aerr == nil || aerr.StatusCode != 503 || aerr.RetryAfter <= 0 || !strings.Contains(aerr.Message, "MCPGEN_MAX_SESSIONS_PER_CALLER") {
		t.Fatalf("caller at cap with busy sessions: %+v", aerr)
	}
	// Other callers are not affected.
	b1, aerr := open("192.0.2.2:1")
	if aerr != nil {
		t.Fatal(aerr)
	}
	b1.Begin()
	c1, _ := open("192.0.2.3:1") // not initialized: first to go
	c2, _ := open("192.0.2.3:2")
	if tb.Len() != 4 || !c1.closed.Load() || b1.closed.Load() {
		t.Fatalf("full table: %d sessions, uninitialized one closed %v, busy one closed %v", tb.Len(), c1.closed.Load(), b1.closed.Load())
	}
	// The table is full of sessions; all busy now: refused, and the
	// warning is logged once per interval.
	c2.Begin()
	for i := range 5 {
		if _, aerr := open("192.0.2.9:" + string(rune('0'+i))); aerr == nil || !strings.Contains(aerr.Message, "MCPGEN_MAX_SESSIONS") {
			t.Fatalf("full table of busy sessions: %+v", aerr)
		}
	}
	if n := strings.Count(log.String(), "refusing new sessions"); n != 1 {
		t.Fatalf("%d refusal warnings, want 1:\n%s", n, log)
	}
	a1.End()
	if _, aerr := open("192.0.2.9:9"); aerr != nil {
		t.Fatalf("after a stream ended: %v", aerr)
	}
	if !a1.closed.Load() {
		t.Fatal("the idle session was not the one evicted")
	}
	rec := httptest.NewRecorder()
	(&AdmissionError{RetryAfter: 10 * time.Second}).SetHeaders(rec.Header())
	if rec.Header().Get("Retry-After") != "10" {
		t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
}

func TestSessionTableExpiry(t *testing.T) {
	tb, _ := sessTable(t, WithSessionInitTimeout(time.Minute), WithSessionIdleTimeout(time.Hour))
	never := sessOpen(t, tb, sessRequest("127.0.0.1:1", ""))
	never.Begin() // even holding a stream
	ready := sessOpen(t, tb, sessRequest("127.0.0.1:1", ""))
	sessReady(t, ready)
	idle := sessOpen(t, tb, sessRequest("127.0.0.1:1", ""))
	sessReady(t, idle)
	ready.Begin()
	modern := sessOpen(t, tb, sessRequest("127.0.0.1:1", ""))
	modern.MarkReady() // a 2026 client on legacy SSE: no handshake
	modern.Begin()
	tb.Expire(time.Now().Add(59 * time.Second))
	if tb.Len() != 4 {
		t.Fatalf("expired too early: %d left", tb.Len())
	}
	tb.Expire(time.Now().Add(2 * time.Minute))
	if !never.closed.Load() || ready.closed.Load() || idle.closed.Load() || modern.closed.Load() {
		t.Fatal("only the session that never sent notifications/initialized should have ended")
	}
	tb.Expire(time.Now().Add(2 * time.Hour))
	if !idle.closed.Load() || ready.closed.Load() {
		t.Fatal("idle expiry: the idle session ends, the busy one stays")
	}
}

type sessOut struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (o *sessOut) Send(m []byte) error {
	o.mu.Lock()
	o.msgs = append(o.msgs, m)
	o.mu.Unlock()
	return nil
}

func sessHandle(t *testing.T, srv *Server, c *Conn, out Outbound, msg string) string {
	t.Helper()
	m, err := ParseMessage([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	return string(srv.Handle(context.Background(), c, m, out))
}

// TestSessionBounds: what a client can make a session keep is bounded,
// and each bound answers with an error naming its setting.
func TestSessionBounds(t *testing.T) {
	started := make(chan error, 3)
	def := &Definition{Name: "bounds", Tools: []*Tool{{
		Name: "ask3",
		Handler: func(ctx context.Context, call *Call) (*ToolResult, error) {
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			for range 3 {
				go func() { _, err := call.Session.Elicit(ctx, "?", map[string]any{"type": "object"}); started <- err }()
			}
			err := <-started // the third, refused at once; the others wait
			return TextResult(err.Error()), nil
		},
	}}}
	srv, err := NewServer(def, WithLogger(slog.New(slog.DiscardHandler)), WithSessionBounds(200, 2, 32, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	c := srv.NewConn(ConnConfig{ID: "b"})
	defer c.Close()
	out := &sessOut{}
	big := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"x":"` + strings.Repeat("a", 200) + `"},"clientInfo":{"name":"t","version":"1"}}}`
	if got := sessHandle(t, srv, c, nil, big); !strings.Contains(got, "MCPGEN_MAX_CLIENT_INFO_BYTES") || !strings.Contains(got, "-32602") {
		t.Fatalf("oversized capabilities: %s", got)
	}
	ok := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"t","version":"1","extra":"dropped"}}}`
	if got := sessHandle(t, srv, c, nil, ok); !strings.Contains(got, `"result"`) {
		t.Fatalf("initialize: %s", got)
	}
	if ci := c.clientInfo(); ci.Name != "t" || ci.Version != "1" {
		t.Fatalf("client info %+v", ci)
	}
	sub := func(id int, uri string) string {
		return sessHandle(t, srv, c, nil, `{"jsonrpc":"2.0","id":`+strconv.Itoa(id)+`,"method":"resources/subscribe","params":{"uri":"`+uri+`"}}`)
	}
	if got := sub(2, "file:///"+strings.Repeat("u", 40)); !strings.Contains(got, "MCPGEN_MAX_URI_BYTES") {
		t.Fatalf("long URI: %s", got)
	}
	for i, uri := range []string{"file:///a", "file:///b", "file:///a"} {
		if got := sub(3+i, uri); !strings.Contains(got, `"result"`) {
			t.Fatalf("subscription %d: %s", i, got)
		}
	}
	if got := sub(9, "file:///c"); !strings.Contains(got, "MCPGEN_MAX_SUBSCRIPTIONS") {
		t.Fatalf("third subscription: %s", got)
	}
	got := sessHandle(t, srv, c, out, `{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"ask3","arguments":{}}}`)
	if !strings.Contains(got, "MCPGEN_MAX_PENDING_REQUESTS") {
		t.Fatalf("third pending elicitation: %s", got)
	}
}

// FuzzClientAddr: whatever X-Forwarded-For holds, the caller's address is
// the peer or a well-formed address the header named, never garbage.
func FuzzClientAddr(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "6.6.6.6, 1.2.3.4, 10.9.9.9", "garbage", "", ",,,", "::ffff:10.0.0.1, 2001:db8::1", "1.2.3.4%eth0"} {
		f.Add("10.1.2.3:80", s)
		f.Add("203.0.113.5:1", s)
	}
	trusted, _ := ParseTrustedProxies([]string{"10.0.0.0/8"})
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := ClientAddr(r, trusted)
		host, _, err := net.SplitHostPort(remote)
		if err != nil {
			host = remote
		}
		if got == host {
			return
		}
		a, err := netip.ParseAddr(got)
		if err != nil {
			t.Fatalf("ClientAddr(%q, %q) = %q: neither the peer nor an address", remote, xff, got)
		}
		named := false
		for _, p := range strings.Split(xff, ",") {
			if b, err := netip.ParseAddr(strings.TrimSpace(p)); err == nil && b.Unmap() == a {
				named = true
			}
		}
		if !named {
			t.Fatalf("ClientAddr(%q, %q) = %q: not an address of the header", remote, xff, got)
		}
		if inPrefixes(a, trusted) {
			t.Fatalf("ClientAddr(%q, %q) = %q, a trusted proxy", remote, xff, got)
		}
	})
}

// TestSessionTableLRU: at the cap the least recently used idle session
// goes; a Lookup counts as use.
func TestSessionTableLRU(t *testing.T) {
	tb, _ := sessTable(t, WithMaxSessions(3))
	x := sessOpen(t, tb, sessRequest("192.0.2.1:1", ""))
	y := sessOpen(t, tb, sessRequest("192.0.2.2:1", ""))
	z := sessOpen(t, tb, sessRequest("192.0.2.3:1", ""))
	for _, e := range []*SessionEntry[int]{x, y, z} {
		sessReady(t, e)
	}
	if tb.Lookup(sessRequest("192.0.2.1:1", ""), x.ID()) != x {
		t.Fatal("lookup")
	}
	w := sessOpen(t, tb, sessRequest("192.0.2.4:1", ""))
	sessReady(t, w)
	if x.closed.Load() || !y.closed.Load() || z.closed.Load() {
		t.Fatalf("evicted x=%v y=%v z=%v, want y (least recently used)", x.closed.Load(), y.closed.Load(), z.closed.Load())
	}
	sessOpen(t, tb, sessRequest("192.0.2.4:1", ""))
	if !z.closed.Load() || x.closed.Load() {
		t.Fatalf("second eviction: x=%v z=%v, want z", x.closed.Load(), z.closed.Load())
	}
	if tb.Len() != 3 {
		t.Fatalf("%d sessions", tb.Len())
	}
}
