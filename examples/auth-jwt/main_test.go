package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/examples/auth-jwt/reports/mcpserver"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

// server is the generated reports server, configured only through the
// MCPGEN_AUTH_* environment as in production, behind a JWKS served on
// loopback by authtest.
type server struct {
	url      string // the MCP endpoint
	resource string // its canonical URL, the tokens' audience
	key      *authtest.Key
}

func start(t *testing.T) *server {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "MCPGEN_") {
			t.Setenv(name, "")
		}
	}
	key := authtest.NewRSAKey("k1")
	jwks := authtest.NewJWKS(t, key)
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	t.Setenv("MCPGEN_AUTH_JWT_JWKS_URI", jwks.URL)
	t.Setenv("MCPGEN_AUTH_JWT_ISSUER", authtest.Issuer)
	t.Setenv("MCPGEN_AUTH_BASE_URL", base)
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(hs.Close)
	return &server{url: base + "/mcp", resource: base + "/mcp", key: key}
}

func (s *server) token(t *testing.T, mutate func(authtest.Claims), scopes ...string) string {
	c := authtest.AccessClaims(authtest.Issuer, s.resource, "alice", scopes...)
	if mutate != nil {
		mutate(c)
	}
	return s.key.MustSign(t, c)
}

type reply struct {
	status int
	header http.Header
	body   []byte // the JSON-RPC message (the SSE data of a streamed answer)
}

func (s *server) post(t *testing.T, token, session, body string) reply {
	t.Helper()
	req, _ := http.NewRequest("POST", s.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// The last data line carrying a response.
		var last []byte
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if d, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:")); ok && bytes.Contains(d, []byte(`"id"`)) {
				last = append([]byte(nil), bytes.TrimSpace(d)...)
			}
		}
		b = last
	}
	return reply{resp.StatusCode, resp.Header, b}
}

// session opens an MCP session with token and returns its id.
func (s *server) session(t *testing.T, token string) string {
	t.Helper()
	r := s.post(t, token, "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"0"}}}`)
	sid := r.header.Get("Mcp-Session-Id")
	if r.status != 200 || sid == "" {
		t.Fatalf("initialize: %d %s", r.status, r.body)
	}
	if r := s.post(t, token, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); r.status != 202 {
		t.Fatalf("initialized: %d", r.status)
	}
	return sid
}

func (s *server) call(t *testing.T, token, session, tool, args string) reply {
	t.Helper()
	return s.post(t, token, session, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"`+tool+`","arguments":`+args+`}}`)
}

var metadataParam = regexp.MustCompile(`resource_metadata="([^"]+)"`)

// TestNoToken: the 401 challenge leads to the metadata document, which
// names the authorization server (the token issuer).
func TestNoToken(t *testing.T) {
	s := start(t)
	r := s.post(t, "", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	www := r.header.Get("WWW-Authenticate")
	m := metadataParam.FindStringSubmatch(www)
	if r.status != 401 || m == nil || strings.Contains(www, "error=") {
		t.Fatalf("no token: %d %q", r.status, www)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var md struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
		ScopesSupported      []string `json:"scopes_supported"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&md); err != nil || resp.StatusCode != 200 {
		t.Fatalf("metadata %s: %d %v", m[1], resp.StatusCode, err)
	}
	if md.Resource != s.resource || len(md.AuthorizationServers) != 1 || md.AuthorizationServers[0] != authtest.Issuer || !strings.Contains(strings.Join(md.ScopesSupported, " "), "reports:read") {
		t.Fatalf("metadata %+v", md)
	}
}

func TestTokens(t *testing.T) {
	s := start(t)
	full := s.token(t, nil, "profile", "reports:read")
	basic := s.token(t, nil, "profile")

	t.Run("whoami sees subject, client and scopes", func(t *testing.T) {
		r := s.call(t, full, s.session(t, full), "whoami", `{}`)
		var res struct {
			Result struct {
				StructuredContent struct {
					Subject, ClientID, Issuer string
					Scopes                    []string
				} `json:"structuredContent"`
			} `json:"result"`
		}
		if err := json.Unmarshal(r.body, &res); err != nil || r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		got := res.Result.StructuredContent
		if got.Subject != "alice" || got.Issuer != authtest.Issuer || strings.Join(got.Scopes, " ") != "profile reports:read" || !strings.Contains(string(r.body), `"client_id":"test-client"`) {
			t.Fatalf("whoami: %s", r.body)
		}
	})
	t.Run("scoped tool with the scope", func(t *testing.T) {
		r := s.call(t, full, s.session(t, full), "admin_report", `{"month":"2026-10"}`)
		if r.status != 200 || !strings.Contains(string(r.body), `"requested_by":"alice"`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("scoped tool without the scope", func(t *testing.T) {
		sid := s.session(t, basic)
		r := s.call(t, basic, sid, "admin_report", `{"month":"2026-10"}`)
		www := r.header.Get("WWW-Authenticate")
		if r.status != 403 || !strings.Contains(www, `error="insufficient_scope"`) || !strings.Contains(www, `scope="reports:read"`) || !metadataParam.MatchString(www) {
			t.Fatalf("%d %q %s", r.status, www, r.body)
		}
		if !strings.Contains(string(r.body), `"id":2,"error":{"code":-32003`) || !strings.Contains(string(r.body), "reports:read") {
			t.Fatalf("body %s", r.body)
		}
		// The same token still calls what it may.
		if r := s.call(t, basic, sid, "whoami", `{}`); r.status != 200 || !strings.Contains(string(r.body), `"subject":"alice"`) {
			t.Fatalf("whoami: %d %s", r.status, r.body)
		}
	})
	for name, tok := range map[string]string{
		"wrong audience": s.token(t, func(c authtest.Claims) { c["aud"] = "https://other.example.com/mcp" }, "reports:read"),
		"expired":        s.token(t, func(c authtest.Claims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, "reports:read"),
		"wrong issuer":   s.token(t, func(c authtest.Claims) { c["iss"] = "https://evil.example.com" }, "reports:read"),
		"unknown key":    authtest.NewECKey("k2").MustSign(t, authtest.AccessClaims(authtest.Issuer, s.resource, "alice")),
	} {
		t.Run(name, func(t *testing.T) {
			r := s.post(t, tok, "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
			www := r.header.Get("WWW-Authenticate")
			if r.status != 401 || !strings.Contains(www, `error="invalid_token"`) || !metadataParam.MatchString(www) {
				t.Fatalf("%d %q %s", r.status, www, r.body)
			}
		})
	}
}
