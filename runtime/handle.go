package runtime

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// methodFunc handles one request method and returns the encoded result.
type methodFunc func(s *Server, ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error)

// methods maps the request methods that run code to their handlers; the
// ones with constant answers are in staticResult.
var methods = map[string]methodFunc{
	"initialize":            (*Server).initialize,
	"tools/call":            (*Server).callTool,
	"resources/read":        (*Server).readResource,
	"resources/subscribe":   (*Server).subscribe,
	"resources/unsubscribe": (*Server).unsubscribe,
	"prompts/get":           (*Server).getPrompt,
	"completion/complete":   (*Server).complete,
	"logging/setLevel":      (*Server).setLevel,
	// The experimental tasks of 2025-11-25 (tasks.go).
	"tasks/get":    legacyTaskMethod("tasks/get"),
	"tasks/result": legacyTaskMethod("tasks/result"),
	"tasks/list":   legacyTaskMethod("tasks/list"),
	"tasks/cancel": legacyTaskMethod("tasks/cancel"),
}

func legacyTaskMethod(method string) methodFunc {
	return func(s *Server, ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
		return s.legacyTaskMethod(ctx, c, method, params)
	}
}

// staticResult returns the pre-encoded result of the methods whose answer
// never changes, so they cost one allocation (the response itself).
// Pagination cursors are ignored: every list fits in one page.
func (s *Server) staticResult(method string) []byte {
	switch method {
	case "ping":
		return emptyResult
	case "tools/list":
		return s.toolsList
	case "prompts/list":
		return s.promptsList
	case "resources/list":
		return s.resourcesList
	case "resources/templates/list":
		return s.templatesList
	}
	return nil
}

var emptyResult = []byte("{}")

// Handle processes one incoming message on c. For a request it returns the
// encoded JSON-RPC response (result or error); for a notification or a
// response to a server-to-client request it returns nil. Messages tied to
// the request are sent on out (which may be nil: they then go to the
// standalone stream, or are dropped) before Handle returns. ctx should
// carry the HTTP request (WithHTTPRequest) and is cancelled when the
// client goes away.
//
// A request the client cancelled (notifications/cancelled) still gets a
// response here (whatever the handler made of its cancelled context); the
// client ignores it, as the spec says it should.
func (s *Server) Handle(ctx context.Context, c *Conn, msg *Message, out Outbound) []byte {
	switch {
	case msg == nil:
		return nil
	case msg.IsResponse():
		if !c.deliver(msg) {
			if c.cfg.relay != nil { // perhaps asked by another replica
				c.cfg.relay(relayIn, encodeIncoming(msg))
			} else {
				s.cfg.Logger.Debug("mcp: response to no pending request dropped", "session", c.ID(), "id", string(msg.ID))
			}
		}
		return nil
	case msg.IsNotification():
		s.notification(c, msg)
		return nil
	case !msg.IsRequest():
		return EncodeError(msg.ID, &Error{Code: CodeInvalidRequest, Message: "invalid request: neither a request, a notification nor a response"})
	}

	static := s.staticResult(msg.Method)
	m := methods[msg.Method]
	if m == nil && static == nil {
		return EncodeError(msg.ID, &Error{Code: CodeMethodNotFound, Message: "method not found: " + msg.Method})
	}
	if msg.Method != "initialize" && msg.Method != "ping" && initializeRequired(c) && !c.Initialized() {
		return EncodeError(msg.ID, &Error{Code: CodeInvalidRequest, Message: "invalid request: the session is not initialized; send initialize first"})
	}
	if static != nil {
		if c.isClosed() {
			return EncodeError(msg.ID, &Error{Code: CodeInvalidRequest, Message: "connection closed"})
		}
		return encodeResultBytes(msg.ID, static)
	}
	res, err := s.runMethod(ctx, c, m, msg, out)
	if err != nil {
		return EncodeError(msg.ID, err)
	}
	return encodeResultBytes(msg.ID, res)
}

// runMethod runs the handler m of request msg on c, registered as in
// flight (for cancellation) under the request timeout.
func (s *Server) runMethod(ctx context.Context, c *Conn, m methodFunc, msg *Message, out Outbound) ([]byte, *Error) {
	// (2026 subscriptions/listen streams do not come here: HandleModern
	// serves them, with no timeout, since they are not calls.)
	timeout := s.cfg.RequestTimeout
	var cancel context.CancelFunc
	if timeout > 0 || !c.modern {
		ctx, cancel = context.WithCancel(ctx)
	} else {
		// A 2026 Conn serves this one request and is closed after it;
		// the client cancels by closing the HTTP request, which ends ctx
		// already, so there is nothing more to cancel.
		cancel = func() {}
	}
	defer cancel()
	r := &inflight{id: msg.ID, out: out, cancel: cancel}
	if timeout > 0 {
		ctx = s.timer.start(r, ctx, timeout)
		defer s.timer.stop(r)
	}
	if msg.Method != "tools/call" && bytes.Contains(msg.Params, []byte(`"progressToken"`)) {
		// tools/call reads _meta with its other parameters.
		r.progressToken = progressTokenOf(msg.Params)
	}
	if c.modern {
		// Nothing can cancel it by id, and the Conn is its alone.
		return m(s, ctx, c, r, msg.Params)
	}
	if err := c.register(r); err != nil {
		return nil, err
	}
	defer c.unregister(r)
	return m(s, ctx, c, r, msg.Params)
}

func (s *Server) notification(c *Conn, msg *Message) {
	switch msg.Method {
	case "notifications/cancelled":
		if id := cancelledID(msg); id != nil && !c.cancelRequest(id) && c.cfg.relay != nil {
			c.cfg.relay(relayIn, encodeIncoming(msg)) // perhaps running on another replica
		}
	case "notifications/initialized":
		// Requests are served as soon as initialize succeeded; the
		// notification only tells the session table the client is done
		// with the handshake (SessionInitTimeout).
		if c.Initialized() {
			c.ready.Store(true)
		}
	default:
		// notifications/progress,
		// notifications/roots/list_changed and anything unknown: nothing
		// to do, and JSON-RPC forbids answering a notification.
	}
}

func invalidParams(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidParams, Message: "invalid params: " + fmt.Sprintf(format, args...)}
}

// decodeParams unmarshals params (absent means {}) into v.
func decodeParams(params json.RawMessage, v any) *Error {
	if len(params) == 0 {
		return nil
	}
	if params[0] != '{' {
		return invalidParams("params must be an object")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return invalidParams("%v", err)
	}
	return nil
}

// progressTokenOf reads params._meta.progressToken (a string or a number).
func progressTokenOf(params json.RawMessage) json.RawMessage {
	var p struct {
		Meta struct {
			ProgressToken json.RawMessage `json:"progressToken"`
		} `json:"_meta"`
	}
	if json.Unmarshal(params, &p) != nil {
		return nil
	}
	t := bytes.TrimSpace(p.Meta.ProgressToken)
	if len(t) == 0 || (t[0] != '"' && t[0] != '-' && (t[0] < '0' || t[0] > '9')) {
		return nil
	}
	return t
}

func (s *Server) initialize(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	var p struct {
		ProtocolVersion string          `json:"protocolVersion"`
		Capabilities    json.RawMessage `json:"capabilities"`
		ClientInfo      json.RawMessage `json:"clientInfo"`
	}
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	if p.ProtocolVersion == "" {
		return nil, invalidParams("protocolVersion is required")
	}
	if n := s.cfg.MaxClientInfoBytes; n > 0 && len(p.Capabilities)+len(p.ClientInfo) > n {
		return nil, invalidParams("capabilities and clientInfo together exceed %d bytes (the server's MCPGEN_MAX_CLIENT_INFO_BYTES)", n)
	}
	// Only the fields the runtime uses are kept of clientInfo.
	var client Implementation
	if len(p.ClientInfo) > 0 && json.Unmarshal(p.ClientInfo, &client) != nil {
		return nil, invalidParams("clientInfo must be an object with string name and version")
	}
	caps := map[string]json.RawMessage{}
	if len(p.Capabilities) > 0 && json.Unmarshal(p.Capabilities, &caps) != nil {
		return nil, invalidParams("capabilities must be an object")
	}
	v := NegotiateVersion(p.ProtocolVersion)
	c.mu.Lock()
	if c.initialized && !c.cfg.Stateless {
		c.mu.Unlock()
		return nil, &Error{Code: CodeInvalidRequest, Message: "invalid request: the session is already initialized; start a new session to initialize again"}
	}
	c.version = v
	c.client = client
	c.clientCaps = p.Capabilities
	c.capSet = capabilitySet(caps)
	c.initialized = true
	c.mu.Unlock()
	if err := c.changed(); err != nil {
		// Another replica could not find the session: refuse it now (the
		// transport then drops it) rather than hand out an id that fails
		// on the next request.
		c.mu.Lock()
		c.initialized = false
		c.mu.Unlock()
		return nil, err
	}

	b := make([]byte, 0, 128+len(s.capabilities)+len(s.serverInfo)+len(s.def.Instructions))
	b = append(b, `{"protocolVersion":"`...)
	b = append(b, v...) // versions are plain ASCII dates
	b = append(b, `","capabilities":`...)
	b = append(b, s.capabilities...)
	b = append(b, `,"serverInfo":`...)
	b = append(b, s.serverInfo...)
	if s.def.Instructions != "" {
		ins, _ := json.Marshal(s.def.Instructions)
		b = append(b, `,"instructions":`...)
		b = append(b, ins...)
	}
	return append(b, '}'), nil
}

// newCall builds the Call a handler receives.
func newCall(ctx context.Context, c *Conn, r *inflight) *Call {
	req, _ := HTTPRequest(ctx)
	if r == nil {
		return &Call{Session: &Session{conn: c}, Request: req}
	}
	// One allocation per request instead of three: r already holds room
	// for both.
	r.session = Session{conn: c, req: r}
	r.call = Call{Session: &r.session, Request: req}
	return &r.call
}

// recovered turns a panic in a handler into an error the caller can
// report, and logs it with its stack: a bug in one handler must not take
// the server down.
func (s *Server) recovered(kind, name string, p any) {
	s.cfg.Logger.Error("mcp: handler panicked", "kind", kind, "name", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
}

var errPanicked = errors.New("internal error")

// parseCallParams reads the params of tools/call. It is a function of its
// own so that its decoder, which is large, is off the stack while the
// tool runs: a request's goroutine then rarely has to grow its stack.
func (s *Server) parseCallParams(params json.RawMessage, r *inflight) (tool *Tool, name string, args, task []byte, hasName bool, perr *Error) {
	if len(params) > 0 {
		var dec jsonwire.Decoder
		dec.Reset(params)
		d := &dec
		if d.Peek() != jsonwire.Object {
			return nil, "", nil, nil, false, invalidParams("params must be an object")
		}
		for f, ok := d.Field(); ok; f, ok = d.Field() {
			switch f {
			case "name":
				if d.Peek() != jsonwire.String {
					d.Skip()
					return nil, "", nil, nil, false, invalidParams("name must be a string")
				}
				raw := d.Raw()
				if bytes.IndexByte(raw, '\\') < 0 && len(raw) >= 2 {
					// The common case: look the tool up without
					// allocating its name.
					tool = s.reg.tools[string(raw[1:len(raw)-1])]
					if tool != nil {
						name = tool.Name
					} else {
						name = string(raw[1 : len(raw)-1])
					}
				} else {
					name = methodName(raw)
					tool = s.reg.tools[name]
				}
				hasName = true
			case "arguments":
				switch d.Peek() {
				case jsonwire.Object:
					args = d.Raw()
				case jsonwire.Null:
					d.Skip()
				default:
					d.Skip()
					return nil, "", nil, nil, false, invalidParams("arguments must be an object")
				}
			case "task":
				if d.Peek() == jsonwire.Null {
					d.Skip()
				} else {
					task = d.Raw()
				}
			case "_meta":
				if d.Peek() != jsonwire.Object {
					d.Skip()
					continue
				}
				for mf, mok := d.Field(); mok; mf, mok = d.Field() {
					if mf == "progressToken" && (d.Peek() == jsonwire.String || d.Peek() == jsonwire.Number) {
						r.progressToken = json.RawMessage(d.Raw())
					} else {
						d.Skip()
					}
				}
			default:
				d.Skip()
			}
		}
		if err := d.Finish(); err != nil {
			return nil, "", nil, nil, false, invalidParams("%v", err)
		}
	}
	return tool, name, args, task, hasName, nil
}

func (s *Server) callTool(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	tool, name, args, task, hasName, perr := s.parseCallParams(params, r)
	if perr != nil {
		return nil, perr
	}
	if !hasName {
		return nil, invalidParams("name is required")
	}
	t := tool
	if t == nil {
		return nil, invalidParams("unknown tool %q", name)
	}
	if args == nil {
		args = emptyResult
	}
	if c.modern {
		// 2026: the server decides, for clients that declared the tasks
		// extension in this request; a "task" parameter means nothing.
		if t.TaskSupport != TaskNone {
			if declaresTasks(c.clientCapabilities()) {
				return s.tasks.callModernTask(ctx, c, r, t, args)
			}
			if t.TaskSupport == TaskRequired {
				return nil, missingTasksExtension("tool " + t.Name + " runs only as a task")
			}
		}
	} else if s.taskTools {
		// 2025-11-25: the client asks for a task with params.task.
		switch {
		case task != nil && t.TaskSupport == TaskNone:
			return nil, &Error{Code: CodeMethodNotFound, Message: "tool " + t.Name + " cannot run as a task (its execution.taskSupport is forbidden); call it without params.task"}
		case task != nil:
			return s.tasks.callLegacyTask(ctx, c, r, t, args, task)
		case t.TaskSupport == TaskRequired:
			return nil, &Error{Code: CodeMethodNotFound, Message: "tool " + t.Name + " runs only as a task (execution.taskSupport is required); call it with params.task"}
		}
	}
	call := newCall(ctx, c, r)
	call.Arguments = args
	res, err := s.runTool(ctx, t, call)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		res = ErrorResult(err.Error())
	}
	if res == nil {
		s.cfg.Logger.Error("mcp: tool returned neither a result nor an error", "tool", t.Name)
		return nil, &Error{Code: CodeInternalError, Message: "internal error: tool " + t.Name + " returned no result"}
	}
	b, merr := appendToolResult(make([]byte, 0, 256), res)
	if merr != nil {
		s.cfg.Logger.Error("mcp: cannot encode tool result", "tool", t.Name, "err", merr)
		return nil, &Error{Code: CodeInternalError, Message: "internal error: cannot encode the result of tool " + t.Name}
	}
	return b, nil
}

func (s *Server) runTool(ctx context.Context, t *Tool, call *Call) (res *ToolResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.recovered("tool", t.Name, p)
			res, err = ErrorResult("internal error"), nil
		}
	}()
	return t.Handler(ctx, call)
}

// handlerError maps an error from a resource, prompt or completion
// handler to a JSON-RPC error: an *Error as it is, anything else an
// internal error carrying its text.
func handlerError(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Code: CodeInternalError, Message: err.Error()}
}

func (s *Server) readResource(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	var p struct {
		URI string `json:"uri"`
	}
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	if p.URI == "" {
		return nil, invalidParams("uri is required")
	}
	call := newCall(ctx, c, r)
	call.URI = p.URI
	var h ResourceHandler
	var mime, name string
	if res := s.reg.resources[p.URI]; res != nil {
		h, mime, name = res.Handler, res.MIMEType, res.URI
	} else {
		for _, t := range s.reg.templates {
			if vars, ok := t.tmpl.match(p.URI); ok {
				h, mime, name = t.Handler, t.MIMEType, t.URITemplate
				call.Params = vars
				break
			}
		}
	}
	if h == nil {
		return nil, resourceNotFound(c.ProtocolVersion(), p.URI)
	}
	contents, err := func() (rc []ResourceContents, err error) {
		defer func() {
			if pv := recover(); pv != nil {
				s.recovered("resource", name, pv)
				rc, err = nil, errPanicked
			}
		}()
		return h(ctx, call)
	}()
	if err != nil {
		return nil, handlerError(err)
	}
	if contents == nil {
		contents = []ResourceContents{}
	}
	// Fill what the handler may leave out: the URI asked for and the
	// declared MIME type. On copies, since a handler may return values it
	// shares between calls.
	copied := false
	set := func(i int, rc ResourceContents) {
		if !copied {
			contents = append([]ResourceContents(nil), contents...)
			copied = true
		}
		contents[i] = rc
	}
	for i, rc := range contents {
		switch x := rc.(type) {
		case *TextResourceContents:
			if x != nil && (x.URI == "" || x.MIMEType == "" && mime != "") {
				cp := *x
				cp.URI, cp.MIMEType = cmp.Or(cp.URI, p.URI), cmp.Or(cp.MIMEType, mime)
				set(i, &cp)
			}
		case *BlobResourceContents:
			if x != nil && (x.URI == "" || x.MIMEType == "" && mime != "") {
				cp := *x
				cp.URI, cp.MIMEType = cmp.Or(cp.URI, p.URI), cmp.Or(cp.MIMEType, mime)
				set(i, &cp)
			}
		case nil:
			return nil, &Error{Code: CodeInternalError, Message: "internal error: resource " + name + " returned a nil content"}
		}
	}
	b, merr := json.Marshal(struct {
		Contents []ResourceContents `json:"contents"`
	}{contents})
	if merr != nil {
		return nil, &Error{Code: CodeInternalError, Message: "internal error: cannot encode resource contents: " + merr.Error()}
	}
	return b, nil
}

func (s *Server) subscribe(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	return s.setSubscription(c, params, true)
}

func (s *Server) unsubscribe(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	return s.setSubscription(c, params, false)
}

func (s *Server) setSubscription(c *Conn, params json.RawMessage, on bool) ([]byte, *Error) {
	var p struct {
		URI string `json:"uri"`
	}
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	if p.URI == "" {
		return nil, invalidParams("uri is required")
	}
	if n := s.cfg.MaxURIBytes; on && n > 0 && len(p.URI) > n {
		return nil, invalidParams("uri is longer than %d bytes (the server's MCPGEN_MAX_URI_BYTES)", n)
	}
	if err := c.subscribe(p.URI, on); err != nil {
		return nil, err
	}
	return emptyResult, nil
}

func (s *Server) getPrompt(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	var p struct {
		Name      string            `json:"name"`
		Arguments map[string]string `json:"arguments"`
	}
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	if p.Name == "" {
		return nil, invalidParams("name is required")
	}
	pr := s.reg.prompts[p.Name]
	if pr == nil {
		return nil, invalidParams("unknown prompt %q", p.Name)
	}
	for _, a := range pr.Arguments {
		if _, ok := p.Arguments[a.Name]; a.Required && !ok {
			return nil, invalidParams("prompt %q: missing required argument %q", p.Name, a.Name)
		}
	}
	if p.Arguments == nil {
		p.Arguments = map[string]string{}
	}
	call := newCall(ctx, c, r)
	call.Params = p.Arguments
	res, err := func() (res *PromptResult, err error) {
		defer func() {
			if pv := recover(); pv != nil {
				s.recovered("prompt", pr.Name, pv)
				res, err = nil, errPanicked
			}
		}()
		return pr.Handler(ctx, call)
	}()
	if err != nil {
		return nil, handlerError(err)
	}
	if res == nil {
		return nil, &Error{Code: CodeInternalError, Message: "internal error: prompt " + pr.Name + " returned no result"}
	}
	if res.Messages == nil {
		cp := *res
		cp.Messages = []PromptMessage{}
		res = &cp
	}
	b, merr := json.Marshal(res)
	if merr != nil {
		return nil, &Error{Code: CodeInternalError, Message: "internal error: cannot encode prompt: " + merr.Error()}
	}
	return b, nil
}

// MaxCompletionValues is the most values completion/complete returns, as
// the spec requires; the rest is reported through total and hasMore.
const MaxCompletionValues = 100

func (s *Server) complete(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	var p struct {
		Ref struct {
			Type string `json:"type"`
			Name string `json:"name"`
			URI  string `json:"uri"`
		} `json:"ref"`
		Argument struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"argument"`
		Context struct {
			Arguments map[string]string `json:"arguments"`
		} `json:"context"`
	}
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	var key completionKey
	switch p.Ref.Type {
	case "ref/prompt":
		if s.reg.prompts[p.Ref.Name] == nil {
			return nil, invalidParams("unknown prompt %q", p.Ref.Name)
		}
		key = completionKey{"prompt", p.Ref.Name, p.Argument.Name}
	case "ref/resource":
		found := false
		for _, t := range s.reg.templates {
			found = found || t.URITemplate == p.Ref.URI
		}
		if !found && s.reg.resources[p.Ref.URI] == nil {
			return nil, invalidParams("unknown resource template %q", p.Ref.URI)
		}
		key = completionKey{"resource", p.Ref.URI, p.Argument.Name}
	default:
		return nil, invalidParams(`ref.type must be "ref/prompt" or "ref/resource"`)
	}
	if p.Argument.Name == "" {
		return nil, invalidParams("argument.name is required")
	}
	var values []string
	if comp := s.reg.completions[key]; comp != nil {
		call := newCall(ctx, c, r)
		call.Params = p.Context.Arguments
		if call.Params == nil {
			call.Params = map[string]string{}
		}
		var err error
		values, err = func() (v []string, err error) {
			defer func() {
				if pv := recover(); pv != nil {
					s.recovered("completion", key.ref+" "+key.arg, pv)
					v, err = nil, errPanicked
				}
			}()
			return comp.Handler(ctx, call, p.Argument.Value)
		}()
		if err != nil {
			return nil, handlerError(err)
		}
	}
	total := len(values)
	if values == nil {
		values = []string{}
	}
	if len(values) > MaxCompletionValues {
		values = values[:MaxCompletionValues]
	}
	type completion struct {
		Values  []string `json:"values"`
		Total   int      `json:"total"`
		HasMore bool     `json:"hasMore"`
	}
	b, _ := json.Marshal(struct {
		Completion completion `json:"completion"`
	}{completion{values, total, total > len(values)}})
	return b, nil
}

func (s *Server) setLevel(ctx context.Context, c *Conn, r *inflight, params json.RawMessage) ([]byte, *Error) {
	var p struct {
		Level LogLevel `json:"level"`
	}
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	sev, ok := logSeverity[p.Level]
	if !ok {
		return nil, invalidParams("unknown log level %q; use debug, info, notice, warning, error, critical, alert or emergency", p.Level)
	}
	c.mu.Lock()
	c.logMin = sev
	c.mu.Unlock()
	if err := c.changed(); err != nil {
		return nil, err
	}
	return emptyResult, nil
}
