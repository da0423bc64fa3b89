package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// StaticToken is what one development token grants.
type StaticToken struct {
	ClientID  string
	Subject   string
	Scopes    []string
	ExpiresAt time.Time // zero: never expires
}

// StaticTokens verifies a fixed set of bearer tokens, for development and
// tests. Tokens are looked up by their SHA-256 digest so that lookups do
// not leak a token's prefix through timing. Its constructor refuses a
// server bound to a non-loopback host unless AllowNonLoopback is given.
type StaticTokens struct {
	tokens           map[[32]byte]StaticToken
	now              func() time.Time
	allowNonLoopback bool
}

// NewStaticTokens builds the verifier from WithStaticTokens. The bind host
// (WithBindHost, else MCPGEN_HOST, else 127.0.0.1) must be loopback unless
// AllowNonLoopback is given.
func NewStaticTokens(opts ...Option) (*StaticTokens, error) {
	return newStaticTokens(newSettings(opts), os.Getenv)
}

func newStaticTokens(s *settings, getenv func(string) string) (*StaticTokens, error) {
	host := s.bindHost
	if host == "" {
		host = strings.TrimSpace(getenv("MCPGEN_HOST"))
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if err := checkStaticHost(host, s.allowNonLoopback); err != nil {
		return nil, err
	}
	if len(s.staticTokens) == 0 {
		return nil, errors.New("auth: static tokens: none configured: set MCPGEN_AUTH_STATIC_TOKENS or pass auth.WithStaticTokens")
	}
	v := &StaticTokens{tokens: make(map[[32]byte]StaticToken, len(s.staticTokens)), now: s.now, allowNonLoopback: s.allowNonLoopback}
	for tok, st := range s.staticTokens {
		if !isB64Token(tok) || len(tok) > MaxTokenBytes {
			return nil, errors.New("auth: static tokens: a token must be 1 to 16384 characters of A-Z a-z 0-9 - . _ ~ + / (then optional =)")
		}
		st.Scopes = append([]string(nil), st.Scopes...)
		v.tokens[sha256.Sum256([]byte(tok))] = st
	}
	return v, nil
}

func checkStaticHost(host string, allow bool) error {
	if allow || isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("auth: static tokens are for development and the server binds %q, which is reachable from other machines: bind 127.0.0.1 (MCPGEN_HOST) or pass auth.AllowNonLoopback", host)
}

// Verify looks the token up.
func (v *StaticTokens) Verify(_ context.Context, token string) (*AccessToken, error) {
	st, ok := v.tokens[sha256.Sum256([]byte(token))]
	if !ok {
		return nil, invalid("unknown token")
	}
	if !st.ExpiresAt.IsZero() && !v.now().Before(st.ExpiresAt) {
		return nil, invalid("token expired")
	}
	client := st.ClientID
	if client == "" {
		client = st.Subject
	}
	return &AccessToken{
		Token: token, ClientID: client, Subject: st.Subject,
		Scopes: append([]string(nil), st.Scopes...), ExpiresAt: st.ExpiresAt, Issuer: "static",
	}, nil
}

// ParseStaticTokens reads MCPGEN_AUTH_STATIC_TOKENS: a JSON object from
// token to {"client_id", "sub", "scopes", "expires_at"}, where scopes is a
// list (or a space-separated string) and expires_at RFC 3339 or Unix
// seconds. Unknown fields are errors, so a typo cannot silently drop a
// restriction.
func ParseStaticTokens(data []byte) (map[string]StaticToken, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("MCPGEN_AUTH_STATIC_TOKENS: want a JSON object of token -> {client_id, sub, scopes, expires_at}: %w", err)
	}
	if dec.More() {
		return nil, errors.New("MCPGEN_AUTH_STATIC_TOKENS: trailing data after the JSON object")
	}
	if raw == nil {
		return nil, errors.New("MCPGEN_AUTH_STATIC_TOKENS: want a JSON object, got null")
	}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string]StaticToken, len(raw))
	for i, tok := range names {
		// Errors name the entry by position, never by the token itself.
		where := fmt.Sprintf("MCPGEN_AUTH_STATIC_TOKENS entry %d", i+1)
		if !isB64Token(tok) {
			return nil, fmt.Errorf("%s: a token must be letters, digits and - . _ ~ + / (then optional =)", where)
		}
		var e struct {
			ClientID  string          `json:"client_id"`
			Sub       string          `json:"sub"`
			Scopes    json.RawMessage `json:"scopes"`
			ExpiresAt json.RawMessage `json:"expires_at"`
		}
		d := json.NewDecoder(bytes.NewReader(raw[tok]))
		d.DisallowUnknownFields()
		d.UseNumber()
		if err := d.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		st := StaticToken{ClientID: e.ClientID, Subject: e.Sub}
		var err error
		if st.Scopes, err = parseScopeList(e.Scopes); err != nil {
			return nil, fmt.Errorf("%s: scopes: %w", where, err)
		}
		if st.ExpiresAt, err = parseExpiry(e.ExpiresAt); err != nil {
			return nil, fmt.Errorf("%s: expires_at: %w", where, err)
		}
		out[tok] = st
	}
	return out, nil
}

func parseScopeList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		for _, s := range list {
			if err := checkScopeToken(s); err != nil {
				return nil, err
			}
		}
		return list, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		return nil, errors.New("want a list of strings or a space-separated string")
	}
	return parseScopes(str)
}

func parseExpiry(raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		secs, err := n.Int64()
		if err != nil || secs <= 0 || secs > 1e11 {
			return time.Time{}, errors.New("want Unix seconds or an RFC 3339 time")
		}
		return time.Unix(secs, 0), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, errors.New("want Unix seconds or an RFC 3339 time")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errors.New("want Unix seconds or an RFC 3339 time")
	}
	return t, nil
}

// parseScopes splits a space- or comma-separated scope list and checks
// each scope is an RFC 6749 scope-token.
func parseScopes(v string) ([]string, error) {
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' }) {
		if err := checkScopeToken(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// checkScopeToken enforces scope-token = 1*( %x21 / %x23-5B / %x5D-7E ),
// which also keeps scopes safe inside a quoted WWW-Authenticate parameter.
func checkScopeToken(s string) error {
	if s == "" {
		return errors.New("empty scope")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("scope %q: only printable ASCII without space, quote or backslash", s)
		}
	}
	return nil
}
