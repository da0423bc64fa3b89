package presets

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
)

// authorizeEndpoint stands in for the provider's sign-in page: the user
// signs in and approves at once, and the browser goes back to the
// proxy's callback with code and the proxy's state.
func authorizeEndpoint(t *testing.T, clientID, code string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
			t.Errorf("upstream authorize request %s: want the proxy's client id, a code request, PKCE S256 and a state", r.URL.RawQuery)
		}
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
}

// TestPresetsBehindTheProxy puts each preset behind the OAuth proxy, in
// front of its stand-in, and goes through the flow an MCP client and a
// browser make: registration, /authorize, the consent page, the
// provider's sign-in, the callback, /token; the proxy's access token
// then carries the identity the preset mapped.
func TestPresetsBehindTheProxy(t *testing.T) {
	gh := newGitHubStandin(t)
	gh.handle("GET /login/oauth/authorize", authorizeEndpoint(t, ghClient, "the-code"))
	g := newGoogleStandin(t)
	g.handle("GET /o/oauth2/v2/auth", authorizeEndpoint(t, gClient, "4/the-code"))
	az := newAzureStandin(t)
	az.handle("GET /"+azTenant+"/oauth2/v2.0/authorize", authorizeEndpoint(t, azClient, "the-code"))
	wo := newWorkOSStandin(t)
	wo.handle("GET /oauth2/authorize", authorizeEndpoint(t, "client_01STANDIN", "the-code"))

	cases := []struct {
		name, clientID, secret string
		preset                 func() Preset
		subject, email, claim  string
		claimValue             any
	}{
		{"github", ghClient, ghSecret, func() Preset { return newTestGitHub(t, gh, -1) }, "1001", "alice@example.com", "login", "alice"},
		{"google", gClient, gSecret, func() Preset { return newTestGoogle(t, g, -1) }, "110169484474386276334", "alice@example.com", "locale", "en-GB"},
		{"azure", azClient, azSecret, func() Preset { return newTestAzure(t, az, AzureOptions{}) }, azOID, "alice@contoso.example", "job_title", "Chief Curiosity Officer"},
		{"workos", "client_01STANDIN", "sk_test_standin", func() Preset {
			p, err := NewWorkOS(WorkOSOptions{Options: Options{ClientID: "client_01STANDIN", ClientSecret: "sk_test_standin"}, AuthKitDomain: wo.URL()})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}, "user_01HXYZ", "alice@example.com", "org_id", "org_01ABC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hs := httptest.NewUnstartedServer(nil)
			base := "http://" + hs.Listener.Addr().String()
			px, err := oauthproxy.New(oauthproxy.Config{Upstream: c.preset(), ClientID: c.clientID, ClientSecret: c.secret, BaseURL: base})
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			for _, r := range px.Routes() {
				mux.Handle(r.Method+" "+r.Path, r.Handler)
			}
			hs.Config.Handler = mux
			hs.Start()
			defer hs.Close()

			at := signIn(t, base)
			tok, err := px.Verify(context.Background(), at)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Subject != c.subject || tok.Email != c.email || tok.Claims[c.claim] != c.claimValue || tok.Issuer != base {
				t.Errorf("proxy token: subject %q email %q %s=%v issuer %s; want %q, %q, %v, %s", tok.Subject, tok.Email, c.claim, tok.Claims[c.claim], tok.Issuer, c.subject, c.email, c.claimValue, base)
			}
		})
	}
}

// signIn is an MCP client and its user's browser: it registers, goes
// through /authorize and the consent page (approving), follows the
// redirects through the provider back to the client's redirect URI, and
// redeems the code. It returns the proxy's access token.
func signIn(t *testing.T, base string) string {
	t.Helper()
	const redirect = "http://127.0.0.1:1/callback"
	jar, _ := cookiejar.New(nil)
	var landed *url.URL
	browser := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			landed = r.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	var reg struct {
		ClientID string `json:"client_id"`
	}
	postJSON(t, base+"/register", `{"client_name":"preset test","redirect_uris":["`+redirect+`"],"token_endpoint_auth_method":"none"}`, &reg)
	verifier := "a-verifier-of-at-least-forty-three-characters-1234567890"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {reg.ClientID}, "redirect_uri": {redirect}, "state": {"st"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}, "resource": {base + "/mcp"}}
	resp, err := browser.Get(base + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(resp)
	m := regexp.MustCompile(`name="txn" value="([^"]+)"[\s\S]*name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no consent form (%s): %.300s", resp.Status, page)
	}
	resp, err = browser.PostForm(base+"/consent", url.Values{"txn": {m[1]}, "csrf": {m[2]}, "decision": {"approve"}})
	if err != nil && !errors.Is(err, http.ErrUseLastResponse) {
		t.Fatal(err)
	}
	body := readAll(resp)
	if landed == nil || landed.Query().Get("code") == "" || landed.Query().Get("state") != "st" || landed.Query().Get("iss") != base {
		t.Fatalf("after consent: landed at %v (last %s: %.300s)", landed, resp.Status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {landed.Query().Get("code")}, "redirect_uri": {redirect},
		"code_verifier": {verifier}, "client_id": {reg.ClientID}, "resource": {base + "/mcp"}}
	resp, err = http.PostForm(base+"/token", form)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(readAll(resp)), &tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %s %v", resp.Status, err)
	}
	return tok.AccessToken
}

func postJSON(t *testing.T, u, body string, out any) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(readAll(resp)), out); err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s %v", u, resp.Status, err)
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
