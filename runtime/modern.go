package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// Keys of the 2026 per-request and per-result _meta envelope.
const (
	metaProtocolVersion    = "io.modelcontextprotocol/protocolVersion"
	metaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
	metaClientInfo         = "io.modelcontextprotocol/clientInfo"
	metaLogLevel           = "io.modelcontextprotocol/logLevel"
	metaServerInfo         = "io.modelcontextprotocol/serverInfo"
	metaSubscriptionID     = "io.modelcontextprotocol/subscriptionId"
)

// HTTP request headers of the 2026 era (SEP-2243). Names are matched
// case-insensitively by http.Header.
const (
	HeaderProtocolVersion = "Mcp-Protocol-Version"
	HeaderMethod          = "Mcp-Method"
	HeaderName            = "Mcp-Name"
	HeaderParamPrefix     = "Mcp-Param-"
)

// IsModernRequest reports whether msg, which arrived with the given
// MCP-Protocol-Version header value ("" when absent), belongs to the
// stateless 2026 era: its params._meta names a protocol version, or the
// header names a version that is not an initialize-era one. Everything
// else (no header, or a legacy version, and no modern _meta) keeps the
// 2025 session rules. The version markers decide before the method name,
// so an initialize carrying modern markers is a 2026 request (and gets
// 404/-32601, as the conformance suite expects).
func IsModernRequest(msg *Message, headerVersion string) bool {
	if msg == nil {
		return false
	}
	if headerVersion != "" && !isLegacyVersion(headerVersion) {
		return true
	}
	if len(msg.Params) == 0 || !bytes.Contains(msg.Params, []byte(metaProtocolVersion)) {
		return false
	}
	var p struct {
		Meta map[string]json.RawMessage `json:"_meta"`
	}
	if json.Unmarshal(msg.Params, &p) != nil {
		return false
	}
	_, ok := p.Meta[metaProtocolVersion]
	return ok
}

// envelope is what HandleModern reads from a request's params.
type envelope struct {
	version    string
	caps       json.RawMessage
	client     Implementation
	logLevel   LogLevel
	hasLog     bool
	name, uri  *string
	taskID     *string
	arguments  json.RawMessage
	responses  json.RawMessage
	state      *string
	hasVersion bool
}

func parseEnvelope(params json.RawMessage) (*envelope, *Error) {
	e := &envelope{}
	if len(params) == 0 {
		return e, nil
	}
	var dec jsonwire.Decoder // on the stack, like ParseMessage's
	dec.Reset(params)
	d := &dec
	if d.Peek() != jsonwire.Object {
		return nil, invalidParams("params must be an object")
	}
	var bad *Error
	fail := func(format string, args ...any) {
		d.Skip()
		if bad == nil {
			bad = invalidParams(format, args...)
		}
	}
	str := func() *string {
		if d.Peek() != jsonwire.String {
			d.Skip()
			return nil
		}
		v := d.String()
		return &v
	}
	for f, ok := d.Field(); ok; f, ok = d.Field() {
		switch f {
		case "_meta":
			if d.Peek() != jsonwire.Object {
				fail("_meta must be an object")
				continue
			}
			for mf, mok := d.Field(); mok; mf, mok = d.Field() {
				switch mf {
				case metaProtocolVersion:
					e.hasVersion = true
					if d.Peek() != jsonwire.String {
						fail("_meta[%q] must be a string", metaProtocolVersion)
						continue
					}
					e.version = d.String()
				case metaClientCapabilities:
					if d.Peek() != jsonwire.Object {
						fail("_meta[%q] must be an object", metaClientCapabilities)
						continue
					}
					e.caps = json.RawMessage(d.Raw())
				case metaClientInfo:
					if d.Peek() != jsonwire.Object {
						d.Skip() // optional and informative only
						continue
					}
					_ = json.Unmarshal(d.Raw(), &e.client)
				case metaLogLevel:
					e.hasLog = true
					if p := str(); p != nil {
						e.logLevel = LogLevel(*p)
					} else {
						e.logLevel = "?"
					}
				default:
					d.Skip()
				}
			}
		case "name":
			e.name = str()
		case "uri":
			e.uri = str()
		case "taskId":
			e.taskID = str()
		case "arguments":
			e.arguments = json.RawMessage(d.Raw())
		case "inputResponses":
			e.responses = json.RawMessage(d.Raw())
		case "requestState":
			if d.Peek() == jsonwire.Null {
				d.Skip()
				continue
			}
			if e.state = str(); e.state == nil && bad == nil {
				bad = invalidParams("requestState must be the string the server sent")
			}
		default:
			d.Skip()
		}
	}
	if err := d.Finish(); err != nil {
		return nil, invalidParams("%v", err)
	}
	return e, bad
}

// HandleModern serves one request of the stateless 2026 era and returns
// the HTTP status the transport should answer with and the encoded
// JSON-RPC response (nil for a notification: 202, no body). hdr is the
// HTTP request's header, or nil for a transport without headers (the
// header checks are then skipped). Messages tied to the request
// (progress, logs, and for subscriptions/listen the acknowledgement and
// the notifications) go to out first; out may be nil when the transport
// cannot stream, and must be safe for concurrent use.
//
// The checks run in the order the conformance suite's own stateless
// server uses: header/_meta version agreement, required _meta keys,
// version support, Mcp-Method and Mcp-Name, the method, Mcp-Param-*
// headers, the log level; then the handler, which may need a client
// capability (-32021) or more input (an input_required result).
func (s *Server) HandleModern(ctx context.Context, msg *Message, hdr http.Header, out Outbound) (int, []byte) {
	switch {
	case msg == nil:
		return http.StatusAccepted, nil
	case msg.IsNotification():
		// notifications/cancelled and the like: over HTTP the client
		// cancels by closing the stream, so there is nothing to do.
		return http.StatusAccepted, nil
	case msg.IsResponse():
		return http.StatusBadRequest, EncodeError(msg.ID, &Error{Code: CodeInvalidRequest, Message: "invalid request: 2026-07-28 servers send no requests, so there is nothing to respond to (use inputResponses)"})
	case !msg.IsRequest():
		return http.StatusBadRequest, EncodeError(msg.ID, &Error{Code: CodeInvalidRequest, Message: "invalid request"})
	}
	fail := func(e *Error) (int, []byte) { return statusFor(e.Code), EncodeError(msg.ID, e) }

	env, perr := parseEnvelope(msg.Params)
	headerVersion := ""
	if hdr != nil {
		headerVersion = headerValue(hdr, HeaderProtocolVersion)
		if env != nil && env.hasVersion && headerVersion == "" {
			return fail(&Error{Code: CodeHeaderMismatch, Message: "header mismatch: the MCP-Protocol-Version header is required and must equal _meta[\"" + metaProtocolVersion + "\"]"})
		}
	}
	if perr != nil {
		return fail(perr)
	}
	unsupported := func(v string) (int, []byte) {
		data, _ := json.Marshal(map[string]any{"supported": DiscoverVersions, "requested": v})
		return fail(&Error{Code: CodeUnsupportedProtocolVersion, Message: "unsupported protocol version " + strconv.Quote(v) + "; use server/discover, or initialize for " + Version20251125 + " and earlier", Data: data})
	}
	switch {
	case !env.hasVersion && headerVersion != "" && !IsModernVersion(headerVersion):
		// Neither era knows the header's version: say which ones exist.
		return unsupported(headerVersion)
	case !env.hasVersion:
		return fail(invalidParams("params._meta[%q] is required in protocol version %s", metaProtocolVersion, Version20260728))
	case env.caps == nil:
		return fail(invalidParams("params._meta[%q] is required (send {} for none)", metaClientCapabilities))
	}
	if hdr != nil && headerVersion != env.version {
		return fail(&Error{Code: CodeHeaderMismatch, Message: "header mismatch: MCP-Protocol-Version " + strconv.Quote(headerVersion) + " differs from _meta protocolVersion " + strconv.Quote(env.version)})
	}
	if !IsModernVersion(env.version) {
		return unsupported(env.version)
	}
	if hdr != nil {
		if e := checkMethodHeaders(hdr, msg.Method, env); e != nil {
			return fail(e)
		}
	}
	need, known := modernMethods[msg.Method]
	if !known || (need != "" && !s.serves(need)) {
		return fail(&Error{Code: CodeMethodNotFound, Message: "method not found: " + msg.Method})
	}
	if hdr != nil && msg.Method == "tools/call" && env.name != nil {
		if t := s.reg.tools[*env.name]; t != nil {
			if e := checkParamHeaders(hdr, s.paramHeaders[t.Name], env.arguments); e != nil {
				return fail(e)
			}
		}
	}
	logMin := 0
	if env.hasLog {
		sev, ok := logSeverity[env.logLevel]
		if !ok {
			return fail(invalidParams("_meta[%q] must be one of debug, info, notice, warning, error, critical, alert, emergency", metaLogLevel))
		}
		logMin = sev
	}

	var res []byte
	var err *Error
	switch msg.Method {
	case "server/discover":
		res = s.discoverResult
	case "subscriptions/listen":
		res, err = s.listen(ctx, msg, out)
	case "tools/list", "prompts/list", "resources/list", "resources/templates/list":
		res = s.modernLists[msg.Method]
	case "tasks/get", "tasks/update", "tasks/cancel":
		if !declaresTasks(env.caps) {
			err = missingTasksExtension(msg.Method + " needs it")
			break
		}
		res, err = s.modernTaskMethod(ctx, msg.Method, msg.Params)
	default:
		// A Conn per request: what a handler's Session sees (version,
		// client info and capabilities, log level) is this request's only.
		c := s.NewConn(ConnConfig{Stateless: true, ProtocolVersion: env.version})
		defer c.Close()
		c.modern = true
		c.initialized = true
		c.client = env.client
		c.clientCaps = env.caps // c.capSet is parsed when a Session call needs it
		c.logMin, c.logOff = logMin, !env.hasLog
		if inputRequiredMethods[msg.Method] {
			run, e := s.openRun(ctx, msg.Method, msg.Params, env)
			if e != nil {
				return handlerStatus(e), EncodeError(msg.ID, e)
			}
			c.mrtr = run
		}
		res, err = s.runMethod(ctx, c, methods[msg.Method], msg, out)
		if c.mrtr != nil {
			if c.mrtr.bad != nil {
				res, err = nil, c.mrtr.bad
			} else if len(c.mrtr.pending) > 0 {
				res, err = s.inputRequired(c.mrtr), nil
			} else if err == nil {
				res = completeResult(res, cacheFields(s.readHint, msg.Method == "resources/read"))
			}
		} else if err == nil {
			res = completeResult(res, "")
		}
	}
	if err != nil {
		return handlerStatus(err), EncodeError(msg.ID, err)
	}
	if res == nil { // a listen stream the client closed: nothing to say
		return http.StatusOK, nil
	}
	return http.StatusOK, encodeResultBytes(msg.ID, res)
}

// statusFor maps the JSON-RPC code of an error found while checking a
// 2026 request (before any handler runs) to its HTTP status: 400 for the
// envelope and header errors, 404 for an unknown or removed method.
// Errors handlers report go through handlerStatus instead.
func statusFor(code int) int {
	switch code {
	case CodeHeaderMismatch, CodeMissingClientCapability, CodeUnsupportedProtocolVersion, CodeInvalidParams, CodeInvalidRequest, CodeParseError:
		return http.StatusBadRequest
	case CodeMethodNotFound:
		return http.StatusNotFound
	}
	return http.StatusOK
}

// handlerStatus is the HTTP status of an error a method reports once the
// request passed the envelope checks: 400 for a missing client capability
// (the spec's rule), 200 otherwise (unknown tool, resource not found,
// rejected requestState: the error travels in the body, as for any
// JSON-RPC result, which is what the conformance suite's own server
// does), 503 when the state store failed (StoreError).
func handlerStatus(e *Error) int {
	if e.unavailable {
		return http.StatusServiceUnavailable
	}
	if code := e.Code; code == CodeMissingClientCapability || code == CodeHeaderMismatch || code == CodeUnsupportedProtocolVersion {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// headerValue returns the header's value without surrounding spaces and
// tabs (not part of a field value, RFC 9110).
func headerValue(h http.Header, name string) string {
	return strings.Trim(h.Get(name), " \t")
}

// checkMethodHeaders checks Mcp-Method against the method and Mcp-Name
// against params.name or params.uri. Values compare case-sensitively.
func checkMethodHeaders(h http.Header, method string, env *envelope) *Error {
	if len(h.Values(HeaderMethod)) == 0 {
		return &Error{Code: CodeHeaderMismatch, Message: "header mismatch: the Mcp-Method header is required"}
	}
	if v := headerValue(h, HeaderMethod); v != method {
		return &Error{Code: CodeHeaderMismatch, Message: "header mismatch: Mcp-Method " + strconv.Quote(v) + " differs from the body's method " + strconv.Quote(method)}
	}
	var want *string
	switch method {
	case "tools/call", "prompts/get":
		want = env.name
	case "resources/read":
		want = env.uri
	case "tasks/get", "tasks/update", "tasks/cancel":
		// The tasks extension routes by task: Mcp-Name carries the id.
		want = env.taskID
	default:
		return nil
	}
	if len(h.Values(HeaderName)) == 0 {
		return &Error{Code: CodeHeaderMismatch, Message: "header mismatch: the Mcp-Name header is required for " + method}
	}
	got, ok := decodeHeaderValue(headerValue(h, HeaderName))
	if !ok {
		return &Error{Code: CodeHeaderMismatch, Message: "header mismatch: Mcp-Name is not a valid header value (plain visible ASCII, or =?base64?...?=)"}
	}
	if want == nil || got != *want {
		return &Error{Code: CodeHeaderMismatch, Message: "header mismatch: Mcp-Name " + strconv.Quote(got) + " differs from the body"}
	}
	return nil
}

// serves reports whether the server advertises the named capability.
func (s *Server) serves(capability string) bool {
	d := s.def
	switch capability {
	case "tools":
		return len(d.Tools) > 0
	case "prompts":
		return len(d.Prompts) > 0
	case "resources":
		return len(d.Resources) > 0 || len(d.ResourceTemplates) > 0
	case "completions":
		return len(d.Completions) > 0
	case "tasks":
		return s.taskTools
	}
	return true
}

// completeResult marks an encoded result object as complete and appends
// extra members (already encoded, each starting with a comma).
func completeResult(res []byte, extra string) []byte {
	res = bytes.TrimSpace(res)
	if len(res) < 2 || res[0] != '{' || bytes.HasPrefix(res, []byte(`{"resultType":`)) {
		// Not an object, or one that says its type already (the
		// CreateTaskResult of a tools/call that became a task).
		return res
	}
	b := make([]byte, 0, len(res)+32+len(extra))
	b = append(b, `{"resultType":"complete"`...)
	inner := bytes.TrimSpace(res[1 : len(res)-1])
	if len(inner) > 0 {
		b = append(b, ',')
		b = append(b, inner...)
	}
	b = append(b, extra...)
	return append(b, '}')
}

// cacheFields encodes ttlMs and cacheScope, or nothing when on is false.
func cacheFields(h CacheHint, on bool) string {
	if !on {
		return ""
	}
	ttl := h.TTL.Milliseconds()
	if ttl < 0 {
		ttl = 0
	}
	return `,"ttlMs":` + strconv.FormatInt(ttl, 10) + `,"cacheScope":"` + string(h.Scope) + `"`
}

// initModern pre-encodes the 2026 answers that never change: discover and
// the lists, with resultType, cache hints and serverInfo.
func (s *Server) initModern() error {
	d := s.def
	s.listHint, s.readHint = s.cfg.ListCache, s.cfg.ReadCache
	if s.listHint.Scope == "" {
		s.listHint.Scope = CachePublic
		if d.hasScopes() {
			s.listHint.Scope = CachePrivate
		}
	}
	if s.readHint.Scope == "" {
		s.readHint.Scope = CachePrivate
	}
	caps := map[string]any{"logging": struct{}{}}
	if len(d.Tools) > 0 {
		caps["tools"] = map[string]bool{"listChanged": true}
	}
	if len(d.Resources) > 0 || len(d.ResourceTemplates) > 0 {
		caps["resources"] = map[string]bool{"subscribe": true, "listChanged": true}
	}
	if len(d.Prompts) > 0 {
		caps["prompts"] = map[string]bool{"listChanged": true}
	}
	if len(d.Completions) > 0 {
		caps["completions"] = struct{}{}
	}
	if s.taskTools {
		caps["extensions"] = map[string]any{ExtensionTasks: struct{}{}}
	}
	meta := `,"_meta":{"` + metaServerInfo + `":` + string(s.serverInfo) + `}`
	disc := map[string]any{"supportedVersions": DiscoverVersions, "capabilities": caps}
	if d.Instructions != "" {
		disc["instructions"] = d.Instructions
	}
	b, err := json.Marshal(disc)
	if err != nil {
		return err
	}
	s.discoverResult = completeResult(b, meta+cacheFields(s.listHint, true))
	// The lists keep Definition order, which is deterministic: the
	// generator emits declarations in source order, so repeated calls (and
	// restarts) list the same entries in the same order.
	s.modernLists = map[string][]byte{
		"tools/list":               completeResult(s.toolsList, meta+cacheFields(s.listHint, true)),
		"prompts/list":             completeResult(s.promptsList, meta+cacheFields(s.listHint, true)),
		"resources/list":           completeResult(s.resourcesList, meta+cacheFields(s.listHint, true)),
		"resources/templates/list": completeResult(s.templatesList, meta+cacheFields(s.listHint, true)),
	}
	s.paramHeaders = map[string][]paramHeader{}
	for _, t := range d.Tools {
		if hs := paramHeadersOf(t.InputSchema); len(hs) > 0 {
			s.paramHeaders[t.Name] = hs
		}
	}
	return s.initRequestState()
}

// hasScopes reports whether any entry is restricted to token scopes, so
// that lists may differ between callers.
func (d *Definition) hasScopes() bool {
	for _, t := range d.Tools {
		if len(t.Scopes) > 0 {
			return true
		}
	}
	for _, r := range d.Resources {
		if len(r.Scopes) > 0 {
			return true
		}
	}
	for _, r := range d.ResourceTemplates {
		if len(r.Scopes) > 0 {
			return true
		}
	}
	for _, p := range d.Prompts {
		if len(p.Scopes) > 0 {
			return true
		}
	}
	return false
}
