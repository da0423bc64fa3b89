package oauthproxy

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// maxRedirectURILen bounds a redirect URI.
const maxRedirectURILen = 2000

// refusedSchemes can never be redirect targets: they run code in, or
// read from, the browser instead of navigating.
var refusedSchemes = []string{"javascript", "data", "file", "vbscript", "blob", "about", "view-source", "filesystem"}

// redirectURI is a parsed, validated redirect URI.
type redirectURI struct {
	raw      string
	u        *url.URL
	loopback bool // http(s) on a loopback IP or localhost: any port matches
}

// parseRedirectURI validates a client redirect URI, at registration and
// at /authorize: an absolute URI without fragment, userinfo, dot
// segments, backslashes, control characters or whitespace; http only on
// loopback hosts; never a browser-internal scheme; never the proxy's
// own upstream callback (callback, already canonical).
func parseRedirectURI(raw, callback string) (*redirectURI, error) {
	if raw == "" {
		return nil, errors.New("empty redirect URI")
	}
	if len(raw) > maxRedirectURILen {
		return nil, fmt.Errorf("redirect URI longer than %d bytes", maxRedirectURILen)
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= 0x20 || c >= 0x7f || c == '\\' {
			return nil, errors.New("redirect URI contains whitespace, a control or non-ASCII character, or a backslash")
		}
	}
	if strings.Contains(raw, "#") {
		return nil, errors.New("redirect URI must not contain a fragment")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("redirect URI does not parse: %v", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "" {
		return nil, errors.New("redirect URI must be absolute")
	}
	for _, s := range refusedSchemes {
		if scheme == s {
			return nil, fmt.Errorf("redirect URI scheme %s: is never allowed", scheme)
		}
	}
	if u.User != nil || strings.Contains(rawAuthority(raw), "@") {
		return nil, errors.New("redirect URI must not contain userinfo")
	}
	if hasDotSegment(u.EscapedPath()) || hasDotSegment(u.Opaque) {
		return nil, errors.New("redirect URI must not contain . or .. path segments")
	}
	r := &redirectURI{raw: raw, u: u}
	switch scheme {
	case "http", "https":
		if u.Opaque != "" || u.Host == "" {
			return nil, errors.New("http(s) redirect URI needs a host")
		}
		host := u.Hostname()
		if strings.HasSuffix(host, ".") || strings.Contains(host, "%") {
			return nil, errors.New("redirect URI host is not canonical")
		}
		if p := u.Port(); p != "" {
			if n, err := parsePort(p); err != nil || n == 0 {
				return nil, errors.New("redirect URI port is not a number between 1 and 65535")
			}
		}
		r.loopback = isLoopback(host)
		if scheme == "http" && !r.loopback {
			return nil, errors.New("http redirect URIs are only allowed on loopback hosts (localhost, 127.0.0.1, [::1]); use https")
		}
		if callback != "" && sameEndpoint(u, callback) {
			return nil, errors.New("redirect URI points at this server's own upstream callback")
		}
	default:
		// Private-use schemes of native apps (RFC 8252 7.1):
		// com.example.app:/cb or myapp://cb.
		if u.Host == "" && u.Opaque == "" && u.Path == "" {
			return nil, errors.New("redirect URI has no path")
		}
	}
	return r, nil
}

// rawAuthority returns the authority part of raw as written, so an "@"
// that url.Parse would have moved elsewhere is still seen.
func rawAuthority(raw string) string {
	_, rest, ok := strings.Cut(raw, "//")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// hasDotSegment reports "." or ".." path segments, also percent-encoded.
func hasDotSegment(p string) bool {
	if p == "" {
		return false
	}
	lower := strings.ToLower(p)
	lower = strings.ReplaceAll(lower, "%2e", ".")
	lower = strings.ReplaceAll(lower, "%2f", "/")
	for seg := range strings.SplitSeq(lower, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func parsePort(p string) (int, error) {
	n := 0
	if len(p) > 5 {
		return 0, errors.New("port too long")
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return 0, errors.New("port out of range")
	}
	return n, nil
}

// isLoopback reports localhost and loopback IP literals.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameEndpoint reports whether u names the endpoint canonical (an
// absolute URL without query): same scheme, host and port (defaults
// filled in), and path equal after case folding of the host and
// trailing-slash trimming.
func sameEndpoint(u *url.URL, canonical string) bool {
	c, err := url.Parse(canonical)
	if err != nil {
		return false
	}
	if !strings.EqualFold(u.Scheme, c.Scheme) || !strings.EqualFold(u.Hostname(), c.Hostname()) {
		return false
	}
	if portOr(u) != portOr(c) {
		return false
	}
	up, _ := url.PathUnescape(u.EscapedPath())
	return strings.EqualFold(strings.TrimRight(up, "/"), strings.TrimRight(c.Path, "/"))
}

func portOr(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// matches reports whether the requested redirect URI equals this
// registered one: exactly, or, for loopback registrations, with any
// port (RFC 8252 7.3) but the same scheme, host, path and query.
func (r *redirectURI) matches(req *redirectURI) bool {
	if r.raw == req.raw {
		return true
	}
	if !r.loopback || !req.loopback {
		return false
	}
	a, b := r.u, req.u
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		a.EscapedPath() == b.EscapedPath() &&
		a.RawQuery == b.RawQuery && a.ForceQuery == b.ForceQuery
}

// redirectPattern is one entry of MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS,
// matched component by component: scheme exactly; host exactly, or
// "*.example.com" for any subdomain (one or more labels, never the bare
// domain nor a suffix inside a label); port exactly, "*" for any, absent
// for the scheme's default (any port on loopback hosts); path exactly,
// or "/prefix/*" for anything below /prefix/; query exactly when the
// pattern has one.
type redirectPattern struct {
	scheme, host, port, path, query string
	anyPort, hostWildcard, pathWild bool
	hasQuery                        bool
}

func parsePattern(p string) (*redirectPattern, error) {
	p = strings.TrimSpace(p)
	if i := strings.Index(p, ":"); i > 0 {
		for _, s := range refusedSchemes {
			if strings.EqualFold(p[:i], s) {
				return nil, fmt.Errorf("redirect URI pattern %q: scheme %s is never allowed", p, s)
			}
		}
	}
	scheme, rest, ok := strings.Cut(p, "://")
	if !ok || scheme == "" {
		// Private-use scheme without authority: exact match.
		if i := strings.Index(p, ":"); i > 0 && !strings.ContainsAny(p, "#@\\ *") {
			return &redirectPattern{scheme: strings.ToLower(p[:i]), path: p[i+1:]}, nil
		}
		return nil, fmt.Errorf("redirect URI pattern %q: want scheme://host[:port]/path", p)
	}
	if strings.ContainsAny(rest, "#@\\ ") {
		return nil, fmt.Errorf("redirect URI pattern %q: no fragment, userinfo, backslash or space", p)
	}
	pat := &redirectPattern{scheme: strings.ToLower(scheme)}
	hostport, pathq := rest, "/"
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hostport, pathq = rest[:i], rest[i:]
	}
	if strings.HasPrefix(pathq, "?") {
		pathq = "/" + pathq
	}
	path, q, hasQ := strings.Cut(pathq, "?")
	pat.path, pat.query, pat.hasQuery = path, q, hasQ
	if strings.HasSuffix(path, "/*") {
		pat.pathWild, pat.path = true, strings.TrimSuffix(path, "*")
	}
	if strings.Contains(pat.path, "*") || hasDotSegment(pat.path) {
		return nil, fmt.Errorf("redirect URI pattern %q: * only as a whole last path segment, and no dot segments", p)
	}
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.Index(hostport, "]")
		if end < 0 {
			return nil, fmt.Errorf("redirect URI pattern %q: bad IPv6 host", p)
		}
		host, port = hostport[1:end], strings.TrimPrefix(hostport[end+1:], ":")
	} else if h, pt, ok := strings.Cut(hostport, ":"); ok {
		host, port = h, pt
	}
	host = strings.ToLower(host)
	if strings.HasPrefix(host, "*.") {
		pat.hostWildcard, host = true, host[1:] // ".example.com"
	}
	if host == "" || strings.Contains(host, "*") {
		return nil, fmt.Errorf("redirect URI pattern %q: * only as the whole first host label", p)
	}
	pat.host = host
	switch {
	case port == "*":
		pat.anyPort = true
	case port != "":
		if n, err := parsePort(port); err != nil || n == 0 {
			return nil, fmt.Errorf("redirect URI pattern %q: bad port", p)
		}
		pat.port = port
	}
	return pat, nil
}

func (p *redirectPattern) match(r *redirectURI) bool {
	u := r.u
	if !strings.EqualFold(u.Scheme, p.scheme) {
		return false
	}
	if p.host == "" && !p.hostWildcard { // private-use scheme pattern
		return u.Host == "" && (u.Opaque == p.path || u.Path == p.path) && !u.ForceQuery && u.RawQuery == ""
	}
	host := strings.ToLower(u.Hostname())
	if p.hostWildcard {
		// ".example.com": at least one whole label before it.
		if !strings.HasSuffix(host, p.host) || len(host) <= len(p.host) {
			return false
		}
	} else if host != p.host {
		return false
	}
	switch {
	case p.anyPort:
	case p.port != "":
		if u.Port() != p.port && !(u.Port() == "" && portOr(u) == p.port) {
			return false
		}
	default:
		if u.Port() != "" && !(r.loopback && isLoopback(p.host)) && u.Port() != portOr(&url.URL{Scheme: p.scheme}) {
			return false
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if p.pathWild {
		if !strings.HasPrefix(path, p.path) {
			return false
		}
	} else if path != p.path {
		return false
	}
	if p.hasQuery {
		return u.RawQuery == p.query
	}
	return true
}
