// Package client is a Model Context Protocol client: it connects to any MCP
// server (one made by mcpgen or not) over Streamable HTTP, legacy SSE,
// stdio (a command it starts), or in process to a *runtime.Server without
// a socket, and calls its tools, resources and prompts.
//
//	c, err := client.Connect(ctx, client.HTTP("http://127.0.0.1:8000/mcp"), nil)
//	if err != nil { ... }
//	defer c.Close()
//	res, err := c.CallTool(ctx, "get_forecast", map[string]any{"city": "Paris"})
//
// Over Streamable HTTP and stdio the client negotiates the protocol: it
// asks server/discover for the stateless 2026-07-28 protocol and falls
// back to an initialize session (2025-11-25) when the server does not
// offer it. Options.ProtocolVersion pins one.
//
// A tool result with isError set comes back as a *ToolError carrying the
// text; a JSON-RPC error as a *runtime.Error. mcpgen generates a typed
// client on top of this package (the client sub-package beside
// mcpserver), whose methods take and return the server's own Go types.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime"
)

// Options configures a Client. The zero value (or nil) is valid.
type Options struct {
	// ClientInfo names the client to the server; the default is
	// {"mcpgen-client", "1"}.
	ClientInfo runtime.Implementation
	// ProtocolVersion pins the version. Empty negotiates: 2026-07-28 when
	// server/discover offers it, otherwise an initialize session at
	// 2025-11-25 (legacy SSE always initializes).
	ProtocolVersion string

	// HTTPClient makes the HTTP requests (default http.DefaultClient).
	HTTPClient *http.Client
	// BearerToken is sent as "Authorization: Bearer <token>" on every
	// HTTP request.
	BearerToken string
	// TokenSource supplies the bearer token instead, per request (an
	// oauth2.Config's TokenSource refreshes it as needed).
	TokenSource oauth2.TokenSource
	// Header is added to every HTTP request.
	Header http.Header

	// LogLevel, when set, asks the server for log messages of at least
	// this severity (logging/setLevel, or the per-request _meta under
	// 2026-07-28).
	LogLevel runtime.LogLevel
	// OnLog receives notifications/message. It and OnNotification run
	// on the goroutine that reads the server's messages, possibly several
	// at once: they must not block, nor call the client (start a
	// goroutine for that).
	OnLog func(LogMessage)
	// OnNotification receives every other notification from the server
	// (resources/updated, list_changed, ...).
	OnNotification func(method string, params json.RawMessage)
	// Elicit answers elicitation/create; without it the client declares no
	// elicitation capability and answers with an error.
	Elicit func(ctx context.Context, req *ElicitRequest) (*runtime.ElicitResult, error)
	// Sample answers sampling/createMessage; without it the client
	// declares no sampling capability.
	Sample func(ctx context.Context, req *runtime.CreateMessageParams) (*runtime.CreateMessageResult, error)
	// Roots, when non-nil, are listed to the server (roots/list).
	Roots []runtime.Root
	// Tasks declares the 2026-07-28 tasks extension: a task tool's call
	// then runs as a task, which CallTool (and the generated methods)
	// follow to its end, polling tasks/get, answering its input requests
	// and cancelling it when the call's context ends. Without it, a tool
	// that runs only as a task fails with -32021. (2025-11-25 tasks are not
	// supported: there the calls stay synchronous.)
	Tasks bool

	// Stderr receives a Command server's standard error (default: the
	// client process's standard error).
	Stderr io.Writer
}

// LogMessage is one notifications/message.
type LogMessage struct {
	Level  runtime.LogLevel `json:"level"`
	Logger string           `json:"logger,omitempty"`
	Data   json.RawMessage  `json:"data"`
}

// Progress is one notifications/progress for a call made with WithProgress.
type Progress struct {
	Progress float64 `json:"progress"`
	Total    float64 `json:"total,omitempty"`
	Message  string  `json:"message,omitempty"`
}

// ElicitRequest is the server's elicitation/create request.
type ElicitRequest struct {
	Mode            string          `json:"mode,omitempty"` // "form" (or empty) or "url"
	Message         string          `json:"message"`
	RequestedSchema json.RawMessage `json:"requestedSchema,omitempty"`
	URL             string          `json:"url,omitempty"`
	ElicitationID   string          `json:"elicitationId,omitempty"`
}

// ErrClosed is returned by calls on a closed client or after the
// transport ended.
var ErrClosed = errors.New("mcp client: connection closed")

// Client is a connection to one MCP server. It is safe for concurrent use.
type Client struct {
	t    Transport
	opts Options

	version      string // negotiated
	modern       bool
	serverInfo   runtime.Implementation
	capabilities json.RawMessage
	instructions string
	clientCaps   json.RawMessage
	clientInfo   json.RawMessage

	nextID atomic.Int64
	// renew serializes session renewals; sessionGen counts them.
	renew      sync.Mutex
	sessionGen atomic.Int64
	mu         sync.Mutex
	pending    map[string]chan *runtime.Message
	progress   map[string]func(Progress)
	closed     bool
	done       chan struct{}
	// schemas maps tool names to their input schemas, for the
	// Mcp-Param-* headers (nil until listed).
	schemas  map[string]json.RawMessage
	handlers sync.WaitGroup
	baseCtx  context.Context
	stop     context.CancelFunc
}

// Connect opens t and completes the handshake (server/discover or
// initialize). opts may be nil.
func Connect(ctx context.Context, t Transport, opts *Options) (*Client, error) {
	c := &Client{t: t, pending: map[string]chan *runtime.Message{}, progress: map[string]func(Progress){}, done: make(chan struct{})}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.ClientInfo.Name == "" {
		c.opts.ClientInfo = runtime.Implementation{Name: "mcpgen-client", Version: "1"}
	}
	c.baseCtx, c.stop = context.WithCancel(context.Background())
	caps := map[string]any{}
	if c.opts.Elicit != nil {
		caps["elicitation"] = map[string]any{"form": struct{}{}, "url": struct{}{}}
	}
	if c.opts.Sample != nil {
		caps["sampling"] = struct{}{}
	}
	if c.opts.Roots != nil {
		caps["roots"] = map[string]any{"listChanged": false}
	}
	if c.opts.Tasks {
		caps["extensions"] = map[string]any{extensionTasks: struct{}{}}
	}
	c.clientCaps, _ = json.Marshal(caps)
	c.clientInfo, _ = json.Marshal(c.opts.ClientInfo)
	if err := t.start(ctx, &c.opts, c.receive, c.ended); err != nil {
		return nil, err
	}
	if err := c.handshake(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Client) handshake(ctx context.Context) error {
	v := c.opts.ProtocolVersion
	if (v == "" && c.t.modernCapable()) || runtime.IsModernVersion(v) {
		if v == "" {
			v = runtime.Version20260728
		}
		c.version, c.modern = v, true
		c.t.setSession(v, true, "")
		var disc struct {
			SupportedVersions []string        `json:"supportedVersions"`
			Capabilities      json.RawMessage `json:"capabilities"`
			Instructions      string          `json:"instructions"`
			Meta              struct {
				ServerInfo runtime.Implementation `json:"io.modelcontextprotocol/serverInfo"`
			} `json:"_meta"`
		}
		// A server that predates 2026-07-28 answers server/discover with an
		// error, but one over stdio might not answer at all before
		// initialize: the probe gives up after discoverTimeout.
		pctx, cancel := context.WithTimeout(ctx, discoverTimeout)
		err := c.call(pctx, "server/discover", "", map[string]any{}, &disc, nil)
		cancel()
		if err == nil && contains(disc.SupportedVersions, v) {
			c.serverInfo, c.capabilities, c.instructions = disc.Meta.ServerInfo, disc.Capabilities, disc.Instructions
			return nil
		}
		if opts := c.opts.ProtocolVersion; opts != "" {
			if err == nil {
				err = fmt.Errorf("mcp client: server does not support protocol %s (it offers %v)", v, disc.SupportedVersions)
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.modern = false
	}
	if v == "" || runtime.IsModernVersion(v) {
		v = runtime.Version20251125
	}
	return c.initialize(ctx, v)
}

// initialize opens a session at version v (the server may answer with
// another it supports).
func (c *Client) initialize(ctx context.Context, v string) error {
	c.t.setSession("", false, "reset")
	var init struct {
		ProtocolVersion string                 `json:"protocolVersion"`
		Capabilities    json.RawMessage        `json:"capabilities"`
		ServerInfo      runtime.Implementation `json:"serverInfo"`
		Instructions    string                 `json:"instructions"`
	}
	params := map[string]any{"protocolVersion": v, "capabilities": c.clientCaps, "clientInfo": c.opts.ClientInfo}
	if err := c.call(ctx, "initialize", "", params, &init, nil); err != nil {
		return err
	}
	if !runtime.IsSupportedVersion(init.ProtocolVersion) {
		return fmt.Errorf("mcp client: server answered initialize with unsupported protocol version %q", init.ProtocolVersion)
	}
	c.mu.Lock()
	c.version = init.ProtocolVersion
	c.serverInfo, c.capabilities, c.instructions = init.ServerInfo, init.Capabilities, init.Instructions
	c.mu.Unlock()
	c.t.setSession(init.ProtocolVersion, false, "initialized")
	if err := c.notify(ctx, "notifications/initialized", map[string]any{}); err != nil {
		return err
	}
	if level := c.logLevel(); level != "" {
		if err := c.call(ctx, "logging/setLevel", "", map[string]any{"level": level}, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// renewSession starts a new session after the server answered 404 to a
// request of session generation gen (it forgot the session: expired, or
// restarted), unless another call renewed it already.
func (c *Client) renewSession(ctx context.Context, gen int64) error {
	c.renew.Lock()
	defer c.renew.Unlock()
	if c.sessionGen.Load() != gen {
		return nil
	}
	c.mu.Lock()
	v := c.version
	c.mu.Unlock()
	if err := c.initialize(ctx, v); err != nil {
		return fmt.Errorf("mcp client: renewing the expired session: %w", err)
	}
	c.sessionGen.Add(1)
	return nil
}

// discoverTimeout bounds the server/discover probe of a negotiating
// client.
const discoverTimeout = 10 * time.Second

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// logLevel is Options.LogLevel, which SetLogLevel changes.
func (c *Client) logLevel() runtime.LogLevel {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opts.LogLevel
}

// ProtocolVersion returns the negotiated protocol version.
func (c *Client) ProtocolVersion() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// ServerInfo returns the server's name and version.
func (c *Client) ServerInfo() runtime.Implementation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.serverInfo
}

// ServerCapabilities returns the capabilities the server announced.
func (c *Client) ServerCapabilities() json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.capabilities
}

// Instructions returns the server's instructions, if any.
func (c *Client) Instructions() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.instructions
}

// Close ends the connection (DELETE of the session over Streamable HTTP,
// closing stdin and waiting for a command). Calls in flight fail with
// ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.done)
	c.mu.Unlock()
	c.stop()
	err := c.t.close()
	c.handlers.Wait()
	return err
}

// ended is called by the transport when its input ends for good.
func (c *Client) ended(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}

// callOpts are the per-call options.
type callOpts struct {
	progress func(Progress)
	meta     map[string]any
}

// CallOption changes one call.
type CallOption func(*callOpts)

// WithProgress asks the server for progress notifications on this call
// and passes each to f (on the client's receiving goroutine: f must not
// block).
func WithProgress(f func(Progress)) CallOption {
	return func(o *callOpts) { o.progress = f }
}

// WithMeta adds an entry to the request's params._meta.
func WithMeta(key string, value any) CallOption {
	return func(o *callOpts) {
		if o.meta == nil {
			o.meta = map[string]any{}
		}
		o.meta[key] = value
	}
}

// Call sends a request and decodes its result into result (which may be
// nil, or a *json.RawMessage). Most users call the typed methods
// (CallTool, ReadResource, ...) instead. A JSON-RPC error is returned as
// a *runtime.Error.
func (c *Client) Call(ctx context.Context, method string, params, result any, opts ...CallOption) error {
	return c.call(ctx, method, nameOf(method, params), params, result, applyOpts(opts))
}

func applyOpts(opts []CallOption) *callOpts {
	var o callOpts
	for _, f := range opts {
		f(&o)
	}
	return &o
}

// nameOf returns the Mcp-Name header value of a request.
func nameOf(method string, params any) string {
	var key string
	switch method {
	case "tools/call", "prompts/get":
		key = "name"
	case "resources/read":
		key = "uri"
	case "tasks/get", "tasks/update", "tasks/cancel":
		key = "taskId"
	default:
		return ""
	}
	switch p := params.(type) {
	case map[string]any:
		s, _ := p[key].(string)
		return s
	}
	b, err := json.Marshal(params)
	if err != nil {
		return ""
	}
	var m map[string]json.RawMessage
	var s string
	if json.Unmarshal(b, &m) == nil {
		_ = json.Unmarshal(m[key], &s)
	}
	return s
}

// maxInputRounds bounds the input_required retries of one 2026 request.
const maxInputRounds = 16

func (c *Client) call(ctx context.Context, method, name string, params, result any, o *callOpts) error {
	p, err := c.params(params, o)
	if err != nil {
		return err
	}
	renewed := false
	for round := 0; ; round++ {
		gen := c.sessionGen.Load()
		raw, err := c.roundTrip(ctx, method, name, p, o)
		var he *HTTPError
		if err != nil && !renewed && !c.modern && method != "initialize" && errors.As(err, &he) && he.StatusCode == http.StatusNotFound && c.t.hasSession() {
			// The server no longer knows the session: start a new one and
			// send the request again, once.
			if rerr := c.renewSession(ctx, gen); rerr != nil {
				return errors.Join(err, rerr)
			}
			renewed = true
			round--
			continue
		}
		if err != nil {
			return err
		}
		if c.modern && bytes.Contains(raw, []byte(`"input_required"`)) {
			next, ok, err := c.answerInput(ctx, p, raw)
			if err != nil {
				return err
			}
			if ok {
				if round >= maxInputRounds {
					return fmt.Errorf("mcp client: %s still asks for input after %d rounds", method, round)
				}
				p = next
				continue
			}
		}
		if result == nil {
			return nil
		}
		if r, ok := result.(*json.RawMessage); ok {
			*r = raw
			return nil
		}
		if err := json.Unmarshal(raw, result); err != nil {
			return fmt.Errorf("mcp client: decoding the %s result: %w", method, err)
		}
		return nil
	}
}

// params encodes the request params as an object with the call's _meta
// (and, under 2026-07-28, the protocol envelope) merged in.
func (c *Client) params(params any, o *callOpts) (map[string]json.RawMessage, error) {
	p := map[string]json.RawMessage{}
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return nil, fmt.Errorf("mcp client: encoding params: %w", err)
		}
		if string(b) != "null" {
			if err := json.Unmarshal(b, &p); err != nil {
				return nil, fmt.Errorf("mcp client: params must encode as a JSON object: %w", err)
			}
		}
	}
	meta := map[string]json.RawMessage{}
	if m, ok := p["_meta"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, fmt.Errorf("mcp client: params._meta must be an object: %w", err)
		}
	}
	set := func(k string, v any) {
		b, _ := json.Marshal(v)
		meta[k] = b
	}
	if o != nil {
		for k, v := range o.meta {
			set(k, v)
		}
	}
	if c.modern {
		set("io.modelcontextprotocol/protocolVersion", c.version)
		meta["io.modelcontextprotocol/clientCapabilities"] = c.clientCaps
		meta["io.modelcontextprotocol/clientInfo"] = c.clientInfo
		if level := c.logLevel(); level != "" {
			set("io.modelcontextprotocol/logLevel", level)
		}
	}
	if len(meta) > 0 {
		b, _ := json.Marshal(meta)
		p["_meta"] = b
	}
	return p, nil
}

// roundTrip sends one request and waits for its response, returning the
// raw result.
func (c *Client) roundTrip(ctx context.Context, method, name string, params map[string]json.RawMessage, o *callOpts) (json.RawMessage, error) {
	id := c.nextID.Add(1)
	idRaw := json.RawMessage(strconv.FormatInt(id, 10))
	key := string(idRaw)
	ch := make(chan *runtime.Message, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	c.pending[key] = ch
	var token string
	if o != nil && o.progress != nil {
		token = "p" + key
		c.progress[token] = o.progress
		meta := map[string]json.RawMessage{}
		_ = json.Unmarshal(params["_meta"], &meta)
		meta["progressToken"] = json.RawMessage(strconv.Quote(token))
		params = clone(params)
		params["_meta"], _ = json.Marshal(meta)
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, key)
		if token != "" {
			delete(c.progress, token)
		}
		c.mu.Unlock()
	}()
	msg := runtime.EncodeRequest(idRaw, method, params)
	info := sendInfo{method: method, name: name, request: true, id: idRaw}
	if method == "tools/call" {
		info.headers = c.toolHeaders(ctx, name, params["arguments"])
	}
	if err := c.t.send(ctx, msg, info); err != nil {
		if ctx.Err() != nil {
			// Over HTTP the request was aborted; tell the server too.
			c.cancelRemote(ctx, id)
			return nil, ctx.Err()
		}
		return nil, err
	}
	var resp *runtime.Message
	if c.t.synchronous() {
		// The response, if any, came on the POST's own stream, which has
		// ended.
		select {
		case resp = <-ch:
		default:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("mcp client: %s: the server ended the response stream without answering", method)
		}
	} else {
		select {
		case resp = <-ch:
		case <-ctx.Done():
			c.cancelRemote(ctx, id)
			return nil, ctx.Err()
		case <-c.done:
			return nil, ErrClosed
		}
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	return resp.Result, nil
}

// cancelRemote sends notifications/cancelled for request id, whose
// context ended, giving up after a few seconds.
func (c *Client) cancelRemote(ctx context.Context, id int64) {
	nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = c.notify(nctx, "notifications/cancelled", map[string]any{"requestId": id, "reason": ctx.Err().Error()})
}

func clone(m map[string]json.RawMessage) map[string]json.RawMessage {
	n := make(map[string]json.RawMessage, len(m)+1)
	for k, v := range m {
		n[k] = v
	}
	return n
}

// answerInput handles a 2026 input_required result: it answers each of
// its inputRequests with the client's handlers and returns the params to
// retry with. ok is false when raw is not an input_required result.
func (c *Client) answerInput(ctx context.Context, params map[string]json.RawMessage, raw json.RawMessage) (next map[string]json.RawMessage, ok bool, err error) {
	var r struct {
		ResultType    string `json:"resultType"`
		InputRequests map[string]struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		} `json:"inputRequests"`
		RequestState *string `json:"requestState"`
	}
	if json.Unmarshal(raw, &r) != nil || r.ResultType != "input_required" {
		return nil, false, nil
	}
	answers := map[string]json.RawMessage{}
	for k, req := range r.InputRequests {
		res, rerr := c.serve(ctx, req.Method, req.Params)
		if rerr != nil {
			return nil, true, fmt.Errorf("mcp client: the server asked for %s, which this client cannot answer: %w", req.Method, rerr)
		}
		answers[k] = res
	}
	next = clone(params)
	next["inputResponses"], _ = json.Marshal(answers)
	delete(next, "requestState")
	if r.RequestState != nil {
		next["requestState"], _ = json.Marshal(*r.RequestState)
	}
	return next, true, nil
}

// notify sends a notification.
func (c *Client) notify(ctx context.Context, method string, params any) error {
	return c.t.send(ctx, runtime.EncodeNotification(method, params), sendInfo{method: method})
}

// receive handles one message from the server. It is called by the
// transport, one message at a time.
func (c *Client) receive(data []byte) {
	msg, perr := runtime.ParseMessage(data)
	if perr != nil {
		return // nothing sensible to answer on a transport we did not speak first
	}
	switch {
	case msg.IsResponse():
		c.mu.Lock()
		ch := c.pending[string(msg.ID)]
		delete(c.pending, string(msg.ID))
		c.mu.Unlock()
		if ch != nil {
			ch <- msg
		}
	case msg.IsRequest():
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		c.handlers.Add(1)
		c.mu.Unlock()
		go func() {
			defer c.handlers.Done()
			res, err := c.serve(c.baseCtx, msg.Method, msg.Params)
			var out []byte
			if err != nil {
				var re *runtime.Error
				if !errors.As(err, &re) {
					re = runtime.NewError(runtime.CodeInternalError, "%v", err)
				}
				out = runtime.EncodeError(msg.ID, re)
			} else {
				out = runtime.EncodeResult(msg.ID, res)
			}
			_ = c.t.send(c.baseCtx, out, sendInfo{response: true})
		}()
	case msg.IsNotification():
		switch msg.Method {
		case "notifications/progress":
			var p struct {
				Token json.RawMessage `json:"progressToken"`
				Progress
			}
			if json.Unmarshal(msg.Params, &p) != nil {
				return
			}
			var tok string
			if json.Unmarshal(p.Token, &tok) != nil {
				return
			}
			c.mu.Lock()
			f := c.progress[tok]
			c.mu.Unlock()
			if f != nil {
				f(p.Progress)
			}
		case "notifications/message":
			var m LogMessage
			if c.opts.OnLog != nil && json.Unmarshal(msg.Params, &m) == nil {
				c.opts.OnLog(m)
			}
		default:
			if c.opts.OnNotification != nil {
				c.opts.OnNotification(msg.Method, msg.Params)
			}
		}
	}
}

// serve answers a server-to-client request with the client's handlers.
func (c *Client) serve(ctx context.Context, method string, params json.RawMessage) (json.RawMessage, error) {
	var res any
	var err error
	switch method {
	case "ping":
		res = struct{}{}
	case "elicitation/create":
		if c.opts.Elicit == nil {
			return nil, runtime.MissingCapability("elicitation")
		}
		var req ElicitRequest
		if err := json.Unmarshal(params, &req); err != nil {
			return nil, runtime.NewError(runtime.CodeInvalidParams, "invalid params: %v", err)
		}
		res, err = c.opts.Elicit(ctx, &req)
	case "sampling/createMessage":
		if c.opts.Sample == nil {
			return nil, runtime.MissingCapability("sampling")
		}
		var req runtime.CreateMessageParams
		if err := json.Unmarshal(params, &req); err != nil {
			return nil, runtime.NewError(runtime.CodeInvalidParams, "invalid params: %v", err)
		}
		res, err = c.opts.Sample(ctx, &req)
	case "roots/list":
		if c.opts.Roots == nil {
			return nil, runtime.MissingCapability("roots")
		}
		res = map[string]any{"roots": c.opts.Roots}
	default:
		return nil, runtime.NewError(runtime.CodeMethodNotFound, "method not found: %s", method)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// SupportsGeneratedClient1 is referenced by generated clients (const _ =
// mcpclient.SupportsGeneratedClient1), so that a client generated for a
// newer runtime fails to compile against an older one rather than
// misbehave.
const SupportsGeneratedClient1 = true
