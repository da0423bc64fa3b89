package runtime

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// HostGuard validates the Host and Origin headers against DNS rebinding:
// a web page on evil.example whose name resolves to 127.0.0.1 must not be
// able to drive a local server from the user's browser. Every HTTP
// transport runs the same check (Server.CheckHostOrigin), so the rules
// live here once.
//
// The rules, from Config: with DisableHostCheck nothing is checked. With
// AllowedHosts, the Host header must match one of them ("host" any port,
// "host:port", "host:*"), and an Origin, when present, must name an
// allowed host too unless AllowedOrigins is set. With AllowedOrigins, an
// Origin must match one of them ("scheme://host[:port]", port "*" for
// any). With neither list, a server bound to a loopback address (Host
// 127.0.0.1, ::1 or localhost) accepts only loopback hosts and origins,
// and any other bind checks nothing (it is reachable by name anyway). A
// request without Origin (not a browser) passes the Origin check.
//
// The CORS origins (MCPGEN_CORS_ORIGINS) are allowed by the Origin check
// too, whichever of the rules above applies: a page the server lets read
// its answers must also be let through, so the two settings never
// disagree. "*" there turns the Origin check off (the Host check stays).
type HostGuard struct {
	off bool

	// corsAny and corsOrigins: the CORS origins, always allowed.
	corsAny     bool
	corsOrigins map[string]bool

	// hosts: nil means no Host check.
	hosts []hostPattern
	// origins: nil means no Origin check; originHosts, when set, checks
	// the host of the Origin against host patterns instead.
	origins     []originPattern
	originHosts []hostPattern
}

// hostPattern is "host" or "host:*" (any port) or "host:port".
type hostPattern struct {
	host string // lower case, IPv6 without brackets
	port string // "" or "*": any port
}

// originPattern is "scheme://host", "scheme://host:port" or "scheme://host:*".
type originPattern struct {
	scheme string
	host   hostPattern
	// exactPort: with no port in the pattern only an Origin without a
	// port matches (origins name a port only when it is not the default).
	exactPort bool
}

var loopbackHosts = []hostPattern{{host: "localhost"}, {host: "127.0.0.1"}, {host: "::1"}}

var loopbackOrigins = func() []originPattern {
	var o []originPattern
	for _, s := range []string{"http", "https"} {
		for _, h := range loopbackHosts {
			o = append(o, originPattern{scheme: s, host: h})
		}
	}
	return o
}()

// NewHostGuard builds the guard for cfg; the lists are parsed once.
// Malformed entries are ignored; a list whose every entry is malformed
// allows nothing, so a typo fails closed.
func NewHostGuard(cfg *Config) *HostGuard {
	g := &HostGuard{off: cfg.DisableHostCheck}
	loopback := isLoopbackName(cfg.Host)
	// resolveConfig has checked the list; one that does not parse (a
	// Config not made by it) exempts no origin (fail closed).
	corsAny, origins, _ := parseCORSOrigins("CORS origins", cfg.CORSOrigins)
	g.corsAny = corsAny
	if len(origins) > 0 {
		g.corsOrigins = map[string]bool{}
		for _, o := range origins {
			g.corsOrigins[o] = true
		}
	}
	switch {
	case len(cfg.AllowedHosts) > 0:
		for _, e := range cfg.AllowedHosts {
			if p, ok := parseHostPattern(e); ok {
				g.hosts = append(g.hosts, p)
			}
		}
		if g.hosts == nil {
			g.hosts = []hostPattern{} // every entry was malformed: allow nothing
		}
	case loopback:
		g.hosts = loopbackHosts
	}
	switch {
	case len(cfg.AllowedOrigins) > 0:
		for _, e := range cfg.AllowedOrigins {
			if p, ok := parseOriginPattern(e); ok {
				g.origins = append(g.origins, p)
			}
		}
		if g.origins == nil {
			g.origins = []originPattern{}
		}
	case len(cfg.AllowedHosts) > 0:
		// A page served from an allowed host is the same site.
		g.originHosts = g.hosts
	case loopback:
		g.origins = loopbackOrigins
	}
	return g
}

// Check returns the HTTP status (421 for a bad Host, 403 for a bad
// Origin) and an explanation for a request that fails validation, or 0
// and "" for one that passes. A nil guard passes everything.
func (g *HostGuard) Check(r *http.Request) (status int, msg string) {
	if g == nil {
		return 0, ""
	}
	if g.off {
		return 0, ""
	}
	if g.hosts != nil && !matchHost(g.hosts, r.Host) {
		return http.StatusMisdirectedRequest, "Host header " + quoteHeader(r.Host) + " is not allowed by this server (DNS rebinding protection); add it to MCPGEN_ALLOWED_HOSTS"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return 0, "" // not a browser, or a same-origin request of an old browser
	}
	if g.origins == nil && g.originHosts == nil || g.corsAny || g.corsOrigins[origin] {
		return 0, ""
	}
	if !g.matchOrigin(origin) {
		return http.StatusForbidden, "Origin " + quoteHeader(origin) + " is not allowed by this server (DNS rebinding protection); add it to MCPGEN_CORS_ORIGINS (a browser page on another origin) or MCPGEN_ALLOWED_ORIGINS"
	}
	return 0, ""
}

// loopbackOnly reports whether the guard lets through only requests
// addressed to loopback names, so that the server is reachable from this
// machine alone.
func (g *HostGuard) loopbackOnly() bool {
	if g == nil || g.off || g.hosts == nil {
		return false
	}
	for _, h := range g.hosts {
		if !isLoopbackName(h.host) {
			return false
		}
	}
	return true
}

func (g *HostGuard) matchOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	host, port, ok := splitHostPort(u.Host)
	if !ok {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	if g.originHosts != nil {
		return matchHostParts(g.originHosts, host, port)
	}
	for _, p := range g.origins {
		if p.scheme != scheme || p.host.host != host {
			continue
		}
		if p.host.port == "*" || !p.exactPort || p.host.port == port {
			return true
		}
	}
	return false
}

func matchHost(pats []hostPattern, hostHeader string) bool {
	host, port, ok := splitHostPort(hostHeader)
	if !ok {
		return false
	}
	return matchHostParts(pats, host, port)
}

func matchHostParts(pats []hostPattern, host, port string) bool {
	for _, p := range pats {
		if p.host != host {
			continue
		}
		if p.port == "" || p.port == "*" || p.port == port {
			return true
		}
	}
	return false
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port" and
// lower-cases the host. It rejects empty hosts, bad ports and stray
// characters.
func splitHostPort(s string) (host, port string, ok bool) {
	if s == "" || len(s) > 512 {
		return "", "", false
	}
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		host, rest := s[1:end], s[end+1:]
		if net.ParseIP(host) == nil {
			return "", "", false
		}
		if rest != "" {
			if rest[0] != ':' {
				return "", "", false
			}
			port = rest[1:]
			if !validPort(port) {
				return "", "", false
			}
		}
		return strings.ToLower(host), port, true
	}
	host = s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
		if strings.IndexByte(host, ':') >= 0 || !validPort(port) {
			return "", "", false // a bare IPv6 address or a bad port
		}
	}
	if host == "" || strings.ContainsAny(host, "/@?#[] \t\r\n") {
		return "", "", false
	}
	return strings.ToLower(host), port, true
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

func parseHostPattern(e string) (hostPattern, bool) {
	e = strings.TrimSpace(e)
	wild := strings.HasSuffix(e, ":*")
	if wild {
		e = strings.TrimSuffix(e, ":*")
	}
	host, port, ok := splitHostPort(e)
	if !ok {
		return hostPattern{}, false
	}
	if wild {
		port = "*"
	}
	return hostPattern{host: host, port: port}, true
}

func parseOriginPattern(e string) (originPattern, bool) {
	e = strings.TrimSuffix(strings.TrimSpace(e), "/")
	scheme, rest, ok := strings.Cut(e, "://")
	if !ok || scheme == "" {
		return originPattern{}, false
	}
	hp, ok := parseHostPattern(rest)
	if !ok {
		return originPattern{}, false
	}
	return originPattern{scheme: strings.ToLower(scheme), host: hp, exactPort: hp.port != "*"}, true
}

// isLoopbackName reports whether a bind address is loopback-only.
func isLoopbackName(h string) bool {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// quoteHeader quotes an untrusted header value for an error message,
// bounded so a huge header cannot bloat the answer.
func quoteHeader(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strconv.Quote(s)
}
