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
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/julienschmidt/httprouter"
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

	// Results that never change, encoded once by NewServer.
	toolsList, promptsList, resourcesList, templatesList []byte
	capabilities, serverInfo                             []byte

	closing   chan struct{}
	closeOnce sync.Once

	subMu sync.Mutex
	subs  map[*Conn]struct{} // conns with at least one resource subscription

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

	httpMu  sync.Mutex
	httpSrv *http.Server
	addr    net.Addr
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
	s := &Server{def: def, cfg: cfg, reg: reg, closing: make(chan struct{}), subs: map[*Conn]struct{}{}, listeners: map[*listener]struct{}{}}
	if err := s.encodeStatic(); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	if err := s.initModern(); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	h, err := s.buildHandler()
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	s.h = h
	return s, nil
}

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
	for _, t := range s.cfg.Transports {
		if t == nil {
			continue
		}
		rs, err := t.Routes(s)
		if err != nil {
			return nil, fmt.Errorf("transport %T: %w", t, err)
		}
		routes = append(routes, rs...)
	}
	routes = append(routes, s.cfg.Routes...)
	for _, r := range routes {
		cur = r
		if r.Handler == nil {
			return nil, fmt.Errorf("route %s %s has no handler", r.Method, r.Path)
		}
		router.Handler(r.Method, r.Path, r.Handler)
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
		tools = append(tools, toolWire{t.Name, t.Title, t.Description, in, t.OutputSchema, t.Annotations})
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
	s.capabilities = enc(caps)
	s.serverInfo = enc(Implementation{Name: d.Name, Title: d.Title, Version: d.Version})
	if err != nil {
		return fmt.Errorf("encode definition: %w", err)
	}
	return nil
}

// ServeHTTP serves every route of the server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Config returns the resolved configuration. Do not modify it.
func (s *Server) Config() *Config { return &s.cfg }

// Definition returns what the server offers.
func (s *Server) Definition() *Definition { return s.def }

// Logger returns the server's logger (Config.Logger); never nil.
func (s *Server) Logger() *slog.Logger { return s.cfg.Logger }

// Done is closed when Shutdown starts. Transports select on it to end
// long-lived streams (GET SSE streams, legacy SSE connections) so that a
// graceful shutdown does not wait for them forever.
func (s *Server) Done() <-chan struct{} { return s.closing }

// ListenAndServe serves on addr ("host:port"; empty means
// Config.Host:Config.Port) until ctx ends or Shutdown is called, then
// shuts down gracefully, giving in-flight requests ShutdownGrace to
// finish. Port 0 picks a free port; Addr reports it once listening.
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

// Serve is ListenAndServe on a listener the caller opened, for tests and
// for servers that pick their own socket. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelError),
	}
	s.httpMu.Lock()
	if s.httpSrv != nil {
		s.httpMu.Unlock()
		ln.Close()
		return errors.New("runtime: server is already serving")
	}
	s.httpSrv, s.addr = hs, ln.Addr()
	s.httpMu.Unlock()

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			// Shutdown was called directly; its caller waits for
			// in-flight requests.
			return nil
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
		defer cancel()
		return s.Shutdown(sctx)
	}
}

// Addr returns the address the server listens on once ListenAndServe or
// Serve has started, or nil. With port 0 this is how to learn the port.
func (s *Server) Addr() net.Addr {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	return s.addr
}

// Shutdown stops accepting connections, closes Done so transports end open
// streams, lets in-flight calls finish until ctx ends, then closes what is
// left. It is safe to call on a server that was only mounted in another
// mux (it then just closes Done).
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.httpMu.Lock()
	hs := s.httpSrv
	s.httpMu.Unlock()
	if hs == nil {
		return nil
	}
	err := hs.Shutdown(ctx)
	if err != nil {
		hs.Close()
	}
	return err
}

// NotifyResourceUpdated tells every connection subscribed to uri
// (resources/subscribe) that the resource changed, on its standalone
// stream, and every 2026 listen stream whose resourceSubscriptions name
// it. Connections without a stream miss the notification, as the spec
// allows.
func (s *Server) NotifyResourceUpdated(uri string) {
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
		if out := c.standaloneOut(); out != nil {
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
}
