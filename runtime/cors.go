package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// CORS for browser-based MCP clients (a web app on another origin calling
// the server with fetch). Server.ServeHTTP runs it, with the Host/Origin
// guard, before any middleware (auth included) and before the router, so
//
//   - a preflight (OPTIONS with Access-Control-Request-Method) is answered
//     there, without a token and without a session;
//   - every answer to an allowed origin carries the CORS headers, errors
//     included (401 from auth, 404 for an ended session, 405, 413, 421...),
//     so the page can read why it failed;
//   - an origin that is not allowed gets no CORS headers at all and a
//     warning in the log (rate-limited) saying why.
//
// It applies to every route except those marked NoCORS (pages a browser
// navigates to: OAuth authorization, consent and callback pages). The
// well-known discovery documents are public: any origin may read them.

// CORS response headers.
const (
	// corsAllowMethods are the methods of the MCP endpoints.
	corsAllowMethods = "GET, POST, DELETE"
	// corsExposeHeaders are the response headers a page must read: the
	// session id (or every request opens a new session), the negotiated
	// version, and the bearer challenge of a 401/403.
	corsExposeHeaders = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate"
	// corsMaxAge is how long a browser may cache a preflight answer, in
	// seconds (Chromium caps it at 7200).
	corsMaxAge = "7200"
)

// corsBaseHeaders are the request headers every MCP client may send
// cross-origin; the Mcp-Param-* headers declared by tools are added at
// start-up (see newCORS).
var corsBaseHeaders = []string{
	"Content-Type", "Accept", "Authorization",
	"Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID",
	"Mcp-Method", "Mcp-Name",
}

// corsAny is the MCPGEN_CORS_ORIGINS value that allows every origin.
const corsAny = "*"

// cors is the resolved CORS policy of a Server; nil origins and !any
// means CORS is off (the default) except on the public documents.
type cors struct {
	any     bool
	origins map[string]bool // normalised exact origins
	listed  string          // the configured list, for log lines

	allowHeaders string              // Access-Control-Allow-Headers, computed once
	allowSet     map[string]bool     // the same, lower case, to explain refusals
	noCORS       map[string]struct{} // exact paths of NoCORS routes
	noCORSParams [][]string          // NoCORS routes with parameters, split into segments

	log  *slog.Logger
	warn warnLimiter
}

// on reports whether MCPGEN_CORS_ORIGINS is set.
func (c *cors) on() bool { return c.any || len(c.origins) > 0 }

// parseCORSOrigins checks and normalises a MCPGEN_CORS_ORIGINS list:
// exact origins (scheme://host[:port], lower case, no default port) or
// the single entry "*". name is what an error calls the setting.
func parseCORSOrigins(name string, list []string) (any bool, origins []string, err error) {
	for _, e := range list {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
			continue
		case e == corsAny:
			any = true
			continue
		}
		o, err := normaliseOrigin(e)
		if err != nil {
			return false, nil, fmt.Errorf("%s: %w", name, err)
		}
		if !slices.Contains(origins, o) {
			origins = append(origins, o)
		}
	}
	if any && len(origins) > 0 {
		return false, nil, fmt.Errorf("%s: %q allows every origin; give either * alone or a list of exact origins", name, corsAny)
	}
	return any, origins, nil
}

// normaliseOrigin returns the serialised origin a browser sends for e, or
// an error saying what is wrong with it.
func normaliseOrigin(e string) (string, error) {
	const want = "want an exact origin such as https://app.example.com or http://localhost:6274 (scheme, host and port only), or * alone"
	if strings.EqualFold(e, "null") {
		return "", fmt.Errorf("origin %q is never allowed (sandboxed frames and file pages send it); %s", e, want)
	}
	u, err := url.Parse(e)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(e, "#") {
		return "", fmt.Errorf("%q: %s", e, want)
	}
	host, port, ok := splitHostPort(u.Host)
	if !ok || strings.Contains(u.Host, "*") {
		return "", fmt.Errorf("%q: %s", e, want)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// newCORS builds the policy from the configuration, the routes the server
// serves and the Mcp-Param-* headers its tools declare.
func newCORS(cfg *Config, routes []Route, paramHeaders map[string][]paramHeader) (*cors, error) {
	any, origins, err := parseCORSOrigins("CORS origins", cfg.CORSOrigins)
	if err != nil {
		return nil, err
	}
	c := &cors{any: any, log: cfg.Logger, noCORS: map[string]struct{}{}, allowSet: map[string]bool{}}
	if len(origins) > 0 {
		c.origins = make(map[string]bool, len(origins))
		for _, o := range origins {
			c.origins[o] = true
		}
		c.listed = strings.Join(origins, ", ")
	}
	if any {
		c.listed = corsAny
	}
	hdrs := slices.Clone(corsBaseHeaders)
	var params []string
	for _, hs := range paramHeaders {
		for _, h := range hs {
			params = append(params, "Mcp-Param-"+h.header)
		}
	}
	slices.Sort(params)
	for _, h := range slices.Compact(params) {
		if !slices.ContainsFunc(hdrs, func(x string) bool { return strings.EqualFold(x, h) }) {
			hdrs = append(hdrs, h)
		}
	}
	for _, h := range hdrs {
		c.allowSet[strings.ToLower(h)] = true
	}
	c.allowHeaders = strings.Join(hdrs, ", ")
	for _, r := range routes {
		if !r.NoCORS {
			continue
		}
		if strings.ContainsAny(r.Path, ":*") {
			c.noCORSParams = append(c.noCORSParams, strings.Split(r.Path, "/"))
		} else {
			c.noCORS[r.Path] = struct{}{}
		}
	}
	return c, nil
}

// errCORSAnyOnLoopback is NewServer's refusal of "*" on a server only
// reachable on loopback.
var errCORSAnyOnLoopback = errors.New(`MCPGEN_CORS_ORIGINS=*: this server answers loopback hosts only (MCPGEN_HOST is a loopback address and MCPGEN_ALLOWED_HOSTS names no other host), so "*" would let every web page the user opens call it; list the exact origins of the pages that may (for example http://localhost:6274), or set MCPGEN_ALLOWED_HOSTS for a server reachable by name`)

// excluded reports whether path is a NoCORS route.
func (c *cors) excluded(p string) bool {
	if _, ok := c.noCORS[p]; ok {
		return true
	}
	if len(c.noCORSParams) == 0 {
		return false
	}
	segs := strings.Split(p, "/")
	for _, pat := range c.noCORSParams {
		if matchSegments(pat, segs) {
			return true
		}
	}
	return false
}

// matchSegments matches a path split at "/" against an httprouter pattern
// split the same way (":name" one non-empty segment, "*name" the rest).
func matchSegments(pat, segs []string) bool {
	for i, p := range pat {
		if strings.HasPrefix(p, "*") {
			return true
		}
		if i >= len(segs) {
			return false
		}
		switch {
		case strings.HasPrefix(p, ":"):
			if segs[i] == "" {
				return false
			}
		case p != segs[i]:
			return false
		}
	}
	return len(pat) == len(segs)
}

// isPublicDocument reports whether path is a well-known discovery document
// (RFC 9728, RFC 8414, OpenID discovery), which any origin may read.
func isPublicDocument(p string) bool { return strings.HasPrefix(p, "/.well-known/") }

// apply sets the CORS response headers for r on w and reports whether the
// origin was allowed. It logs a refused origin. Requests without Origin,
// same-origin requests and NoCORS routes get nothing.
func (c *cors) apply(w http.ResponseWriter, r *http.Request) (allowed bool) {
	origin := r.Header.Get("Origin")
	public := isPublicDocument(r.URL.Path)
	if !public && (!c.on() || c.excluded(r.URL.Path)) {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	if origin == "" || sameOrigin(origin, r.Host) {
		return false
	}
	switch {
	case c.origins[origin]:
		h.Set("Access-Control-Allow-Origin", origin)
	case c.any || public:
		h.Set("Access-Control-Allow-Origin", corsAny)
	default:
		c.refused(r, origin)
		return false
	}
	h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
	return true
}

// preflight answers a CORS preflight from an allowed origin.
func (c *cors) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", corsAllowMethods)
	h.Set("Access-Control-Allow-Headers", c.allowHeaders)
	h.Set("Access-Control-Max-Age", corsMaxAge)
	if strings.EqualFold(r.Header.Get("Access-Control-Request-Private-Network"), "true") {
		// A public page calling a server on loopback or a private
		// network (Chromium's Private Network Access).
		h.Set("Access-Control-Allow-Private-Network", "true")
	}
	if missing := c.unknownHeaders(r.Header.Get("Access-Control-Request-Headers")); missing != "" {
		c.warnf(r.Header.Get("Origin")+"|headers|"+missing, "cors: preflight asks for request headers the server does not allow; the browser will block the request",
			"origin", bounded(r.Header.Get("Origin")), "path", r.URL.Path, "headers", missing, "allowed", c.allowHeaders)
	}
	h.Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}

// unknownHeaders lists the headers of an Access-Control-Request-Headers
// value that the preflight answer does not allow.
func (c *cors) unknownHeaders(req string) string {
	var out []string
	for f := range strings.SplitSeq(req, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f != "" && !c.allowSet[f] && len(out) < 8 {
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}

// refused logs, rate-limited, why origin got no CORS headers.
func (c *cors) refused(r *http.Request, origin string) {
	c.warnf(origin, "cors: origin not allowed; the browser will block the page from reading the answer",
		"origin", bounded(origin), "method", r.Method, "path", r.URL.Path,
		"reason", "not listed in MCPGEN_CORS_ORIGINS ("+c.listed+")")
}

func (c *cors) warnf(key, msg string, args ...any) {
	if c.log == nil || !c.warn.allow(key, time.Now()) {
		return
	}
	c.log.Warn(msg, args...)
}

// bounded cuts an untrusted header value for a log attribute (the log
// handler escapes it).
func bounded(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// sameOrigin reports whether origin names the host the request was sent
// to: a page of this server calling it needs no CORS. The scheme is not
// compared (TLS may end at a proxy).
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	oh, op, ok1 := splitHostPort(u.Host)
	rh, rp, ok2 := splitHostPort(host)
	if !ok1 || !ok2 || oh != rh {
		return false
	}
	def := func(p, scheme string) string {
		if p != "" {
			return p
		}
		if strings.EqualFold(scheme, "https") {
			return "443"
		}
		return "80"
	}
	return def(op, u.Scheme) == def(rp, u.Scheme)
}

// isPreflight reports whether r is a CORS preflight.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// warnLimiter lets one log line per key through per interval, and stays
// quiet when a flood of distinct keys fills its table until entries age
// out, so refusals cannot flood the log.
type warnLimiter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const (
	warnInterval = time.Minute
	warnKeys     = 256
)

func (l *warnLimiter) allow(key string, now time.Time) bool {
	if len(key) > 256 {
		key = key[:256]
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	if t, ok := l.last[key]; ok && now.Sub(t) < warnInterval {
		return false
	}
	if len(l.last) >= warnKeys {
		for k, t := range l.last {
			if now.Sub(t) >= warnInterval {
				delete(l.last, k)
			}
		}
		if len(l.last) >= warnKeys {
			return false
		}
	}
	l.last[key] = now
	return true
}

// cleanRoutePath is a request path as the auth middleware compares it
// (cleaned, lower case), so /MCP/ is guarded like /mcp.
func cleanRoutePath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	return strings.ToLower(path.Clean(p))
}
