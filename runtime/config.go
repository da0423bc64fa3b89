package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
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
	// "host:*"; origins are "scheme://host[:port]" (or ":*"). A list
	// replaces the loopback defaults rather than adding to them: list
	// 127.0.0.1:* too to keep local clients. A malformed entry fails
	// LoadConfig (and New) with an error naming the setting.
	AllowedHosts   []string // MCPGEN_ALLOWED_HOSTS (comma-separated)
	AllowedOrigins []string // MCPGEN_ALLOWED_ORIGINS (comma-separated)
	// DisableHostCheck turns Host/Origin validation off entirely.
	DisableHostCheck bool
	// CORSOrigins are the origins whose browser pages may call the
	// server (MCPGEN_CORS_ORIGINS, comma-separated): exact origins
	// ("https://app.example.com"), or "*" alone for any origin. Empty:
	// no CORS. Every origin listed is also allowed by the Origin check.
	// See docs/cors.md.
	CORSOrigins []string

	MaxBodyBytes       int64         // default 4 MiB
	MaxSessions        int           // MCPGEN_MAX_SESSIONS, default 10000; 0 after defaults means unlimited
	SessionIdleTimeout time.Duration // MCPGEN_SESSION_IDLE_TIMEOUT, default 30 minutes
	RequestTimeout     time.Duration // MCPGEN_REQUEST_TIMEOUT, default 5 minutes; 0: none

	// Time limits on HTTP connections (see limits.go and docs/limits.md).
	// ReadHeaderTimeout, IdleTimeout and WriteTimeout apply to the
	// http.Server that ListenAndServe and Serve start; BodyReadTimeout is
	// applied by ServeHTTP, so it holds in any server. 0 means none.
	ReadHeaderTimeout time.Duration // MCPGEN_READ_HEADER_TIMEOUT, default 30 s
	BodyReadTimeout   time.Duration // MCPGEN_BODY_READ_TIMEOUT, default 30 s
	IdleTimeout       time.Duration // MCPGEN_IDLE_TIMEOUT, default 2 minutes
	WriteTimeout      time.Duration // MCPGEN_WRITE_TIMEOUT, default RequestTimeout + 30 s

	// Session admission and per-session bounds (see docs/sessions.md).
	// For each, 0 after defaults means no limit.
	//
	// SessionInitTimeout ends a session that has not sent
	// notifications/initialized this long after it was created
	// (MCPGEN_SESSION_INIT_TIMEOUT, default 30 s). MaxSessionsPerCaller
	// caps the sessions of one caller: the authenticated principal, or
	// the client address without authentication
	// (MCPGEN_MAX_SESSIONS_PER_CALLER, default 1000). TrustedProxies are
	// the addresses or CIDR prefixes of reverse proxies whose
	// X-Forwarded-For names the client address (MCPGEN_TRUSTED_PROXIES,
	// comma-separated; default none, so the header is ignored).
	SessionInitTimeout   time.Duration
	MaxSessionsPerCaller int
	TrustedProxies       []string
	// MaxClientInfoBytes bounds the capabilities and clientInfo of
	// initialize together (MCPGEN_MAX_CLIENT_INFO_BYTES, default 16 KiB).
	// MaxSubscriptions bounds resources/subscribe per session
	// (MCPGEN_MAX_SUBSCRIPTIONS, default 1000) and MaxURIBytes the URI of
	// one (MCPGEN_MAX_URI_BYTES, default 8 KiB). MaxPendingRequests bounds
	// the server-to-client requests (elicitation, sampling, roots) one
	// session waits on at once (MCPGEN_MAX_PENDING_REQUESTS, default 64).
	MaxClientInfoBytes int
	MaxSubscriptions   int
	MaxURIBytes        int
	MaxPendingRequests int
	// MaxEventBytesPerSession bounds the events the default event store
	// keeps for one session's resumable streams
	// (MCPGEN_MAX_EVENT_BYTES_PER_SESSION, default 16 MiB); past it the
	// oldest go, and resuming from one of them is 404.
	MaxEventBytesPerSession int64

	// EventStore keeps SSE events for resumption (Last-Event-ID). Default:
	// an in-memory store.
	EventStore EventStore

	Logger   *slog.Logger // MCPGEN_LOG_LEVEL sets the level of the default logger
	LogLevel slog.Level

	// RequestStateKey seals the requestState of 2026 input_required
	// results (AES-256-GCM under SHA-256 of the key). Replicas behind one
	// load balancer must share it (MCPGEN_REQUEST_STATE_KEY); empty means
	// a random key per Server, so a retry must reach the same process.
	RequestStateKey []byte
	// ListCache and ReadCache are the cache hints (ttlMs, cacheScope) of
	// 2026 list results (and server/discover) and of resources/read.
	ListCache, ReadCache CacheHint

	// Home is where servers keep state that outlives a process (the file
	// store's default directory, keys): MCPGEN_HOME, default ~/.mcpgen.
	// NewServer does not create it.
	Home string
	// StoreURL says where state shared between requests and replicas
	// lives (OAuth proxy clients, codes and tokens, tasks): "memory"
	// (default), "file://DIR" or "redis://[user:password@]HOST:PORT/DB"
	// (MCPGEN_STORE). NewServer opens it once (a store it cannot reach
	// fails NewServer) and closes it at Shutdown; Server.Store returns it.
	StoreURL string
	// Store, when set (WithStore), is used instead of opening StoreURL;
	// the caller closes it.
	Store store.Store

	// Tasks (tools declared with a TaskSupport). TaskStore keeps their
	// records (default: in memory). MaxRunningTasks bounds the tasks
	// running at once in this process (MCPGEN_TASKS_MAX_RUNNING, default
	// 1000) and MaxTasksPerCaller those of one caller: one principal, or
	// one 2025 session, or one client address (MCPGEN_TASKS_MAX_PER_CALLER,
	// default 100); 0 means unlimited. TaskTTL is how long a task and its
	// result are kept from its creation (MCPGEN_TASKS_TTL, default 1h; a
	// 2025 client may ask for less); TaskPollInterval the polling interval
	// suggested to clients.
	TaskStore         TaskStore
	MaxRunningTasks   int
	MaxTasksPerCaller int
	TaskTTL           time.Duration
	TaskPollInterval  time.Duration

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
	// NoCORS marks a page a browser navigates to (an OAuth authorization,
	// consent or callback page, a login form): it never gets CORS
	// headers, so no other origin's script can read it (and a CSRF token
	// in it). Every other route gets the server's CORS policy.
	NoCORS bool
}

// Transport is an HTTP transport for the protocol (Streamable HTTP, legacy
// SSE). NewServer asks each configured transport for its routes.
type Transport interface {
	Routes(s *Server) ([]Route, error)
}

// WithTransport adds a transport (streamable.New(), sse.New()); its
// routes are served by the Server.
func WithTransport(t Transport) Option {
	return func(c *Config) { c.Transports = append(c.Transports, t) }
}

// WithStateless turns stateless mode on or off (MCPGEN_STATELESS_HTTP).
func WithStateless(on bool) Option { return func(c *Config) { c.Stateless = on } }

// WithJSONResponse makes POSTs answer with application/json instead of
// an SSE stream (MCPGEN_JSON_RESPONSE).
func WithJSONResponse(on bool) Option { return func(c *Config) { c.JSONResponse = on } }

// WithStreamablePath sets the Streamable HTTP endpoint path
// (MCPGEN_STREAMABLE_HTTP_PATH).
func WithStreamablePath(p string) Option { return func(c *Config) { c.StreamablePath = p } }

// WithAllowedHosts sets the Host header values accepted
// (MCPGEN_ALLOWED_HOSTS).
func WithAllowedHosts(h ...string) Option { return func(c *Config) { c.AllowedHosts = h } }

// WithAllowedOrigins sets the Origin header values accepted
// (MCPGEN_ALLOWED_ORIGINS).
func WithAllowedOrigins(o ...string) Option { return func(c *Config) { c.AllowedOrigins = o } }

// WithMaxBodyBytes limits the size of a request body.
func WithMaxBodyBytes(n int64) Option { return func(c *Config) { c.MaxBodyBytes = n } }

// WithMaxSessions limits the number of open sessions; 0 means unlimited.
func WithMaxSessions(n int) Option { return func(c *Config) { c.MaxSessions = n } }

// WithSessionIdleTimeout ends sessions idle for longer than d
// (MCPGEN_SESSION_IDLE_TIMEOUT).
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(c *Config) { c.SessionIdleTimeout = d }
}

// WithSessionInitTimeout ends sessions that have not sent
// notifications/initialized within d of their creation
// (MCPGEN_SESSION_INIT_TIMEOUT); 0 turns the check off.
func WithSessionInitTimeout(d time.Duration) Option {
	return func(c *Config) { c.SessionInitTimeout = d }
}

// WithMaxSessionsPerCaller caps the open sessions of one caller
// (MCPGEN_MAX_SESSIONS_PER_CALLER); 0 means unlimited.
func WithMaxSessionsPerCaller(n int) Option { return func(c *Config) { c.MaxSessionsPerCaller = n } }

// WithTrustedProxies names the reverse proxies (addresses or CIDR
// prefixes) whose X-Forwarded-For header gives the client address for
// per-caller limits (MCPGEN_TRUSTED_PROXIES).
func WithTrustedProxies(p ...string) Option { return func(c *Config) { c.TrustedProxies = p } }

// WithMaxEventBytesPerSession bounds the events the default event store
// keeps for one session (MCPGEN_MAX_EVENT_BYTES_PER_SESSION); 0 means
// unlimited.
func WithMaxEventBytesPerSession(n int64) Option {
	return func(c *Config) { c.MaxEventBytesPerSession = n }
}

// WithSessionBounds sets the per-session bounds on client data: the size
// of initialize's capabilities and clientInfo, resource subscriptions and
// the length of their URIs, and pending server-to-client requests
// (MCPGEN_MAX_CLIENT_INFO_BYTES, MCPGEN_MAX_SUBSCRIPTIONS,
// MCPGEN_MAX_URI_BYTES, MCPGEN_MAX_PENDING_REQUESTS); 0 means unlimited.
func WithSessionBounds(clientInfoBytes, subscriptions, uriBytes, pendingRequests int) Option {
	return func(c *Config) {
		c.MaxClientInfoBytes, c.MaxSubscriptions = clientInfoBytes, subscriptions
		c.MaxURIBytes, c.MaxPendingRequests = uriBytes, pendingRequests
	}
}

// WithEventStore sets the store of SSE events used for resumption.
func WithEventStore(es EventStore) Option { return func(c *Config) { c.EventStore = es } }

// WithLogger sets the server's logger; it replaces the default stderr
// logger and MCPGEN_LOG_LEVEL does not apply to it.
func WithLogger(l *slog.Logger) Option { return func(c *Config) { c.Logger = l } }

// WithAddr sets the address ListenAndServe uses when given none
// (MCPGEN_HOST, MCPGEN_PORT).
func WithAddr(host string, port int) Option { return func(c *Config) { c.Host, c.Port = host, port } }

// WithMiddleware wraps the whole server handler; the first one given is
// the outermost.
func WithMiddleware(mw ...func(http.Handler) http.Handler) Option {
	return func(c *Config) { c.Middleware = append(c.Middleware, mw...) }
}

// WithRoute adds a custom route served beside the transports.
func WithRoute(method, path string, h http.Handler) Option {
	return func(c *Config) { c.Routes = append(c.Routes, Route{Method: method, Path: path, Handler: h}) }
}

// WithPageRoute adds a custom route that serves a page a browser
// navigates to (Route.NoCORS): never readable by scripts of other
// origins, whatever MCPGEN_CORS_ORIGINS says.
func WithPageRoute(method, path string, h http.Handler) Option {
	return func(c *Config) {
		c.Routes = append(c.Routes, Route{Method: method, Path: path, Handler: h, NoCORS: true})
	}
}

// WithCORSOrigins sets the origins whose browser pages may call the
// server (MCPGEN_CORS_ORIGINS): exact origins such as
// "https://app.example.com", or "*" alone. None turns CORS off.
func WithCORSOrigins(origins ...string) Option {
	return func(c *Config) { c.CORSOrigins = slices.Clone(origins) }
}

// WithSSEPath sets the legacy SSE stream path (GET).
func WithSSEPath(p string) Option { return func(c *Config) { c.SSEPath = p } }

// WithMessagePath sets the legacy SSE message path (POST).
func WithMessagePath(p string) Option { return func(c *Config) { c.MessagePath = p } }

// WithLogLevel sets the level of the default logger (ignored when
// WithLogger supplies one).
func WithLogLevel(l slog.Level) Option { return func(c *Config) { c.LogLevel = l } }

// WithRequestTimeout bounds how long one request may run, waits for the
// client's answers to server-to-client requests included
// (MCPGEN_REQUEST_TIMEOUT, default 5 minutes); 0 means no limit. A call
// that runs out gets its context cancelled; 2026 subscriptions/listen
// streams are exempt.
func WithRequestTimeout(d time.Duration) Option { return func(c *Config) { c.RequestTimeout = d } }

// WithHome sets Config.Home (MCPGEN_HOME).
func WithHome(dir string) Option { return func(c *Config) { c.Home = dir } }

// WithStoreURL sets Config.StoreURL (MCPGEN_STORE): "memory",
// "file://DIR" or "redis://HOST:PORT/DB".
func WithStoreURL(u string) Option { return func(c *Config) { c.StoreURL = u } }

// WithDisableHostCheck turns Host/Origin validation off, for servers behind
// a proxy that already checks them.
func WithDisableHostCheck(off bool) Option { return func(c *Config) { c.DisableHostCheck = off } }

// CacheScope says who may reuse a cached 2026 result (SEP-2549).
type CacheScope string

const (
	// CachePublic results hold no user-specific data: any cache may serve
	// them to anyone.
	CachePublic CacheScope = "public"
	// CachePrivate results may only be reused for the same authorization
	// context.
	CachePrivate CacheScope = "private"
)

// CacheHint is the ttlMs/cacheScope pair of a cacheable 2026 result.
// TTL 0 means "immediately stale" (the client may keep it but must
// revalidate); an empty Scope means the default of its kind.
type CacheHint struct {
	TTL   time.Duration
	Scope CacheScope
}

// WithCacheHints sets the cache hints of 2026 results: lists for
// server/discover, tools/list, prompts/list, resources/list and
// resources/templates/list; read for resources/read. The defaults are
// ttlMs 0 with scope public for lists (private when any entry has
// Scopes, since the list then depends on the caller's token) and private
// for reads.
func WithCacheHints(lists, read CacheHint) Option {
	return func(c *Config) { c.ListCache, c.ReadCache = lists, read }
}

// WithRequestStateKey sets the key that seals requestState
// (MCPGEN_REQUEST_STATE_KEY); see Config.RequestStateKey.
func WithRequestStateKey(key []byte) Option {
	return func(c *Config) { c.RequestStateKey = append([]byte(nil), key...) }
}

// WithStore makes the server keep its state in st instead of opening
// Config.StoreURL; the caller closes st after Shutdown.
func WithStore(st store.Store) Option { return func(c *Config) { c.Store = st } }

// WithTaskStore keeps task records in ts instead of memory.
func WithTaskStore(ts TaskStore) Option { return func(c *Config) { c.TaskStore = ts } }

// WithTaskLimits bounds the tasks running at once in the server and per
// caller; 0 means unlimited.
func WithTaskLimits(server, perCaller int) Option {
	return func(c *Config) { c.MaxRunningTasks, c.MaxTasksPerCaller = server, perCaller }
}

// WithTaskTTL sets how long tasks and their results are kept.
func WithTaskTTL(d time.Duration) Option { return func(c *Config) { c.TaskTTL = d } }

// WithTaskPollInterval sets the polling interval suggested to clients.
func WithTaskPollInterval(d time.Duration) Option { return func(c *Config) { c.TaskPollInterval = d } }

// Defaults of the settings; see Config.
const (
	DefaultHost               = "127.0.0.1"
	DefaultPort               = 8000
	DefaultStreamablePath     = "/mcp"
	DefaultSSEPath            = "/sse"
	DefaultMessagePath        = "/messages/"
	DefaultMaxBodyBytes       = 4 << 20
	DefaultMaxSessions        = 10000
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultStoreURL           = "memory"

	DefaultSessionInitTimeout   = 30 * time.Second
	DefaultMaxSessionsPerCaller = 1000
	DefaultMaxClientInfoBytes   = 16 << 10
	DefaultMaxSubscriptions     = 1000
	DefaultMaxURIBytes          = 8 << 10
	DefaultMaxPendingRequests   = 64
	// DefaultMaxEventBytesPerSession matches the in-memory event store's
	// own default.
	DefaultMaxEventBytesPerSession = 16 << 20
)

// resolveConfig applies defaults, then the MCPGEN_* environment (read
// through getenv), then opts. A malformed environment value is an error
// naming the variable.
func resolveConfig(getenv func(string) string, opts []Option) (Config, error) {
	c := Config{
		Host:               DefaultHost,
		Port:               DefaultPort,
		StreamablePath:     DefaultStreamablePath,
		SSEPath:            DefaultSSEPath,
		MessagePath:        DefaultMessagePath,
		MaxBodyBytes:       DefaultMaxBodyBytes,
		MaxSessions:        DefaultMaxSessions,
		SessionIdleTimeout: DefaultSessionIdleTimeout,
		LogLevel:           slog.LevelInfo,
		StoreURL:           DefaultStoreURL,

		SessionInitTimeout:   DefaultSessionInitTimeout,
		MaxSessionsPerCaller: DefaultMaxSessionsPerCaller,
		MaxClientInfoBytes:   DefaultMaxClientInfoBytes,
		MaxSubscriptions:     DefaultMaxSubscriptions,
		MaxURIBytes:          DefaultMaxURIBytes,
		MaxPendingRequests:   DefaultMaxPendingRequests,

		MaxEventBytesPerSession: DefaultMaxEventBytesPerSession,

		MaxRunningTasks:   DefaultMaxRunningTasks,
		MaxTasksPerCaller: DefaultMaxTasksPerCaller,
		TaskTTL:           DefaultTaskTTL,
		TaskPollInterval:  DefaultTaskPollInterval,
	}
	c.setLimitDefaults()
	if v := strings.TrimSpace(getenv("MCPGEN_HOST")); v != "" {
		c.Host = v
	}
	if v := strings.TrimSpace(getenv("MCPGEN_PORT")); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			return c, fmt.Errorf("MCPGEN_PORT=%q: want a port number between 0 and 65535", v)
		}
		c.Port = p
	}
	paths := []struct {
		name string
		dst  *string
	}{
		{"MCPGEN_STREAMABLE_HTTP_PATH", &c.StreamablePath},
		{"MCPGEN_SSE_PATH", &c.SSEPath},
		{"MCPGEN_MESSAGE_PATH", &c.MessagePath},
	}
	for _, p := range paths {
		if v := strings.TrimSpace(getenv(p.name)); v != "" {
			if !strings.HasPrefix(v, "/") {
				return c, fmt.Errorf("%s=%q: a path must start with /", p.name, v)
			}
			*p.dst = v
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{
		{"MCPGEN_JSON_RESPONSE", &c.JSONResponse},
		{"MCPGEN_STATELESS_HTTP", &c.Stateless},
	}
	for _, b := range bools {
		if v := strings.TrimSpace(getenv(b.name)); v != "" {
			on, err := parseBool(v)
			if err != nil {
				return c, fmt.Errorf("%s=%q: want true or false", b.name, v)
			}
			*b.dst = on
		}
	}
	if v := getenv("MCPGEN_ALLOWED_HOSTS"); strings.TrimSpace(v) != "" {
		c.AllowedHosts = splitList(v)
		if err := checkAllowedHosts(c.AllowedHosts); err != nil {
			return c, fmt.Errorf("MCPGEN_ALLOWED_HOSTS=%q: %w", v, err)
		}
	}
	if v := getenv("MCPGEN_ALLOWED_ORIGINS"); strings.TrimSpace(v) != "" {
		c.AllowedOrigins = splitList(v)
		if err := checkAllowedOrigins(c.AllowedOrigins); err != nil {
			return c, fmt.Errorf("MCPGEN_ALLOWED_ORIGINS=%q: %w", v, err)
		}
	}
	if v := getenv("MCPGEN_CORS_ORIGINS"); strings.TrimSpace(v) != "" {
		c.CORSOrigins = splitList(v)
		if _, _, err := parseCORSOrigins("MCPGEN_CORS_ORIGINS", c.CORSOrigins); err != nil {
			return c, err
		}
	}
	counts := []struct {
		name string
		dst  *int
	}{
		{"MCPGEN_MAX_SESSIONS", &c.MaxSessions},
		{"MCPGEN_MAX_SESSIONS_PER_CALLER", &c.MaxSessionsPerCaller},
		{"MCPGEN_MAX_CLIENT_INFO_BYTES", &c.MaxClientInfoBytes},
		{"MCPGEN_MAX_SUBSCRIPTIONS", &c.MaxSubscriptions},
		{"MCPGEN_MAX_URI_BYTES", &c.MaxURIBytes},
		{"MCPGEN_MAX_PENDING_REQUESTS", &c.MaxPendingRequests},
	}
	for _, n := range counts {
		if v := strings.TrimSpace(getenv(n.name)); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 {
				return c, fmt.Errorf("%s=%q: want a whole number, 0 for no limit", n.name, v)
			}
			*n.dst = i
		}
	}
	if v := strings.TrimSpace(getenv("MCPGEN_MAX_EVENT_BYTES_PER_SESSION")); v != "" {
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil || i < 0 {
			return c, fmt.Errorf("MCPGEN_MAX_EVENT_BYTES_PER_SESSION=%q: want a whole number of bytes, 0 for no limit", v)
		}
		c.MaxEventBytesPerSession = i
	}
	durations := []struct {
		name string
		dst  *time.Duration
	}{
		{"MCPGEN_SESSION_IDLE_TIMEOUT", &c.SessionIdleTimeout},
		{"MCPGEN_SESSION_INIT_TIMEOUT", &c.SessionInitTimeout},
	}
	for _, d := range durations {
		if v := strings.TrimSpace(getenv(d.name)); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t < 0 {
				return c, fmt.Errorf("%s=%q: want a duration such as 30s or 10m, 0 for none", d.name, v)
			}
			*d.dst = t
		}
	}
	if v := getenv("MCPGEN_TRUSTED_PROXIES"); strings.TrimSpace(v) != "" {
		c.TrustedProxies = splitList(v)
		if _, err := ParseTrustedProxies(c.TrustedProxies); err != nil {
			return c, fmt.Errorf("MCPGEN_TRUSTED_PROXIES=%q: %w", v, err)
		}
	}
	if v := strings.TrimSpace(getenv("MCPGEN_REQUEST_STATE_KEY")); v != "" {
		if len(v) < 16 {
			return c, fmt.Errorf("MCPGEN_REQUEST_STATE_KEY: want at least 16 characters of secret (for example: openssl rand -hex 32)")
		}
		c.RequestStateKey = []byte(v)
	}
	if v := strings.TrimSpace(getenv("MCPGEN_LOG_LEVEL")); v != "" {
		l, err := parseLogLevel(v)
		if err != nil {
			return c, fmt.Errorf("MCPGEN_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
		c.LogLevel = l
	}
	if v := strings.TrimSpace(getenv("MCPGEN_HOME")); v != "" {
		c.Home = v
	}
	if v := strings.TrimSpace(getenv("MCPGEN_STORE")); v != "" {
		if err := checkStoreURL(v); err != nil {
			return c, fmt.Errorf("MCPGEN_STORE=%q: %w", v, err)
		}
		c.StoreURL = v
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"MCPGEN_TASKS_MAX_RUNNING", &c.MaxRunningTasks}, {"MCPGEN_TASKS_MAX_PER_CALLER", &c.MaxTasksPerCaller}} {
		if v := strings.TrimSpace(getenv(n.name)); v != "" {
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 {
				return c, fmt.Errorf("%s=%q: want a number of tasks (0 for no limit)", n.name, v)
			}
			*n.dst = k
		}
	}
	if v := strings.TrimSpace(getenv("MCPGEN_TASKS_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("MCPGEN_TASKS_TTL=%q: want a Go duration such as 30m or 24h (0 keeps tasks until restart)", v)
		}
		c.TaskTTL = d
	}
	if err := c.limitsFromEnv(getenv); err != nil {
		return c, err
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	c.resolveLimits()
	if err := checkStoreURL(c.StoreURL); err != nil {
		return c, fmt.Errorf("store %q: %w", c.StoreURL, err)
	}
	if err := checkAllowedHosts(c.AllowedHosts); err != nil {
		return c, fmt.Errorf("allowed hosts (WithAllowedHosts): %w", err)
	}
	if err := checkAllowedOrigins(c.AllowedOrigins); err != nil {
		return c, fmt.Errorf("allowed origins (WithAllowedOrigins): %w", err)
	}
	c.Home = expandHome(c.Home)
	for _, p := range []struct{ name, v string }{
		{"streamable path", c.StreamablePath}, {"SSE path", c.SSEPath}, {"message path", c.MessagePath},
	} {
		if !strings.HasPrefix(p.v, "/") {
			return c, fmt.Errorf("%s %q must start with /", p.name, p.v)
		}
	}
	if _, _, err := parseCORSOrigins("CORS origins (MCPGEN_CORS_ORIGINS or runtime.WithCORSOrigins)", c.CORSOrigins); err != nil {
		return c, err
	}
	if c.Port < 0 || c.Port > 65535 {
		return c, fmt.Errorf("port %d out of range", c.Port)
	}
	if c.TaskPollInterval <= 0 {
		c.TaskPollInterval = DefaultTaskPollInterval
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if _, err := ParseTrustedProxies(c.TrustedProxies); err != nil {
		return c, err
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
	}
	return c, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", v)
}

func parseLogLevel(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error", "critical", "fatal":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("unknown log level %q", v)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// checkAllowedHosts accepts entries of the Host allow-list: "host",
// "host:port", "host:*" ([v6] in brackets). A typo would otherwise make
// the guard refuse every request with 421.
func checkAllowedHosts(list []string) error {
	for _, e := range list {
		if _, ok := parseHostPattern(e); ok {
			continue
		}
		if _, rest, ok := strings.Cut(e, "://"); ok {
			return fmt.Errorf("%q is a URL; want a host, host:port or host:* (here: %s)", e, strings.TrimSuffix(rest, "/"))
		}
		return fmt.Errorf("%q: want a host, host:port or host:* (for example mcp.example.com or 127.0.0.1:8000)", e)
	}
	return nil
}

// checkAllowedOrigins accepts entries of the Origin allow-list:
// "scheme://host", "scheme://host:port", "scheme://host:*". A browser's
// Origin always has a scheme, so an entry without one matches nothing.
func checkAllowedOrigins(list []string) error {
	for _, e := range list {
		if _, ok := parseOriginPattern(e); ok {
			continue
		}
		if !strings.Contains(e, "://") {
			return fmt.Errorf("%q has no scheme; want scheme://host[:port] as browsers send it (for example https://%s)", e, e)
		}
		return fmt.Errorf("%q: want scheme://host, scheme://host:port or scheme://host:* (for example https://app.example.com)", e)
	}
	return nil
}

// checkStoreURL accepts the forms of MCPGEN_STORE.
func checkStoreURL(v string) error {
	const want = `want "memory", "file://DIR" or "redis://HOST:PORT/DB"`
	switch {
	case v == "memory":
		return nil
	case strings.HasPrefix(v, "file://"):
		if strings.TrimPrefix(v, "file://") == "" {
			return fmt.Errorf("no directory; %s", want)
		}
		return nil
	case strings.HasPrefix(v, "redis://"), strings.HasPrefix(v, "rediss://"):
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return fmt.Errorf("no host; %s", want)
		}
		if db := strings.TrimPrefix(u.Path, "/"); db != "" {
			if n, err := strconv.Atoi(db); err != nil || n < 0 {
				return fmt.Errorf("database %q is not a number; %s", db, want)
			}
		}
		return nil
	}
	return errors.New(want)
}

// expandHome resolves the default (empty) and a leading "~" against the
// user's home directory; without one it falls back to ./.mcpgen.
func expandHome(h string) string {
	if h != "" && h != "~" && !strings.HasPrefix(h, "~/") {
		return h
	}
	rest := ".mcpgen"
	if h != "" {
		rest = strings.TrimPrefix(strings.TrimPrefix(h, "~"), "/")
	}
	dir, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".", rest)
	}
	return filepath.Join(dir, rest)
}
