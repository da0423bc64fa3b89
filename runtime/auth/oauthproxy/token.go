package oauthproxy

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// tokenError is an RFC 6749 5.2 error of the token endpoint.
type tokenError struct {
	status     int
	code, desc string
	basic      bool // the client tried HTTP Basic: add WWW-Authenticate
}

func (e *tokenError) Error() string { return e.code + ": " + e.desc }

func invalidGrant(desc string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: "invalid_grant", desc: desc}
}

func invalidRequest(desc string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: "invalid_request", desc: desc}
}

func (p *Proxy) writeTokenError(w http.ResponseWriter, e *tokenError) {
	if e.code == "invalid_client" && e.basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+p.issuer+`", charset="UTF-8"`)
	}
	writeJSONError(w, e.status, e.code, e.desc)
}

// tokenForm reads the form of a token or revocation request: POST,
// application/x-www-form-urlencoded, no parameter repeated (RFC 6749
// 3.2), nothing in the query.
func tokenForm(r *http.Request) (url.Values, *tokenError) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return nil, invalidRequest("send the parameters as application/x-www-form-urlencoded")
	}
	if r.URL.RawQuery != "" {
		return nil, invalidRequest("parameters go in the body, not the query")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, invalidRequest("the body is not a form of at most 64 KiB")
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return nil, invalidRequest("parameter " + k + " is repeated")
		}
	}
	return r.PostForm, nil
}

// authenticateClient identifies and authenticates the client of a token
// or revocation request by the method it registered.
func (p *Proxy) authenticateClient(ctx context.Context, r *http.Request, form url.Values) (*client, *tokenError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var e1, e2 error
		id, e1 = url.QueryUnescape(id) // RFC 6749 2.3.1
		secret, e2 = url.QueryUnescape(secret)
		if e1 != nil || e2 != nil {
			return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "malformed Basic credentials", true}
		}
		if form.Get("client_secret") != "" || (form.Get("client_id") != "" && form.Get("client_id") != id) {
			return nil, invalidRequest("use one client authentication method")
		}
	} else if r.Header.Get("Authorization") != "" {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "unsupported Authorization scheme: use Basic or client_secret_post", false}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "client_id is required", basic}
	}
	c, err := p.lookupClient(ctx, id)
	if err != nil {
		if errors.Is(err, errUnknownClient) {
			return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "unknown client: register again", basic}
		}
		return nil, &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", "the client cannot be looked up now", false}
	}
	used := authNone
	switch {
	case basic:
		used = authBasic
	case secret != "":
		used = authPost
	}
	if used != c.AuthMethod {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "this client authenticates with " + c.AuthMethod, basic}
	}
	if used != authNone && !c.checkSecret(secret) {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "client authentication failed", basic}
	}
	return c, nil
}

// serveToken is the token endpoint.
func (p *Proxy) serveToken(w http.ResponseWriter, r *http.Request) {
	form, terr := tokenForm(r)
	if terr == nil {
		var c *client
		if c, terr = p.authenticateClient(r.Context(), r, form); terr == nil {
			var resp map[string]any
			switch form.Get("grant_type") {
			case "authorization_code":
				resp, terr = p.codeGrant(r.Context(), c, form)
			case "refresh_token":
				resp, terr = p.refreshGrant(r.Context(), c, form)
			case "":
				terr = invalidRequest("grant_type is required")
			default:
				terr = &tokenError{status: http.StatusBadRequest, code: "unsupported_grant_type", desc: "supported: authorization_code, refresh_token"}
			}
			if terr == nil {
				writeJSON(w, http.StatusOK, resp)
				return
			}
			p.log.Info("oauthproxy: token request refused", "client", c.ID, "grant_type", sanitizeCode(form.Get("grant_type")), "error", terr.code, "reason", terr.desc)
		}
	}
	p.writeTokenError(w, terr)
}

func (p *Proxy) codeGrant(ctx context.Context, c *client, form url.Values) (map[string]any, *tokenError) {
	code := form.Get("code")
	if code == "" || len(code) > 200 {
		return nil, invalidRequest("code is required")
	}
	h := hashKey(code)
	var rec codeRecord
	if err := p.take(ctx, keyCode+h, &rec); err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			return nil, &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", "try again", false}
		}
		// A replayed code: revoke what it issued (RFC 6749 4.1.2).
		if gid, err := p.store.Take(ctx, keyCodeUsed+h); err == nil {
			p.revokeGrant(ctx, string(gid), "authorization code replayed")
		}
		return nil, invalidGrant("the code is invalid, expired or already used")
	}
	p.store.Set(ctx, keyCodeUsed+h, []byte(rec.GrantID), CodeTTL*2)
	fail := func(desc string) (map[string]any, *tokenError) {
		p.revokeGrant(ctx, rec.GrantID, desc)
		return nil, invalidGrant(desc)
	}
	if rec.ClientID != c.ID {
		return fail("the code was issued to another client")
	}
	if form.Get("redirect_uri") != rec.RedirectURI {
		return fail("redirect_uri does not match the authorization request")
	}
	if res := form.Get("resource"); res != "" && !p.isResource(res) {
		return nil, &tokenError{http.StatusBadRequest, "invalid_target", "resource is not this server", false}
	}
	verifier := form.Get("code_verifier")
	if !validChallenge(verifier) {
		return fail("code_verifier is missing or malformed")
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(rec.CodeChallenge)) != 1 {
		return fail("code_verifier does not match the code_challenge")
	}
	var g grant
	if err := p.get(ctx, keyGrant+rec.GrantID, &g); err != nil {
		return nil, invalidGrant("the authorization was revoked")
	}
	return p.issue(ctx, c, &g, rec.Scopes)
}

// issue mints an access token and a new refresh token for g.
func (p *Proxy) issue(ctx context.Context, c *client, g *grant, scopes []string) (map[string]any, *tokenError) {
	at, exp, err := p.mintAccess(g, scopes)
	if err != nil {
		return nil, &tokenError{http.StatusInternalServerError, "server_error", "cannot sign the token", false}
	}
	resp := map[string]any{
		"access_token": at,
		"token_type":   "Bearer",
		"expires_in":   int64(exp.Sub(p.now()) / time.Second),
	}
	if len(scopes) > 0 {
		resp["scope"] = strings.Join(scopes, " ")
	}
	if slices.Contains(c.GrantTypes, "refresh_token") || c.Document {
		rt := "mcpr_" + randomToken(32)
		rec := refreshRecord{GrantID: g.ID, ClientID: c.ID, Scopes: scopes, Expires: p.now().Add(p.cfg.RefreshTokenTTL)}
		if err := p.put(ctx, keyRefresh+hashKey(rt), rec, p.cfg.RefreshTokenTTL); err != nil {
			return nil, &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", "try again", false}
		}
		resp["refresh_token"] = rt
	}
	return resp, nil
}

func (p *Proxy) refreshGrant(ctx context.Context, c *client, form url.Values) (map[string]any, *tokenError) {
	rt := form.Get("refresh_token")
	if rt == "" || len(rt) > 200 {
		return nil, invalidRequest("refresh_token is required")
	}
	if res := form.Get("resource"); res != "" && !p.isResource(res) {
		return nil, &tokenError{http.StatusBadRequest, "invalid_target", "resource is not this server", false}
	}
	h := hashKey(rt)
	var rec refreshRecord
	// Look first, so a request this grant cannot satisfy (wider scopes)
	// does not spend the token; then take it, which only one request can.
	var scopes []string
	if err := p.get(ctx, keyRefresh+h, &rec); err == nil {
		if rec.ClientID != c.ID {
			p.store.Delete(ctx, keyRefresh+h)
			p.revokeGrant(ctx, rec.GrantID, "refresh token presented by another client")
			return nil, invalidGrant("the refresh token was issued to another client")
		}
		var terr *tokenError
		if scopes, terr = narrowScopes(rec.Scopes, form.Get("scope")); terr != nil {
			return nil, terr
		}
	}
	if err := p.take(ctx, keyRefresh+h, &rec); err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			return nil, &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", "try again", false}
		}
		// Reuse of a rotated refresh token: someone holds a stolen copy;
		// revoke the whole grant (OAuth 2.1 4.3.1).
		if gid, err := p.store.Get(ctx, keyRefreshUsed+h); err == nil {
			p.store.Delete(ctx, keyRefreshUsed+h)
			p.revokeGrant(ctx, string(gid), "refresh token reused after rotation")
		}
		return nil, invalidGrant("the refresh token is invalid, expired or already used")
	}
	p.store.Set(ctx, keyRefreshUsed+h, []byte(rec.GrantID), time.Until(rec.Expires)+time.Minute)
	if rec.ClientID != c.ID {
		p.revokeGrant(ctx, rec.GrantID, "refresh token presented by another client")
		return nil, invalidGrant("the refresh token was issued to another client")
	}
	if scopes == nil {
		scopes = rec.Scopes
	}
	var g grant
	if err := p.get(ctx, keyGrant+rec.GrantID, &g); err != nil {
		return nil, invalidGrant("the authorization was revoked")
	}
	tok, err := p.openToken(&g)
	if err != nil {
		return nil, invalidGrant("the authorization cannot be used any more; sign in again")
	}
	if !tok.Valid() && tok.RefreshToken != "" {
		// The upstream token expired: refresh it now, so tools find a
		// working one. A refusal ends the grant.
		if _, err := p.refreshUpstream(ctx, g.ID); err != nil {
			p.log.Warn("oauthproxy: upstream refresh failed", "client", c.ID, "err", err)
			p.revokeGrant(ctx, g.ID, "upstream refresh refused")
			return nil, invalidGrant("the identity provider refused to renew the sign-in; sign in again")
		}
	}
	// The grant lives as long as its newest refresh token.
	if b, err := p.store.Get(ctx, keyGrant+g.ID); err == nil {
		p.store.CompareAndSwap(ctx, keyGrant+g.ID, b, b, p.cfg.RefreshTokenTTL)
	}
	return p.issue(ctx, c, &g, scopes)
}

// narrowScopes returns the scopes a refresh asks for: all of granted
// when req is empty, else req, which may not add any.
func narrowScopes(granted []string, req string) ([]string, *tokenError) {
	if req == "" {
		return granted, nil
	}
	sc, err := parseScope(req)
	if err != nil {
		return nil, &tokenError{http.StatusBadRequest, "invalid_scope", err.Error(), false}
	}
	for _, s := range sc {
		if !slices.Contains(granted, s) {
			return nil, &tokenError{http.StatusBadRequest, "invalid_scope", "a refresh cannot add scopes", false}
		}
	}
	return sc, nil
}

// serveRevoke is RFC 7009 revocation: a proxy refresh or access token
// revokes the pair (the whole grant) and, best effort, the upstream
// token. Unknown tokens are not an error.
func (p *Proxy) serveRevoke(w http.ResponseWriter, r *http.Request) {
	form, terr := tokenForm(r)
	if terr != nil {
		p.writeTokenError(w, terr)
		return
	}
	ctx := r.Context()
	c, terr := p.authenticateClient(ctx, r, form)
	if terr != nil {
		p.writeTokenError(w, terr)
		return
	}
	tok := form.Get("token")
	if tok == "" {
		p.writeTokenError(w, invalidRequest("token is required"))
		return
	}
	if gid, owner := p.grantOf(ctx, tok); gid != "" {
		if owner == c.ID {
			p.revokeGrant(ctx, gid, "revoked by the client")
		} else {
			p.log.Info("oauthproxy: revocation of another client's token ignored", "client", c.ID)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// grantOf finds the grant and client of a proxy refresh or access
// token (an expired access token still names its grant).
func (p *Proxy) grantOf(ctx context.Context, tok string) (gid, clientID string) {
	if strings.HasPrefix(tok, "mcpr_") && len(tok) < 200 {
		var rec refreshRecord
		if err := p.get(ctx, keyRefresh+hashKey(tok), &rec); err == nil {
			return rec.GrantID, rec.ClientID
		}
		return "", ""
	}
	if len(tok) > 8192 {
		return "", ""
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil || len(jws.Signatures) != 1 {
		return "", ""
	}
	payload, err := jws.Verify(p.keys.signing)
	if err != nil {
		return "", ""
	}
	var c accessClaims
	if err := json.Unmarshal(payload, &c); err != nil || c.Issuer != p.issuer {
		return "", ""
	}
	return c.Grant, c.ClientID
}
