package runtime

import (
	"log/slog"
	"net/http"
	"time"
)

// Config is the resolved configuration of a Server: defaults, then the
// MCPGEN_* environment, then options. Transports read it; it must not be
// changed after NewServer returns.
type Config struct {
	Host string // MCPGEN_HOST, default 127.0.0.1
	Port int    // MCPGEN_PORT, default 8000

	StreamablePath string // MCPGEN_STREAMABLE_HTTP_PATH, default /mcp
	SSEPath        string // MCPGEN_SSE_PATH, default /sse
	MessagePath    string // MCPGEN_MESSAGE_PATH, default /messages/

	JSONResponse bool // MCPGEN_JSON_RESPONSE: answer POSTs with application/json only
	Stateless    bool // MCPGEN_STATELESS_HTTP: no sessions; every request stands alone

	// AllowedHosts and AllowedOrigins guard against DNS rebinding. When
	// empty and the server binds a loopback address, only loopback hosts
	// and origins are allowed. Entries may be "host", "host:port" or
	// "host:*"; origins are "scheme://host[:port]".
	AllowedHosts   []string // MCPGEN_ALLOWED_HOSTS (comma-separated)
	AllowedOrigins []string // MCPGEN_ALLOWED_ORIGINS (comma-separated)
	// DisableHostCheck turns Host/Origin validation off entirely.
	DisableHostCheck bool

	MaxBodyBytes       int64         // default 4 MiB
	MaxSessions        int           // default 10000; 0 after defaults means unlimited
	SessionIdleTimeout time.Duration // default 30 minutes
	RequestTimeout     time.Duration // 0: none

	// EventStore keeps SSE events for resumption (Last-Event-ID). Default:
	// an in-memory store.
	EventStore EventStore

	Logger   *slog.Logger // MCPGEN_LOG_LEVEL sets the level of the default logger
	LogLevel slog.Level

	Middleware []func(http.Handler) http.Handler
	Routes     []Route
	Transports []Transport
}

// Option changes the Config.
type Option func(*Config)

// Route is one HTTP route: method, path (httprouter syntax) and handler.
type Route struct {
	Method  string
	Path    string
	Handler http.Handler
}

// Transport is an HTTP transport for the protocol (Streamable HTTP, legacy
// SSE). NewServer asks each configured transport for its routes.
type Transport interface {
	Routes(s *Server) ([]Route, error)
}

func WithTransport(t Transport) Option {
	return func(c *Config) { c.Transports = append(c.Transports, t) }
}
func WithStateless(on bool) Option          { return func(c *Config) { c.Stateless = on } }
func WithJSONResponse(on bool) Option       { return func(c *Config) { c.JSONResponse = on } }
func WithStreamablePath(p string) Option    { return func(c *Config) { c.StreamablePath = p } }
func WithAllowedHosts(h ...string) Option   { return func(c *Config) { c.AllowedHosts = h } }
func WithAllowedOrigins(o ...string) Option { return func(c *Config) { c.AllowedOrigins = o } }
func WithMaxBodyBytes(n int64) Option       { return func(c *Config) { c.MaxBodyBytes = n } }
func WithMaxSessions(n int) Option          { return func(c *Config) { c.MaxSessions = n } }
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(c *Config) { c.SessionIdleTimeout = d }
}
func WithEventStore(es EventStore) Option   { return func(c *Config) { c.EventStore = es } }
func WithLogger(l *slog.Logger) Option      { return func(c *Config) { c.Logger = l } }
func WithAddr(host string, port int) Option { return func(c *Config) { c.Host, c.Port = host, port } }

// WithMiddleware wraps the whole server handler; the first one given is
// the outermost.
func WithMiddleware(mw ...func(http.Handler) http.Handler) Option {
	return func(c *Config) { c.Middleware = append(c.Middleware, mw...) }
}

// WithRoute adds a custom route served beside the transports.
func WithRoute(method, path string, h http.Handler) Option {
	return func(c *Config) { c.Routes = append(c.Routes, Route{method, path, h}) }
}
