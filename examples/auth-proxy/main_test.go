package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/examples/auth-proxy/profile/mcpserver"
	"github.com/mcpgen/mcpgen/runtime/auth/oidc/oidctest"
)

// TestSignInAndCallTools runs what an MCP client does against the
// generated server configured only through the environment, with a test
// OpenID provider upstream: 401, discovery, registration, consent,
// sign-in, token, tools that see the upstream identity and call the
// provider's API, refresh, revocation, then 401 again.
func TestSignInAndCallTools(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "MCPGEN_") {
			t.Setenv(name, "")
		}
	}
	idp := oidctest.New(t)
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	t.Setenv("MCPGEN_AUTH_BASE_URL", base)
	t.Setenv("MCPGEN_AUTH_OIDC_CONFIG_URL", idp.ConfigURL())
	t.Setenv("MCPGEN_AUTH_OIDC_CLIENT_ID", idp.ClientID)
	t.Setenv("MCPGEN_AUTH_OIDC_CLIENT_SECRET", idp.ClientSecret)
	t.Setenv("MCPGEN_JSON_RESPONSE", "true")
	t.Setenv("PROFILE_API_URL", idp.URL+"/userinfo")
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	var traffic bytes.Buffer
	hs.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
			traffic.WriteString(k + ": " + strings.Join(v, ",") + "\n")
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		traffic.Write(rec.Body.Bytes())
	})
	hs.Start()
	defer hs.Close()

	// 1. No token: 401 pointing at the resource metadata, which names
	// this server as the authorization server.
	st, hdr, _ := mcpPost(t, base, "", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	if st != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), base+"/.well-known/oauth-protected-resource/mcp") {
		t.Fatalf("no token: %d %v", st, hdr)
	}
	var asMeta struct {
		Authorize string `json:"authorization_endpoint"`
		Token     string `json:"token_endpoint"`
		Register  string `json:"registration_endpoint"`
		Revoke    string `json:"revocation_endpoint"`
	}
	getJSON(t, base+"/.well-known/oauth-authorization-server", &asMeta)

	// 2. Registration (RFC 7591), public client on a loopback port.
	redirect := "http://127.0.0.1:43210/callback"
	body, _ := json.Marshal(map[string]any{"client_name": "Example Client", "redirect_uris": []string{redirect}, "token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"}})
	resp, err := http.Post(asMeta.Register, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ClientID string `json:"client_id"`
	}
	json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	if resp.StatusCode != 201 || reg.ClientID == "" {
		t.Fatalf("register: %d", resp.StatusCode)
	}

	// 3. The browser: authorize, consent, sign-in upstream, back.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	verifier := oauth2.GenerateVerifier()
	q := url.Values{"response_type": {"code"}, "client_id": {reg.ClientID}, "redirect_uri": {redirect}, "state": {"s1"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}, "resource": {base + "/mcp"}}
	resp, err = browser.Get(asMeta.Authorize + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{"decision": {"approve"}}
	for _, name := range []string{"txn", "csrf"} {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]+)"`).FindSubmatch(page)
		if m == nil {
			t.Fatalf("consent page without %s: %s", name, page)
		}
		form.Set(name, html.UnescapeString(string(m[1])))
	}
	resp, err = browser.PostForm(base+"/consent", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if back == nil || back.Query().Get("code") == "" || back.Query().Get("iss") != base || back.Query().Get("state") != "s1" {
		t.Fatalf("authorization response: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// 4. Token.
	tok := tokenCall(t, asMeta.Token, url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {redirect},
		"code_verifier": {verifier}, "client_id": {reg.ClientID}, "resource": {base + "/mcp"}})

	// 5. Tools see the upstream identity and reach the provider's API.
	sid := session(t, base, tok.AccessToken)
	_, _, out := mcpPost(t, base, tok.AccessToken, sid, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`)
	if !strings.Contains(out, `"subject":"user-42"`) || !strings.Contains(out, `"email":"ada@example.com"`) {
		t.Fatalf("whoami: %s", out)
	}
	_, _, out = mcpPost(t, base, tok.AccessToken, sid, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"provider_profile","arguments":{}}}`)
	if !strings.Contains(out, `"locale":"en"`) || strings.Contains(out, `"isError":true`) {
		t.Fatalf("provider_profile: %s", out)
	}

	// 6. Refresh (rotation), then revocation ends the session's access.
	tok2 := tokenCall(t, asMeta.Token, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {reg.ClientID}})
	if tok2.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh token not rotated")
	}
	resp, err = http.PostForm(asMeta.Revoke, url.Values{"token": {tok2.RefreshToken}, "client_id": {reg.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if st, _, _ := mcpPost(t, base, tok2.AccessToken, "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`); st != 401 {
		t.Fatalf("after revocation: %d", st)
	}
	for _, s := range idp.Secrets() {
		if strings.Contains(traffic.String(), s) {
			t.Fatalf("an upstream secret (%.10s...) reached a client", s)
		}
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s: %d %v", u, resp.StatusCode, err)
	}
}

type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func tokenCall(t *testing.T, endpoint string, form url.Values) tokens {
	t.Helper()
	resp, err := http.PostForm(endpoint, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok tokens
	json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != 200 || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("token endpoint: %d", resp.StatusCode)
	}
	return tok
}

func mcpPost(t *testing.T, base, token, sid, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if sid != "" {
		req.Header.Set("Mcp-Session-Id", sid)
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		var last []byte
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if d, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:")); ok {
				last = append([]byte(nil), d...)
			}
		}
		b = last
	}
	return resp.StatusCode, resp.Header, string(b)
}

func session(t *testing.T, base, token string) string {
	t.Helper()
	st, hdr, body := mcpPost(t, base, token, "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"0"}}}`)
	sid := hdr.Get("Mcp-Session-Id")
	if st != 200 || sid == "" {
		t.Fatalf("initialize: %d %s", st, body)
	}
	if st, _, _ := mcpPost(t, base, token, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); st != 202 {
		t.Fatalf("initialized: %d", st)
	}
	return sid
}
