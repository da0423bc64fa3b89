package oauthproxy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/julienschmidt/httprouter"
	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
	"github.com/mcpgen/mcpgen/runtime/auth/oidc"
	"github.com/mcpgen/mcpgen/runtime/auth/oidc/oidctest"
)

// env is a proxy in front of a test OpenID provider, served over real
// HTTP on loopback with a protected /mcp that reports who called, and a
// record of every response and log line.
type env struct {
	t     *testing.T
	idp   *oidctest.IDP
	proxy *oauthproxy.Proxy
	srv   *httptest.Server
	base  string

	mu      sync.Mutex
	traffic bytes.Buffer // every response header and body
	logs    *syncBuffer
	// secretsOK are values allowed in the traffic (the client secrets
	// the proxy hands to the clients it registers).
	secretsOK []string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// teeWriter records what a handler writes.
type teeWriter struct {
	http.ResponseWriter
	e      *env
	status int
	body   bytes.Buffer
}

func (w *teeWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *teeWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func newEnv(t *testing.T, mutate func(*oauthproxy.Config)) *env {
	t.Helper()
	e := &env{t: t, idp: oidctest.New(t), logs: &syncBuffer{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.base = "http://" + ln.Addr().String()
	up, err := oidc.New(context.Background(), oidc.Config{ConfigURL: e.idp.ConfigURL(), ClientID: e.idp.ClientID, ClientSecret: e.idp.ClientSecret,
		ExtraParams: url.Values{"audience": {"api://upstream"}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauthproxy.Config{
		Upstream: up, ClientID: e.idp.ClientID, ClientSecret: e.idp.ClientSecret,
		BaseURL: e.base, ScopesSupported: []string{"tools:read", "tools:write"},
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	p, err := oauthproxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A base URL with a path: the server is mounted below it with
	// http.StripPrefix, the well-known documents at the origin's root.
	prefix := strings.TrimPrefix(strings.TrimRight(cfg.BaseURL, "/"), e.base)
	e.base = strings.TrimRight(cfg.BaseURL, "/")
	t.Cleanup(func() { p.Close() })
	e.proxy = p
	router := httprouter.New()
	for _, r := range p.Routes() {
		router.Handler(r.Method, r.Path, r.Handler)
	}
	mw := auth.Middleware(p, auth.MiddlewareConfig{Paths: []string{"/mcp"}, Logger: cfg.Logger})
	router.Handler(http.MethodPost, "/mcp", mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := auth.TokenFromContext(r.Context())
		up, err := oauthproxy.UpstreamToken(r.Context())
		resp := map[string]any{"sub": tok.Subject, "email": tok.Email, "name": tok.Name, "client_id": tok.ClientID, "scopes": tok.Scopes, "locale": tok.Claims["locale"]}
		// The tool proves it holds a working upstream token by using it,
		// and reports only a hash of it.
		if err == nil {
			sum := sha256.Sum256([]byte(up.AccessToken))
			resp["upstream_token_sha256"] = base64.RawURLEncoding.EncodeToString(sum[:])
			resp["upstream_userinfo_ok"] = e.userinfoOK(up)
		} else {
			resp["upstream_error"] = err.Error()
		}
		json.NewEncoder(w).Encode(resp)
	})))
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &teeWriter{ResponseWriter: w, e: e, status: 200}
		if prefix != "" && !strings.HasPrefix(r.URL.Path, "/.well-known/") {
			http.StripPrefix(prefix, router).ServeHTTP(tw, r)
		} else {
			router.ServeHTTP(tw, r)
		}
		e.mu.Lock()
		fmt.Fprintf(&e.traffic, "%s %s -> %d\n", r.Method, r.URL.Path, tw.status)
		for k, v := range w.Header() {
			fmt.Fprintf(&e.traffic, "%s: %s\n", k, strings.Join(v, ", "))
		}
		e.traffic.Write(tw.body.Bytes())
		e.traffic.WriteString("\n")
		e.mu.Unlock()
	}))
	e.srv.Listener.Close()
	e.srv.Listener = ln
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) userinfoOK(tok *oauth2.Token) bool {
	req, _ := http.NewRequest("GET", e.idp.URL+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// assertNoLeaks checks that no upstream secret (client secret, tokens)
// appears in any response or log line, and no client secret in a log.
func (e *env) assertNoLeaks() {
	e.t.Helper()
	e.mu.Lock()
	traffic := e.traffic.String()
	e.mu.Unlock()
	logs := e.logs.String()
	secrets := e.idp.Secrets()
	if len(secrets) < 2 {
		e.t.Fatal("the upstream issued no tokens: the leak check would check nothing")
	}
	for _, s := range secrets {
		if strings.Contains(traffic, s) {
			e.t.Errorf("an upstream secret (%.10s...) appears in a response", s)
		}
		if strings.Contains(logs, s) {
			e.t.Errorf("an upstream secret (%.10s...) appears in the log", s)
		}
	}
	for _, s := range e.secretsOK {
		if strings.Contains(logs, s) {
			e.t.Errorf("a client secret appears in the log")
		}
	}
}

// client is an MCP client with a browser.
type client struct {
	e        *env
	id       string
	secret   string
	redirect string
	http     *http.Client // the browser: cookie jar, stops at the client's redirect URI
	api      *http.Client
}

func (e *env) register(body map[string]any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	resp, err := http.Post(e.base+"/register", "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (e *env) newClient(redirect string, confidential bool) *client {
	e.t.Helper()
	reg := map[string]any{"redirect_uris": []string{redirect}, "client_name": "Test Client", "grant_types": []string{"authorization_code", "refresh_token"}}
	if !confidential {
		reg["token_endpoint_auth_method"] = "none"
	}
	status, out := e.register(reg)
	if status != 201 {
		e.t.Fatalf("register: %d %v", status, out)
	}
	c := e.clientFor(out["client_id"].(string), redirect)
	if s, ok := out["client_secret"].(string); ok {
		c.secret = s
		e.secretsOK = append(e.secretsOK, s)
	}
	return c
}

func (e *env) clientFor(id, redirect string) *client {
	return &client{e: e, id: id, redirect: redirect, http: newBrowser(redirect), api: &http.Client{}}
}

func newBrowser(stopAt string) *http.Client {
	jar, _ := cookiejar.New(nil)
	stop, _ := url.Parse(stopAt)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme == stop.Scheme && req.URL.Host == stop.Host {
			return http.ErrUseLastResponse
		}
		if len(via) > 10 {
			return fmt.Errorf("too many redirects")
		}
		return nil
	}}
}

type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := oauth2.GenerateVerifier()
	return pkce{v, oauth2.S256ChallengeFromVerifier(v)}
}

func (c *client) authorizeURL(pk pkce, state string, extra url.Values) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {c.redirect}, "state": {state},
		"code_challenge": {pk.challenge}, "code_challenge_method": {"S256"}, "resource": {c.e.base + "/mcp"},
		"scope": {"tools:read"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return c.e.base + "/authorize?" + q.Encode()
}

// get is a browser GET with optional headers.
func (c *client) get(u string, hdr ...string) *http.Response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp
}

var (
	csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	txnRe  = regexp.MustCompile(`name="txn" value="([^"]+)"`)
)

// consentPage is a rendered consent page.
type consentPage struct {
	body, txn, csrf string
	status          int
}

func readConsent(t *testing.T, resp *http.Response) consentPage {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	cp := consentPage{body: string(b), status: resp.StatusCode}
	if m := csrfRe.FindStringSubmatch(cp.body); m != nil {
		cp.csrf = html.UnescapeString(m[1])
	}
	if m := txnRe.FindStringSubmatch(cp.body); m != nil {
		cp.txn = html.UnescapeString(m[1])
	}
	return cp
}

func (c *client) postConsent(txn, csrf, decision string) *http.Response {
	c.e.t.Helper()
	form := url.Values{"decision": {decision}}
	if txn != "" {
		form.Set("txn", txn)
	}
	if csrf != "" {
		form.Set("csrf", csrf)
	}
	req, _ := http.NewRequest("POST", c.e.base+"/consent", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp
}

// finalRedirect reads where the flow sent the browser back to the client.
func (c *client) finalRedirect(resp *http.Response) url.Values {
	c.e.t.Helper()
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || !strings.HasPrefix(loc, c.redirect) {
		b, _ := io.ReadAll(resp.Body)
		c.e.t.Fatalf("flow did not return to the client: %d %s %s", resp.StatusCode, loc, b)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

// login runs /authorize, the consent page (approve), the upstream and
// the callback, and returns the client's redirect parameters.
func (c *client) login(pk pkce, state string) url.Values {
	c.e.t.Helper()
	cp := readConsent(c.e.t, c.get(c.authorizeURL(pk, state, nil)))
	if cp.csrf == "" {
		c.e.t.Fatalf("no consent page: %d %s", cp.status, cp.body)
	}
	return c.finalRedirect(c.postConsent(cp.txn, cp.csrf, "approve"))
}

// token calls /token.
func (c *client) token(form url.Values) (int, map[string]any, http.Header) {
	c.e.t.Helper()
	if c.secret == "" {
		form.Set("client_id", c.id)
	}
	req, _ := http.NewRequest("POST", c.e.base+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	}
	resp, err := c.api.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

func (c *client) exchange(code string, pk pkce) (int, map[string]any) {
	st, out, _ := c.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "code_verifier": {pk.verifier}, "resource": {c.e.base + "/mcp"}})
	return st, out
}

func (c *client) refresh(rt string) (int, map[string]any) {
	st, out, _ := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	return st, out
}

// fullLogin returns a fresh token response.
func (c *client) fullLogin() map[string]any {
	c.e.t.Helper()
	pk := newPKCE()
	q := c.login(pk, "st-1")
	st, out := c.exchange(q.Get("code"), pk)
	if st != 200 {
		c.e.t.Fatalf("token: %d %v", st, out)
	}
	return out
}

// mcp calls the protected endpoint with a bearer token.
func (e *env) mcp(token string) (int, map[string]any, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.base+"/mcp", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}
