package streamable

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// logger is the server's (Server.Logger is never nil).
func (h *handler) logger() *slog.Logger { return h.srv.Logger() }

// preflight runs the checks every method shares: Host/Origin and
// MCP-Protocol-Version. It writes the error and returns false on failure.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request) (version string, ok bool) {
	if status, msg := h.srv.CheckHostOrigin(r); status != 0 {
		writeError(w, status, codeTransport, msg)
		return "", false
	}
	if v := strings.Trim(r.Header.Get(headerProtocolVersion), " \t"); runtime.IsModernVersion(v) {
		// 2026-07-28 has no GET stream and no sessions to DELETE. An
		// unknown version is a 400 (protocolVersion, below).
		w.Header().Set("Allow", "POST")
		writeError(w, http.StatusMethodNotAllowed, codeTransport, "method "+r.Method+" is not part of protocol version "+quoteHeader(v)+"; use POST (subscriptions/listen replaces the GET stream)")
		return "", false
	}
	v, msg := protocolVersion(r)
	if msg != "" {
		writeError(w, http.StatusBadRequest, codeTransport, msg)
		return "", false
	}
	return v, true
}

// session finds the request's session from Mcp-Session-Id, or writes
// 400 (missing) or 404 (unknown or ended: the client must initialize
// again) and returns nil.
func (h *handler) session(w http.ResponseWriter, r *http.Request) *session {
	sid := r.Header.Get(headerSessionID)
	if sid == "" {
		writeError(w, http.StatusBadRequest, codeTransport, "missing Mcp-Session-Id header: send initialize first and repeat the session id it returns on every request")
		return nil
	}
	var s *session
	if validSessionID(sid) {
		e, aerr := h.sessions.Find(r, sid)
		if aerr != nil {
			aerr.SetHeaders(w.Header())
			writeError(w, aerr.StatusCode, codeTransport, aerr.Message)
			return nil
		}
		if e != nil {
			s = e.Value
		}
	}
	if s == nil {
		writeError(w, http.StatusNotFound, codeTransport, "session not found: it ended or expired; send initialize without Mcp-Session-Id to start a new one")
		return nil
	}
	return s
}

func (h *handler) servePOST(w http.ResponseWriter, r *http.Request) {
	if status, msg := h.srv.CheckHostOrigin(r); status != 0 {
		writeError(w, status, codeTransport, msg)
		return
	}
	if !runtime.IsJSONContentType(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, codeTransport, "Content-Type must be application/json (charset absent or utf-8)")
		return
	}
	acceptJSON, acceptSSE, sseFirst := acceptsOrder(r)
	if h.cfg.JSONResponse && !acceptJSON {
		writeError(w, http.StatusNotAcceptable, codeTransport, "Accept must include application/json")
		return
	}
	if !h.cfg.JSONResponse && (!acceptJSON || !acceptSSE) {
		writeError(w, http.StatusNotAcceptable, codeTransport, "Accept must include both application/json and text/event-stream")
		return
	}
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	msg, perr := runtime.ParseOwnedMessage(body) // body is ours alone
	if perr != nil {
		var id []byte
		if msg != nil {
			id = msg.ID
		}
		runtime.WriteHTTPError(w, http.StatusBadRequest, id, perr)
		return
	}
	// The era is decided per request, by the version markers first: a
	// 2026-07-28 request is served on its own, whatever the session
	// header or the stateless setting say.
	if runtime.IsModernRequest(msg, strings.Trim(r.Header.Get(headerProtocolVersion), " \t")) {
		h.serveModern(w, r, msg)
		return
	}
	version, vmsg := protocolVersion(r)
	if vmsg != "" {
		runtime.WriteHTTPError(w, http.StatusBadRequest, msg.ID, runtime.NewError(codeTransport, "%s", vmsg))
		return
	}

	if h.cfg.Stateless {
		h.serveMessage(w, r, nil, h.srv.NewConn(runtime.ConnConfig{Stateless: true, ProtocolVersion: version}), msg, sseFirst)
		return
	}
	isInit := msg.IsRequest() && msg.Method == "initialize"
	if r.Header.Get(headerSessionID) == "" {
		switch {
		case isInit:
			h.serveInitialize(w, r, msg)
		default:
			writeError(w, http.StatusBadRequest, codeTransport, "missing Mcp-Session-Id header: send initialize first and repeat the session id it returns on every request")
		}
		return
	}
	if isInit {
		runtime.WriteHTTPError(w, http.StatusBadRequest, msg.ID, runtime.NewError(runtime.CodeInvalidRequest, "initialize must be sent without Mcp-Session-Id: this session is already initialized"))
		return
	}
	sess := h.session(w, r)
	if sess == nil {
		return
	}
	sess.begin()
	defer sess.end()
	h.serveMessage(w, r, sess, sess.conn, msg, sseFirst)
}

// readBody reads the POST body, bounded by Config.MaxBodyBytes, into a
// buffer that grows with the bytes received (runtime.ReadBody), never
// one sized by the declared Content-Length.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, status, msg := runtime.ReadRequestBody(w, r, h.cfg.MaxBodyBytes)
	if status != 0 {
		writeError(w, status, codeTransport, msg)
		return nil, false
	}
	return body, true
}

// serveInitialize creates a session and answers initialize with JSON.
func (h *handler) serveInitialize(w http.ResponseWriter, r *http.Request, msg *runtime.Message) {
	sess, aerr := h.newSession(r)
	if aerr != nil {
		aerr.SetHeaders(w.Header())
		runtime.WriteHTTPError(w, aerr.StatusCode, msg.ID, runtime.NewError(codeTransport, "%s", aerr.Message))
		return
	}
	sess.begin()
	defer sess.end()
	resp := h.handle(h.requestContext(r, false), sess.conn, msg, nil)
	if !sess.conn.Initialized() {
		// A failed initialize leaves no session behind.
		h.closeSession(sess)
		if runtime.IsStoreErrorResponse(resp) {
			// The session could not be shared with the other replicas.
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(resp)
			return
		}
		writeJSON(w, nil, resp)
		return
	}
	writeJSON(w, sess.idHeader, resp)
}

// requestContext returns the context a request is handled under: it
// carries the HTTP request. With detached set it does not end with the
// HTTP request, so a stream that closes early (CloseStream, a dropped
// connection the client can resume) leaves the call running. The end of
// the session and the request timeout need nothing here: Conn.Close
// cancels every request in flight, and the core applies the timeout.
func (h *handler) requestContext(r *http.Request, detached bool) context.Context {
	base := r.Context()
	if detached {
		base = context.WithoutCancel(base)
	}
	return runtime.WithHTTPRequest(base, r)
}

// handle calls the core, turning a panic that escaped it into an internal
// error response: bad input must never take the server down.
func (h *handler) handle(ctx context.Context, conn *runtime.Conn, msg *runtime.Message, out runtime.Outbound) (resp []byte) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			h.logger().Error("streamable: panic while handling a message", "method", msg.Method, "panic", v)
			if msg.IsRequest() {
				resp = runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error"))
			} else {
				resp = nil
			}
		}
		h.srv.LogMessage(ctx, conn.ID(), msg, start, resp) // debug level only
	}()
	return h.srv.Handle(ctx, conn, msg, out)
}

// Header values shared by every response that sends them; net/http only
// reads them.
var (
	headerJSON = []string{"application/json"}
)

// writeJSON answers with resp as a JSON body (202 and no body when resp
// is nil). sessionID is the Mcp-Session-Id header value, or nil. Small
// bodies get their Content-Length from net/http, which buffers them.
func writeJSON(w http.ResponseWriter, sessionID []string, resp []byte) {
	h := w.Header()
	if sessionID != nil {
		h[headerSessionID] = sessionID
	}
	if resp == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	h["Content-Type"] = headerJSON
	if len(resp) > 2048 {
		h.Set("Content-Length", strconv.Itoa(len(resp)))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(resp)
}

// serveMessage handles one message on conn. sess is nil for a stateless
// request, whose conn is closed once the request is over. With sseFirst
// (the client prefers a stream) a request is answered with SSE from the
// start.
func (h *handler) serveMessage(w http.ResponseWriter, r *http.Request, sess *session, conn *runtime.Conn, msg *runtime.Message, sseFirst bool) {
	var sid []string
	if sess != nil {
		sid = sess.idHeader
	}
	if !msg.IsRequest() {
		// Notifications, and responses to the server's own requests (Handle
		// routes those to the waiting call): nothing to answer.
		h.handle(h.requestContext(r, false), conn, msg, nil)
		if sess == nil {
			conn.Close()
		}
		writeJSON(w, sid, nil)
		return
	}
	if h.cfg.JSONResponse || msg.Method == "initialize" {
		// A session's call is not cancelled when its client disconnects
		// (the spec: a disconnect is not a cancellation; the client sends
		// notifications/cancelled), here as on a stream; RequestTimeout
		// and the end of the session bound it. A stateless call has no
		// other way to be cancelled, so its disconnect cancels it.
		resp := h.handle(h.requestContext(r, sess != nil), conn, msg, nil)
		if sess == nil {
			conn.Close()
		}
		writeJSON(w, sid, resp)
		return
	}

	// A stream: JSON if the response comes first, SSE from the first
	// related message on (see stream). The handler runs on its own
	// goroutine so that the HTTP response can end before it does
	// (CloseStream, a client that goes away and resumes later).
	st := &stream{}
	st.first.notify = make(chan struct{}, 1)
	st.cur = &st.first
	var out runtime.Outbound = plainOut{st}
	var sessDone <-chan struct{}
	if sess != nil {
		st.sess, st.store = sess, h.store
		st.prime = atLeast(conn.ProtocolVersion(), "2025-11-25")
		sessDone = sess.ctx.Done()
		if st.prime {
			// Only a stream the client can resume (it gets the priming
			// event's id) offers CloseStream, so Session.CloseStream
			// reports false elsewhere: ending any other stream early
			// would lose the response.
			out = st
		}
	}
	if sseFirst {
		st.upgrade()
	}
	go h.run(h.requestContext(r, sess != nil), sess, conn, msg, st, out)
	h.serveStream(w, r, sess, st, &st.first, sessDone)
}

// run handles a streamed request and queues its response.
func (h *handler) run(ctx context.Context, sess *session, conn *runtime.Conn, msg *runtime.Message, st *stream, out runtime.Outbound) {
	resp := h.handle(ctx, conn, msg, out)
	if resp == nil {
		resp = runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error: no response"))
	}
	st.finish(resp)
	if sess != nil {
		sess.removeStream(st)
	} else {
		conn.Close()
	}
}

func (h *handler) serveGET(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.preflight(w, r); !ok {
		return
	}
	if h.cfg.Stateless {
		h.serveNotAllowed(w, r)
		return
	}
	if _, sse := accepts(r); !sse {
		writeError(w, http.StatusNotAcceptable, codeTransport, "Accept must include text/event-stream")
		return
	}
	lastID, err := parseLastEventID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeTransport, err.Error())
		return
	}
	sess := h.session(w, r)
	if sess == nil {
		return
	}
	sess.begin()
	if lastID != "" {
		defer sess.end()
		h.resume(w, r, sess, lastID)
		return
	}
	if !sess.claimGET() {
		sess.end()
		writeError(w, http.StatusConflict, codeTransport, "this session already has an open GET stream; only one is allowed")
		return
	}
	st := sess.standalone
	rd := newReader()
	primeID := st.attachAndPrime(rd, atLeast(sess.conn.ProtocolVersion(), "2025-11-25"))
	release, ok := sess.conn.SetStandalone(st)
	if !ok {
		st.detach(rd)
		sess.releaseGET()
		sess.end()
		writeError(w, http.StatusConflict, codeTransport, "this session already has an open GET stream; only one is allowed")
		return
	}
	done := func() {
		release()
		sess.releaseGET()
		sess.end()
	}
	// An idle GET stream is most of what an idle session costs, so it
	// leaves net/http where it can (see hijackSSE).
	if sw, gone := hijackSSE(w, r, sess.idHeader); sw != nil {
		if primeID != "" {
			sw.buf = appendPriming(sw.buf, primeID, h.opts.retry)
		}
		go func() {
			defer done()
			defer sw.conn.Close()
			h.pump(gone, sw, st, rd, sess.ctx.Done(), h.serverDone())
		}()
		return
	}
	defer done()
	sw := startSSE(w, sess.idHeader)
	if primeID != "" {
		sw.buf = appendPriming(sw.buf, primeID, h.opts.retry)
	}
	h.pump(r.Context().Done(), sw, st, rd, sess.ctx.Done(), h.serverDone())
}

// resume serves a GET with Last-Event-ID: the stored events after it,
// then, while the stream is live, what comes next. A request stream ends
// once its response is delivered; the standalone stream stays open.
func (h *handler) resume(w http.ResponseWriter, r *http.Request, sess *session, lastID string) {
	var replayed []event
	collect := func(id string, data []byte) error {
		if len(data) > 0 { // priming events carry nothing to replay
			replayed = append(replayed, event{id: id, data: data})
		}
		lastID = id
		return nil
	}
	streamID, err := h.store.Replay(r.Context(), lastID, collect)
	if err == nil && !strings.HasPrefix(streamID, sess.id+"/") {
		err = runtime.ErrUnknownEvent // another session's stream: as if unknown
	}
	if err != nil {
		if errors.Is(err, runtime.ErrUnknownEvent) {
			writeError(w, http.StatusNotFound, codeTransport, "unknown or expired Last-Event-ID: open a new stream without it, or repeat the request")
		} else {
			h.logger().Error("streamable: event store replay failed", "err", err)
			writeError(w, http.StatusInternalServerError, codeTransport, "could not replay events")
		}
		return
	}

	standalone := streamID == sess.standalone.id
	st := sess.standalone
	if !standalone {
		st = sess.lookupStream(streamID)
	}
	if standalone && !sess.claimGET() {
		writeError(w, http.StatusConflict, codeTransport, "this session already has an open GET stream; only one is allowed")
		return
	}
	if standalone {
		defer sess.releaseGET()
	}
	rd := newReader()
	if st != nil {
		// Replay again from where the first pass ended, now under the
		// stream's lock, so no event falls between replay and live.
		st.mu.Lock()
		_, err = h.store.Replay(r.Context(), lastID, collect)
		st.note(lastID) // what the reader has, for catchUp
		live := err == nil && st.attachLocked(rd)
		rd.events = replayed
		rd.closed = !live
		st.mu.Unlock()
	} else {
		// The request has finished here, or runs on another replica.
		h.store.Replay(r.Context(), lastID, collect)
		st = &stream{sse: true}
		st.attachLocked(rd)
		rd.events, rd.closed = replayed, true
		if h.streamTag != "" && (len(replayed) == 0 || !isResponse(replayed[len(replayed)-1].data)) {
			// A shared store and no response yet: the request may run
			// on another replica, which stores what it sends next.
			rd.closed = false
			go h.follow(r.Context(), sess, st, rd, lastID)
		}
	}
	if standalone {
		release, ok := sess.conn.SetStandalone(st)
		if !ok {
			st.detach(rd)
			writeError(w, http.StatusConflict, codeTransport, "this session already has an open GET stream; only one is allowed")
			return
		}
		defer release()
	}
	sw := startSSE(w, sess.idHeader)
	h.pump(r.Context().Done(), sw, st, rd, sess.ctx.Done(), h.serverDone())
}

func (h *handler) serveDELETE(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.preflight(w, r); !ok {
		return
	}
	if h.cfg.Stateless {
		h.serveNotAllowed(w, r)
		return
	}
	sess := h.session(w, r)
	if sess == nil {
		return
	}
	h.closeSession(sess)
	w.WriteHeader(http.StatusOK)
}

// followEvery is how often a stream resumed on a replica that does not
// run its request looks for new events in the shared store.
const followEvery = 100 * time.Millisecond

// follow feeds rd, a resumed stream whose request runs on another
// replica, from the shared event store until the response arrives, the
// client goes away or the session or server ends.
func (h *handler) follow(ctx context.Context, sess *session, st *stream, rd *reader, lastID string) {
	t := time.NewTicker(followEvery)
	defer t.Stop()
	end := func() {
		st.mu.Lock()
		rd.closed = true
		st.mu.Unlock()
		rd.wake()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sess.ctx.Done():
			end()
			return
		case <-h.serverDone():
			end()
			return
		case <-t.C:
		}
		var got []event
		_, err := h.store.Replay(ctx, lastID, func(id string, data []byte) error {
			if len(data) > 0 {
				got = append(got, event{id: id, data: data})
			}
			lastID = id
			return nil
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			end() // expired meanwhile, or the store failed: the client asks again
			return
		}
		if len(got) == 0 {
			continue
		}
		final := isResponse(got[len(got)-1].data)
		st.mu.Lock()
		rd.events = append(rd.events, got...)
		rd.closed = final
		st.mu.Unlock()
		rd.wake()
		if final {
			return
		}
	}
}

// isResponse reports whether an event carries a JSON-RPC response (the
// last event of a request stream).
func isResponse(data []byte) bool {
	m, err := runtime.ParseMessage(data)
	return err == nil && m.Method == "" && m.ID != nil
}
