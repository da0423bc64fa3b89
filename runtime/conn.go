package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// ErrConnClosed is returned by server-to-client requests whose connection
// closed before the client answered.
var ErrConnClosed = errors.New("runtime: connection closed")

// ErrInputEnded is the error of a server-to-client request (Elicit,
// CreateMessage, ListRoots) made after the client closed its side of the
// connection (stdio at EOF): no answer can arrive.
var ErrInputEnded = errors.New("runtime: the client closed its input, so it cannot answer")

// Conn is the server's state for one client connection: a Streamable
// HTTP session, a legacy SSE stream, a stdio pipe, or a single stateless
// request. Transports create it with Server.NewConn and feed it messages
// with Server.Handle. A Conn is safe for concurrent use: requests of one
// session may be handled at the same time.
type Conn struct {
	srv  *Server
	cfg  ConnConfig
	done chan struct{} // closed by Close; made on first use (doneChan), under mu

	mu          sync.Mutex
	version     string
	initialized bool        // initialize succeeded
	ready       atomic.Bool // notifications/initialized arrived after that (read without mu by the session table's scans)
	client      Implementation
	clientCaps  json.RawMessage
	capSet      map[string]json.RawMessage // declared client capabilities (non-null)
	logMin      int                        // lowest severity sent; 0 (debug) sends everything
	inflight    map[string]*inflight
	pending     map[string]chan *Message
	nextID      int64
	standalone  Outbound
	standaloneN int      // generation, so a stale release does not detach a newer stream
	keep        Outbound // ShareStandalone: where standalone messages go while no stream is attached here
	follow      func()   // ShareStandalone: fetch what another replica kept
	backlog     [][]byte // messages for a standalone stream not open yet (bounded)
	subs        map[string]struct{}
	closed      bool
	inputEnded  bool          // EndInput was called
	noInput     chan struct{} // closed by EndInput; made by the first call that waits, under mu

	// The 2026 era (HandleModern): one Conn per request.
	modern bool
	logOff bool     // no logLevel in _meta: no notifications/message at all
	mrtr   *mrtrRun // input_required bookkeeping; nil where MRTR does not apply
}

// inflight is the core's state for one request being handled.
type inflight struct {
	id            json.RawMessage
	progressToken json.RawMessage // nil when the client asked for no progress
	out           Outbound        // the request's own stream, or nil
	cancel        context.CancelFunc
	task          *runningTask // the task this request's handler runs as, if any

	mu           sync.Mutex
	lastProgress float64
	sentProgress bool

	// The Call and Session a handler of this request receives, allocated
	// with it (see newCall).
	call    Call
	session Session

	// RequestTimeout (see requestTimer): the request's context, and its
	// place in the Server's list of requests in flight.
	timed      timedCtx
	prev, next *inflight
	listed     bool
}

// NewConn returns a new connection state.
func (s *Server) NewConn(cfg ConnConfig) *Conn {
	return &Conn{
		srv:     s,
		cfg:     cfg,
		version: cfg.ProtocolVersion,
		// inflight and pending are made on first use: most stateless
		// connections live for one request and never wait for a reply.
	}
}

// ID returns the session id.
func (c *Conn) ID() string { return c.cfg.ID }

// Stateless reports whether c was made for stateless requests.
func (c *Conn) Stateless() bool { return c.cfg.Stateless }

// ProtocolVersion returns the negotiated protocol version ("" before
// initialize, unless ConnConfig preset one).
func (c *Conn) ProtocolVersion() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// Initialized reports whether initialize succeeded on c.
func (c *Conn) Initialized() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.initialized
}

// Ready reports whether the client finished the handshake: initialize
// succeeded and notifications/initialized followed.
func (c *Conn) Ready() bool { return c.ready.Load() }

// Done is closed when c is closed.
func (c *Conn) Done() <-chan struct{} { return c.doneChan() }

// closedChan is the Done channel of a Conn closed before anyone asked.
var closedChan = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

// doneChan returns c.done, making it on first use: most stateless
// connections live for one request and never need it.
func (c *Conn) doneChan() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		if c.closed {
			c.done = closedChan
		} else {
			c.done = make(chan struct{})
		}
	}
	return c.done
}

// SetStandalone routes messages tied to no request (notifications such as
// resources/updated, and server-to-client requests made outside a request
// stream) to out until the returned release func is called. A second call
// while one is set returns ok=false (the spec allows one GET stream).
func (c *Conn) SetStandalone(out Outbound) (release func(), ok bool) {
	c.mu.Lock()
	if c.standalone != nil || out == nil {
		c.mu.Unlock()
		return func() {}, false
	}
	c.standalone = out
	c.standaloneN++
	gen := c.standaloneN
	backlog := c.backlog
	c.backlog = nil
	c.mu.Unlock()
	// Messages queued before the stream opened go first (outside the lock:
	// Send may block on the stream). A message sent concurrently with this
	// hand-over may overtake them; nothing is lost.
	for _, m := range backlog {
		if out.Send(m) != nil {
			break
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			if c.standaloneN == gen {
				c.standalone = nil
			}
			c.mu.Unlock()
		})
	}, true
}

// attachedStandalone is the session's GET stream when this process
// holds it, or nil.
func (c *Conn) attachedStandalone() Outbound {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.standalone
}

func (c *Conn) standaloneOut() Outbound {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.standalone == nil && !c.cfg.Stateless && !c.modern && !c.closed {
		// A session whose client has not opened its GET stream yet (clients
		// open it right after initialize, concurrently with their first
		// calls): keep the messages for it rather than drop them. With
		// replicas, the one holding the stream gets them too.
		if c.cfg.relay != nil && c.keep != nil {
			return keptOut{c}
		}
		if c.cfg.relay != nil {
			return relayOut{c}
		}
		return backlogOut{c}
	}
	return c.standalone
}

// maxBacklog bounds the messages kept for a standalone stream that is not
// open yet; past it the oldest are dropped.
const maxBacklog = 256

// backlogOut queues messages for the session's standalone stream until
// SetStandalone attaches one.
type backlogOut struct{ c *Conn }

func (b backlogOut) Send(msg []byte) error {
	c := b.c
	c.mu.Lock()
	if out := c.standalone; out != nil { // attached meanwhile
		c.mu.Unlock()
		return out.Send(msg)
	}
	if c.closed {
		c.mu.Unlock()
		return ErrConnClosed
	}
	if len(c.backlog) >= maxBacklog {
		c.backlog = c.backlog[1:]
	}
	c.backlog = append(c.backlog, msg)
	c.mu.Unlock()
	return nil
}

// relayOut is backlogOut that also offers the message to the replica
// holding the session's GET stream.
type relayOut struct{ c *Conn }

func (r relayOut) Send(msg []byte) error {
	r.c.cfg.relay(relayStandalone, msg)
	return backlogOut(r).Send(msg)
}

// keptOut stores a standalone message where every replica finds it
// (ShareStandalone) and tells the one holding the stream to fetch it.
type keptOut struct{ c *Conn }

func (k keptOut) Send(msg []byte) error {
	if err := k.c.keep.Send(msg); err != nil {
		return err
	}
	k.c.cfg.relay(relayStandalone, nil)
	return nil
}

// ShareStandalone is for transports whose event store is shared by
// replicas: a message for the session's standalone stream while this
// process holds none goes to keep (which stores it for whichever replica
// holds or resumes the stream), and follow runs when another replica
// kept one, to fetch it for the stream held here. It does nothing for a
// session that is not shared (SessionTable.Share).
func (c *Conn) ShareStandalone(keep Outbound, follow func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg.relay != nil {
		c.keep, c.follow = keep, follow
	}
}

// Kinds of relayed messages.
const (
	relayIn         = "in"
	relayStandalone = "out"
)

// outFor is where a message of request r goes: its own stream, else the
// standalone stream, else nowhere (nil).
func (c *Conn) outFor(r *inflight) Outbound {
	if r != nil && r.out != nil {
		return r.out
	}
	return c.standaloneOut()
}

// Close cancels every in-flight request and fails pending
// server-to-client requests. It is idempotent.
func (c *Conn) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	if c.done != nil {
		close(c.done)
	} else {
		c.done = closedChan
	}
	for _, r := range c.inflight {
		r.cancel()
	}
	clear(c.pending)
	hadSubs := len(c.subs) > 0
	c.subs = nil
	c.standalone = nil
	c.backlog = nil
	c.mu.Unlock()
	if hadSubs {
		c.srv.subMu.Lock()
		delete(c.srv.subs, c)
		c.srv.subMu.Unlock()
	}
}

func (c *Conn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *Conn) register(r *inflight) *Error {
	key := string(r.id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return &Error{Code: CodeInvalidRequest, Message: "connection closed"}
	}
	if c.inflight[key] != nil {
		return &Error{Code: CodeInvalidRequest, Message: "request id " + key + " is already in use by a request in progress"}
	}
	if c.inflight == nil {
		c.inflight = make(map[string]*inflight, 1)
	}
	c.inflight[key] = r
	return nil
}

func (c *Conn) unregister(r *inflight) {
	key := string(r.id)
	c.mu.Lock()
	if c.inflight[key] == r {
		delete(c.inflight, key)
	}
	c.mu.Unlock()
}

// cancelRequest handles notifications/cancelled; it reports whether the
// request runs here.
func (c *Conn) cancelRequest(id json.RawMessage) bool {
	c.mu.Lock()
	r := c.inflight[string(id)]
	c.mu.Unlock()
	if r != nil {
		r.cancel()
	}
	return r != nil
}

// relayed handles a message the client sent to another replica that
// could not place it (SessionTable.Share).
func (c *Conn) relayed(kind string, raw []byte) {
	switch kind {
	case relayStandalone:
		c.mu.Lock()
		follow := c.follow
		c.mu.Unlock()
		if follow != nil {
			go follow() // a store round trip: not on the dispatch loop
			return
		}
		if out := c.attachedStandalone(); out != nil {
			_ = out.Send(raw)
		}
	case relayIn:
		msg, perr := ParseMessage(raw)
		if perr != nil {
			return
		}
		if msg.IsResponse() {
			c.deliver(msg)
		} else if id := cancelledID(msg); id != nil {
			c.cancelRequest(id)
		}
	}
}

// cancelledID is the requestId of a notifications/cancelled, or nil.
func cancelledID(msg *Message) json.RawMessage {
	if msg.Method != "notifications/cancelled" {
		return nil
	}
	var p struct {
		RequestID json.RawMessage `json:"requestId"`
	}
	if json.Unmarshal(msg.Params, &p) != nil || len(p.RequestID) == 0 {
		return nil
	}
	return p.RequestID
}

// encodeIncoming re-encodes a client's message for relaying.
func encodeIncoming(m *Message) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id,omitempty"`
		Method  string          `json:"method,omitempty"`
		Params  json.RawMessage `json:"params,omitempty"`
		Result  json.RawMessage `json:"result,omitempty"`
		Error   *Error          `json:"error,omitempty"`
	}{"2.0", m.ID, m.Method, m.Params, m.Result, m.Error})
	return b
}

func (c *Conn) subscribe(uri string, on bool) *Error {
	if err := c.setSubscription(uri, on); err != nil {
		return err
	}
	return c.changed()
}

// setSubscription is subscribe without telling the session table.
func (c *Conn) setSubscription(uri string, on bool) *Error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	if on {
		if _, dup := c.subs[uri]; !dup && c.srv.cfg.MaxSubscriptions > 0 && len(c.subs) >= c.srv.cfg.MaxSubscriptions {
			c.mu.Unlock()
			return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("invalid request: this session already has %d resource subscriptions, the server's limit (MCPGEN_MAX_SUBSCRIPTIONS); unsubscribe from some first", len(c.subs))}
		}
		if c.subs == nil {
			c.subs = map[string]struct{}{}
		}
		c.subs[uri] = struct{}{}
	} else {
		delete(c.subs, uri)
	}
	has := len(c.subs) > 0
	c.mu.Unlock()
	c.srv.subMu.Lock()
	if has {
		c.srv.subs[c] = struct{}{}
	} else {
		delete(c.srv.subs, c)
	}
	c.srv.subMu.Unlock()
	return nil
}

// changed tells the session table that the session's record changed.
func (c *Conn) changed() *Error {
	if f := c.cfg.onChange; f != nil {
		if err := f(); err != nil {
			return StoreError(err)
		}
	}
	return nil
}

// capabilitySet is the declared (non-null) client capabilities of caps.
func capabilitySet(caps map[string]json.RawMessage) map[string]json.RawMessage {
	set := make(map[string]json.RawMessage, len(caps))
	for k, raw := range caps {
		if !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			set[k] = raw
		}
	}
	return set
}

// restore gives a new Conn the negotiated state of a session opened on
// another replica (or before a restart). It runs before the Conn is
// shared, and before its onChange is set.
func (c *Conn) restore(r SessionRecord) {
	caps := map[string]json.RawMessage{}
	if len(r.ClientCapabilities) > 0 {
		_ = json.Unmarshal(r.ClientCapabilities, &caps)
	}
	c.mu.Lock()
	c.version, c.client = r.ProtocolVersion, r.ClientInfo
	c.clientCaps, c.capSet = r.ClientCapabilities, capabilitySet(caps)
	c.initialized = r.ProtocolVersion != ""
	c.mu.Unlock()
	c.ready.Store(true)
	c.update(r)
}

// update applies what may change during a session (log level,
// subscriptions) from a record another replica wrote.
func (c *Conn) update(r SessionRecord) {
	c.mu.Lock()
	if sev, ok := logSeverity[r.LogLevel]; ok {
		c.logMin = sev
	}
	var drop []string
	for u := range c.subs {
		if !slices.Contains(r.Subscriptions, u) {
			drop = append(drop, u)
		}
	}
	c.mu.Unlock()
	for _, u := range drop {
		_ = c.setSubscription(u, false)
	}
	for _, u := range r.Subscriptions {
		_ = c.setSubscription(u, true)
	}
}

func (c *Conn) subscribed(uri string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.subs[uri]
	return ok
}

func (c *Conn) clientInfo() Implementation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}

func (c *Conn) clientCapabilities() json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clientCaps
}

// logSeverity orders the MCP log levels.
var logSeverity = map[LogLevel]int{
	LevelDebug: 0, LevelInfo: 1, LevelNotice: 2, LevelWarning: 3,
	LevelError: 4, LevelCritical: 5, LevelAlert: 6, LevelEmergency: 7,
}

func (c *Conn) log(r *inflight, l LogLevel, logger string, data any) error {
	sev, ok := logSeverity[l]
	if !ok {
		return fmt.Errorf("runtime: unknown log level %q", l)
	}
	c.mu.Lock()
	min, off := c.logMin, c.logOff
	c.mu.Unlock()
	if off || sev < min {
		return nil
	}
	out := c.outFor(r)
	if out == nil {
		return nil
	}
	return out.Send(EncodeNotification("notifications/message", struct {
		Level  LogLevel `json:"level"`
		Logger string   `json:"logger,omitempty"`
		Data   any      `json:"data"`
	}{l, logger, data}))
}

func (c *Conn) progress(r *inflight, p, total float64, msg string) error {
	if r != nil && r.task != nil && c.modern {
		// The extension has no progress notifications for tasks: the
		// progress becomes the task's statusMessage.
		r.task.setMessage(p, total, msg)
		return nil
	}
	if r == nil || r.progressToken == nil {
		return nil
	}
	r.mu.Lock()
	if r.sentProgress && p <= r.lastProgress {
		last := r.lastProgress
		r.mu.Unlock()
		return fmt.Errorf("runtime: progress must increase (got %v after %v)", p, last)
	}
	r.sentProgress, r.lastProgress = true, p
	r.mu.Unlock()
	out := c.outFor(r)
	if out == nil {
		return nil
	}
	params := struct {
		Token    json.RawMessage `json:"progressToken"`
		Progress float64         `json:"progress"`
		Total    float64         `json:"total,omitempty"`
		Message  string          `json:"message,omitempty"`
	}{r.progressToken, p, total, msg}
	if total < 0 {
		params.Total = 0
	}
	return out.Send(EncodeNotification("notifications/progress", params))
}

// capabilityFor names the client capability a server-to-client method
// needs.
var capabilityFor = map[string]string{
	"elicitation/create":     "elicitation",
	"sampling/createMessage": "sampling",
	"roots/list":             "roots",
}

func (c *Conn) call(ctx context.Context, r *inflight, method string, params, result any) error {
	if c.modern {
		return c.callModern(ctx, r, method, params, result)
	}
	if r != nil && r.task != nil {
		// A 2025 task waits for the client: input_required meanwhile.
		r.task.setStatus(TaskInputRequired)
		defer r.task.setStatus(TaskWorking)
	}
	if c.cfg.Stateless {
		return fmt.Errorf("runtime: %s is not available in stateless mode: the server cannot receive the client's answer without a session (turn stateless mode off)", method)
	}
	c.mu.Lock()
	capName := capabilityFor[method]
	if _, ok := c.capsLocked()[capName]; capName != "" && !ok {
		c.mu.Unlock()
		return fmt.Errorf("runtime: the client did not declare the %q capability, so it cannot answer %s", capName, method)
	}
	if c.closed {
		c.mu.Unlock()
		return ErrConnClosed
	}
	if c.inputEnded {
		c.mu.Unlock()
		return ErrInputEnded
	}
	if c.noInput == nil {
		c.noInput = make(chan struct{})
	}
	noInput := c.noInput
	if n := c.srv.cfg.MaxPendingRequests; n > 0 && len(c.pending) >= n {
		c.mu.Unlock()
		return fmt.Errorf("runtime: cannot send %s: %d server-to-client requests of this session already wait for the client's answer (MCPGEN_MAX_PENDING_REQUESTS)", method, n)
	}
	c.nextID++
	id := json.RawMessage(strconv.FormatInt(c.nextID, 10))
	if c.cfg.idPrefix != "" {
		id = json.RawMessage(`"` + c.cfg.idPrefix + string(id) + `"`)
	}
	ch := make(chan *Message, 1)
	if c.pending == nil {
		c.pending = map[string]chan *Message{}
	}
	c.pending[string(id)] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, string(id))
		c.mu.Unlock()
	}()

	out := c.outFor(r)
	if out == nil {
		return fmt.Errorf("runtime: cannot send %s: the request has no response stream and the session has no standalone (GET) stream", method)
	}
	if err := out.Send(EncodeRequest(id, method, params)); err != nil {
		return fmt.Errorf("runtime: send %s: %w", method, err)
	}
	select {
	case resp := <-ch:
		if resp.Error != nil {
			return resp.Error
		}
		if result != nil {
			if err := json.Unmarshal(resp.Result, result); err != nil {
				return fmt.Errorf("runtime: decode %s result: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		select {
		case <-c.doneChan(): // Close cancels in-flight contexts too; say why.
			return ErrConnClosed
		default:
		}
		// Tell the client to stop; it may already be showing a dialog.
		_ = out.Send(EncodeNotification("notifications/cancelled", map[string]any{"requestId": id, "reason": ctx.Err().Error()}))
		return ctx.Err()
	case <-c.doneChan():
		return ErrConnClosed
	case <-noInput:
		return ErrInputEnded
	}
}

// EndInput tells c that no more messages will come from the client (a
// stdio client closed standard input), while requests in flight run on
// and may still answer: server-to-client requests waiting for an answer
// fail with ErrInputEnded, and so do new ones. It is idempotent.
func (c *Conn) EndInput() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inputEnded {
		return
	}
	c.inputEnded = true
	if c.noInput != nil {
		close(c.noInput)
	}
}

// elicitationModes reports which elicitation modes the client declared.
// Since 2025-11-25 the capability lists them ({"form":{}, "url":{}}); an
// empty object, as older clients send, means form only.
func (c *Conn) elicitationModes() (form, url bool) {
	c.mu.Lock()
	raw, ok := c.capsLocked()["elicitation"]
	c.mu.Unlock()
	if !ok {
		return false, false
	}
	var modes map[string]json.RawMessage
	if json.Unmarshal(raw, &modes) != nil {
		return true, false
	}
	_, form = modes["form"]
	_, url = modes["url"]
	if !form && !url {
		form = true
	}
	return form, url
}

// capsLocked returns the declared client capabilities (non-null members).
// A 2026 request's are parsed from its _meta on first use, since most
// requests never look at them. c.mu must be held.
func (c *Conn) capsLocked() map[string]json.RawMessage {
	if c.capSet == nil && c.modern && len(c.clientCaps) > 0 {
		var caps map[string]json.RawMessage
		_ = json.Unmarshal(c.clientCaps, &caps)
		c.capSet = capabilitySet(caps)
	}
	return c.capSet
}

// deliver hands a response to the server-to-client request waiting for it.
func (c *Conn) deliver(msg *Message) bool {
	c.mu.Lock()
	ch := c.pending[string(msg.ID)]
	delete(c.pending, string(msg.ID))
	c.mu.Unlock()
	if ch == nil {
		return false
	}
	ch <- msg // buffered, and removed from pending: never blocks
	return true
}
