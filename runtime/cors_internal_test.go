package runtime

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestWarnLimiter(t *testing.T) {
	var l warnLimiter
	t0 := time.Unix(1000, 0)
	if !l.allow("a", t0) || l.allow("a", t0.Add(time.Second)) || !l.allow("b", t0) {
		t.Fatal("one line per key per interval")
	}
	if !l.allow("a", t0.Add(warnInterval)) {
		t.Fatal("a key is allowed again after the interval")
	}
	// A flood of distinct keys fills the table, then stays quiet until
	// entries age out.
	n := 0
	for i := range 10 * warnKeys {
		if l.allow(fmt.Sprint("flood", i), t0.Add(2*time.Second)) {
			n++
		}
	}
	if n > warnKeys {
		t.Fatalf("%d lines for a flood of distinct origins, want at most %d", n, warnKeys)
	}
	if !l.allow("late", t0.Add(3*warnInterval)) {
		t.Fatal("the table does not recover once entries age out")
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tt := range []struct {
		origin, host string
		want         bool
	}{
		{"http://localhost:8000", "localhost:8000", true},
		{"https://mcp.example.com", "mcp.example.com", true},
		{"https://mcp.example.com", "mcp.example.com:443", true},
		{"http://MCP.example.com", "mcp.example.com:80", true},
		{"http://localhost:8001", "localhost:8000", false},
		{"http://127.0.0.1:8000", "localhost:8000", false},
		{"http://[::1]:8000", "[::1]:8000", true},
		{"null", "localhost", false},
		{"", "localhost", false},
	} {
		if got := sameOrigin(tt.origin, tt.host); got != tt.want {
			t.Errorf("sameOrigin(%q, %q) = %v", tt.origin, tt.host, got)
		}
	}
}

func TestCORSExcludedPatterns(t *testing.T) {
	c, err := newCORS(&Config{CORSOrigins: []string{"https://a.example"}}, []Route{
		{Method: "GET", Path: "/oauth/authorize", NoCORS: true},
		{Method: "GET", Path: "/pages/:id/view", NoCORS: true},
		{Method: "GET", Path: "/static/*file", NoCORS: true},
		{Method: "GET", Path: "/token"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"/oauth/authorize": true, "/pages/7/view": true, "/pages//view": false, "/pages/7/view/x": false,
		"/static/a/b.css": true, "/token": false, "/oauth": false,
	} {
		if got := c.excluded(p); got != want {
			t.Errorf("excluded(%q) = %v, want %v", p, got, want)
		}
	}
}

// FuzzCORS feeds untrusted Origin, Host and Access-Control-Request-Headers
// values through the CORS layer and the guard: no panic, and an
// Access-Control-Allow-Origin is only ever the configured origin itself
// or "*" on a public document.
func FuzzCORS(f *testing.F) {
	for _, s := range [][3]string{
		{"https://app.example", "127.0.0.1:8000", "content-type,authorization"},
		{"null", "localhost", ""},
		{"http://[::1]:99999", "[::1", "a,,b, ,c"},
		{"https://app.example.", "APP.example", strings.Repeat("x,", 100)},
		{"https://app.example:443", "evil.example", "mcp-param-region"},
	} {
		f.Add(s[0], s[1], s[2], "/mcp")
	}
	c, err := newCORS(&Config{CORSOrigins: []string{"https://app.example"}}, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	g := NewHostGuard(&Config{Host: "127.0.0.1", CORSOrigins: []string{"https://app.example"}})
	f.Fuzz(func(t *testing.T, origin, host, reqHeaders, path string) {
		r := httptest.NewRequest("OPTIONS", "/", nil)
		r.URL.Path = "/" + strings.TrimLeft(path, "/")
		r.Host = host
		r.Header["Origin"] = []string{origin}
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header["Access-Control-Request-Headers"] = []string{reqHeaders}
		w := httptest.NewRecorder()
		allowed := c.apply(w, r)
		if allowed && isPreflight(r) {
			c.preflight(w, r)
		}
		got := w.Header().Get("Access-Control-Allow-Origin")
		switch {
		case got == "":
		case got == "https://app.example" && origin == got:
		case got == "*" && isPublicDocument(r.URL.Path):
		default:
			t.Fatalf("Origin %q on %q got Access-Control-Allow-Origin %q", origin, r.URL.Path, got)
		}
		if allowed && origin == "https://app.example" {
			if st, msg := g.Check(r); st == http.StatusForbidden {
				t.Fatalf("the guard refuses a CORS origin: %s", msg)
			}
		}
	})
}

// BenchmarkCORSFront is what ServeHTTP adds to every request before the
// middleware: the CORS headers for an allowed origin and the guard.
func BenchmarkCORSFront(b *testing.B) {
	s, err := NewServer(&Definition{Name: "bench"}, WithLogger(quietLogger()), WithCORSOrigins("https://app.example"))
	if err != nil {
		b.Fatal(err)
	}
	s.guardPaths["/mcp"] = true
	r := httptest.NewRequest("POST", "/mcp", nil)
	r.Host = "127.0.0.1:8000"
	r.Header.Set("Origin", "https://app.example")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		clear(w.Header())
		if !s.cors.apply(w, r) {
			b.Fatal("origin refused")
		}
		if st, _ := s.guard.Check(r); st != 0 || !s.guardPaths[cleanRoutePath(r.URL.Path)] {
			b.Fatal("guard refused")
		}
	}
}
