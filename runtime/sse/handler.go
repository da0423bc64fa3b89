package sse

import (
	"context"
	"crypto/rand"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// session is one legacy SSE connection: the core's Conn and the stream
// every server message travels on. The session table
// (runtime.SessionTable) owns its id, owner and admission.
type session struct {
	id     string
	conn   *runtime.Conn
	entry  *runtime.SessionEntry[*session]
	stream *stream
	// ctx ends with the session; requests run under it, not under the POST
	// that carried them (that POST is answered 202 at once).
	ctx    context.Context
	cancel context.CancelFunc
	// calls counts the requests in flight; at shutdown the stream stays
	// open until it is zero, so their responses are delivered.
	calls atomic.Int64
}

// logger is the server's (Server.Logger is never nil).
func (h *handler) logger() *slog.Logger { return h.srv.Logger() }

// newSessionID is 128 bits from crypto/rand: the id is the only
// credential a POST of an unauthenticated server needs, so it must not
// be guessable.
func newSessionID() string { return rand.Text() }

// newSession admits and registers a session for the GET r, or returns
// the admission error to answer (runtime.SessionTable.Open).
func (h *handler) newSession(r *http.Request) (*session, *runtime.AdmissionError) {
	e, aerr := h.sessions.Open(r, func(id string, conn *runtime.Conn) *session {
		ctx, cancel := context.WithCancel(context.Background())
		return &session{id: id, conn: conn, stream: newStream(), ctx: ctx, cancel: cancel}
	}, func(s *session) {
		s.stream.close()
		s.cancel()
	})
	if aerr != nil {
		return nil, aerr
	}
	e.Value.entry = e
	return e.Value, nil
}

// lookup returns the session id of r's principal, or nil.
func (h *handler) lookup(r *http.Request, id string) *session {
	if e := h.sessions.Lookup(r, id); e != nil {
		return e.Value
	}
	return nil
}

// endSession forgets s and closes its Conn, which cancels its in-flight
// requests and fails its pending server-to-client requests.
func (h *handler) endSession(s *session) { h.sessions.Close(s.entry) }

// serveGET opens a session's stream: the endpoint event, then every
// message the server sends, until the client hangs up, the server shuts
// down or the Conn is closed.
func (h *handler) serveGET(w http.ResponseWriter, r *http.Request) {
	if status, msg := h.srv.CheckHostOrigin(r); status != 0 {
		writeError(w, status, msg)
		return
	}
	if !acceptsSSE(r) {
		writeError(w, http.StatusNotAcceptable, "Accept must include text/event-stream")
		return
	}
	sess, aerr := h.newSession(r)
	if aerr != nil {
		aerr.SetHeaders(w.Header())
		writeError(w, aerr.StatusCode, aerr.Message)
		return
	}
	// The stream is the session: it is busy (never evicted, nor idle)
	// for as long as the stream is open.
	sess.entry.Begin()
	release, _ := sess.conn.SetStandalone(sess.stream)
	endpoint := mountPrefix(r) + h.msgPath + "?" + sessionParam + "=" + url.QueryEscape(sess.id)
	// The stream is most of what an idle session costs, so it leaves
	// net/http where it can (HTTP/1.x): the pump runs on a goroutine of
	// its own and this handler returns, ending net/http's serving
	// goroutine and freeing its buffers (see runtime.HijackSSE).
	// Server.Hold keeps Shutdown waiting for the stream, which stays open
	// until the session's calls in flight have answered.
	if sw, gone := runtime.HijackSSE(w, r); sw != nil {
		hold := h.srv.Hold()
		sw.Buf = appendEvent(sw.Buf, "endpoint", []byte(endpoint))
		h.logger().Debug("sse: session opened", "session", sess.id, "endpoint", endpoint)
		go func() {
			defer hold()
			defer h.endSession(sess)
			defer sess.entry.End()
			defer release()
			defer sw.Close()
			h.pump(gone, sw, sess)
			h.logger().Debug("sse: session closed", "session", sess.id)
		}()
		return
	}
	defer h.endSession(sess)
	defer sess.entry.End()
	defer release()
	sw := runtime.StartSSE(w)
	sw.Buf = appendEvent(sw.Buf, "endpoint", []byte(endpoint))
	h.logger().Debug("sse: session opened", "session", sess.id, "endpoint", endpoint)
	h.pump(r.Context().Done(), sw, sess)
	h.logger().Debug("sse: session closed", "session", sess.id)
}

// pump copies the session's messages to the response until the client
// goes away (gone is closed), the session ends or the server stops. Only
// this goroutine writes to the response, so writes are serialized however
// many requests run at once.
//
// When the server shuts down (Server.Done) the stream stays open until
// the session's calls in flight have answered, then ends; Shutdown's
// deadline bounds the wait (Server.Stopped).
func (h *handler) pump(gone <-chan struct{}, sw *runtime.SSEWriter, sess *session) {
	done := h.srv.Done()
	draining := false
	var tick <-chan time.Time
	if h.opts.keepAlive > 0 {
		t := time.NewTicker(h.opts.keepAlive)
		defer t.Stop()
		tick = t.C
	}
	for {
		msgs, closed := sess.stream.take()
		for _, m := range msgs {
			sw.Buf = appendEvent(sw.Buf, "message", m)
		}
		if len(sw.Buf) > 0 {
			if err := sw.Flush(); err != nil {
				return
			}
		}
		if closed || draining && sess.calls.Load() == 0 {
			return
		}
		select {
		case <-sess.stream.notify:
		case <-tick:
			sw.Buf = append(sw.Buf, ": ping\n\n"...)
		case <-gone:
			return
		case <-done:
			done, draining = nil, true
		case <-h.srv.Stopped():
			return
		case <-sess.conn.Done():
			return
		}
	}
}

// servePOST takes one JSON-RPC message for the session named by the
// session_id query parameter and answers 202; whatever the message
// causes goes on the session's stream.
func (h *handler) servePOST(w http.ResponseWriter, r *http.Request) {
	if status, msg := h.srv.CheckHostOrigin(r); status != 0 {
		writeError(w, status, msg)
		return
	}
	id := r.URL.Query().Get(sessionParam)
	if id == "" {
		writeError(w, http.StatusBadRequest, "missing "+sessionParam+" query parameter: POST to the URL of the endpoint event of your GET "+h.ssePath+" stream")
		return
	}
	var sess *session
	if len(id) <= 64 {
		sess = h.lookup(r, id)
	}
	if sess == nil {
		writeError(w, http.StatusNotFound, "session not found: its stream closed; open a new one with GET "+h.ssePath)
		return
	}
	if !runtime.IsJSONContentType(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json (charset absent or utf-8)")
		return
	}
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	msg, perr := runtime.ParseMessage(body)
	if perr != nil {
		var mid []byte
		if msg != nil {
			mid = msg.ID
		}
		runtime.WriteHTTPError(w, http.StatusBadRequest, mid, perr)
		return
	}
	if msg.IsRequest() && isDone(h.srv.Done()) {
		// Draining: the calls in flight finish, new ones are refused.
		// Responses and notifications still go through, so a call
		// waiting for the client (elicitation) can complete.
		runtime.WriteHTTPError(w, http.StatusServiceUnavailable, msg.ID, runtime.NewError(codeTransport, "the server is shutting down; retry on a new connection"))
		return
	}
	ctx, cancel := requestContext(r, sess)
	hv := strings.Trim(r.Header.Get(runtime.HeaderProtocolVersion), " \t")
	modern := runtime.IsModernRequest(msg, hv)
	if modern {
		sess.entry.MarkReady() // no handshake in that era
	}
	if msg.IsRequest() && (msg.Method != "initialize" || modern) {
		sess.calls.Add(1)
		go func() {
			defer cancel()
			h.deliver(sess, h.handle(ctx, sess, msg, r.Header, hv, modern))
			sess.calls.Add(-1)
			sess.stream.wake() // a draining pump checks calls again
		}()
	} else {
		// initialize, notifications and responses to the server's own
		// requests are quick and order-sensitive (a client may send
		// notifications/initialized right after the initialize result
		// arrives): handle them before answering.
		resp := h.handle(ctx, sess, msg, r.Header, hv, modern)
		cancel()
		h.deliver(sess, resp)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusAccepted)
	w.Write([]byte("Accepted"))
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// requestContext is the context a message of sess is handled under: the
// POST's values (auth middleware puts the access token there) and the
// POST itself for HTTPRequest and Call.Header, but the session's
// lifetime, since the POST is answered before the request is done.
func requestContext(r *http.Request, sess *session) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	stop := context.AfterFunc(sess.ctx, cancel)
	// A deep copy: the request outlives the POST's handler, and net/http
	// promises nothing about a request once its handler has returned.
	req := r.Clone(ctx)
	return runtime.WithHTTPRequest(ctx, req), func() { stop(); cancel() }
}

// handle calls the core: Server.HandleModern for a 2026-07-28 request
// (modern; the HTTP status it picks has no place here, since the answer
// travels on the stream), Server.Handle otherwise. The 2026 header checks
// run only when the client sent MCP-Protocol-Version (hv): legacy SSE is
// not a 2026 transport, so its clients need not send the SEP-2243
// headers. A panic that escaped the core becomes an internal-error
// response: bad input must never take the server down, and a panic in a
// request goroutine would.
func (h *handler) handle(ctx context.Context, sess *session, msg *runtime.Message, hdr http.Header, hv string, modern bool) (resp []byte) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			h.logger().Error("sse: panic while handling a message", "session", sess.id, "method", msg.Method, "panic", v)
			resp = nil
			if msg.IsRequest() {
				resp = runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error"))
			}
		}
		h.srv.LogMessage(ctx, sess.id, msg, start, resp)
	}()
	if modern {
		if hv == "" {
			hdr = nil
		}
		_, resp = h.srv.HandleModern(ctx, msg, hdr, sess.stream)
		return resp
	}
	return h.srv.Handle(ctx, sess.conn, msg, sess.stream)
}

func (h *handler) deliver(sess *session, resp []byte) {
	if resp == nil {
		return
	}
	if err := sess.stream.Send(resp); err != nil {
		h.logger().Debug("sse: response not delivered", "session", sess.id, "err", err)
	}
}

// readBody reads the POST body, bounded by Config.MaxBodyBytes, into a
// buffer that grows with the bytes received (runtime.ReadBody), never
// one sized by the declared Content-Length.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, status, msg := runtime.ReadRequestBody(w, r, h.cfg.MaxBodyBytes)
	if status != 0 {
		writeError(w, status, msg)
		return nil, false
	}
	return body, true
}

// mountPrefix returns the path prefix that a parent handler stripped
// before the request reached us (http.StripPrefix, a sub-router), so the
// endpoint URL the client receives points back through it: a GET of
// /mcp-api/sse that arrives as /sse yields "/mcp-api". It compares the
// original request URI with the path we were given; X-Forwarded-Prefix
// and similar headers are not consulted, since any client can set them.
// A prefix that could make the endpoint leave the origin ("//host") or
// break the event framing is dropped.
func mountPrefix(r *http.Request) string {
	if r.RequestURI == "" || r.RequestURI == "*" {
		return ""
	}
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		return ""
	}
	orig, cur := u.EscapedPath(), r.URL.EscapedPath()
	if !strings.HasSuffix(orig, cur) {
		return ""
	}
	p := strings.TrimRight(orig[:len(orig)-len(cur)], "/")
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") {
		return ""
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= 0x20 || c == 0x7f || c == '\\' || c == '?' || c == '#' {
			return ""
		}
	}
	return p
}

// acceptsSSE reports whether the client takes an event stream. A missing
// Accept header counts as yes: it means "anything", and some legacy
// clients send none.
func acceptsSSE(r *http.Request) bool {
	vals := r.Header.Values("Accept")
	if len(vals) == 0 {
		return true
	}
	for _, line := range vals {
		for part := range strings.SplitSeq(line, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			switch mt {
			case "*/*", "text/*", "text/event-stream":
				return true
			}
		}
	}
	return false
}

// writeError answers with an HTTP status and a JSON-RPC error body, so
// that clients which show the body show something useful.
func writeError(w http.ResponseWriter, status int, msg string) {
	runtime.WriteHTTPError(w, status, nil, runtime.NewError(codeTransport, "%s", msg))
}
