package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// streamGrace is added to a token's expiry before an event stream it
// opened is closed, matching the default clock-skew leeway.
var streamGrace = DefaultLeeway

// maxLeeway is the largest leeway a verifier may be configured with.
const maxLeeway = 5 * time.Minute

// MiddlewareConfig says which requests Middleware protects.
type MiddlewareConfig struct {
	// Paths are the protected paths, compared after cleaning and case
	// folding (so /MCP/ and /mcp/../mcp are protected like /mcp); an entry
	// ending in "/" also protects everything below it. Empty protects
	// every path except the RFC 9728 and RFC 8414 well-known documents,
	// so a forgotten list fails closed. ServerOptions sets the
	// Streamable HTTP, SSE and message paths.
	Paths []string
	// Logger receives one debug line per refusal (the reason, never the
	// token); nil discards.
	Logger *slog.Logger
	// Definition, when set, makes the middleware enforce the Scopes of
	// its tools, prompts and resources: for a POST it reads the JSON-RPC
	// request in the body and answers 403 insufficient_scope (with the
	// entry's scopes in the challenge, so the client can step up) when
	// the token lacks the scopes of the tool called (tools/call), the
	// prompt fetched (prompts/get), the resource read or subscribed to
	// (resources/read, resources/subscribe, subscriptions/listen, by
	// fixed URI or template) or
	// the entry a completion/complete refers to. Listings are not
	// filtered: tools/list shows every tool to every caller.
	// ServerOptions sets it to the server's Definition.
	Definition *runtime.Definition
	// MaxBodyBytes bounds the body read for that check (default
	// runtime.DefaultMaxBodyBytes); ServerOptions sets the server's
	// Config.MaxBodyBytes, so the middleware never reads more than the
	// transport would accept.
	MaxBodyBytes int64
}

// Middleware returns HTTP middleware that lets requests to the protected
// paths through only with a valid bearer token in the Authorization
// header, putting the verified token in the request context (WithToken).
// Refusals follow RFC 6750 and the MCP authorization spec:
//
//   - no bearer credentials: 401, WWW-Authenticate: Bearer
//     resource_metadata="…" (plus scope="…" when p requires scopes);
//   - a malformed header, or access_token in the query string: 400
//     error="invalid_request" (query tokens leak into logs and Referer
//     headers, so they are refused, never used);
//   - a token the verifier rejects: 401 error="invalid_token";
//   - a token without p.RequiredScopes(): 403 error="insufficient_scope"
//     scope="…";
//   - a verifier that cannot decide (JWKS down): 503.
//
// OPTIONS requests pass unauthenticated: CORS preflights carry no
// credentials and run no MCP method.
func Middleware(p Provider, cfg MiddlewareConfig) func(http.Handler) http.Handler {
	md := p.Metadata()
	m := &guard{
		p:        p,
		metadata: MetadataURL(md.Resource),
		required: p.RequiredScopes(),
		log:      cfg.Logger,
		entries:  newEntryScopes(cfg.Definition),
		maxBody:  cfg.MaxBodyBytes,
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	for _, ps := range cfg.Paths {
		prefix := strings.HasSuffix(ps, "/") && ps != "/"
		c := cleanPath(ps)
		if prefix {
			m.prefixes = append(m.prefixes, c+"/")
		}
		m.exact = append(m.exact, c)
	}
	m.all = len(cfg.Paths) == 0
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !m.protects(r.URL.Path) || r.Method == http.MethodOptions {
				next.ServeHTTP(w, r)
				return
			}
			if tok := m.check(w, r); tok != nil {
				if m.entries != nil && r.Method == http.MethodPost && !m.checkEntry(w, r, tok) {
					return
				}
				ctx := withChallenge(WithToken(r.Context(), tok), m.metadata)
				// The principal binds sessions (runtime.SessionTable) and
				// 2026-07-28 requestState to this caller, so a session id
				// or a state issued to one user is useless to another.
				ctx = runtime.WithPrincipal(ctx, tok.Principal())
				if !tok.ExpiresAt.IsZero() {
					// A GET opens a long-lived event stream, and a POST may
					// answer with one (a long call, a 2026 listen stream):
					// neither may outlive the token that opened it. The
					// client reconnects with a fresh token (and
					// Last-Event-ID); a 2025 session's call goes on
					// meanwhile (the transport detaches it from the
					// request), a stateless or 2026 request ends.
					var cancel context.CancelFunc
					ctx, cancel = context.WithDeadline(ctx, tok.ExpiresAt.Add(streamGrace))
					defer cancel()
				}
				next.ServeHTTP(w, r.WithContext(ctx))
			}
		})
	}
}

type guard struct {
	p        Provider
	metadata string
	required []string
	log      *slog.Logger
	entries  *entryScopes // nil: no entry declares scopes
	maxBody  int64

	all      bool
	exact    []string
	prefixes []string
}

func cleanPath(p string) string {
	if p == "" {
		p = "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	return strings.ToLower(path.Clean(p))
}

func (m *guard) protects(p string) bool {
	c := cleanPath(p)
	if m.all {
		return !strings.HasPrefix(c, "/.well-known/oauth-protected-resource") &&
			!strings.HasPrefix(c, "/.well-known/oauth-authorization-server") &&
			!strings.HasPrefix(c, "/.well-known/openid-configuration")
	}
	for _, e := range m.exact {
		if c == e {
			return true
		}
	}
	for _, pre := range m.prefixes {
		if strings.HasPrefix(c, pre) {
			return true
		}
	}
	return false
}

// check verifies the request's token, answering the refusal itself and
// returning nil when there is none to use.
func (m *guard) check(w http.ResponseWriter, r *http.Request) *AccessToken {
	if hasQueryToken(r.URL.RawQuery) {
		m.refuse(w, r, http.StatusBadRequest, "invalid_request", "access tokens are not accepted in the query string: send Authorization: Bearer")
		return nil
	}
	raw, err := BearerToken(r.Header)
	switch {
	case errors.Is(err, ErrNoCredentials):
		m.refuse(w, r, http.StatusUnauthorized, "", "authentication required")
		return nil
	case err != nil:
		m.refuse(w, r, http.StatusBadRequest, "invalid_request", "malformed Authorization header: want Bearer and one token")
		return nil
	}
	tok, err := m.p.Verify(r.Context(), raw)
	if err == nil && tok == nil {
		err = invalid("verifier returned no token")
	}
	if err == nil && !tok.ExpiresAt.IsZero() && !time.Now().Before(tok.ExpiresAt.Add(maxLeeway)) {
		// Defense in depth against verifiers that forget exp; the
		// verifier's own leeway (at most maxLeeway) has the final say.
		err = invalid("token expired")
	}
	if err != nil {
		if errors.Is(err, ErrUnavailable) {
			m.log.Warn("auth: token verification unavailable", "path", r.URL.Path, "err", err)
			w.Header().Set("Retry-After", "5")
			writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "token verification is temporarily unavailable")
			return nil
		}
		reason := "token verification failed"
		var te *TokenError
		if errors.As(err, &te) {
			reason = te.Reason
		}
		m.log.Debug("auth: token refused", "path", r.URL.Path, "reason", reason)
		m.refuse(w, r, http.StatusUnauthorized, "invalid_token", reason)
		return nil
	}
	if missing := tok.missing(m.required); len(missing) > 0 {
		m.log.Debug("auth: insufficient scope", "path", r.URL.Path, "client", tok.ClientID, "missing", missing)
		m.refuse(w, r, http.StatusForbidden, "insufficient_scope", "the token lacks required scopes")
		return nil
	}
	return tok
}

// refuse writes the status with its challenge and a JSON body in the
// RFC 6749 error format.
func (m *guard) refuse(w http.ResponseWriter, r *http.Request, status int, code, description string) {
	var scopes []string
	if code == "" || code == "insufficient_scope" {
		scopes = m.required
	}
	w.Header().Set("WWW-Authenticate", challenge(code, description, m.metadata, scopes))
	if code == "" {
		code = "invalid_token"
		if status == http.StatusUnauthorized {
			code = "unauthorized"
		}
	}
	writeOAuthError(w, status, code, description)
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	body, _ := json.Marshal(map[string]string{"error": code, "error_description": description})
	w.WriteHeader(status)
	w.Write(body)
}

// hasQueryToken reports whether the raw query has an access_token
// parameter, however it is escaped.
func hasQueryToken(raw string) bool {
	if raw == "" {
		return false
	}
	for part := range strings.SplitSeq(raw, "&") {
		for sub := range strings.SplitSeq(part, ";") {
			name, _, _ := strings.Cut(sub, "=")
			if strings.Contains(name, "%") || strings.Contains(name, "+") {
				if u, err := url.QueryUnescape(name); err == nil {
					name = u
				}
			}
			if strings.EqualFold(strings.TrimSpace(name), "access_token") {
				return true
			}
		}
	}
	return false
}
