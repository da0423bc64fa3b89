package runtime

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHostGuard(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		host   string
		origin string
		want   int
	}{
		{"loopback default", Config{Host: "127.0.0.1"}, "127.0.0.1:8000", "", 0},
		{"localhost bind", Config{Host: "localhost"}, "localhost", "http://localhost", 0},
		{"ipv6 bind", Config{Host: "::1"}, "[::1]:8000", "", 0},
		{"bracketed ipv6 bind", Config{Host: "[::1]"}, "localhost:1", "", 0},
		{"loopback rejects other host", Config{Host: "127.0.0.1"}, "example.com", "", 421},
		{"loopback rejects rebinding origin", Config{Host: "127.0.0.1"}, "127.0.0.1:8000", "http://evil.example", 403},
		{"bare ipv6 host", Config{Host: "127.0.0.1"}, "::1", "", 421},
		{"empty host", Config{Host: "127.0.0.1"}, "", "", 421},
		{"host with path", Config{Host: "127.0.0.1"}, "localhost/x", "", 421},
		{"host with userinfo", Config{Host: "127.0.0.1"}, "evil@localhost", "", 421},
		{"host with bad port", Config{Host: "127.0.0.1"}, "localhost:80a", "", 421},
		{"origin with path", Config{Host: "127.0.0.1"}, "localhost", "http://localhost/x", 403},
		{"origin with userinfo", Config{Host: "127.0.0.1"}, "localhost", "http://a@localhost", 403},
		{"origin other scheme", Config{Host: "127.0.0.1"}, "localhost", "ftp://localhost", 403},
		{"origin null", Config{Host: "127.0.0.1"}, "localhost", "null", 403},
		{"upper case", Config{Host: "127.0.0.1"}, "LOCALHOST:80", "HTTP://LocalHost:80", 0},
		// A list replaces the loopback defaults (documented): list
		// 127.0.0.1:* too to keep local clients.
		{"hosts list replaces loopback defaults", Config{Host: "127.0.0.1", AllowedHosts: []string{"mcp.example.com"}}, "127.0.0.1:8000", "", 421},
		{"hosts list keeping loopback", Config{Host: "127.0.0.1", AllowedHosts: []string{"mcp.example.com", "127.0.0.1:*"}}, "127.0.0.1:8000", "", 0},
		{"hosts list exact port", Config{AllowedHosts: []string{"a.example:8443"}}, "a.example:8443", "", 0},
		{"hosts list wrong port", Config{AllowedHosts: []string{"a.example:8443"}}, "a.example:80", "", 421},
		{"hosts list wildcard port", Config{AllowedHosts: []string{"a.example:*"}}, "a.example:1234", "", 0},
		{"hosts list bare name any port", Config{AllowedHosts: []string{"a.example"}}, "a.example:80", "https://a.example", 0},
		{"hosts list derived origin", Config{AllowedHosts: []string{"a.example"}}, "a.example", "https://evil.example", 403},
		{"origins list wildcard port", Config{AllowedOrigins: []string{"https://app.example:*"}}, "x", "https://app.example:9", 0},
		{"origins list exact port", Config{AllowedOrigins: []string{"https://app.example:8443"}}, "x", "https://app.example:9", 403},
		{"origins list no port", Config{AllowedOrigins: []string{"https://app.example"}}, "x", "https://app.example:9", 403},
		{"origins list trailing slash", Config{AllowedOrigins: []string{"https://app.example/"}}, "x", "https://app.example", 0},
		{"origins list only, any host", Config{AllowedOrigins: []string{"https://app.example"}}, "anything", "", 0},
		{"malformed entries allow nothing", Config{AllowedHosts: []string{"[::1"}}, "localhost", "", 421},
		{"malformed origins allow nothing", Config{AllowedOrigins: []string{"app.example"}}, "x", "https://app.example", 403},
		{"no lists, public bind", Config{Host: "0.0.0.0"}, "evil.example", "http://evil.example", 0},
		{"disabled", Config{Host: "127.0.0.1", DisableHostCheck: true}, "evil.example", "http://evil.example", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewHostGuard(&tt.cfg)
			r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
			r.Host = tt.host
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			got, msg := g.Check(r)
			if got != tt.want {
				t.Fatalf("status %d (%s), want %d", got, msg, tt.want)
			}
			if got != 0 && !strings.Contains(msg, "MCPGEN_ALLOWED_") {
				t.Errorf("message %q does not say which setting to change", msg)
			}
		})
	}
}

func TestServerCheckHostOrigin(t *testing.T) {
	tests := []struct {
		opts []Option
		host string
		want int
	}{
		{nil, "localhost:8000", 0},
		{nil, "evil.example", 421},
		{[]Option{WithAllowedHosts("evil.example")}, "evil.example", 0},
		{[]Option{WithDisableHostCheck(true)}, "evil.example", 0},
	}
	for _, tt := range tests {
		t.Setenv("MCPGEN_HOST", "")
		t.Setenv("MCPGEN_ALLOWED_HOSTS", "")
		s, err := NewServer(&Definition{Name: "g"}, tt.opts...)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "/mcp", nil)
		r.Host = tt.host
		if got, msg := s.CheckHostOrigin(r); got != tt.want {
			t.Errorf("host %q: %d (%s), want %d", tt.host, got, msg, tt.want)
		}
	}
}

// FuzzHostGuard feeds untrusted Host and Origin headers to the guard: it
// must never panic, and on a loopback bind it must never let a host
// through that is not a loopback name.
func FuzzHostGuard(f *testing.F) {
	for _, s := range [][2]string{
		{"localhost:8000", "http://localhost:8000"}, {"[::1]:1", "https://[::1]"}, {"[::1", "http://[::1"},
		{"127.0.0.1:", ""}, {"a@b", "http://a@b"}, {"LOCALHOST", "null"}, {"", "http://"}, {"x:99999", "ftp://x:*"},
	} {
		f.Add(s[0], s[1])
	}
	g := NewHostGuard(&Config{Host: "127.0.0.1"})
	f.Fuzz(func(t *testing.T, host, origin string) {
		r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		r.Host = host
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		status, _ := g.Check(r)
		if status != 0 {
			return
		}
		h, _, ok := splitHostPort(host)
		if !ok || (h != "localhost" && h != "127.0.0.1" && h != "::1") {
			t.Fatalf("host %q passed a loopback guard", host)
		}
	})
}
