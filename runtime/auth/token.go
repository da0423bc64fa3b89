package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// AccessToken is a verified bearer token: who presented it, for what, and
// until when. Verifiers build it; Middleware puts it in the request
// context, where generated code and handlers read it with
// TokenFromContext.
type AccessToken struct {
	// Token is the raw bearer credential as the client sent it. It is kept
	// so that a server can revoke or log a hash of it; it must never be
	// forwarded to another service (token passthrough lets a downstream
	// service act as the client) and never be logged.
	Token string
	// ClientID is the OAuth client the token was issued to (for JWTs the
	// first of client_id, azp, cid (Okta), appid (Entra v1) and sub).
	ClientID string
	// Subject is the user or service the token speaks for (sub).
	Subject string
	// Scopes the token grants.
	Scopes []string
	// ExpiresAt is when the token stops being valid; zero means the
	// verifier knows no expiry (static development tokens).
	ExpiresAt time.Time
	// Resource is the audience the token was bound to and matched
	// (RFC 8707): normally the server's canonical MCP URL.
	Resource string
	// Issuer is the authorization server that issued the token (iss).
	Issuer string
	// Claims are all claims of a JWT, or the fields of an introspection
	// response; nil for static tokens. Behind the OAuth proxy they also
	// hold the upstream identity's claims (GitHub "login", Google
	// "picture", ...).
	Claims map[string]any
	// Email and Name of the user, when the token's issuer knows them
	// (the OAuth proxy copies them from the upstream identity).
	Email, Name string
}

// HasScopes reports whether the token grants every one of scopes. A nil
// token grants nothing, not even the empty set, so that a forgotten
// middleware fails closed.
func (t *AccessToken) HasScopes(scopes ...string) bool {
	if t == nil {
		return false
	}
	for _, s := range scopes {
		if !slices.Contains(t.Scopes, s) {
			return false
		}
	}
	return true
}

// Principal identifies who the token speaks for, as "issuer|subject" (the
// client id when there is no subject). Transports bind sessions to it so
// a session id leaked to another user is useless.
func (t *AccessToken) Principal() string {
	if t == nil {
		return ""
	}
	who := t.Subject
	if who == "" {
		who = "client:" + t.ClientID
	}
	return t.Issuer + "|" + who
}

// missing returns the entries of required the token lacks.
func (t *AccessToken) missing(required []string) []string {
	var out []string
	for _, s := range required {
		if t == nil || !slices.Contains(t.Scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

type tokenKey struct{}

// WithToken returns ctx carrying tok. Middleware calls it for every
// verified request; tests call it to run handlers as a given caller.
func WithToken(ctx context.Context, tok *AccessToken) context.Context {
	return context.WithValue(ctx, tokenKey{}, tok)
}

// TokenFromContext returns the verified token of the request, or nil when
// the request is unauthenticated (no auth configured, stdio, a public
// route).
func TokenFromContext(ctx context.Context) *AccessToken {
	t, _ := ctx.Value(tokenKey{}).(*AccessToken)
	return t
}

// challengeKey carries the resource metadata URL of the protecting
// middleware, so a ScopeError made deep inside a handler can still build
// the full WWW-Authenticate challenge.
type challengeKey struct{}

func withChallenge(ctx context.Context, metadataURL string) context.Context {
	return context.WithValue(ctx, challengeKey{}, metadataURL)
}

// CodeInsufficientScope is the JSON-RPC error code of a ScopeError when
// it travels inside a stream (MCP defines none; -32003 sits in the
// implementation-defined server-error range next to the spec's own).
const CodeInsufficientScope = -32003

// ScopeError says a request lacks scopes. At the HTTP level it is a 403
// with WWW-Authenticate error="insufficient_scope" (401 when there is no
// token at all); inside a stream it unwraps to a *runtime.Error, so a
// handler that returns it makes the call fail with a JSON-RPC error.
type ScopeError struct {
	// Required are the scopes the entry demands; Missing the subset the
	// token lacks (all of Required when Unauthenticated).
	Required, Missing []string
	// Unauthenticated is set when the request carried no verified token
	// (stdio, or a route the middleware does not protect).
	Unauthenticated bool
	// MetadataURL is the resource metadata URL for the challenge; empty
	// outside a protected request.
	MetadataURL string
}

// Error lists the missing scopes.
func (e *ScopeError) Error() string {
	if e.Unauthenticated {
		return "authentication required: scopes " + strings.Join(e.Required, " ")
	}
	return "insufficient scope: missing " + strings.Join(e.Missing, " ")
}

// HTTPStatus is 403 for a token that lacks scopes, 401 without a token.
func (e *ScopeError) HTTPStatus() int {
	if e.Unauthenticated {
		return 401
	}
	return 403
}

// WWWAuthenticate is the value of the WWW-Authenticate header for the HTTP
// answer. scope= names every required scope (not just the missing ones),
// since a client asks for a new token with that set (RFC 6750 3.1).
func (e *ScopeError) WWWAuthenticate() string {
	if e.Unauthenticated {
		return challenge("", "", e.MetadataURL, e.Required)
	}
	return challenge("insufficient_scope", "the token lacks required scopes", e.MetadataURL, e.Required)
}

// Unwrap turns the error into the protocol error the runtime sends when
// the check fails inside a JSON-RPC exchange.
func (e *ScopeError) Unwrap() error {
	data, _ := json.Marshal(map[string]any{"requiredScopes": e.Required, "missingScopes": e.Missing})
	return &runtime.Error{Code: CodeInsufficientScope, Message: e.Error(), Data: data}
}

// CheckScopes returns nil when the request's token grants every required
// scope (always nil for an empty list), or a *ScopeError naming what is
// missing. The middleware already enforces each entry's declared Scopes
// before it runs; handlers call this for finer checks (a scope that
// depends on the arguments, say).
func CheckScopes(ctx context.Context, required []string) error {
	if len(required) == 0 {
		return nil
	}
	md, _ := ctx.Value(challengeKey{}).(string)
	tok := TokenFromContext(ctx)
	if tok == nil {
		return &ScopeError{Required: slices.Clone(required), Missing: slices.Clone(required), Unauthenticated: true, MetadataURL: md}
	}
	if m := tok.missing(required); len(m) > 0 {
		return &ScopeError{Required: slices.Clone(required), Missing: m, MetadataURL: md}
	}
	return nil
}

// Authorize is CheckScopes for a named entry: kind is "tool", "resource"
// or "prompt", name the entry, scopes the scopes it needs. The error names
// the entry, so logs say what was refused.
func Authorize(ctx context.Context, kind, name string, scopes []string) error {
	if err := CheckScopes(ctx, scopes); err != nil {
		return &EntryError{Kind: kind, Name: name, Err: err.(*ScopeError)}
	}
	return nil
}

// EntryError is a ScopeError for a named tool, resource or prompt.
type EntryError struct {
	// Kind is "tool", "resource" or "prompt"; Name the entry's name (or
	// URI / URI template for resources).
	Kind, Name string
	// Err says which scopes are missing.
	Err *ScopeError
}

// Error names the entry and the missing scopes.
func (e *EntryError) Error() string { return fmt.Sprintf("%s %q: %v", e.Kind, e.Name, e.Err) }

// Unwrap returns the ScopeError (and, through it, the protocol error).
func (e *EntryError) Unwrap() error { return e.Err }

// HTTPStatus is the status of the wrapped ScopeError.
func (e *EntryError) HTTPStatus() int { return e.Err.HTTPStatus() }

// WWWAuthenticate is the challenge of the wrapped ScopeError.
func (e *EntryError) WWWAuthenticate() string { return e.Err.WWWAuthenticate() }
