package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mcpgen/mcpgen/runtime"
)

// ServerOptions returns the runtime options that make a server a resource
// server protected by p:
//
//	srv, err := runtime.NewServer(def, auth.ServerOptions(p)...)
//	srv, err := mcpserver.New(auth.ServerOptions(p)...) // generated code
//
// They add the bearer-token middleware in front of the Streamable HTTP,
// SSE and message paths of the server (whatever they are configured to),
// the RFC 9728 metadata at /.well-known/oauth-protected-resource<mcp
// path> and at the root well-known URL, and p.Routes(). When several
// auth option sets are given (the generated New adds EnvOptions, the
// caller adds ServerOptions), the last one wins and the others do
// nothing, so callers can override the generated default.
//
// NewServer fails when p's resource URL does not end with the server's
// Streamable HTTP path (pass WithMCPPath), or when p holds static tokens
// and the server binds a non-loopback host.
func ServerOptions(p Provider) []runtime.Option {
	if p == nil {
		return nil
	}
	return (&binding{provider: p}).options()
}

// EnvOptions is ServerOptions with the provider built by FromEnv(mode,
// opts...) when the server is created, with the server's own host, port
// and paths. It is what generated code uses for -auth static|jwt|remote:
//
//	func New(opts ...runtime.Option) (*runtime.Server, error) {
//		base := []runtime.Option{runtime.WithTransport(streamable.New())}
//		base = append(base, auth.EnvOptions("jwt")...)
//		return runtime.NewServer(&definition, append(base, opts...)...)
//	}
//
// A missing MCPGEN_AUTH_* setting makes NewServer fail with an error that
// names it, unless a later ServerOptions in opts replaces this provider.
// Mode "none" (or "") returns nil.
func EnvOptions(mode string, opts ...Option) []runtime.Option {
	if mode == "" || mode == "none" {
		return nil
	}
	return (&binding{mode: mode, opts: opts}).options()
}

// binding connects a provider to one server. It is a runtime.Transport so
// that NewServer hands it the resolved configuration (paths, host) and
// lets it fail with an error; its middleware reads what Routes decided.
type binding struct {
	provider Provider
	mode     string
	opts     []Option

	state atomic.Pointer[bound]
}

type bound struct {
	inert bool // another auth binding was given later
	wrap  func(http.Handler) http.Handler
}

func (b *binding) options() []runtime.Option {
	return []runtime.Option{runtime.WithTransport(b), runtime.WithMiddleware(b.middleware)}
}

// Routes implements runtime.Transport: it resolves the provider against
// the server's configuration and returns the metadata routes.
func (b *binding) Routes(s *runtime.Server) ([]runtime.Route, error) {
	cfg := s.Config()
	var last *binding
	for _, t := range cfg.Transports {
		if o, ok := t.(*binding); ok {
			last = o
		}
	}
	if last != b {
		b.state.Store(&bound{inert: true})
		return nil, nil
	}
	p := b.provider
	if p == nil {
		opts := append([]Option{WithMCPPath(cfg.StreamablePath), WithBindHost(cfg.Host), withPort(cfg.Port), WithLogger(s.Logger()), withServerState(cfg.StoreURL, cfg.Home, s.Store())}, b.opts...)
		var err error
		if p, err = FromEnv(b.mode, opts...); err != nil {
			return nil, err
		}
		if p == nil {
			b.state.Store(&bound{inert: true})
			return nil, nil
		}
	}
	md := p.Metadata()
	u, err := url.Parse(md.Resource)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("auth: provider resource %q is not an absolute URL", md.Resource)
	}
	if want := strings.TrimRight(cfg.StreamablePath, "/"); !strings.HasSuffix(strings.TrimRight(u.Path, "/"), want) {
		return nil, fmt.Errorf("auth: the provider's resource %s does not end with the server's Streamable HTTP path %s: build the provider with auth.WithMCPPath(%q)", md.Resource, cfg.StreamablePath, cfg.StreamablePath)
	}
	if st := staticOf(p); st != nil && !st.allowNonLoopback {
		if err := checkStaticHost(cfg.Host, false); err != nil {
			return nil, err
		}
	}
	if rs, ok := p.(*ResourceServer); !ok || !rs.scopesSet {
		md.ScopesSupported = union(md.ScopesSupported, definitionScopes(s.Definition()))
	}
	if sp, ok := p.(scopeSupporter); ok {
		sp.SupportScopes(md.ScopesSupported...)
	}
	mh := MetadataHandler(md)
	var routes []runtime.Route
	seen := map[string]bool{}
	for _, path := range []string{WellKnownPath + strings.TrimRight(cfg.StreamablePath, "/"), WellKnownPath} {
		if seen[path] {
			continue
		}
		seen[path] = true
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
			routes = append(routes, runtime.Route{Method: m, Path: path, Handler: mh})
		}
	}
	for _, r := range p.Routes() {
		r.NoCORS = r.NoCORS || isNavigationPage(r.Path)
		routes = append(routes, r)
	}
	mw := Middleware(staticMetadata{p, md}, MiddlewareConfig{
		Paths:        []string{cfg.StreamablePath, cfg.SSEPath, cfg.MessagePath},
		Logger:       s.Logger(),
		Definition:   s.Definition(),
		MaxBodyBytes: cfg.MaxBodyBytes,
	})
	b.state.Store(&bound{wrap: mw})
	return routes, nil
}

// middleware is what runtime.WithMiddleware receives. It defers to the
// decision Routes made; a request that arrives before Routes ran (which
// NewServer never allows) is refused rather than let through.
func (b *binding) middleware(next http.Handler) http.Handler {
	var once sync.Once
	var h http.Handler
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := b.state.Load()
		switch {
		case st == nil:
			writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "auth is not initialised")
			return
		case st.inert:
			next.ServeHTTP(w, r)
			return
		}
		once.Do(func() { h = st.wrap(next) })
		h.ServeHTTP(w, r)
	})
}

// navigationPages are the OAuth proxy's pages that a browser navigates to
// (relative to the auth base path): the authorization endpoint, the
// consent page and the upstream callback. They never get CORS headers,
// so a script on another origin can read neither the consent page (and
// its CSRF token) nor a redirect. /register, /token and /revoke are
// called from JavaScript by browser clients and follow the server's
// CORS policy (MCPGEN_CORS_ORIGINS).
var navigationPages = []string{"/authorize", "/consent", "/auth/callback"}

func isNavigationPage(p string) bool {
	p = strings.TrimRight(p, "/")
	for _, n := range navigationPages {
		if strings.HasSuffix(p, n) {
			return true
		}
	}
	return false
}

// scopeSupporter is a provider that announces scopes itself (the OAuth
// proxy's authorization server metadata) and is told the server's.
type scopeSupporter interface{ SupportScopes(scopes ...string) }

// staticMetadata overrides a provider's metadata with the one completed at
// bind time (scopes from the definition).
type staticMetadata struct {
	Provider
	md ResourceMetadata
}

func (s staticMetadata) Metadata() ResourceMetadata { return s.md }

func staticOf(p Provider) *StaticTokens {
	switch v := p.(type) {
	case *ResourceServer:
		st, _ := v.Verifier.(*StaticTokens)
		return st
	}
	return nil
}

func definitionScopes(d *runtime.Definition) []string {
	if d == nil {
		return nil
	}
	var lists [][]string
	for _, t := range d.Tools {
		lists = append(lists, t.Scopes)
	}
	for _, r := range d.Resources {
		lists = append(lists, r.Scopes)
	}
	for _, r := range d.ResourceTemplates {
		lists = append(lists, r.Scopes)
	}
	for _, p := range d.Prompts {
		lists = append(lists, p.Scopes)
	}
	return union(lists...)
}

// withPort tells FromEnv the server's port for the default static-mode
// base URL.
func withPort(port int) Option { return func(s *settings) { s.port = port } }

func getenvPort(getenv func(string) string) int {
	if v := strings.TrimSpace(getenv("MCPGEN_PORT")); v != "" {
		if p, err := strconv.Atoi(v); err == nil {
			return p
		}
	}
	return runtime.DefaultPort
}
