package auth

import (
	"errors"
	"net/http"
	"strings"
)

// MaxTokenBytes bounds the length of a bearer token; longer credentials
// are rejected before any parsing or signature work.
const MaxTokenBytes = 16 << 10

var (
	// ErrNoCredentials is BearerToken's error for a request without an
	// Authorization header, or with another scheme (RFC 6750 3.1: such a
	// request gets a challenge without an error code).
	ErrNoCredentials = errors.New("no bearer credentials")
	// ErrMalformedHeader is BearerToken's error for a Bearer header that
	// is not a single b64token, or for several Authorization headers
	// (400 invalid_request).
	ErrMalformedHeader = errors.New("malformed Authorization header")
)

// BearerToken extracts the token of an "Authorization: Bearer <token>"
// header (scheme case-insensitive, RFC 6750 2.1). It returns
// ErrNoCredentials when there is no bearer credential at all and
// ErrMalformedHeader when there is a broken one. Tokens are never
// taken from the query string or the body.
func BearerToken(h http.Header) (string, error) {
	vals := h.Values("Authorization")
	switch len(vals) {
	case 0:
		return "", ErrNoCredentials
	case 1:
	default:
		return "", ErrMalformedHeader
	}
	return parseBearer(vals[0])
}

func parseBearer(v string) (string, error) {
	v = strings.Trim(v, " \t")
	scheme, rest, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "bearer") {
		if len(scheme) > len("bearer") && strings.EqualFold(scheme[:len("bearer")], "bearer") {
			// "Bearerabc" or "Bearer\tabc": meant as bearer, broken.
			return "", ErrMalformedHeader
		}
		if scheme == "" {
			return "", ErrMalformedHeader
		}
		return "", ErrNoCredentials
	}
	tok := strings.TrimLeft(rest, " ")
	if tok == "" || len(tok) > MaxTokenBytes || !isB64Token(tok) {
		return "", ErrMalformedHeader
	}
	return tok, nil
}

// isB64Token reports whether s matches RFC 6750's
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// challenge builds a Bearer WWW-Authenticate value with its parameters in
// a fixed order: error, error_description, resource_metadata, scope. Empty
// parameters are left out.
func challenge(code, description, metadataURL string, scopes []string) string {
	var b strings.Builder
	b.WriteString("Bearer")
	sep := " "
	param := func(name, value string) {
		b.WriteString(sep)
		b.WriteString(name)
		b.WriteString(`="`)
		b.WriteString(value)
		b.WriteByte('"')
		sep = ", "
	}
	if code != "" {
		param("error", code)
		if description != "" {
			param("error_description", quotable(description))
		}
	}
	if metadataURL != "" {
		param("resource_metadata", quotable(metadataURL))
	}
	if len(scopes) > 0 {
		param("scope", quotable(strings.Join(scopes, " ")))
	}
	return b.String()
}

// quotable keeps only the characters RFC 6750 allows inside
// error_description and scope (%x20-21 / %x23-5B / %x5D-7E): no quote,
// no backslash, no control or non-ASCII bytes, so the header cannot be
// broken out of.
func quotable(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			b[i] = '?'
		}
	}
	return string(b)
}
