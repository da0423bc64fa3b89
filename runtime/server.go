package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// ErrUnknownEvent is returned by EventStore.Replay for an unknown or
// expired event id.
var ErrUnknownEvent = errors.New("runtime: unknown or expired event id")

// Server is an MCP server: an http.Handler serving every configured
// transport, auth route and custom route. Build one with NewServer (or the
// generated package's New).
type Server struct {
	def *Definition
	cfg Config
	h   http.Handler
	// TODO(core): registry, cached list results, sessions.
}

// NewServer validates def, resolves the configuration (defaults, then the
// MCPGEN_* environment, then opts) and builds the handler.
func NewServer(def *Definition, opts ...Option) (*Server, error) {
	panic("TODO(core)")
}

// ServeHTTP serves every route of the server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Config returns the resolved configuration. Do not modify it.
func (s *Server) Config() *Config { return &s.cfg }

// Definition returns what the server offers.
func (s *Server) Definition() *Definition { return s.def }

// ListenAndServe serves on addr ("host:port"; empty means
// Config.Host:Config.Port) until ctx ends or Shutdown is called, then
// shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	panic("TODO(core)")
}

// Shutdown stops accepting connections, lets in-flight calls finish until
// ctx ends, and closes open streams.
func (s *Server) Shutdown(ctx context.Context) error {
	panic("TODO(core)")
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

// Conn is the server's state for one client connection: a Streamable
// HTTP session, a legacy SSE stream, a stdio pipe, or a single stateless
// request. Transports create it with Server.NewConn and feed it messages
// with Server.Handle.
type Conn struct {
	srv *Server
	cfg ConnConfig
	// TODO(core): negotiated version, client info/caps, log level, pending
	// server-to-client requests, in-flight requests, standalone outbound.
}

// inflight is the core's state for one request being handled.
type inflight struct {
	// TODO(core): id, progress token, outbound, cancel func.
}

// NewConn returns a new connection state.
func (s *Server) NewConn(cfg ConnConfig) *Conn {
	panic("TODO(core)")
}

// Handle processes one incoming message on c. For a request it returns the
// encoded JSON-RPC response (result or error); for a notification or a
// response to a server-to-client request it returns nil. Messages tied to
// the request are sent on out (which may be nil: they then go to the
// standalone stream, or are dropped) before Handle returns. ctx should
// carry the HTTP request (WithHTTPRequest) and is cancelled when the
// client goes away.
func (s *Server) Handle(ctx context.Context, c *Conn, msg *Message, out Outbound) []byte {
	panic("TODO(core)")
}

// ID returns the session id.
func (c *Conn) ID() string { return c.cfg.ID }

// ProtocolVersion returns the negotiated protocol version ("" before
// initialize).
func (c *Conn) ProtocolVersion() string { panic("TODO(core)") }

// Initialized reports whether initialize succeeded on c.
func (c *Conn) Initialized() bool { panic("TODO(core)") }

// SetStandalone routes messages tied to no request (notifications such as
// resources/updated, and server-to-client requests made outside a request
// stream) to out until the returned release func is called. A second call
// while one is set returns ok=false (the spec allows one GET stream).
func (c *Conn) SetStandalone(out Outbound) (release func(), ok bool) { panic("TODO(core)") }

// Close cancels every in-flight request and fails pending
// server-to-client requests.
func (c *Conn) Close() { panic("TODO(core)") }

func (c *Conn) clientInfo() Implementation          { panic("TODO(core)") }
func (c *Conn) clientCapabilities() json.RawMessage { panic("TODO(core)") }
func (c *Conn) log(r *inflight, l LogLevel, logger string, data any) error {
	panic("TODO(core)")
}
func (c *Conn) progress(r *inflight, p, total float64, msg string) error { panic("TODO(core)") }
func (c *Conn) call(ctx context.Context, r *inflight, method string, params, result any) error {
	panic("TODO(core)")
}
