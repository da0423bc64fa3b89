// Package streamable is the Streamable HTTP transport of MCP (protocol
// versions 2025-03-26 and later): one endpoint (Config.StreamablePath)
// that takes JSON-RPC messages by POST, answers them with a JSON body or
// an SSE stream, opens the server's standalone SSE stream on GET and ends
// sessions on DELETE.
//
// New returns a runtime.Transport; NewServer asks it for its routes, so a
// generated server only writes
//
//	runtime.NewServer(&definition, runtime.WithTransport(streamable.New()))
//
// The transport owns the HTTP side only: sessions (Mcp-Session-Id), Host
// and Origin validation, content negotiation, SSE framing, resumption with
// Last-Event-ID and the idle-session janitor. Everything the messages mean
// is the core's (runtime.Server.Handle).
//
// Choices the specification leaves open:
//   - initialize is always answered with application/json (nothing can be
//     streamed before the session exists);
//   - any other request is answered with application/json when its
//     response is the first thing the handler produces, which is the
//     common case and the cheapest (nothing goes to the EventStore: the
//     client never had an event id to resume from). The answer turns into
//     an SSE stream at the handler's first related message (progress, a
//     log, a server-to-client request), at Session.CloseStream, or when
//     the handler has been silent for the keep-alive period; a client
//     whose Accept header names text/event-stream before
//     application/json gets the stream from the start;
//   - a POST SSE stream starts with a priming event (an event id and empty
//     data, plus a retry field) when the session negotiated 2025-11-25 or
//     later, so the client can resume it, and the core may end it early
//     (Session.CloseStream): the rest of that request's messages are kept
//     in the EventStore and a GET with Last-Event-ID replays them and
//     stays open until the response has been delivered;
//   - the standalone GET stream of an HTTP/1.x connection is taken over
//     from net/http (hijacked) and written directly, with Connection:
//     close ending the body, so an idle session does not keep net/http's
//     buffers and serving goroutine alive;
//   - an unknown or expired Last-Event-ID is 404 (the client should start
//     over), a Last-Event-ID of another session is 404 as well;
//   - a second concurrent standalone GET stream is 409;
//   - a session belongs to the principal that sent its initialize
//     (runtime.Principal, set by the auth middleware); a request of
//     another principal is answered 404 like an unknown session, and
//     admission (per-caller and global caps, eviction of idle sessions,
//     503 with Retry-After) is runtime.SessionTable's, shared with the
//     legacy SSE transport;
//   - a bad Host is 421 Misdirected Request, a bad Origin 403;
//   - DELETE answers 200 with an empty body;
//   - the protocol era is decided per POST (runtime.IsModernRequest): a
//     request whose params._meta names a protocol version, or whose
//     MCP-Protocol-Version header is not an initialize-era version, is a
//     2026-07-28 request and is served statelessly by
//     runtime.Server.HandleModern, whatever Mcp-Session-Id or
//     Config.Stateless say; everything else follows the 2025 session
//     rules above;
//   - a 2026 answer is application/json unless the request streams
//     something first (progress, logs asked for with a logLevel,
//     subscriptions/listen): the response then becomes an SSE stream of
//     data lines only (no event ids, no priming event, no retry), ending
//     with the JSON-RPC response; errors found before anything was
//     streamed keep their 400/404 status;
//   - GET and DELETE with a 2026 MCP-Protocol-Version are 405 (that era
//     has no standalone stream and no sessions), with an unknown one 400;
//   - a client disconnect does not cancel a session's call, in JSON
//     response mode as on a stream (the specification: a disconnect is
//     not a cancellation; notifications/cancelled is); it does cancel a
//     stateless or 2026 request, which nothing else could cancel;
//   - bodies are read with runtime.ReadRequestBody (memory follows the
//     bytes received, never the declared Content-Length; 413 past
//     Config.MaxBodyBytes, 408 past Config.BodyReadTimeout); a
//     Content-Type other than application/json in UTF-8 is 415.
package streamable

import (
	"math"
	"net/http"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	storepkg "github.com/mcpgen/mcpgen/runtime/store"
)

// Header names of the Streamable HTTP transport.
const (
	headerSessionID       = "Mcp-Session-Id"
	headerProtocolVersion = "Mcp-Protocol-Version"
	headerLastEventID     = "Last-Event-Id"
)

// Defaults of the transport's own options.
const (
	// DefaultKeepAlive is how often an idle SSE stream gets a comment line,
	// so proxies and load balancers do not cut it.
	DefaultKeepAlive = 20 * time.Second
	// DefaultRetry is the reconnection delay announced in priming events.
	DefaultRetry = time.Second
	// maxPending bounds the events waiting for a slow SSE reader; past it
	// the reader is detached and the client must resume from the store.
	maxPending = 4096
)

// Option configures the transport beyond what runtime.Config holds.
type Option func(*options)

type options struct {
	keepAlive time.Duration
	retry     time.Duration
}

// WithKeepAlive sets how often idle SSE streams get a keep-alive comment;
// d <= 0 turns keep-alives off.
func WithKeepAlive(d time.Duration) Option { return func(o *options) { o.keepAlive = d } }

// WithRetry sets the reconnection delay the server announces in priming
// events (the SSE retry field); a client that lost a stream, or whose
// stream the server ended with Session.CloseStream, waits this long
// before it reconnects.
func WithRetry(d time.Duration) Option { return func(o *options) { o.retry = d } }

// Transport is the Streamable HTTP transport. Its zero value is not
// usable; call New.
type Transport struct {
	opts options
}

// New returns the Streamable HTTP transport.
func New(opts ...Option) runtime.Transport {
	t := &Transport{opts: options{keepAlive: DefaultKeepAlive, retry: DefaultRetry}}
	for _, o := range opts {
		o(&t.opts)
	}
	return t
}

// Routes implements runtime.Transport: POST, GET and DELETE at
// Config.StreamablePath, plus 405 answers for the other common methods.
func (t *Transport) Routes(s *runtime.Server) ([]runtime.Route, error) {
	h := newHandler(s, t.opts)
	path := h.cfg.StreamablePath
	if path == "" {
		path = "/mcp"
	}
	routes := []runtime.Route{
		{Method: http.MethodPost, Path: path, Handler: http.HandlerFunc(h.servePOST)},
		{Method: http.MethodGet, Path: path, Handler: http.HandlerFunc(h.serveGET)},
		{Method: http.MethodDelete, Path: path, Handler: http.HandlerFunc(h.serveDELETE)},
	}
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodHead} {
		routes = append(routes, runtime.Route{Method: m, Path: path, Handler: http.HandlerFunc(h.serveNotAllowed)})
	}
	return routes, nil
}

// handler serves one Server's endpoint.
type handler struct {
	srv   *runtime.Server
	cfg   *runtime.Config
	opts  options
	store runtime.EventStore
	// streamTag starts the request stream ids of this process when the
	// event store is shared ("" otherwise).
	streamTag string

	sessions *runtime.SessionTable[*session]
}

func newHandler(s *runtime.Server, o options) *handler {
	cfg := s.Config()
	store, tag := cfg.EventStore, ""
	if _, mem := s.Store().(*storepkg.Memory); store == nil && !mem && s.Store() != nil {
		// A file or Redis store: events outlive the process and every
		// replica replays them.
		store = NewStoreEventStore(s.Store(), StoreEventStoreOptions{})
		// Request streams of one session opened on different replicas
		// must not share an id.
		tag = newSessionID()[:8] + "-"
	}
	if store == nil {
		perSession := cfg.MaxEventBytesPerSession
		if perSession <= 0 {
			perSession = math.MaxInt64 // no limit
		}
		store = NewMemoryEventStore(MemoryEventStoreOptions{MaxBytesPerSession: perSession})
	}
	h := &handler{
		streamTag: tag,
		srv:       s,
		cfg:       cfg,
		opts:      o,
		store:     store,
		sessions:  runtime.NewSessionTable[*session](s, "streamable", newSessionID),
	}
	// With a file or Redis store, sessions outlive this process and any
	// replica sharing the store serves them.
	h.sessions.Share(h.restoreSession, h.release)
	return h
}

func (h *handler) allowed() string {
	if h.cfg.Stateless {
		return "POST"
	}
	return "GET, POST, DELETE"
}

func (h *handler) serveNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", h.allowed())
	writeError(w, http.StatusMethodNotAllowed, codeTransport, "method "+r.Method+" not allowed on the MCP endpoint; use "+h.allowed())
}

// serverDone returns the channel closed when the server shuts down.
func (h *handler) serverDone() <-chan struct{} { return h.srv.Done() }
