package runtime

import (
	"context"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// ErrUnknownEvent is returned by EventStore.Replay for an unknown or
// expired event id.
var ErrUnknownEvent = errors.New("runtime: unknown or expired event id")

// ShutdownGrace is how long ListenAndServe and Serve let in-flight requests
// finish after their context ends before closing connections.
const ShutdownGrace = 10 * time.Second

// Server is an MCP server: an http.Handler serving every configured
// transport, auth route and custom route. Build one with NewServer (or the
// generated package's New).
type Server struct {
	def *Definition
	cfg Config
	h   http.Handler
	reg *registry
	// taskTools: some tool may run as a task (Definition.hasTaskTools,
	// found once by NewServer rather than on every call).
	taskTools bool

	// Results that never change, encoded once by NewServer.
	toolsList, promptsList, resourcesList, templatesList []byte
	capabilities, serverInfo                             []byte

	closing   chan struct{}
	closeOnce sync.Once
	stopped   chan struct{} // closed when Shutdown returns
	stopOnce  sync.Once
	active    atomic.Int64 // requests inside ServeHTTP, for a mounted server's Shutdown
	timer     requestTimer // RequestTimeout
	held      atomic.Int64 // streams that left net/http (Hold), for Shutdown

	// guard is the Host/Origin check every HTTP transport runs; ServeHTTP
	// runs it on guardPaths (the MCP endpoints, cleaned and lower case)
	// before any middleware, so auth never sees a request it refuses.
	guard      *HostGuard
	guardPaths map[string]bool
	// cors is the CORS policy ServeHTTP applies before any middleware.
	cors *cors
	// routePaths holds the path of every route without parameters, and
	// mountSuffixes those paths other than "/", longest first: a request
	// whose path is not a route but ends with one of them comes from a
	// parent mux that did not strip its prefix (see ServeHTTP).
	routePaths    map[string]struct{}
	mountSuffixes []string
	// servesStreamable and servesSSE say which endpoints the start-up log
	// line names.
	servesStreamable, servesSSE bool

	subMu sync.Mutex
	subs  map[*Conn]struct{} // conns with at least one resource subscription

	// store holds state between requests (Config.StoreURL); ownsStore:
	// NewServer opened it and Shutdown closes it.
	store     store.Store
	ownsStore bool
	storeOnce sync.Once
	// replica names this process to the other replicas sharing the store
	// (its broadcast notifications, the session tables' relayed messages
	// and request ids); "" with the memory store, which nobody shares.
	replica string

	// The 2026 era (modern.go): pre-encoded answers, cache hints, the
	// x-mcp-header arguments of each tool, the requestState cipher and
	// the open subscriptions/listen streams.
	discoverResult     []byte
	modernLists        map[string][]byte
	listHint, readHint CacheHint
	paramHeaders       map[string][]paramHeader
	stateAEAD          cipher.AEAD
	listenMu           sync.Mutex
	listeners          map[*listener]struct{}

	// tasks runs the tools called as tasks (tasks.go).
	tasks *taskManager

	httpMu       sync.Mutex
	httpSrv      *http.Server
	addr         net.Addr
	shutdownDone chan struct{} // closed once the HTTP server has drained
	shutdownOnce sync.Once
}

// NewServer validates def, resolves the configuration (defaults, then the
// MCPGEN_* environment, then opts) and builds the handler.
func NewServer(def *Definition, opts ...Option) (*Server, error) {
	if def == nil {
		return nil, errors.New("runtime: NewServer: nil Definition")
	}
	reg, err := buildRegistry(def)
	if err != nil {
		return nil, err
	}
	cfg, err := resolveConfig(os.Getenv, opts)
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	s := &Server{def: def, cfg: cfg, reg: reg, closing: make(chan struct{}), stopped: make(chan struct{}), shutdownDone: make(chan struct{}), subs: map[*Conn]struct{}{}, listeners: map[*listener]struct{}{}}
	s.guard = NewHostGuard(&s.cfg)
	s.taskTools = def.hasTaskTools()
	if err := s.openStore(); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	s.tasks = newTaskManager(s)
	if err := s.encodeStatic(); err != nil {
		s.closeStore()
		return nil, fmt.Errorf("runtime: %w", err)
	}
	if err := s.initModern(); err != nil {
		s.closeStore()
		return nil, fmt.Errorf("runtime: %w", err)
	}
	h, err := s.buildHandler()
	if err != nil {
		s.closeStore()
		return nil, fmt.Errorf("runtime: %w", err)
	}
	s.h = h
	return s, nil
}

// openStore opens the store Config.StoreURL names, unless one was given.
func (s *Server) openStore() error {
	if s.cfg.Store != nil {
		s.store = s.cfg.Store
		return s.startBroadcast()
	}
	st, err := store.Open(s.cfg.StoreURL, s.cfg.Home)
	if err != nil {
		return fmt.Errorf("MCPGEN_STORE: %w", err)
	}
	s.store, s.ownsStore = st, true
	if err := s.startBroadcast(); err != nil {
		s.closeStore()
		return err
	}
	return nil
}

// closeStore closes the store when the server opened it.
func (s *Server) closeStore() {
	if s.ownsStore {
		s.storeOnce.Do(func() { s.store.Close() })
	}
}

// Store is where the server keeps state between requests (MCPGEN_STORE):
// components added to the server (the OAuth proxy) keep theirs there
// too, so that one setting, and one connection, serves all of them.
func (s *Server) Store() store.Store { return s.store }

func (s *Server) buildHandler() (h http.Handler, err error) {
	router := httprouter.New()
	// httprouter panics on conflicting routes; turn that into an error
	// that says which route clashed.
	var cur Route
	defer func() {
		if p := recover(); p != nil {
			h, err = nil, fmt.Errorf("route %s %s: %v", cur.Method, cur.Path, p)
		}
	}()
	var routes []Route
	// The guard protects the MCP endpoints the transports serve (not
	// custom routes, and not the auth routes a provider adds: an OAuth
	// consent form posts with the server's own Origin).
	mcpPaths := map[string]bool{}
	for _, p := range []string{s.cfg.StreamablePath, s.cfg.SSEPath, s.cfg.MessagePath} {
		mcpPaths[cleanRoutePath(p)] = true
	}
	s.guardPaths = map[string]bool{}
	for _, t := range s.cfg.Transports {
		if t == nil {
			continue
		}
		rs, err := t.Routes(s)
		if err != nil {
			// Transports name themselves ("auth: set ..."); their Go
			// type would only show the user the runtime's insides.
			return nil, err
		}
		for _, r := range rs {
			if p := cleanRoutePath(r.Path); mcpPaths[p] {
				s.guardPaths[p] = true
			}
		}
		routes = append(routes, rs...)
	}
	routes = append(routes, s.cfg.Routes...)
	s.routePaths = make(map[string]struct{}, len(routes))
	for _, r := range routes {
		cur = r
		if r.Handler == nil {
			return nil, fmt.Errorf("route %s %s has no handler", r.Method, r.Path)
		}
		router.Handler(r.Method, r.Path, r.Handler)
		switch {
		case r.Method == http.MethodPost && r.Path == s.cfg.StreamablePath:
			s.servesStreamable = true
		case r.Method == http.MethodGet && r.Path == s.cfg.SSEPath:
			s.servesSSE = true
		}
		if strings.ContainsAny(r.Path, ":*") {
			continue // a parameter: found under a prefix only with StripPrefix
		}
		if _, seen := s.routePaths[r.Path]; !seen {
			s.routePaths[r.Path] = struct{}{}
			if r.Path != "/" {
				s.mountSuffixes = append(s.mountSuffixes, r.Path)
			}
		}
	}
	slices.SortStableFunc(s.mountSuffixes, func(a, b string) int { return len(b) - len(a) })
	if s.cors, err = newCORS(&s.cfg, routes, s.paramHeaders); err != nil {
		return nil, err
	}
	if s.cors.any && s.guard.loopbackOnly() {
		return nil, errCORSAnyOnLoopback
	}
	h = router
	for i := len(s.cfg.Middleware) - 1; i >= 0; i-- {
		if mw := s.cfg.Middleware[i]; mw != nil {
			h = mw(h)
		}
	}
	return h, nil
}

// Wire forms of the list entries. Schemas and other pre-encoded JSON go
// out verbatim.
type toolWire struct {
	Name         string           `json:"name"`
	Title        string           `json:"title,omitempty"`
	Description  string           `json:"description,omitempty"`
	InputSchema  json.RawMessage  `json:"inputSchema"`
	OutputSchema json.RawMessage  `json:"outputSchema,omitempty"`
	Annotations  *ToolAnnotations `json:"annotations,omitempty"`
	Execution    *toolExecution   `json:"execution,omitempty"`
}

// toolExecution is the 2025-11-25 Tool.execution (task support).
type toolExecution struct {
	TaskSupport TaskSupport `json:"taskSupport"`
}

type resourceWire struct {
	URI         string `json:"uri,omitempty"`
	URITemplate string `json:"uriTemplate,omitempty"`
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	MIMEType    string `json:"mimeType,omitempty"`
}

type promptWire struct {
	Name        string           `json:"name"`
	Title       string           `json:"title,omitempty"`
	Description string           `json:"description,omitempty"`
	Arguments   []PromptArgument `json:"arguments,omitempty"`
}

var emptyObjectSchema = json.RawMessage(`{"type":"object"}`)

func (s *Server) encodeStatic() error {
	d := s.def
	tools := make([]toolWire, 0, len(d.Tools))
	for _, t := range d.Tools {
		in := t.InputSchema
		if in == nil {
			in = emptyObjectSchema
		}
		var exec *toolExecution
		if t.TaskSupport != TaskNone {
			exec = &toolExecution{t.TaskSupport}
		}
		tools = append(tools, toolWire{t.Name, t.Title, t.Description, in, t.OutputSchema, t.Annotations, exec})
	}
	resources := make([]resourceWire, 0, len(d.Resources))
	for _, r := range d.Resources {
		name := r.Name
		if name == "" {
			name = r.URI
		}
		resources = append(resources, resourceWire{URI: r.URI, Name: name, Title: r.Title, Description: r.Description, MIMEType: r.MIMEType})
	}
	templates := make([]resourceWire, 0, len(d.ResourceTemplates))
	for _, r := range d.ResourceTemplates {
		name := r.Name
		if name == "" {
			name = r.URITemplate
		}
		templates = append(templates, resourceWire{URITemplate: r.URITemplate, Name: name, Title: r.Title, Description: r.Description, MIMEType: r.MIMEType})
	}
	prompts := make([]promptWire, 0, len(d.Prompts))
	for _, p := range d.Prompts {
		prompts = append(prompts, promptWire{p.Name, p.Title, p.Description, p.Arguments})
	}
	var err error
	enc := func(v any) []byte {
		b, e := json.Marshal(v)
		if e != nil && err == nil {
			err = e
		}
		return b
	}
	s.toolsList = enc(map[string]any{"tools": tools})
	s.resourcesList = enc(map[string]any{"resources": resources})
	s.templatesList = enc(map[string]any{"resourceTemplates": templates})
	s.promptsList = enc(map[string]any{"prompts": prompts})

	caps := map[string]any{"logging": struct{}{}}
	if len(d.Tools) > 0 {
		caps["tools"] = map[string]bool{"listChanged": false}
	}
	if len(d.Resources) > 0 || len(d.ResourceTemplates) > 0 {
		caps["resources"] = map[string]bool{"subscribe": true, "listChanged": false}
	}
	if len(d.Prompts) > 0 {
		caps["prompts"] = map[string]bool{"listChanged": false}
	}
	if len(d.Completions) > 0 {
		caps["completions"] = struct{}{}
	}
	if s.taskTools {
		caps["tasks"] = map[string]any{"list": struct{}{}, "cancel": struct{}{}, "requests": map[string]any{"tools": map[string]any{"call": struct{}{}}}}
	}
	s.capabilities = enc(caps)
	s.serverInfo = enc(Implementation{Name: d.Name, Title: d.Title, Version: d.Version})
	if err != nil {
		return fmt.Errorf("encode definition: %w", err)
	}
	return nil
}

// ServeHTTP serves every route of the server, mounted anywhere.
//
// Mounted in a parent mux with http.StripPrefix, requests arrive with the
// server's own paths. Mounted without it (mux.Handle("/mcp-api/", srv)),
// they arrive as /mcp-api/mcp: a path that is not a route but ends with
// one (a whole route path, so /foomcp is not /mcp) is served by that
// route, as if the part before it had been stripped. Middleware and
// handlers then see the stripped path; r.RequestURI keeps the original,
// which is how the legacy SSE transport points its endpoint event back
// through the prefix. Routes with parameters are found under a prefix only
// with StripPrefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.active.Add(1)
	defer s.active.Add(-1)
	if r.ContentLength != 0 && s.cfg.BodyReadTimeout > 0 {
		// The body must arrive within BodyReadTimeout of its headers.
		// net/http clears the deadline once the body has been read to
		// its end; a handler that does not read it leaves net/http
		// discarding it under the same deadline.
		setReadDeadline(w, time.Now().Add(s.cfg.BodyReadTimeout))
	}
	if _, ok := s.routePaths[r.URL.Path]; !ok {
		if route := s.mountedRoute(r.URL.Path); route != "" {
			r = withPath(r, route)
		}
	}
	// CORS headers first, so that every answer below carries them
	// (the guard's 421/403, auth's 401, the transports' errors); then
	// the Host/Origin guard, so that a request it refuses never reaches
	// auth (a DNS-rebinding page must not make the server verify or
	// introspect tokens); then the preflight, answered before auth and
	// before any session check.
	allowed := s.cors.apply(w, r)
	if s.guardPaths[cleanRoutePath(r.URL.Path)] {
		if status, msg := s.guard.Check(r); status != 0 {
			WriteHTTPError(w, status, nil, NewError(codeTransport, "%s", msg))
			return
		}
	}
	if allowed && isPreflight(r) {
		s.cors.preflight(w, r)
		return
	}
	s.h.ServeHTTP(w, r)
}

// WriteHTTPError answers with an HTTP error status and a JSON-RPC error
// body (id nil when the request's id is unknown): how the HTTP transports
// answer a request they refuse before, or instead of, handling it, so
// that clients which show the body show something useful.
func WriteHTTPError(w http.ResponseWriter, status int, id []byte, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	w.Write(EncodeError(id, e))
}

// codeTransport is the JSON-RPC code of the errors an HTTP transport
// reports itself (bad headers, unknown session, a refused Host): the
// implementation-defined server-error range, as the reference SDKs use it.
const codeTransport = -32000

// setReadDeadline is http.ResponseController.SetReadDeadline without its
// cost (an allocated error) on writers that support no deadline, such as
// httptest.ResponseRecorder.
func setReadDeadline(w http.ResponseWriter, t time.Time) {
	switch d := w.(type) {
	case interface{ SetReadDeadline(time.Time) error }:
		_ = d.SetReadDeadline(t)
	case interface{ Unwrap() http.ResponseWriter }:
		_ = http.NewResponseController(w).SetReadDeadline(t)
	}
}

// mountedRoute returns the route path that path ends with, longest first,
// when what comes before it is a non-empty prefix; otherwise "". A
// well-known URI (RFC 8615) is never a mount prefix: clients probe
// /.well-known/oauth-protected-resource/mcp on servers without auth and
// must get 404, not the /mcp endpoint.
func (s *Server) mountedRoute(path string) string {
	if strings.HasPrefix(path, "/.well-known/") {
		return ""
	}
	for _, p := range s.mountSuffixes {
		if len(path) > len(p) && strings.HasSuffix(path, p) {
			return p
		}
	}
	return ""
}

// withPath is r with its URL path replaced, as http.StripPrefix does it:
// a shallow copy of the request and its URL.
func withPath(r *http.Request, path string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := new(url.URL)
	*u = *r.URL
	u.Path, u.RawPath = path, ""
	r2.URL = u
	return r2
}

// CheckHostOrigin validates the request's Host and Origin headers against
// DNS rebinding with the server's HostGuard (built from Config once). It
// returns the HTTP status (421 or 403) and the message to answer with for
// a request that fails, or 0 and "". ServeHTTP runs it on the transports'
// MCP paths before any middleware (auth included); every HTTP transport
// calls it first as well, so a handler used outside ServeHTTP is guarded.
func (s *Server) CheckHostOrigin(r *http.Request) (status int, msg string) {
	return s.guard.Check(r)
}

// Config returns the resolved configuration. Do not modify it.
func (s *Server) Config() *Config { return &s.cfg }

// Definition returns what the server offers.
func (s *Server) Definition() *Definition { return s.def }

// Logger returns the server's logger (Config.Logger); never nil.
func (s *Server) Logger() *slog.Logger { return s.cfg.Logger }

// Done is closed when Shutdown starts. Transports select on it to end
// long-lived streams that carry no call (the Streamable HTTP GET stream,
// 2026 listen streams), so that a graceful shutdown does not wait for
// them forever, and may refuse new calls (legacy SSE answers 503). A
// stream that still has calls in flight (legacy SSE) stays open until
// they answer or Stopped closes.
func (s *Server) Done() <-chan struct{} { return s.closing }

// Stopped is closed when Shutdown returns: everything finished, or its
// deadline passed. Transports end whatever they still hold open then,
// which cancels the calls left.
func (s *Server) Stopped() <-chan struct{} { return s.stopped }

// ListenAndServe serves on addr ("host:port"; empty means
// Config.Host:Config.Port) until ctx ends or Shutdown is called, then
// shuts down gracefully. Port 0 picks a free port; Addr reports it once
// listening. It logs one line at info level saying where it serves.
//
// When ctx ends, in-flight requests get ShutdownGrace to finish (see
// Shutdown). When Shutdown is called instead, ListenAndServe returns once
// Shutdown is done, so a main that returns when ListenAndServe does never
// cuts a call short.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	if addr == "" {
		addr = net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("runtime: listen on %s: %w (set MCPGEN_HOST/MCPGEN_PORT or pass an address)", addr, err)
	}
	return s.Serve(ctx, ln)
}

// ErrServerClosed is returned by Serve and ListenAndServe on a server
// whose Shutdown has already started. It is http.ErrServerClosed, as for
// an http.Server, so one errors.Is check covers both.
var ErrServerClosed = http.ErrServerClosed

// Serve is ListenAndServe on a listener the caller opened, for tests and
// for servers that pick their own socket. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelError),
	}
	s.httpMu.Lock()
	select {
	case <-s.closing:
		s.httpMu.Unlock()
		ln.Close()
		return ErrServerClosed
	default:
	}
	if s.httpSrv != nil {
		s.httpMu.Unlock()
		ln.Close()
		return errors.New("runtime: server is already serving")
	}
	s.httpSrv, s.addr = hs, ln.Addr()
	s.httpMu.Unlock()
	s.cfg.Logger.Info(s.servingLine(ln.Addr()), "addr", ln.Addr().String())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			// Shutdown was called directly: wait until it has let the
			// in-flight requests finish.
			<-s.shutdownDone
			return nil
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
		defer cancel()
		err := s.Shutdown(sctx)
		<-errc
		return err
	}
}

// servingLine is the start-up log line: where a person (make demo) or a
// client finds the server.
func (s *Server) servingLine(a net.Addr) string {
	base := "http://" + a.String()
	if ta, ok := a.(*net.TCPAddr); ok {
		base = "http://" + net.JoinHostPort(ta.IP.String(), strconv.Itoa(ta.Port))
	}
	var eps []string
	if s.servesStreamable {
		eps = append(eps, base+s.cfg.StreamablePath)
	}
	if s.servesSSE {
		eps = append(eps, base+s.cfg.SSEPath+" (legacy SSE)")
	}
	if len(eps) == 0 {
		eps = append(eps, base)
	}
	return "mcpgen: serving " + s.def.Name + " on " + strings.Join(eps, " and ")
}

// Addr returns the address the server listens on once ListenAndServe or
// Serve has started, or nil. With port 0 this is how to learn the port.
func (s *Server) Addr() net.Addr {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	return s.addr
}

// Shutdown shuts the server down gracefully:
//
//   - it stops accepting connections at once (new ones are refused) and
//     closes Done, so transports end their long-lived streams that carry
//     no call (the Streamable HTTP GET stream, 2026 subscriptions/listen
//     streams, which get their final response);
//   - requests in flight run to completion and their responses are
//     delivered (a legacy SSE stream stays open until its session's calls
//     have answered);
//   - when ctx ends first, what is still open is closed, which cancels the
//     calls left, and Shutdown returns ctx's error.
//
// Then it closes Stopped and returns. It is safe to call more than once.
// On a server that is only mounted in another mux, it waits for the
// requests inside ServeHTTP to finish (or ctx to end); shut the parent's
// http.Server down afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.closing) })
	defer s.stopOnce.Do(func() { close(s.stopped) })
	defer s.closeStore()
	s.httpMu.Lock()
	hs := s.httpSrv
	s.httpMu.Unlock()
	if hs == nil {
		return s.waitIdle(ctx)
	}
	s.cfg.Logger.Info("mcpgen: shutting down " + s.def.Name)
	err := hs.Shutdown(ctx)
	if err == nil {
		// http.Server.Shutdown forgets hijacked connections: wait for
		// the streams that hold one as it waits for handlers.
		err = s.waitIdle(ctx)
	}
	if err != nil {
		hs.Close()
	}
	s.shutdownOnce.Do(func() { close(s.shutdownDone) })
	return err
}

// Hold registers a long-lived stream that has left net/http (a hijacked
// connection, see HijackSSE) so that Shutdown waits for it, as
// http.Server.Shutdown waits for handlers, until Shutdown's ctx ends. The
// stream calls release, once or more, when it ends.
func (s *Server) Hold() (release func()) {
	s.held.Add(1)
	var once sync.Once
	return func() { once.Do(func() { s.held.Add(-1) }) }
}

// waitIdle waits until no request is inside ServeHTTP and no held stream
// is open, or ctx ends.
func (s *Server) waitIdle(ctx context.Context) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for s.active.Load() > 0 || s.held.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// NotifyResourceUpdated tells every connection subscribed to uri
// (resources/subscribe) that the resource changed, on its standalone
// stream, and every 2026 listen stream whose resourceSubscriptions name
// it. Connections without a stream miss the notification, as the spec
// allows.
// With a shared store every replica's streams are told.
func (s *Server) NotifyResourceUpdated(uri string) {
	s.notifyLocal(notifyUpdated, uri)
	s.broadcast(notifyUpdated, uri)
}

func (s *Server) resourceUpdated(uri string) {
	s.publish("notifications/resources/updated", func(l *listener) bool { return l.uris[uri] }, uri)
	s.subMu.Lock()
	conns := make([]*Conn, 0, len(s.subs))
	for c := range s.subs {
		conns = append(conns, c)
	}
	s.subMu.Unlock()
	var msg []byte
	for _, c := range conns {
		if !c.subscribed(uri) {
			continue
		}
		if msg == nil {
			msg = EncodeNotification("notifications/resources/updated", map[string]string{"uri": uri})
		}
		out := c.standaloneOut()
		if s.broadcasting() {
			// Every replica tells the GET streams it holds: a backlog
			// or a relay here would tell a stream twice.
			out = c.attachedStandalone()
		}
		if out != nil {
			if err := out.Send(msg); err != nil {
				s.cfg.Logger.Debug("mcp: resources/updated not delivered", "session", c.ID(), "err", err)
			}
		}
	}
}

// Outbound receives complete, encoded JSON-RPC messages that the core sends
// to the client while it handles a request (progress, logs,
// server-to-client requests), or, for a Conn's standalone stream,
// messages tied to no request.
type Outbound interface {
	Send(msg []byte) error
}

// ConnConfig configures a new Conn.
type ConnConfig struct {
	// ID is the session id; empty for stateless requests and stdio.
	ID string
	// Stateless lets requests run without initialize and forbids
	// server-to-client requests that would need a later message.
	Stateless bool
	// ProtocolVersion presets the version (stateless requests take it
	// from the MCP-Protocol-Version header).
	ProtocolVersion string

	// onChange runs after initialize, logging/setLevel and resource
	// (un)subscriptions change what the session's SessionRecord holds,
	// before the response is sent (the session table writes the record
	// to a shared store). An error means the other replicas will not see
	// the change: the request fails with StoreError.
	onChange func() error
	// With a shared store: relay publishes to the other replicas what
	// this one cannot place (kind relayIn: a client's answer or
	// cancellation for a request running elsewhere; relayOut: a message
	// for the session's GET stream, which another replica may hold), and
	// idPrefix makes the ids of server-to-client requests unique across
	// replicas.
	relay    func(kind string, msg []byte)
	idPrefix string
}

// LogMessage writes the debug line of one request a transport handled:
// method, tool/resource/prompt name, session id, duration and outcome
// ("ok", "tool error", "input_required", or the JSON-RPC error code and
// message). Transports call it once per request, after Handle or
// HandleModern returned resp (nil when nothing was answered). It does
// nothing, and costs one level check, unless the logger is enabled for
// debug; notifications and responses are not logged.
func (s *Server) LogMessage(ctx context.Context, sessionID string, msg *Message, start time.Time, resp []byte) {
	if msg == nil || !msg.IsRequest() || !s.cfg.Logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("method", msg.Method))
	if name := requestTarget(msg.Params); name != "" {
		attrs = append(attrs, slog.String("name", name))
	}
	if sessionID != "" {
		attrs = append(attrs, slog.String("session", sessionID))
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(start)), slog.String("outcome", outcome(resp)))
	s.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "mcp: request", attrs...)
}

// requestTarget is what a request acts on: params.name (tools, prompts),
// params.uri (resources) or params.ref's name or uri (completions).
func requestTarget(params json.RawMessage) string {
	if len(params) == 0 {
		return ""
	}
	var p struct {
		Name string `json:"name"`
		URI  string `json:"uri"`
		Ref  struct {
			Name string `json:"name"`
			URI  string `json:"uri"`
		} `json:"ref"`
	}
	if json.Unmarshal(params, &p) != nil {
		return ""
	}
	for _, v := range []string{p.Name, p.URI, p.Ref.Name, p.Ref.URI} {
		if v != "" {
			return v
		}
	}
	return ""
}

// outcome summarises an encoded response for the request log line.
func outcome(resp []byte) string {
	if resp == nil {
		return "no response"
	}
	m, perr := ParseMessage(resp)
	switch {
	case perr != nil:
		return "unparsable response"
	case m.Error != nil:
		return "error " + strconv.Itoa(m.Error.Code) + ": " + m.Error.Message
	}
	var r struct {
		IsError    bool   `json:"isError"`
		ResultType string `json:"resultType"`
	}
	_ = json.Unmarshal(m.Result, &r)
	switch {
	case r.IsError:
		return "tool error"
	case r.ResultType != "" && r.ResultType != "complete":
		return r.ResultType
	}
	return "ok"
}
