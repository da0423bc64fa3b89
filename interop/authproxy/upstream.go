// Package authproxy is the end-to-end harness of mcpgen's OAuth proxy
// against real peers: a real OpenID provider (built on
// github.com/zitadel/oidc/v3, the library's own example provider with
// its login page) started on loopback as the upstream, headless
// Chromium signing in there and approving the proxy's consent page, the
// official conformance suite's authorization scenarios, and the official
// TypeScript clients doing the whole MCP authorization flow.
//
// The tests need Chromium and Node packages, which interop/authproxy/run.sh
// installs; without MCPGEN_INTEROP_BROWSER=1 they skip.
package authproxy

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// Upstream is a real OpenID provider on loopback: zitadel's example
// provider (discovery, JWKS, authorize with a login page, token,
// userinfo, revocation) with one pre-registered confidential client.
type Upstream struct {
	// Issuer is the provider's issuer URL (with a trailing slash, as
	// zitadel's example writes it).
	Issuer string
	// ClientID and ClientSecret are the pre-registered confidential
	// client the proxy uses.
	ClientID, ClientSecret string
	// Username and Password sign in at the login page.
	Username, Password string

	srv *http.Server

	mu     sync.Mutex
	tokens []string // every token the token endpoint handed out
}

// StartUpstream serves the provider on ln, with the client allowed to
// redirect to callback (the proxy's /auth/callback).
func StartUpstream(ln net.Listener, clientSecret, callback string) *Upstream {
	issuer := "http://" + ln.Addr().String() + "/"
	u := &Upstream{Issuer: issuer, ClientID: "mcpgen-proxy", ClientSecret: clientSecret, Username: "test-user2", Password: "verysecure"}
	clients := map[string]*storage.Client{}
	c := storage.WebClient(u.ClientID, clientSecret, callback)
	clients[c.GetID()] = c
	st := storage.NewStorageWithClients(storage.NewUserStore(issuer), clients)
	router := exampleop.SetupServer(issuer, st, nil, false)
	u.srv = &http.Server{Handler: u.recordTokens(router)}
	go u.srv.Serve(ln)
	return u
}

// Close stops the provider.
func (u *Upstream) Close() { u.srv.Close() }

// Tokens returns every access, refresh and ID token the provider issued.
func (u *Upstream) Tokens() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.tokens...)
}

// recordTokens notes the tokens in every answer of the token endpoint,
// so a test can assert none of them reaches an MCP client.
func (u *Upstream) recordTokens(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/oauth/token") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &bodyTee{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		var body map[string]any
		if json.Unmarshal(rec.buf.Bytes(), &body) == nil {
			u.mu.Lock()
			for _, k := range []string{"access_token", "refresh_token", "id_token"} {
				if s, _ := body[k].(string); s != "" {
					u.tokens = append(u.tokens, s)
				}
			}
			u.mu.Unlock()
		}
	})
}

// bodyTee copies what a handler writes.
type bodyTee struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (b *bodyTee) Write(p []byte) (int, error) {
	b.buf.Write(p)
	return b.ResponseWriter.Write(p)
}
