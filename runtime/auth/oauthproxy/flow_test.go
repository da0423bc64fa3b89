package oauthproxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
)

func TestMetadata(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := http.Get(e.base + "/.well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var md map[string]any
	json.NewDecoder(resp.Body).Decode(&md)
	want := map[string]any{
		"issuer": e.base, "authorization_endpoint": e.base + "/authorize", "token_endpoint": e.base + "/token",
		"registration_endpoint": e.base + "/register", "revocation_endpoint": e.base + "/revoke",
		"client_id_metadata_document_supported": true, "authorization_response_iss_parameter_supported": true,
	}
	for k, v := range want {
		if md[k] != v {
			t.Errorf("%s = %v, want %v", k, md[k], v)
		}
	}
	list := func(k string) []string {
		var out []string
		for _, v := range md[k].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	if got := list("code_challenge_methods_supported"); !slices.Equal(got, []string{"S256"}) {
		t.Errorf("code_challenge_methods_supported = %v", got)
	}
	if got := list("token_endpoint_auth_methods_supported"); !slices.Equal(got, []string{"none", "client_secret_post", "client_secret_basic"}) {
		t.Errorf("token_endpoint_auth_methods_supported = %v", got)
	}
	if got := list("scopes_supported"); !slices.Equal(got, []string{"tools:read", "tools:write"}) {
		t.Errorf("scopes_supported = %v", got)
	}
	md2 := e.proxy.Metadata()
	if md2.Resource != e.base+"/mcp" || !slices.Equal(md2.AuthorizationServers, []string{e.base}) {
		t.Errorf("resource metadata = %+v", md2)
	}
}

// TestFlow is the whole flow of a public client: registration, consent,
// upstream sign-in, code, token, a call that sees the upstream identity
// and holds a working upstream token, refresh, revocation, then 401.
func TestFlow(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newClient("http://127.0.0.1:33333/callback", false)
	pk := newPKCE()
	// Any loopback port matches a loopback registration.
	c.redirect = "http://127.0.0.1:45678/callback"
	c.http = newBrowser(c.redirect)
	q := c.login(pk, "state-xyz")
	if q.Get("state") != "state-xyz" || q.Get("iss") != e.base || q.Get("code") == "" {
		t.Fatalf("redirect parameters %v", q)
	}
	// The upstream got the proxy's own PKCE, its callback and the extra
	// parameter; never the client's challenge.
	az := e.idp.AuthorizeCalls()
	if len(az) != 1 || az[0].Get("redirect_uri") != e.base+"/auth/callback" || az[0].Get("audience") != "api://upstream" || az[0].Get("code_challenge") == pk.challenge {
		t.Fatalf("upstream authorization request %v", az)
	}
	st, tok := c.exchange(q.Get("code"), pk)
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	if tok["token_type"] != "Bearer" || at == "" || rt == "" || tok["scope"] != "tools:read" {
		t.Fatalf("token response %v", tok)
	}
	// The upstream's extra parameter went on the code exchange too.
	calls := e.idp.TokenCalls()
	if len(calls) != 1 || calls[0].Get("audience") != "api://upstream" {
		t.Fatalf("upstream token calls %v", calls)
	}
	st, who, _ := e.mcp(at)
	if st != 200 || who["sub"] != "user-42" || who["email"] != "ada@example.com" || who["name"] != "Ada Lovelace" || who["locale"] != "en" || who["client_id"] != c.id {
		t.Fatalf("/mcp as the user: %d %v", st, who)
	}
	if who["upstream_userinfo_ok"] != true {
		t.Fatalf("the tool's upstream token does not work: %v", who)
	}
	// Refresh: rotation, and the new pair works.
	st, tok2 := c.refresh(rt)
	if st != 200 || tok2["refresh_token"] == rt || tok2["access_token"] == at {
		t.Fatalf("refresh: %d %v", st, tok2)
	}
	if st, _, _ := e.mcp(tok2["access_token"].(string)); st != 200 {
		t.Fatalf("refreshed token refused: %d", st)
	}
	// Revocation of the refresh token revokes the pair and the upstream.
	form := url.Values{"token": {tok2["refresh_token"].(string)}, "client_id": {c.id}}
	if st := e.revoke(form); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if st, _, h := e.mcp(tok2["access_token"].(string)); st != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("after revocation: %d %v", st, h)
	}
	if st, _ := c.refresh(tok2["refresh_token"].(string)); st != 400 {
		t.Fatalf("refresh after revocation: %d", st)
	}
	if len(e.idp.Revoked()) == 0 {
		t.Fatal("the upstream token was not revoked")
	}
	e.assertNoLeaks()
}

// TestConfidentialClient: client_secret_basic, invalid_client with
// WWW-Authenticate, client_secret_post refused for a basic client.
func TestConfidentialClient(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newClient("https://app.example.com/cb", true)
	if c.secret == "" {
		t.Fatal("no client secret issued")
	}
	pk := newPKCE()
	q := c.login(pk, "s")
	// Wrong secret: 401 invalid_client with a Basic challenge.
	good := c.secret
	c.secret = "wrong"
	st, out, h := c.token(url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {c.redirect}, "code_verifier": {pk.verifier}})
	if st != 401 || out["error"] != "invalid_client" || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") {
		t.Fatalf("wrong secret: %d %v %v", st, out, h)
	}
	c.secret = good
	st, out, _ = c.token(url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {c.redirect}, "code_verifier": {pk.verifier}})
	if st != 200 {
		t.Fatalf("good secret: %d %v", st, out)
	}
	// The same secret in the body is another method than registered.
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {out["refresh_token"].(string)}, "client_id": {c.id}, "client_secret": {c.secret}}
	resp, _ := http.Post(e.base+"/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "invalid_client") {
		t.Fatalf("client_secret_post for a basic client: %d %s", resp.StatusCode, b)
	}
	e.assertNoLeaks()
}

// TestUpstreamRefresh: an expired upstream token is refreshed at the
// proxy's refresh grant with the upstream's extra parameters, and when
// the upstream sends no new refresh token the old one is kept and the
// proxy's refresh token keeps its own lifetime.
func TestUpstreamRefresh(t *testing.T) {
	e := newEnv(t, nil)
	// x/oauth2 treats tokens within 10s of expiry as expired.
	e.idp.TokenTTL = 5e9
	e.idp.NoRefreshOnRefresh = true
	c := e.newClient("https://app.example.com/cb", false)
	tok := c.fullLogin()
	rt := tok["refresh_token"].(string)
	for i := range 3 {
		st, out := c.refresh(rt)
		if st != 200 || out["refresh_token"] == nil {
			t.Fatalf("refresh %d: %d %v", i, st, out)
		}
		rt = out["refresh_token"].(string)
		if st, who, _ := e.mcp(out["access_token"].(string)); st != 200 || who["upstream_userinfo_ok"] != true {
			t.Fatalf("after refresh %d: %d %v", i, st, who)
		}
	}
	var refreshes int
	for _, call := range e.idp.TokenCalls() {
		if call.Get("grant_type") == "refresh_token" {
			refreshes++
			if call.Get("audience") != "api://upstream" {
				t.Errorf("upstream refresh without the extra parameter: %v", call)
			}
		}
	}
	if refreshes == 0 {
		t.Fatal("the upstream token was never refreshed")
	}
	e.assertNoLeaks()
}

// TestUpstreamDenied: an upstream refusal reaches the client as
// access_denied with state and iss.
func TestUpstreamDenied(t *testing.T) {
	e := newEnv(t, nil)
	e.idp.Deny = true
	c := e.newClient("https://app.example.com/cb", false)
	q := c.login(newPKCE(), "st")
	if q.Get("error") != "access_denied" || q.Get("state") != "st" || q.Get("iss") != e.base || q.Get("code") != "" {
		t.Fatalf("%v", q)
	}
}

// TestBasePath: an issuer with a path (a server mounted below /api):
// endpoints, cookies and the consent form live below it, the metadata
// at the path-inserted well-known URL.
func TestBasePath(t *testing.T) {
	var origin string
	e := newEnv(t, func(c *oauthproxy.Config) { origin = c.BaseURL; c.BaseURL += "/api" })
	resp, err := http.Get(origin + "/.well-known/oauth-authorization-server/api")
	if err != nil {
		t.Fatal(err)
	}
	var md map[string]any
	json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if md["issuer"] != origin+"/api" || md["token_endpoint"] != origin+"/api/token" {
		t.Fatalf("metadata %v", md)
	}
	if got := e.proxy.Metadata().Resource; got != origin+"/api/mcp" {
		t.Fatalf("resource %s", got)
	}
	c := e.newClient("http://127.0.0.1:1234/cb", false)
	tok := c.fullLogin()
	if st, who, _ := e.mcp(tok["access_token"].(string)); st != 200 || who["sub"] != "user-42" {
		t.Fatalf("/api/mcp: %d %v", st, who)
	}
	e.assertNoLeaks()
}

// TestScopes: unknown scopes are dropped, the granted ones reported; a
// refresh can narrow but not widen them.
func TestScopes(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newClient("https://app.example.com/cb", false)
	pk := newPKCE()
	cp := readConsent(t, c.get(c.authorizeURL(pk, "s", url.Values{"scope": {"tools:write openid offline_access"}})))
	if !strings.Contains(cp.body, "tools:write") || strings.Contains(cp.body, "offline_access") {
		t.Fatalf("consent page scopes: %s", cp.body)
	}
	q := c.finalRedirect(c.postConsent(cp.txn, cp.csrf, "approve"))
	st, tok := c.exchange(q.Get("code"), pk)
	if st != 200 || tok["scope"] != "tools:write" {
		t.Fatalf("token: %d %v", st, tok)
	}
	if st, out, _ := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "scope": {"tools:write tools:read"}}); st != 400 || out["error"] != "invalid_scope" {
		t.Fatalf("widening refresh: %d %v", st, out)
	}
	// The refused request did not spend the token; narrowing works.
	if st, out, _ := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "scope": {"tools:write"}}); st != 200 || out["scope"] != "tools:write" {
		t.Fatalf("refresh after a refused one: %d %v", st, out)
	}
	if st, out, _ := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"mcpr_x"}, "resource": {"https://other.example.com/mcp"}}); st != 400 || out["error"] != "invalid_target" {
		t.Fatalf("refresh for another resource: %d %v", st, out)
	}
}

// TestRevokeAccessToken: revoking a proxy access token revokes its
// grant, refresh token included.
func TestRevokeAccessToken(t *testing.T) {
	e := newEnv(t, nil)
	c := e.newClient("https://app.example.com/cb", false)
	tok := c.fullLogin()
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	if st, _, _ := e.mcp(at); st != 200 {
		t.Fatalf("/mcp before revocation: %d", st)
	}
	form := url.Values{"token": {at}, "token_type_hint": {"access_token"}, "client_id": {c.id}}
	if st := e.revoke(form); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if st, _, _ := e.mcp(at); st != 401 {
		t.Fatalf("access token after revocation: %d", st)
	}
	if st, _ := c.refresh(rt); st != 400 {
		t.Fatalf("refresh after revoking the access token: %d", st)
	}
	e.assertNoLeaks()
}

// revoke posts form to the revocation endpoint and returns the status.
func (e *env) revoke(form url.Values) int {
	e.t.Helper()
	resp, err := http.Post(e.base+"/revoke", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
