package oauthproxy

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/store"
)

// txn is one authorization in progress, from /authorize to
// /auth/callback; its id is also the upstream state.
type txn struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"client_id"`
	ClientName  string    `json:"client_name,omitempty"`
	RedirectURI string    `json:"redirect_uri"`
	State       string    `json:"state,omitempty"`
	Challenge   string    `json:"code_challenge"`
	Scopes      []string  `json:"scopes,omitempty"`
	Verifier    []byte    `json:"verifier"` // sealed upstream PKCE verifier
	Approved    bool      `json:"approved,omitempty"`
	Browser     string    `json:"browser,omitempty"` // hash of the approving browser's id
	Created     time.Time `json:"created"`
}

// browserCookie names the cookie that identifies a browser to the
// proxy: a random id and its MAC. CSRF tokens, remembered approvals and
// the callback binding are all tied to it.
const browserCookie = "mcpgen_oauth_browser"

// maxFormBytes bounds the forms the proxy reads.
const maxFormBytes = 64 << 10

// browserID returns the browser's verified id, or "".
func (p *Proxy) browserID(r *http.Request) string {
	c, err := r.Cookie(browserCookie)
	if err != nil {
		return ""
	}
	id, mac, ok := strings.Cut(c.Value, ".")
	if !ok || len(id) != 32 {
		return ""
	}
	want := base64.RawURLEncoding.EncodeToString(p.keys.mac("browser", id)[:16])
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return ""
	}
	return id
}

// ensureBrowser returns the browser's id, setting a new cookie when it
// has none.
func (p *Proxy) ensureBrowser(w http.ResponseWriter, r *http.Request) string {
	if id := p.browserID(r); id != "" {
		return id
	}
	id := randomToken(24) // 32 characters
	mac := base64.RawURLEncoding.EncodeToString(p.keys.mac("browser", id)[:16])
	http.SetCookie(w, &http.Cookie{
		Name: browserCookie, Value: id + "." + mac, Path: p.cookiePath,
		MaxAge: int(RememberTTL / time.Second), HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode,
	})
	return id
}

// csrfToken is the consent form's token for one transaction in one
// browser: the same on every GET, useless in another browser.
func (p *Proxy) csrfToken(txnID, browser string) string {
	return base64.RawURLEncoding.EncodeToString(p.keys.mac("csrf", txnID, browser))
}

// authzRequest is a parsed /authorize request.
type authzRequest struct {
	clientID, redirectURI, responseType, state string
	challenge, method, scope, resource         string
}

// serveAuthorize is the authorization endpoint.
func (p *Proxy) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q, err := authorizeParams(r)
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	ctx := r.Context()
	c, err := p.lookupClient(ctx, q.clientID)
	if err != nil {
		if errors.Is(err, errUnknownClient) {
			p.log.Info("oauthproxy: authorize for an unknown client", "reason", err)
			p.errorPage(w, r, http.StatusBadRequest, "invalid_client",
				"This client is not registered with this server (it may have been registered with an earlier instance): the client must register again. "+strings.TrimPrefix(err.Error(), "unknown client"))
			return
		}
		p.unavailable(w, "authorize", err)
		return
	}
	redir, err := p.redirectFor(c, q.redirectURI)
	if err != nil {
		p.log.Info("oauthproxy: authorize with a bad redirect_uri", "client", c.ID, "reason", err)
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "redirect_uri: "+err.Error())
		return
	}
	// From here on, errors go back to the client.
	fail := func(code, desc string) {
		p.redirectError(w, r, redir.raw, q.state, code, desc)
	}
	switch {
	case q.responseType != "code":
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	case q.challenge == "":
		fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256")
		return
	case q.method != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
		return
	case !validChallenge(q.challenge):
		fail("invalid_request", "code_challenge must be 43 to 128 characters of base64url")
		return
	case q.resource != "" && !p.isResource(q.resource):
		fail("invalid_target", "resource is not this server: tokens from this authorization server are only for "+p.resource)
		return
	case len(q.state) > 2048:
		fail("invalid_request", "state is too long")
		return
	}
	scopes, err := parseScope(q.scope)
	if err != nil {
		fail("invalid_scope", err.Error())
		return
	}
	if len(scopes) == 0 {
		scopes = slices.Clone(p.scopes)
	} else if len(p.scopes) > 0 {
		// Scopes this server does not know are dropped, not refused
		// (RFC 6749 3.3: the token response says what was granted);
		// clients often add openid or offline_access.
		scopes = slices.DeleteFunc(scopes, func(s string) bool { return !slices.Contains(p.scopes, s) })
	}
	verifier := oauth2.GenerateVerifier()
	t := &txn{
		ID: randomToken(32), ClientID: c.ID, ClientName: c.Name, RedirectURI: redir.raw, State: q.state,
		Challenge: q.challenge, Scopes: scopes, Created: p.now(),
	}
	t.Verifier = p.keys.seal([]byte(verifier), "txn:"+t.ID)
	browser := p.ensureBrowser(w, r)
	skip := p.cfg.Consent == ConsentOff
	if p.cfg.Consent == ConsentRemember && sameSiteNavigation(r) {
		if _, err := p.store.Get(ctx, p.rememberKey(browser, t)); err == nil {
			skip = true
		}
	}
	if skip {
		t.Approved, t.Browser = true, hashKey(browser)
	}
	if err := p.put(ctx, keyTxn+t.ID, t, TransactionTTL); err != nil {
		p.unavailable(w, "authorize", err)
		return
	}
	if skip {
		p.log.Info("oauthproxy: consent skipped", "client", c.ID, "mode", string(p.cfg.Consent))
		http.Redirect(w, r, p.upstreamURL(t, verifier), http.StatusFound)
		return
	}
	http.Redirect(w, r, p.issuer+"/consent?txn="+t.ID, http.StatusFound)
}

// authorizeParams reads the parameters of GET or POST /authorize,
// refusing repeated ones (RFC 6749 3.1).
func authorizeParams(r *http.Request) (*authzRequest, error) {
	var vals url.Values
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			return nil, errors.New("the request body is not a form")
		}
		vals = r.PostForm
	} else {
		var err error
		if vals, err = url.ParseQuery(r.URL.RawQuery); err != nil {
			return nil, errors.New("the query does not parse")
		}
	}
	get := func(name string) (string, error) {
		if len(vals[name]) > 1 {
			return "", errors.New("parameter " + name + " is repeated")
		}
		return vals.Get(name), nil
	}
	q := &authzRequest{}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"client_id", &q.clientID}, {"redirect_uri", &q.redirectURI}, {"response_type", &q.responseType},
		{"state", &q.state}, {"code_challenge", &q.challenge}, {"code_challenge_method", &q.method},
		{"scope", &q.scope}, {"resource", &q.resource},
	} {
		v, err := get(f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	if q.clientID == "" {
		return nil, errors.New("client_id is required")
	}
	return q, nil
}

func validChallenge(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// isResource reports whether a resource parameter names this server.
func (p *Proxy) isResource(res string) bool {
	c, err := auth.CanonicalResourceURL(res, "")
	return err == nil && c == p.resource
}

// sameSiteNavigation reports a navigation the browser says started on
// this site or from the user (address bar, bookmark): only then may a
// remembered approval skip the consent page. A missing header (old
// browser, or not a browser) counts as cross-site.
func sameSiteNavigation(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "none", "same-origin":
		return true
	}
	return false
}

func (p *Proxy) rememberKey(browser string, t *txn) string {
	sc := slices.Clone(t.Scopes)
	slices.Sort(sc)
	return keyRemember + hashKey(browser+"\x00"+t.ClientID+"\x00"+t.RedirectURI+"\x00"+strings.Join(sc, " "))
}

// upstreamURL is where the browser signs in at the upstream.
func (p *Proxy) upstreamURL(t *txn, verifier string) string {
	opts := append(slices.Clone(p.up.AuthCodeOptions()), oauth2.S256ChallengeOption(verifier))
	return p.oauth.AuthCodeURL(t.ID, opts...)
}

// redirectError sends the browser back to the client with an error
// (RFC 6749 4.1.2.1), state and iss.
func (p *Proxy) redirectError(w http.ResponseWriter, r *http.Request, redirectURI, state, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {desc}}
	p.redirectClient(w, r, redirectURI, state, v)
}

func (p *Proxy) redirectClient(w http.ResponseWriter, r *http.Request, redirectURI, state string, v url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "bad redirect URI")
		return
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	q.Set("iss", p.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// serveConsent renders the consent page (GET) and takes the decision
// (POST).
func (p *Proxy) serveConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var id string
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "the form does not parse")
			return
		}
		id = r.PostForm.Get("txn")
	} else {
		id = r.URL.Query().Get("txn")
	}
	var t txn
	if len(id) != 43 {
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in link is incomplete. Start again from your application.")
		return
	}
	if err := p.get(ctx, keyTxn+id, &t); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in has expired or was already used. Start again from your application.")
			return
		}
		p.unavailable(w, "consent", err)
		return
	}
	if r.Method != http.MethodPost {
		browser := p.ensureBrowser(w, r)
		p.renderConsent(w, &t, p.csrfToken(t.ID, browser))
		return
	}
	browser := p.browserID(r)
	want := p.csrfToken(t.ID, browser)
	if browser == "" || !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(want)) || r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		p.log.Info("oauthproxy: consent refused: bad CSRF token", "client", t.ClientID)
		p.errorPage(w, r, http.StatusForbidden, "access_denied", "This form was not submitted from the consent page shown in this browser. Start again from your application.")
		return
	}
	switch r.PostForm.Get("decision") {
	case "approve":
	case "deny":
		if _, err := p.store.Take(ctx, keyTxn+t.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			p.unavailable(w, "consent", err)
			return
		}
		p.log.Info("oauthproxy: consent denied", "client", t.ClientID)
		p.redirectError(w, r, t.RedirectURI, t.State, "access_denied", "the user denied the request")
		return
	default:
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "decision must be approve or deny")
		return
	}
	t.Approved, t.Browser = true, hashKey(browser)
	if err := p.put(ctx, keyTxn+t.ID, &t, TransactionTTL-p.now().Sub(t.Created)); err != nil {
		p.unavailable(w, "consent", err)
		return
	}
	if p.cfg.Consent == ConsentRemember {
		if err := p.store.Set(ctx, p.rememberKey(browser, &t), []byte("1"), RememberTTL); err != nil {
			p.log.Warn("oauthproxy: approval not remembered", "err", err)
		}
	}
	verifier, err := p.keys.open(t.Verifier, "txn:"+t.ID)
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in cannot continue. Start again from your application.")
		return
	}
	p.log.Info("oauthproxy: consent approved", "client", t.ClientID)
	http.Redirect(w, r, p.upstreamURL(&t, string(verifier)), http.StatusSeeOther)
}

// serveCallback is where the upstream sends the browser back.
func (p *Proxy) serveCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	var t txn
	if len(state) != 43 || len(q["state"]) != 1 {
		p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The sign-in response has no valid state. Start again from your application.")
		return
	}
	if err := p.take(ctx, keyTxn+state, &t); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			p.log.Info("oauthproxy: callback with an unknown state")
			p.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in has expired or was already completed. Start again from your application.")
			return
		}
		p.unavailable(w, "callback", err)
		return
	}
	browser := p.browserID(r)
	if !t.Approved || browser == "" || !hmac.Equal([]byte(hashKey(browser)), []byte(t.Browser)) {
		p.log.Warn("oauthproxy: callback refused: not the browser that approved", "client", t.ClientID)
		p.errorPage(w, r, http.StatusForbidden, "access_denied", "This sign-in was started in another browser. Start again from your application in this browser.")
		return
	}
	if e := q.Get("error"); e != "" {
		code := "server_error"
		if e == "access_denied" {
			code = "access_denied"
		}
		p.log.Info("oauthproxy: upstream refused the sign-in", "client", t.ClientID, "upstream_error", sanitizeCode(e))
		p.redirectError(w, r, t.RedirectURI, t.State, code, "the identity provider did not sign the user in")
		return
	}
	code := q.Get("code")
	if code == "" {
		p.redirectError(w, r, t.RedirectURI, t.State, "server_error", "the identity provider returned no code")
		return
	}
	verifier, err := p.keys.open(t.Verifier, "txn:"+t.ID)
	if err != nil {
		p.redirectError(w, r, t.RedirectURI, t.State, "server_error", "the sign-in cannot be completed")
		return
	}
	uctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	opts := append(slices.Clone(p.up.AuthCodeOptions()), oauth2.VerifierOption(string(verifier)))
	tok, err := p.oauth.Exchange(p.upstreamCtx(uctx), code, opts...)
	if err != nil {
		p.log.Warn("oauthproxy: upstream code exchange failed", "upstream", p.up.Name(), "err", sanitizeUpstreamErr(err))
		p.redirectError(w, r, t.RedirectURI, t.State, "server_error", "the identity provider refused the sign-in")
		return
	}
	id, err := p.up.Identity(p.upstreamCtx(uctx), tok)
	if err != nil || id.Subject == "" {
		p.log.Warn("oauthproxy: upstream identity unavailable", "upstream", p.up.Name(), "err", err)
		p.redirectError(w, r, t.RedirectURI, t.State, "server_error", "the identity provider did not say who signed in")
		return
	}
	g := &grant{ID: randomToken(24), ClientID: t.ClientID, Identity: id, Scopes: t.Scopes, Resource: p.resource, Created: p.now()}
	if err := p.sealToken(g, tok); err != nil {
		p.unavailable(w, "callback", err)
		return
	}
	if err := p.put(ctx, keyGrant+g.ID, g, p.cfg.RefreshTokenTTL); err != nil {
		p.unavailable(w, "callback", err)
		return
	}
	clientCode := randomToken(32)
	rec := codeRecord{GrantID: g.ID, ClientID: t.ClientID, RedirectURI: t.RedirectURI, CodeChallenge: t.Challenge, Scopes: t.Scopes}
	if err := p.put(ctx, keyCode+hashKey(clientCode), rec, CodeTTL); err != nil {
		p.unavailable(w, "callback", err)
		return
	}
	p.log.Info("oauthproxy: signed in", "client", t.ClientID, "upstream", p.up.Name())
	p.redirectClient(w, r, t.RedirectURI, t.State, url.Values{"code": {clientCode}})
}

// sanitizeCode keeps an upstream error code loggable.
func sanitizeCode(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '?'
	}, s)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}
.box{border:1px solid #ccc;border-radius:8px;padding:1.5rem}code{background:#f3f3f3;padding:0 .25rem}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem;border-radius:6px;border:1px solid #888;cursor:pointer}
button[value=approve]{background:#1a5fd0;color:#fff;border-color:#1a5fd0}</style></head>
<body><div class="box">{{if .Consent}}
<h1>Allow {{.ClientName}}?</h1>
<p><strong>{{.ClientName}}</strong> wants to use <strong>{{.Resource}}</strong> as you.</p>
<p>After you sign in, you will be sent back to <code>{{.RedirectHost}}</code>.</p>
{{if .Scopes}}<p>It asks for: {{range $i, $s := .Scopes}}{{if $i}}, {{end}}<code>{{$s}}</code>{{end}}</p>{{end}}
{{if .DocHost}}<p><small>The client is identified by its metadata document at <code>{{.DocHost}}</code>.</small></p>{{else}}<p><small>The client registered this name itself; the server has not verified it.</small></p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="txn" value="{{.Txn}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>{{else}}
<h1>{{.Title}}</h1><p>{{.Message}}</p><p><small>Error: <code>{{.Code}}</code></small></p>{{end}}
</div></body></html>
`))

type pageData struct {
	Title, Message, Code                       string
	Consent                                    bool
	ClientName, Resource, RedirectHost, Action string
	Txn, CSRF                                  string
	Scopes                                     []string
	DocHost                                    string // host of a metadata-document client id
}

func writePage(w http.ResponseWriter, status int, d *pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	pageTmpl.Execute(w, d)
}

func (p *Proxy) renderConsent(w http.ResponseWriter, t *txn, csrf string) {
	name := t.ClientName
	if name == "" {
		name = t.ClientID
	}
	host := t.RedirectURI
	if u, err := url.Parse(t.RedirectURI); err == nil && u.Host != "" {
		host = u.Host
	}
	res := p.cfg.ResourceName
	if res == "" {
		res = p.resource
	}
	writePage(w, http.StatusOK, &pageData{
		Title: "Allow " + name + "?", Consent: true, ClientName: name, Resource: res, RedirectHost: host,
		Action: p.issuer + "/consent", Txn: t.ID, CSRF: csrf, Scopes: t.Scopes, DocHost: docHost(t.ClientID),
	})
}

// docHost is the host of a metadata-document client id, or "".
func docHost(clientID string) string {
	if !strings.HasPrefix(clientID, "https://") {
		return ""
	}
	u, err := url.Parse(clientID)
	if err != nil {
		return ""
	}
	return u.Host
}

// errorPage answers a browser with an HTML page and a program with JSON,
// by Accept.
func (p *Proxy) errorPage(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		writeJSONError(w, status, code, msg)
		return
	}
	title := "Sign-in failed"
	if code == "invalid_client" {
		title = "Unknown application"
	}
	writePage(w, status, &pageData{Title: title, Message: msg, Code: code})
}
