package oauthproxy_test

import (
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
)

// TestAttacks is the attack table: every row must fail closed. The docs
// (docs/oauth-proxy.md) list the same rows.
func TestAttacks(t *testing.T) {
	e := newEnv(t, nil)

	t.Run("redirect URI bypasses at registration", func(t *testing.T) {
		for _, bad := range []string{
			"http://localhost@evil.example/cb",                           // userinfo
			"http://127.0.0.1:80@evil.example/cb",                        // userinfo with a port
			"https://app.example.com\\@evil.example/cb",                  // backslash
			"https://app.example.com/cb/../../evil",                      // dot segments
			"https://app.example.com/cb/%2e%2e/evil",                     // encoded dot segments
			"https://app.example.com/cb#frag",                            // fragment
			"javascript:alert(1)//",                                      // script scheme
			"JavaScript://app.example.com/%0aalert(1)",                   // script scheme, mixed case
			"data:text/html,<script>alert(1)</script>",                   // data scheme
			"file:///etc/passwd",                                         // file scheme
			"http://evil.example/cb",                                     // http off loopback
			"https://app.example.com /cb",                                // whitespace
			"/relative/cb",                                               // relative
			e.base + "/auth/callback",                                    // the proxy's own callback
			strings.ToUpper(e.base[:4]) + e.base[4:] + "/auth/callback/", // ... in disguise
		} {
			st, out := e.register(map[string]any{"redirect_uris": []string{bad}, "token_endpoint_auth_method": "none"})
			if st != 400 || out["error"] != "invalid_redirect_uri" {
				t.Errorf("registered %q: %d %v", bad, st, out)
			}
		}
	})

	t.Run("redirect URI bypasses at authorize", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		loop := e.newClient("http://127.0.0.1:4000/cb", false)
		for _, tc := range []struct {
			c   *client
			uri string
		}{
			{c, "https://app.example.com/cb/evil"},         // path extension
			{c, "https://app.example.com/cbx"},             // path prefix
			{c, "https://app.example.com.evil.example/cb"}, // host suffix
			{c, "https://evil.example/https://app.example.com/cb"},
			{c, "https://app.example.com/cb?next=evil"},     // added query
			{c, "https://app.example.com:8443/cb"},          // other port off loopback
			{c, "http://app.example.com/cb"},                // downgrade
			{c, "https://APP.example.com/cb/../cb"},         // dot segment
			{c, ""},                                         // missing (ambiguous)
			{loop, "http://localhost:4000/cb"},              // other loopback host
			{loop, "http://127.0.0.1:4000/cb2"},             // other path on loopback
			{loop, "http://127.0.0.1:4000@evil.example/cb"}, // userinfo on loopback
			{loop, "https://127.0.0.1:4000/cb"},             // other scheme on loopback
		} {
			pk := newPKCE()
			q := url.Values{"response_type": {"code"}, "client_id": {tc.c.id}, "redirect_uri": {tc.uri}, "code_challenge": {pk.challenge}, "code_challenge_method": {"S256"}, "state": {"s"}}
			if tc.uri == "" {
				q.Del("redirect_uri")
			}
			resp := tc.c.get(e.base+"/authorize?"+q.Encode(), "Accept", "application/json")
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
				t.Errorf("authorize with %q: %d %s (Location %q)", tc.uri, resp.StatusCode, b, resp.Header.Get("Location"))
			}
		}
	})

	t.Run("unknown client is told to register again", func(t *testing.T) {
		c := e.clientFor("no-such-client", "https://app.example.com/cb")
		pk := newPKCE()
		resp := c.get(c.authorizeURL(pk, "s", nil), "Accept", "application/json")
		var out map[string]string
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != 400 || out["error"] != "invalid_client" || !strings.Contains(out["error_description"], "register again") {
			t.Errorf("JSON: %d %v", resp.StatusCode, out)
		}
		resp = c.get(c.authorizeURL(pk, "s", nil), "Accept", "text/html")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "register again") {
			t.Errorf("HTML: %d %s", resp.StatusCode, b)
		}
	})

	t.Run("PKCE required and S256 only", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		for _, extra := range []url.Values{
			{"code_challenge": {""}},
			{"code_challenge_method": {"plain"}},
			{"code_challenge": {"short"}},
		} {
			resp := c.get(c.authorizeURL(newPKCE(), "s", extra))
			q := c.finalRedirect(resp)
			if q.Get("error") != "invalid_request" || q.Get("iss") != e.base || q.Get("state") != "s" {
				t.Errorf("%v: %v", extra, q)
			}
		}
	})

	t.Run("resource must be this server", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		q := c.finalRedirect(c.get(c.authorizeURL(newPKCE(), "s", url.Values{"resource": {"https://other.example.com/mcp"}})))
		if q.Get("error") != "invalid_target" {
			t.Errorf("other resource: %v", q)
		}
	})

	t.Run("code replay revokes what the code issued", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		pk := newPKCE()
		q := c.login(pk, "s")
		st, tok := c.exchange(q.Get("code"), pk)
		if st != 200 {
			t.Fatalf("first use: %d %v", st, tok)
		}
		if st, _, _ := e.mcp(tok["access_token"].(string)); st != 200 {
			t.Fatalf("token before replay: %d", st)
		}
		st, out := c.exchange(q.Get("code"), pk)
		if st != 400 || out["error"] != "invalid_grant" {
			t.Fatalf("replay: %d %v", st, out)
		}
		if st, _, _ := e.mcp(tok["access_token"].(string)); st != 401 {
			t.Errorf("access token still valid after the code replay: %d", st)
		}
		if st, _ := c.refresh(tok["refresh_token"].(string)); st != 400 {
			t.Errorf("refresh token still valid after the code replay: %d", st)
		}
	})

	t.Run("PKCE verifier mismatch", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		pk := newPKCE()
		q := c.login(pk, "s")
		st, out := c.exchange(q.Get("code"), newPKCE())
		if st != 400 || out["error"] != "invalid_grant" {
			t.Fatalf("wrong verifier: %d %v", st, out)
		}
		if st, _ := c.exchange(q.Get("code"), pk); st != 400 {
			t.Errorf("the code survived a failed exchange: %d", st)
		}
	})

	t.Run("redirect_uri mismatch at the token endpoint", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		pk := newPKCE()
		q := c.login(pk, "s")
		st, out, _ := c.token(url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {"https://app.example.com/other"}, "code_verifier": {pk.verifier}})
		if st != 400 || out["error"] != "invalid_grant" {
			t.Fatalf("%d %v", st, out)
		}
	})

	t.Run("code of another client", func(t *testing.T) {
		a := e.newClient("https://app.example.com/cb", false)
		b := e.newClient("https://app.example.com/cb", false)
		pk := newPKCE()
		q := a.login(pk, "s")
		if st, out := b.exchange(q.Get("code"), pk); st != 400 || out["error"] != "invalid_grant" {
			t.Fatalf("%d %v", st, out)
		}
	})

	t.Run("state mismatch at the callback", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		for _, state := range []string{"", "forged", strings.Repeat("A", 43)} {
			resp := c.get(e.base + "/auth/callback?code=x&state=" + url.QueryEscape(state))
			resp.Body.Close()
			if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
				t.Errorf("state %q: %d", state, resp.StatusCode)
			}
		}
	})

	t.Run("callback from a different browser", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		cp := readConsent(t, c.get(c.authorizeURL(newPKCE(), "s", nil)))
		// The victim's browser would follow the upstream redirect; here
		// the approving browser stops before the callback and another
		// browser (no binding cookie) arrives with the code.
		stopper := newBrowser(e.idp.URL)
		stopper.Jar = c.http.Jar
		c.http = stopper
		resp := c.postConsent(cp.txn, cp.csrf, "approve")
		resp.Body.Close()
		upstreamURL := resp.Header.Get("Location")
		if !strings.HasPrefix(upstreamURL, e.idp.URL) {
			t.Fatalf("approve did not go upstream: %d %s", resp.StatusCode, upstreamURL)
		}
		victim := newBrowser("https://app.example.com/cb")
		resp, err := victim.Get(upstreamURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 403 || resp.Header.Get("Location") != "" {
			t.Fatalf("callback without the binding cookie: %d %s", resp.StatusCode, b)
		}
	})

	t.Run("consent POST without or with a wrong CSRF token", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		cp := readConsent(t, c.get(c.authorizeURL(newPKCE(), "s", nil)))
		other := e.clientFor(c.id, c.redirect) // another browser, its own page
		ocp := readConsent(t, other.get(e.base+"/consent?txn="+cp.txn))
		if ocp.csrf == "" || ocp.csrf == cp.csrf {
			t.Fatalf("CSRF tokens are not per browser: %q %q", ocp.csrf, cp.csrf)
		}
		wrong := "x" + cp.csrf[1:]
		if wrong == cp.csrf { // one token in 64 starts with x
			wrong = "y" + cp.csrf[1:]
		}
		for name, csrf := range map[string]string{"missing": "", "wrong": wrong, "another browser's": ocp.csrf} {
			resp := c.postConsent(cp.txn, csrf, "approve")
			resp.Body.Close()
			if resp.StatusCode != 403 {
				t.Errorf("%s CSRF token: %d", name, resp.StatusCode)
			}
		}
		// The real page still works afterwards.
		if q := c.finalRedirect(c.postConsent(cp.txn, cp.csrf, "approve")); q.Get("code") == "" {
			t.Errorf("approval after refused forgeries: %v", q)
		}
	})

	t.Run("double GET of the consent page then approve", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		pk := newPKCE()
		first := readConsent(t, c.get(c.authorizeURL(pk, "s", nil)))
		second := readConsent(t, c.get(e.base+"/consent?txn="+first.txn))
		third := readConsent(t, c.get(e.base+"/consent?txn="+first.txn))
		if first.csrf == "" || first.csrf != second.csrf || second.csrf != third.csrf {
			t.Fatalf("GETs rotated the CSRF token")
		}
		q := c.finalRedirect(c.postConsent(first.txn, first.csrf, "approve"))
		if st, _ := c.exchange(q.Get("code"), pk); st != 200 {
			t.Fatalf("approve from the first page failed: %d", st)
		}
	})

	t.Run("deny sends access_denied", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		cp := readConsent(t, c.get(c.authorizeURL(newPKCE(), "s", nil)))
		q := c.finalRedirect(c.postConsent(cp.txn, cp.csrf, "deny"))
		if q.Get("error") != "access_denied" || q.Get("state") != "s" || q.Get("iss") != e.base || q.Get("code") != "" {
			t.Fatalf("deny: %v", q)
		}
	})

	t.Run("refresh token reused after rotation", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		tok := c.fullLogin()
		rt := tok["refresh_token"].(string)
		st, tok2 := c.refresh(rt)
		if st != 200 {
			t.Fatalf("refresh: %d %v", st, tok2)
		}
		st, out := c.refresh(rt)
		if st != 400 || out["error"] != "invalid_grant" {
			t.Fatalf("reuse: %d %v", st, out)
		}
		// Reuse means theft: the whole grant is gone.
		if st, _ := c.refresh(tok2["refresh_token"].(string)); st != 400 {
			t.Errorf("the rotated refresh token survived the reuse: %d", st)
		}
		if st, _, _ := e.mcp(tok2["access_token"].(string)); st != 401 {
			t.Errorf("the access token survived the reuse: %d", st)
		}
	})

	t.Run("refresh token used as access token", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		tok := c.fullLogin()
		if st, _, _ := e.mcp(tok["refresh_token"].(string)); st != 401 {
			t.Fatalf("refresh token accepted at /mcp: %d", st)
		}
	})

	t.Run("proxy token for another resource", func(t *testing.T) {
		// Two servers sharing a token key: a token one mints names its
		// own issuer and resource and must not work at the other.
		key := func(cfg *oauthproxy.Config) { cfg.TokenKey = []byte("a shared token key of at least 32 bytes") }
		a, b := newEnv(t, key), newEnv(t, key)
		tok := a.newClient("https://app.example.com/cb", false).fullLogin()
		if st, _, _ := a.mcp(tok["access_token"].(string)); st != 200 {
			t.Fatalf("the token does not work where it was minted: %d", st)
		}
		if st, _, h := b.mcp(tok["access_token"].(string)); st != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
			t.Fatalf("another server's token accepted: %d", st)
		}
	})

	t.Run("upstream token presented to /mcp", func(t *testing.T) {
		c := e.newClient("https://app.example.com/cb", false)
		c.fullLogin()
		ups := e.idp.Secrets()
		for _, s := range ups[1:] {
			if st, _, _ := e.mcp(s); st != 401 {
				t.Errorf("upstream token %.8s... accepted: %d", s, st)
			}
		}
	})

	t.Run("registration with a redirect URI at the proxy's callback", func(t *testing.T) {
		st, out := e.register(map[string]any{"redirect_uris": []string{e.base + "/auth/callback"}})
		if st != 400 || out["error"] != "invalid_redirect_uri" {
			t.Fatalf("%d %v", st, out)
		}
	})

	t.Run("client name with HTML is escaped", func(t *testing.T) {
		st, out := e.register(map[string]any{"redirect_uris": []string{"https://app.example.com/cb"}, "token_endpoint_auth_method": "none", "client_name": `<script>alert("x")</script><img src=x onerror=alert(1)>`})
		if st != 201 {
			t.Fatalf("register: %d %v", st, out)
		}
		c := e.clientFor(out["client_id"].(string), "https://app.example.com/cb")
		cp := readConsent(t, c.get(c.authorizeURL(newPKCE(), "s", nil)))
		if strings.Contains(cp.body, "<script>alert") || strings.Contains(cp.body, "<img") {
			t.Fatalf("client name rendered as HTML:\n%s", cp.body)
		}
		if !strings.Contains(cp.body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Fatalf("client name not shown escaped:\n%s", cp.body)
		}
	})

	t.Run("bad registrations", func(t *testing.T) {
		for _, body := range []map[string]any{
			{},
			{"redirect_uris": []string{"https://a.example/cb"}, "grant_types": []string{"client_credentials"}},
			{"redirect_uris": []string{"https://a.example/cb"}, "grant_types": []string{"refresh_token"}},
			{"redirect_uris": []string{"https://a.example/cb"}, "response_types": []string{"token"}},
			{"redirect_uris": []string{"https://a.example/cb"}, "token_endpoint_auth_method": "private_key_jwt"},
			{"redirect_uris": []string{"https://a.example/cb"}, "client_name": strings.Repeat("x", 500)},
		} {
			if st, out := e.register(body); st != 400 {
				t.Errorf("%v: %d %v", body, st, out)
			}
		}
	})

	t.Run("registration body over 64 KiB", func(t *testing.T) {
		big := `{"redirect_uris":["https://a.example/cb"],"client_name":"` + strings.Repeat("x", 70<<10) + `"}`
		for _, chunked := range []bool{false, true} {
			var body io.Reader = strings.NewReader(big)
			if chunked { // no declared length: refused on the bytes read
				body = io.MultiReader(body)
			}
			resp, err := http.Post(e.base+"/register", "application/json", body)
			if err != nil {
				t.Fatal(err)
			}
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 400 || out["error"] != "invalid_client_metadata" {
				t.Errorf("chunked=%v: %d %v", chunked, resp.StatusCode, out)
			}
		}
	})
	e.assertNoLeaks()
}

// TestRememberConsent: remember mode skips the page only for a same-site
// or user-initiated navigation of the browser that approved.
func TestRememberConsent(t *testing.T) {
	e := newEnv(t, func(c *oauthproxy.Config) { c.Consent = oauthproxy.ConsentRemember })
	c := e.newClient("https://app.example.com/cb", false)
	c.login(newPKCE(), "s") // approves once
	for _, site := range []string{"cross-site", "same-site", ""} {
		resp := c.get(c.authorizeURL(newPKCE(), "s", nil), "Sec-Fetch-Site", site)
		cp := readConsent(t, resp)
		if cp.csrf == "" {
			t.Errorf("Sec-Fetch-Site %q: consent skipped (%d)", site, cp.status)
		}
	}
	// Positive control: a user-initiated navigation skips it.
	q := c.finalRedirect(c.get(c.authorizeURL(newPKCE(), "s", nil), "Sec-Fetch-Site", "none"))
	if q.Get("code") == "" {
		t.Fatalf("remembered approval not used: %v", q)
	}
	// Another browser is asked again.
	other := e.clientFor(c.id, c.redirect)
	if cp := readConsent(t, other.get(other.authorizeURL(newPKCE(), "s", nil), "Sec-Fetch-Site", "none")); cp.csrf == "" {
		t.Fatal("another browser skipped consent")
	}
	// Other scopes are asked again.
	if cp := readConsent(t, c.get(c.authorizeURL(newPKCE(), "s", url.Values{"scope": {"tools:write"}}), "Sec-Fetch-Site", "none")); cp.csrf == "" {
		t.Fatal("new scopes skipped consent")
	}
	e.assertNoLeaks()
}

// cimdServer serves client metadata documents over TLS on loopback.
func cimdServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *x509.CertPool) {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, pool
}

func TestClientIDMetadataDocuments(t *testing.T) {
	var docs = map[string]func(w http.ResponseWriter, r *http.Request, self string){}
	var srvURL string
	var hitsMu sync.Mutex
	hits := map[string]int{}
	srv, pool := cimdServer(t, func(w http.ResponseWriter, r *http.Request) {
		hitsMu.Lock()
		hits[r.URL.Path]++
		hitsMu.Unlock()
		if f := docs[r.URL.Path]; f != nil {
			f(w, r, srvURL+r.URL.Path)
			return
		}
		http.NotFound(w, r)
	})
	srvURL = srv.URL
	doc := func(body map[string]any) func(w http.ResponseWriter, r *http.Request, self string) {
		return func(w http.ResponseWriter, r *http.Request, self string) {
			if body["client_id"] == "SELF" {
				body["client_id"] = self
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "max-age=60")
			json.NewEncoder(w).Encode(body)
		}
	}
	docs["/good.json"] = doc(map[string]any{"client_id": "SELF", "client_name": "Doc Client", "redirect_uris": []string{"http://127.0.0.1:7777/cb"}, "token_endpoint_auth_method": "none"})
	docs["/nostore.json"] = func(w http.ResponseWriter, r *http.Request, self string) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(map[string]any{"client_id": self, "redirect_uris": []string{"http://127.0.0.1:7777/cb"}})
	}
	docs["/other-id.json"] = doc(map[string]any{"client_id": "https://evil.example/client.json", "redirect_uris": []string{"http://127.0.0.1:7777/cb"}})
	docs["/redirect.json"] = func(w http.ResponseWriter, r *http.Request, _ string) {
		http.Redirect(w, r, "/good.json", http.StatusFound)
	}
	docs["/secret.json"] = doc(map[string]any{"client_id": "SELF", "redirect_uris": []string{"http://127.0.0.1:7777/cb"}, "token_endpoint_auth_method": "client_secret_basic"})
	docs["/evil-redirect.json"] = doc(map[string]any{"client_id": "SELF", "redirect_uris": []string{"javascript:alert(1)//"}})
	docs["/huge.json"] = func(w http.ResponseWriter, r *http.Request, _ string) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"client_name":"` + strings.Repeat("x", 200<<10) + `"}`))
	}

	e := newEnv(t, func(c *oauthproxy.Config) {
		c.CIMD = oauthproxy.CIMDOptions{AllowLoopbackForTests: true, RootCAs: pool}
	})
	t.Run("good document: the whole flow", func(t *testing.T) {
		c := e.clientFor(srv.URL+"/good.json", "http://127.0.0.1:7777/cb")
		pk := newPKCE()
		cp := readConsent(t, c.get(c.authorizeURL(pk, "s", nil)))
		if !strings.Contains(cp.body, "Doc Client") || !strings.Contains(cp.body, strings.TrimPrefix(srv.URL, "https://")) {
			t.Fatalf("consent page: %d %s", cp.status, cp.body)
		}
		q := c.finalRedirect(c.postConsent(cp.txn, cp.csrf, "approve"))
		if st, out := c.exchange(q.Get("code"), pk); st != 200 {
			t.Fatalf("token: %d %v", st, out)
		}
		// Fetched once: /authorize and /token used the cached document
		// (Cache-Control: max-age=60).
		hitsMu.Lock()
		n := hits["/good.json"]
		hitsMu.Unlock()
		if n != 1 {
			t.Fatalf("document fetched %d times, want 1", n)
		}
	})
	t.Run("no-store document is fetched every time", func(t *testing.T) {
		c := e.clientFor(srv.URL+"/nostore.json", "http://127.0.0.1:7777/cb")
		for range 2 {
			if cp := readConsent(t, c.get(c.authorizeURL(newPKCE(), "s", nil))); cp.csrf == "" {
				t.Fatalf("consent page: %d %s", cp.status, cp.body)
			}
		}
		hitsMu.Lock()
		n := hits["/nostore.json"]
		hitsMu.Unlock()
		if n != 2 {
			t.Fatalf("no-store document fetched %d times, want 2", n)
		}
	})
	for _, tc := range []struct{ name, path string }{
		{"client_id differs from its URL", "/other-id.json"},
		{"document redirects", "/redirect.json"},
		{"confidential document client", "/secret.json"},
		{"script redirect URI", "/evil-redirect.json"},
		{"too large", "/huge.json"},
		{"not found", "/missing.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.clientFor(srv.URL+tc.path, "http://127.0.0.1:7777/cb")
			resp := c.get(c.authorizeURL(newPKCE(), "s", nil), "Accept", "application/json")
			var out map[string]string
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 400 || out["error"] != "invalid_client" {
				t.Fatalf("%d %v", resp.StatusCode, out)
			}
		})
	}
	t.Run("document on a private address", func(t *testing.T) {
		// The same server, without the test-only loopback allowance:
		// loopback, like every private address, is refused after DNS
		// resolution.
		strict := newEnv(t, func(c *oauthproxy.Config) { c.CIMD = oauthproxy.CIMDOptions{RootCAs: pool} })
		for _, id := range []string{srv.URL + "/good.json", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/good.json"} {
			c := strict.clientFor(id, "http://127.0.0.1:7777/cb")
			resp := c.get(c.authorizeURL(newPKCE(), "s", nil), "Accept", "application/json")
			var out map[string]string
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 400 || !strings.Contains(out["error_description"], "non-public address") {
				t.Fatalf("%s: %d %v", id, resp.StatusCode, out)
			}
		}
	})
	t.Run("http and odd URLs are not fetched", func(t *testing.T) {
		for _, id := range []string{"http://127.0.0.1/x.json", "https://example.com/", "https://user@example.com/x", "https://example.com/a/../x"} {
			c := e.clientFor(id, "http://127.0.0.1:7777/cb")
			resp := c.get(c.authorizeURL(newPKCE(), "s", nil), "Accept", "application/json")
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("%s: %d", id, resp.StatusCode)
			}
		}
	})
}
