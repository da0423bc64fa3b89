// Package sse is the legacy HTTP+SSE transport of MCP (protocol version
// 2024-11-05), kept because many deployed clients still speak it.
//
// A client opens a long-lived event stream with GET Config.SSEPath
// (default /sse). The first event, "endpoint", names the URL the client
// POSTs its JSON-RPC messages to (Config.MessagePath, default /messages/,
// with a session_id query parameter). Every message from the server -
// responses, notifications, server-to-client requests - travels on the
// stream as a "message" event; a POST only says 202 Accepted. The
// session lives exactly as long as the stream: when the client hangs up,
// the session's runtime.Conn is closed and its in-flight requests are
// cancelled. When the server shuts down (runtime.Server.Done), new
// requests are refused with 503 and the stream stays open until the
// session's calls in flight have answered, or Shutdown's deadline passes
// (runtime.Server.Stopped).
//
// New returns a runtime.Transport, so a server offers both transports with
//
//	runtime.NewServer(&def,
//		runtime.WithTransport(streamable.New()),
//		runtime.WithTransport(sse.New()))
//
// Like the Streamable HTTP transport, this one owns the HTTP side only:
// Host and Origin validation, sessions, framing. What the messages mean is
// the core's (runtime.Server.Handle).
//
// Choices the 2024-11-05 specification leaves open:
//   - the endpoint URL is relative to the server's origin and keeps the
//     prefix the server is mounted under with http.StripPrefix (computed
//     from the request's original URI; X-Forwarded-Prefix is not trusted);
//   - a POST whose body is not a JSON-RPC message is 400 with a JSON-RPC
//     error body (-32700 or -32600) and nothing goes on the stream, as in
//     the TypeScript SDK's SSEServerTransport: the client's send fails, so
//     it learns at once;
//   - requests run concurrently, each in its own goroutine; initialize,
//     notifications and responses to the server's requests are handled
//     before the POST is answered, so their order is the client's;
//   - a bad Host is 421 Misdirected Request, a bad Origin 403, as for
//     Streamable HTTP;
//   - a GET without an Accept header is served (it means "anything");
//     one whose Accept excludes text/event-stream is 406;
//   - a session belongs to the principal that opened its stream; a POST
//     of another principal is 404 like an unknown session; admission
//     (Config.MaxSessions, Config.MaxSessionsPerCaller, the handshake
//     deadline Config.SessionInitTimeout) is runtime.SessionTable's:
//     past the caps, with every stream busy, a GET is 503 with
//     Retry-After;
//   - POST bodies are read with runtime.ReadRequestBody (memory follows
//     the bytes received, never the declared Content-Length; 413 past
//     Config.MaxBodyBytes, 408 past Config.BodyReadTimeout); a
//     Content-Type other than application/json in UTF-8 is 415;
//   - a client that sends more than runtime.SSEMaxClientBytes up its
//     stream loses the stream (and so its session);
//   - a 2026-07-28 request (runtime.IsModernRequest: its params._meta
//     names the protocol version) is served by runtime.Server.HandleModern
//     without initialize, its answer on the stream like any other; the
//     SEP-2243 header checks apply only when the POST carries an
//     MCP-Protocol-Version header, since this transport predates them.
package sse

import (
	"net/http"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// Defaults of the transport's own options.
const (
	// DefaultKeepAlive is how often an idle stream gets a ": ping"
	// comment, so proxies and load balancers do not cut it.
	DefaultKeepAlive = 15 * time.Second
	// maxPending bounds the messages waiting for a client that does not
	// read its stream; past it the session is ended.
	maxPending = 4096
)

// Query parameter that carries the session id in the endpoint URL.
const sessionParam = "session_id"

// codeTransport is the JSON-RPC code of errors the transport itself
// reports (bad headers, unknown session, ...), as in package streamable.
const codeTransport = -32000

// Option configures the transport beyond what runtime.Config holds.
type Option func(*options)

type options struct {
	keepAlive time.Duration
}

// WithKeepAlive sets how often idle streams get a keep-alive comment;
// d <= 0 turns keep-alives off.
func WithKeepAlive(d time.Duration) Option { return func(o *options) { o.keepAlive = d } }

// Transport is the legacy HTTP+SSE transport. Its zero value is not
// usable; call New.
type Transport struct {
	opts options
}

// New returns the legacy HTTP+SSE transport.
func New(opts ...Option) runtime.Transport {
	t := &Transport{opts: options{keepAlive: DefaultKeepAlive}}
	for _, o := range opts {
		if o != nil {
			o(&t.opts)
		}
	}
	return t
}

// Routes implements runtime.Transport: GET Config.SSEPath, POST
// Config.MessagePath, and 405 answers (with Allow) for the other common
// methods on both.
func (t *Transport) Routes(s *runtime.Server) ([]runtime.Route, error) {
	h := newHandler(s, t.opts)
	served := map[string]map[string]bool{
		h.ssePath: {http.MethodGet: true},
	}
	if served[h.msgPath] == nil {
		served[h.msgPath] = map[string]bool{}
	}
	served[h.msgPath][http.MethodPost] = true

	routes := []runtime.Route{
		{Method: http.MethodGet, Path: h.ssePath, Handler: http.HandlerFunc(h.serveGET)},
		{Method: http.MethodPost, Path: h.msgPath, Handler: http.HandlerFunc(h.servePOST)},
	}
	for _, path := range []string{h.ssePath, h.msgPath} {
		if served[path] == nil {
			continue
		}
		allow := allowHeader(served[path])
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead} {
			if served[path][m] {
				continue
			}
			routes = append(routes, runtime.Route{Method: m, Path: path, Handler: notAllowed(allow)})
		}
		served[path] = nil // both paths may be the same: add the 405s once
	}
	return routes, nil
}

// Handler returns the transport's two endpoints as one http.Handler that
// dispatches on the path (relative to where it is mounted) and method, for
// use outside runtime.Server's router.
func (t *Transport) Handler(s *runtime.Server) http.Handler {
	return newHandler(s, t.opts)
}

func allowHeader(methods map[string]bool) string {
	switch {
	case methods[http.MethodGet] && methods[http.MethodPost]:
		return "GET, POST"
	case methods[http.MethodGet]:
		return "GET"
	default:
		return "POST"
	}
}

func notAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed here; use "+allow)
	})
}

// handler serves one Server's legacy SSE endpoints.
type handler struct {
	srv     *runtime.Server
	cfg     *runtime.Config
	opts    options
	ssePath string
	msgPath string

	sessions *runtime.SessionTable[*session]
}

func newHandler(s *runtime.Server, o options) *handler {
	cfg := s.Config()
	h := &handler{
		srv:     s,
		cfg:     cfg,
		opts:    o,
		ssePath: cfg.SSEPath,
		msgPath: cfg.MessagePath,
	}
	h.sessions = runtime.NewSessionTable[*session](s, "sse", newSessionID)
	if h.ssePath == "" {
		h.ssePath = runtime.DefaultSSEPath
	}
	if h.msgPath == "" {
		h.msgPath = runtime.DefaultMessagePath
	}
	return h
}

// ServeHTTP dispatches on path and method (see Transport.Handler).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == h.ssePath && r.Method == http.MethodGet:
		h.serveGET(w, r)
	case r.URL.Path == h.msgPath && r.Method == http.MethodPost:
		h.servePOST(w, r)
	case r.URL.Path == h.ssePath && h.msgPath == h.ssePath:
		notAllowed("GET, POST").ServeHTTP(w, r)
	case r.URL.Path == h.ssePath:
		notAllowed("GET").ServeHTTP(w, r)
	case r.URL.Path == h.msgPath:
		notAllowed("POST").ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}
