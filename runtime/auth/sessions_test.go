package auth_test

// The two-user attack: alice and bob hold valid tokens of the same
// issuer; bob also holds alice's session id (leaked through a log, a
// shared proxy, a URL). Every attempt of his must fail as if the session
// did not exist, and leave alice's session as it was. The servers are the
// real Streamable HTTP and legacy SSE transports, served at the root and
// mounted under a prefix.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
	"github.com/mcpgen/mcpgen/runtime/sse"
	"github.com/mcpgen/mcpgen/runtime/streamable"
)

func sessAttackDefinition() *runtime.Definition {
	return &runtime.Definition{
		Name: "sessattack", Version: "1.0.0",
		Tools: []*runtime.Tool{
			{
				Name: "whoami",
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					return runtime.TextResult(auth.TokenFromContext(ctx).Subject), nil
				},
			},
			{
				Name: "ask",
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					res, err := c.Session.Elicit(ctx, "your name?", map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}})
					if err != nil {
						return nil, err
					}
					return runtime.TextResult(fmt.Sprint("answer:", res.Action, ":", res.Content["name"])), nil
				},
			},
			{
				Name: "secret", Scopes: []string{"secret:read"},
				Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
					c.Session.Log(runtime.LevelInfo, "secret", "fetching") // turns the answer into a stream
					return runtime.TextResult("alice-only-secret"), nil
				},
			},
		},
	}
}

// sessServer is a JWT-protected server with both transports, served at
// the root or under /api (http.StripPrefix); base is the URL prefix.
func sessServer(t *testing.T, prefix string, opts ...runtime.Option) (base string) {
	t.Helper()
	clearAuthEnv(t)
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	p := jwtProvider(t, jwks)
	all := append([]runtime.Option{
		runtime.WithLogger(quietTestLogger()),
		runtime.WithTransport(streamable.New()),
		runtime.WithTransport(sse.New()),
	}, auth.ServerOptions(p)...)
	srv, err := runtime.NewServer(sessAttackDefinition(), append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if prefix != "" {
		h = http.StripPrefix(prefix, srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})
	return hs.URL + prefix
}

func quietTestLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// sessToken signs a token for subject with the scopes given (plus read).
func sessToken(t *testing.T, subject string, exp time.Time, scopes ...string) string {
	rk, _, _ := testKeys()
	c := authtest.AccessClaims(testIssuer, testResource, subject, append([]string{"read"}, scopes...)...)
	c["exp"] = exp.Unix()
	return rk.MustSign(t, c)
}

type sessReply struct {
	status int
	header http.Header
	body   string
}

// sessDo sends one request and reads the whole answer.
func sessDo(t *testing.T, method, url, token, sid, body string, hdr ...string) sessReply {
	t.Helper()
	resp := sessOpen(t, method, url, token, sid, body, hdr...)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return sessReply{resp.StatusCode, resp.Header, string(b)}
}

func sessOpen(t *testing.T, method, url, token, sid, body string, hdr ...string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if method == http.MethodGet {
		req.Header.Set("Accept", "text/event-stream")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if sid != "" {
		req.Header.Set("Mcp-Session-Id", sid)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

const sessInit = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"sess","version":"1"}}}`

// sessInitialize opens a Streamable HTTP session for token.
func sessInitialize(t *testing.T, mcp, token string) string {
	t.Helper()
	r := sessDo(t, "POST", mcp, token, "", sessInit)
	sid := r.header.Get("Mcp-Session-Id")
	if r.status != 200 || sid == "" {
		t.Fatalf("initialize: %d %s", r.status, r.body)
	}
	if r := sessDo(t, "POST", mcp, token, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); r.status != 202 {
		t.Fatalf("notifications/initialized: %d %s", r.status, r.body)
	}
	return sid
}

func sessCall(id int, tool string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{}}}`, id, tool)
}

// sessEvents reads SSE events (id, data) from a stream.
type sessEvents struct{ br *bufio.Reader }

type sessEvent struct{ id, data string }

func (s *sessEvents) next(t *testing.T) (sessEvent, error) {
	var ev sessEvent
	for {
		line, err := s.br.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if ev.id != "" || ev.data != "" {
				return ev, nil
			}
		case strings.HasPrefix(line, "id:"):
			ev.id = strings.TrimSpace(line[3:])
		case strings.HasPrefix(line, "data:"):
			ev.data += strings.TrimSpace(line[5:])
		}
	}
}

// sessWant fails unless the attempt was answered exactly like an unknown
// session: 404 and the same body.
func sessWant404(t *testing.T, what string, got, unknown sessReply) {
	t.Helper()
	if got.status != 404 || got.body != unknown.body {
		t.Fatalf("%s: %d %q, want 404 %q (as for an unknown session)", what, got.status, got.body, unknown.body)
	}
}

func TestSessionOwnershipStreamable(t *testing.T) {
	for _, prefix := range []string{"", "/api"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			mcp := sessServer(t, prefix) + "/mcp"
			exp := time.Now().Add(time.Hour)
			alice := sessToken(t, "alice", exp, "secret:read")
			bob := sessToken(t, "bob", exp)
			sid := sessInitialize(t, mcp, alice)
			bobSid := sessInitialize(t, mcp, bob)
			unknownPOST := sessDo(t, "POST", mcp, bob, "0123456789abcdef0123456789abcdef", sessCall(1, "whoami"))
			unknownGET := sessDo(t, "GET", mcp, bob, "0123456789abcdef0123456789abcdef", "")

			// 1. bob's requests and DELETE on alice's session.
			sessWant404(t, "bob's tools/list", sessDo(t, "POST", mcp, bob, sid, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`), unknownPOST)
			sessWant404(t, "bob's tools/call", sessDo(t, "POST", mcp, bob, sid, sessCall(1, "whoami")), unknownPOST)
			sessWant404(t, "bob's DELETE", sessDo(t, "DELETE", mcp, bob, sid, ""), unknownGET)
			if r := sessDo(t, "POST", mcp, alice, sid, sessCall(2, "whoami")); r.status != 200 || !strings.Contains(r.body, `"text":"alice"`) {
				t.Fatalf("alice after bob's attempts: %d %s", r.status, r.body)
			}
			if r := sessDo(t, "POST", mcp, bob, bobSid, sessCall(2, "whoami")); r.status != 200 || !strings.Contains(r.body, `"text":"bob"`) {
				t.Fatalf("bob's own session: %d %s", r.status, r.body)
			}

			// 2. bob answers alice's elicitation.
			resp := sessOpen(t, "POST", mcp, alice, sid, sessCall(3, "ask"))
			defer resp.Body.Close()
			ev := &sessEvents{bufio.NewReader(resp.Body)}
			var elicitID json.RawMessage
			for elicitID == nil {
				e, err := ev.next(t)
				if err != nil {
					t.Fatalf("alice's ask stream ended before the elicitation: %v", err)
				}
				var m struct {
					ID     json.RawMessage `json:"id"`
					Method string          `json:"method"`
				}
				if json.Unmarshal([]byte(e.data), &m) == nil && m.Method == "elicitation/create" {
					elicitID = m.ID
				}
			}
			forged := `{"jsonrpc":"2.0","id":` + string(elicitID) + `,"result":{"action":"accept","content":{"name":"mallory"}}}`
			sessWant404(t, "bob's answer to alice's elicitation", sessDo(t, "POST", mcp, bob, sid, forged), unknownPOST)
			answer := strings.Replace(forged, "mallory", "alice-herself", 1)
			if r := sessDo(t, "POST", mcp, alice, sid, answer); r.status != 202 {
				t.Fatalf("alice's answer: %d %s", r.status, r.body)
			}
			var final string
			for {
				e, err := ev.next(t)
				if err != nil {
					t.Fatalf("alice's ask stream: %v", err)
				}
				if strings.Contains(e.data, `"id":3`) {
					final = e.data
					break
				}
			}
			if !strings.Contains(final, "answer:accept:alice-herself") || strings.Contains(final, "mallory") {
				t.Fatalf("alice's tool got %s", final)
			}

			// 3. bob resumes alice's stream with Last-Event-ID.
			resp = sessOpen(t, "POST", mcp, alice, sid, sessCall(4, "secret"), "Accept", "text/event-stream, application/json")
			ev = &sessEvents{bufio.NewReader(resp.Body)}
			var lastID string
			for {
				e, err := ev.next(t)
				if err != nil {
					break
				}
				if lastID == "" && e.id != "" {
					lastID = e.id // the priming event: the stream's first id
				}
			}
			resp.Body.Close()
			if lastID == "" {
				t.Fatal("alice's secret stream carried no event id")
			}
			sessWant404(t, "bob's resume of alice's stream", sessDo(t, "GET", mcp, bob, sid, "", "Last-Event-ID", lastID), unknownGET)
			unknownEvent := sessDo(t, "GET", mcp, bob, bobSid, "", "Last-Event-ID", bobSid+"/1#1")
			sessWant404(t, "bob's resume of alice's event on his own session", sessDo(t, "GET", mcp, bob, bobSid, "", "Last-Event-ID", lastID), unknownEvent)
			// bob's GET stream on alice's session, had it opened, would
			// show her notifications.
			sessWant404(t, "bob's GET stream", sessDo(t, "GET", mcp, bob, sid, ""), unknownGET)
			if r := sessDo(t, "GET", mcp, alice, sid, "", "Last-Event-ID", lastID); r.status != 200 || !strings.Contains(r.body, "alice-only-secret") {
				t.Fatalf("alice's own resume: %d %s", r.status, r.body)
			}
			if r := sessDo(t, "DELETE", mcp, alice, sid, ""); r.status != 200 {
				t.Fatalf("alice's DELETE: %d %s", r.status, r.body)
			}
		})
	}
}

// sessSSE opens a legacy SSE stream and returns its event reader and
// the endpoint URL it announced.
func sessSSE(t *testing.T, base, token string) (*http.Response, *sessEvents, string) {
	t.Helper()
	resp := sessOpen(t, "GET", base+"/sse", token, "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /sse: %d", resp.StatusCode)
	}
	ev := &sessEvents{bufio.NewReader(resp.Body)}
	e, err := ev.next(t)
	if err != nil {
		t.Fatal(err)
	}
	u := e.data
	if i := strings.Index(base, "/api"); i >= 0 {
		base = base[:i]
	}
	return resp, ev, base + u
}

func TestSessionOwnershipSSE(t *testing.T) {
	for _, prefix := range []string{"", "/api"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			base := sessServer(t, prefix)
			exp := time.Now().Add(time.Hour)
			alice := sessToken(t, "alice", exp)
			bob := sessToken(t, "bob", exp)
			resp, ev, endpoint := sessSSE(t, base, alice)
			defer resp.Body.Close()
			if prefix != "" && !strings.Contains(endpoint, prefix+"/messages/") {
				t.Fatalf("endpoint %q ignores the mount prefix", endpoint)
			}
			unknown := sessDo(t, "POST", base+"/messages/?session_id=AAAAAAAAAAAAAAAAAAAAAAAAAA", bob, "", sessCall(1, "whoami"))
			if r := sessDo(t, "POST", endpoint, alice, "", strings.Replace(sessInit, "2025-11-25", "2024-11-05", 1)); r.status != 202 {
				t.Fatalf("alice initialize: %d %s", r.status, r.body)
			}
			if e, err := ev.next(t); err != nil || !strings.Contains(e.data, `"id":0`) {
				t.Fatalf("alice's initialize result: %q %v", e.data, err)
			}
			sessDo(t, "POST", endpoint, alice, "", `{"jsonrpc":"2.0","method":"notifications/initialized"}`)

			// 4. bob POSTs into alice's session.
			sessWant404(t, "bob's /messages/ POST", sessDo(t, "POST", endpoint, bob, "", sessCall(77, "whoami")), unknown)
			if r := sessDo(t, "POST", endpoint, alice, "", sessCall(78, "whoami")); r.status != 202 {
				t.Fatalf("alice's call: %d %s", r.status, r.body)
			}
			// The next message on alice's stream is her own answer: bob's
			// request never ran there.
			e, err := ev.next(t)
			if err != nil || !strings.Contains(e.data, `"id":78`) || !strings.Contains(e.data, `"text":"alice"`) {
				t.Fatalf("alice's stream after bob's POST: %q %v", e.data, err)
			}
		})
	}
}

// TestStreamsEndAtTokenExpiry: 5. a GET stream opened with a token ends
// when the token expires (plus the grace, zero here), on the real
// transports over HTTP/1.1, where the stream's connection is hijacked
// from net/http and the request context no longer governs it.
func TestStreamsEndAtTokenExpiry(t *testing.T) {
	defer auth.SetStreamGrace(0)()
	base := sessServer(t, "")
	exp := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	alice := sessToken(t, "alice", exp)
	sid := sessInitialize(t, base+"/mcp", alice)

	streams := map[string]*http.Response{}
	streams["streamable"] = sessOpen(t, "GET", base+"/mcp", alice, sid, "")
	streams["sse"] = sessOpen(t, "GET", base+"/sse", alice, "", "")
	type ended struct {
		name string
		at   time.Time
	}
	done := make(chan ended, len(streams))
	for name, resp := range streams {
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.ProtoMajor != 1 || !resp.Close {
			t.Fatalf("%s: %d %s close=%v: want a hijacked HTTP/1.1 stream (Connection: close)", name, resp.StatusCode, resp.Proto, resp.Close)
		}
		go func() {
			io.Copy(io.Discard, resp.Body)
			done <- ended{name, time.Now()}
		}()
	}
	for range streams {
		select {
		case e := <-done:
			if e.at.Before(exp.Add(-time.Second)) {
				t.Fatalf("%s ended %v before the token expired", e.name, exp.Sub(e.at))
			}
		case <-time.After(time.Until(exp) + 15*time.Second):
			t.Fatalf("a stream outlived its token by 15 s")
		}
	}
}

// TestPOSTStreamEndsAtTokenExpiry: a POST answered with a stream (here a
// call waiting for the client's answer to an elicitation) ends when the
// token that sent it expires, like a GET stream; the session's call goes
// on, and with a fresh token the client answers it and resumes the
// stream with Last-Event-ID to read the result.
func TestPOSTStreamEndsAtTokenExpiry(t *testing.T) {
	defer auth.SetStreamGrace(0)()
	base := sessServer(t, "")
	exp := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	short := sessToken(t, "alice", exp)
	sid := sessInitialize(t, base+"/mcp", short)
	resp := sessOpen(t, "POST", base+"/mcp", short, sid, sessCall(7, "ask"))
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("tools/call ask: %d %s, want an event stream", resp.StatusCode, ct)
	}
	events := &sessEvents{br: bufio.NewReader(resp.Body)}
	var lastID string
	var ask struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	for ask.Method != "elicitation/create" {
		e, err := events.next(t)
		if err != nil {
			t.Fatalf("the stream ended before the elicitation: %v", err)
		}
		if e.id != "" {
			lastID = e.id
		}
		ask.Method = ""
		_ = json.Unmarshal([]byte(e.data), &ask)
	}
	ended := make(chan time.Time, 1)
	go func() {
		for {
			if _, err := events.next(t); err != nil {
				ended <- time.Now()
				return
			}
		}
	}()
	select {
	case at := <-ended:
		if at.Before(exp.Add(-time.Second)) {
			t.Fatalf("the POST stream ended %v before its token expired", exp.Sub(at))
		}
	case <-time.After(time.Until(exp) + 15*time.Second):
		t.Fatal("a POST stream outlived its token by 15 s")
	}

	fresh := sessToken(t, "alice", time.Now().Add(time.Hour))
	answer := `{"jsonrpc":"2.0","id":` + string(ask.ID) + `,"result":{"action":"accept","content":{"name":"alice"}}}`
	if r := sessDo(t, "POST", base+"/mcp", fresh, sid, answer); r.status != 202 {
		t.Fatalf("answer with a fresh token: %d %s", r.status, r.body)
	}
	g := sessOpen(t, "GET", base+"/mcp", fresh, sid, "", "Last-Event-ID", lastID)
	defer g.Body.Close()
	resumed := &sessEvents{br: bufio.NewReader(g.Body)}
	for {
		e, err := resumed.next(t)
		if err != nil {
			t.Fatalf("resumed stream (from %s) ended without the result: %d %v", lastID, g.StatusCode, err)
		}
		if strings.Contains(e.data, "answer:accept:alice") {
			break
		}
	}
}

// TestPrincipalUnambiguous: callers that differ never share a principal.
func TestPrincipalUnambiguous(t *testing.T) {
	toks := []*auth.AccessToken{
		{Issuer: "https://iss", Subject: "client:x"},
		{Issuer: "https://iss", ClientID: "x"},
		{Issuer: "https://iss|a", Subject: "b"},
		{Issuer: "https://iss", Subject: "a|b"},
		{Issuer: "https://iss", Subject: `x" client "y`},
		{Issuer: "https://iss", ClientID: "y"},
		{Issuer: "https://other", Subject: "client:x"},
	}
	seen := map[string]int{}
	for i, tok := range toks {
		p := tok.Principal()
		if j, dup := seen[p]; dup {
			t.Fatalf("tokens %d and %d share the principal %q", j, i, p)
		}
		seen[p] = i
	}
	if (*auth.AccessToken)(nil).Principal() != "" {
		t.Fatal("nil token has a principal")
	}
}

// TestRequireAccessTokenType: with the option (or
// MCPGEN_AUTH_JWT_REQUIRE_TYP) only typ at+jwt tokens pass; without it an
// untyped token still does.
func TestRequireAccessTokenType(t *testing.T) {
	rk, _, _ := testKeys()
	jwks := authtest.NewJWKS(t, rk)
	strict := newJWKSVerifier(t, jwks, auth.WithRequireAccessTokenType())
	lax := newJWKSVerifier(t, jwks)
	untyped := rk.MustSign(t, claims(nil))
	idToken := rk.MustSign(t, claims(nil), authtest.WithHeader("typ", "JWT"))
	for _, typ := range []string{"at+jwt", "application/at+JWT"} {
		if _, err := strict.Verify(t.Context(), rk.MustSign(t, claims(nil), authtest.WithHeader("typ", typ))); err != nil {
			t.Fatalf("typ %s refused: %v", typ, err)
		}
	}
	for _, tok := range []string{untyped, idToken} {
		if _, err := strict.Verify(t.Context(), tok); err == nil || !strings.Contains(err.Error(), "at+jwt") {
			t.Fatalf("strict verifier: %v, want a typ refusal", err)
		}
		if _, err := lax.Verify(t.Context(), tok); err != nil {
			t.Fatalf("default verifier refused an untyped token: %v", err)
		}
	}
}
