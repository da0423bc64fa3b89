package streamable

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
)

// defaultMaxBody applies when Config.MaxBodyBytes is unset.
const defaultMaxBody = 4 << 20

func (h *handler) logger() *slog.Logger {
	if l := h.srv.Logger(); l != nil {
		return l
	}
	return slog.Default()
}

// preflight runs the checks every method shares: Host/Origin and
// MCP-Protocol-Version. It writes the error and returns false on failure.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request) (version string, ok bool) {
	if status, msg := h.guard.check(r); status != 0 {
		writeError(w, status, codeTransport, msg)
		return "", false
	}
	if v := strings.Trim(r.Header.Get(headerProtocolVersion), " \t"); v != "" && !runtime.IsSupportedVersion(v) {
		// 2026-07-28 has no GET stream and no sessions to DELETE.
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
		s = h.lookup(sid)
	}
	if s == nil {
		writeError(w, http.StatusNotFound, codeTransport, "session not found: it ended or expired; send initialize without Mcp-Session-Id to start a new one")
		return nil
	}
	return s
}

func (h *handler) servePOST(w http.ResponseWriter, r *http.Request) {
	if status, msg := h.guard.check(r); status != 0 {
		writeError(w, status, codeTransport, msg)
		return
	}
	if !isJSONContentType(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, codeTransport, "Content-Type must be application/json")
		return
	}
	acceptJSON, acceptSSE := accepts(r)
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
	msg, perr := runtime.ParseMessage(body)
	if perr != nil {
		var id []byte
		if msg != nil {
			id = msg.ID
		}
		writeErrorID(w, http.StatusBadRequest, id, perr)
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
		writeErrorID(w, http.StatusBadRequest, msg.ID, runtime.NewError(codeTransport, "%s", vmsg))
		return
	}

	if h.cfg.Stateless {
		h.serveMessage(w, r, nil, h.srv.NewConn(runtime.ConnConfig{Stateless: true, ProtocolVersion: version}), msg)
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
		writeErrorID(w, http.StatusBadRequest, msg.ID, runtime.NewError(runtime.CodeInvalidRequest, "initialize must be sent without Mcp-Session-Id: this session is already initialized"))
		return
	}
	sess := h.session(w, r)
	if sess == nil {
		return
	}
	sess.begin()
	defer sess.end()
	h.serveMessage(w, r, sess, sess.conn, msg)
}

// readBody reads the POST body, bounded by Config.MaxBodyBytes.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	limit := h.cfg.MaxBodyBytes
	if limit <= 0 {
		limit = defaultMaxBody
	}
	tooLarge := "request body exceeds " + strconv.FormatInt(limit, 10) + " bytes"
	if r.ContentLength > limit {
		writeError(w, http.StatusRequestEntityTooLarge, codeTransport, tooLarge)
		return nil, false
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, http.StatusRequestEntityTooLarge, codeTransport, tooLarge)
		} else {
			writeError(w, http.StatusBadRequest, codeTransport, "could not read the request body: "+err.Error())
		}
		return nil, false
	}
	return buf.Bytes(), true
}

// serveInitialize creates a session and answers initialize with JSON.
func (h *handler) serveInitialize(w http.ResponseWriter, r *http.Request, msg *runtime.Message) {
	sess := h.newSession()
	if sess == nil {
		writeErrorID(w, http.StatusServiceUnavailable, msg.ID, runtime.NewError(codeTransport, "too many open sessions (MaxSessions); retry later"))
		return
	}
	sess.begin()
	defer sess.end()
	ctx, cancel := h.requestContext(r, sess, false)
	resp := h.handle(ctx, sess.conn, msg, nil)
	cancel()
	if !sess.conn.Initialized() {
		// A failed initialize leaves no session behind.
		h.closeSession(sess)
		writeJSON(w, "", resp)
		return
	}
	writeJSON(w, sess.id, resp)
}

// requestContext returns the context a request is handled under: it
// carries the HTTP request and ends with the session. With detached set
// it does not end with the HTTP request, so a stream that closes early
// (CloseStream, a dropped connection the client can resume) leaves the
// call running.
func (h *handler) requestContext(r *http.Request, sess *session, detached bool) (context.Context, context.CancelFunc) {
	base := r.Context()
	if detached {
		base = context.WithoutCancel(base)
	}
	ctx, cancel := context.WithCancel(base)
	if h.cfg.RequestTimeout > 0 {
		ctx, cancel = withTimeout(ctx, cancel, h.cfg)
	}
	if sess != nil {
		stop := context.AfterFunc(sess.ctx, cancel)
		c := cancel
		cancel = func() { stop(); c() }
	}
	return runtime.WithHTTPRequest(ctx, r), cancel
}

func withTimeout(ctx context.Context, cancel context.CancelFunc, cfg *runtime.Config) (context.Context, context.CancelFunc) {
	tctx, tcancel := context.WithTimeout(ctx, cfg.RequestTimeout)
	return tctx, func() { tcancel(); cancel() }
}

// handle calls the core, turning a panic that escaped it into an internal
// error response: bad input must never take the server down.
func (h *handler) handle(ctx context.Context, conn *runtime.Conn, msg *runtime.Message, out runtime.Outbound) (resp []byte) {
	defer func() {
		if v := recover(); v != nil {
			h.logger().Error("streamable: panic while handling a message", "method", msg.Method, "panic", v)
			if msg.IsRequest() {
				resp = runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error"))
			} else {
				resp = nil
			}
		}
	}()
	return h.srv.Handle(ctx, conn, msg, out)
}

func writeJSON(w http.ResponseWriter, sessionID string, resp []byte) {
	if sessionID != "" {
		w.Header().Set(headerSessionID, sessionID)
	}
	if resp == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(resp)))
	w.WriteHeader(http.StatusOK)
	w.Write(resp)
}

// serveMessage handles one message on conn. sess is nil for a stateless
// request, whose conn is closed once the request is over.
func (h *handler) serveMessage(w http.ResponseWriter, r *http.Request, sess *session, conn *runtime.Conn, msg *runtime.Message) {
	sid := ""
	if sess != nil {
		sid = sess.id
	}
	if !msg.IsRequest() {
		// Notifications, and responses to the server's own requests (Handle
		// routes those to the waiting call): nothing to answer.
		ctx, cancel := h.requestContext(r, sess, false)
		h.handle(ctx, conn, msg, nil)
		cancel()
		if sess == nil {
			conn.Close()
		}
		if sid != "" {
			w.Header().Set(headerSessionID, sid)
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if h.cfg.JSONResponse || msg.Method == "initialize" {
		ctx, cancel := h.requestContext(r, sess, false)
		resp := h.handle(ctx, conn, msg, nil)
		cancel()
		if sess == nil {
			conn.Close()
		}
		writeJSON(w, sid, resp)
		return
	}

	// An SSE stream: related messages first, then the response.
	st := &stream{}
	if sess != nil {
		st = sess.newStream(h.store)
	}
	ctx, cancel := h.requestContext(r, sess, sess != nil)
	rd := newReader()
	primeID := st.attachAndPrime(rd, sess != nil && atLeast(conn.ProtocolVersion(), "2025-11-25"))
	// Only a stream the client can resume (it got the priming event's id)
	// offers CloseStream, so Session.CloseStream reports false elsewhere:
	// ending any other stream early would lose the response.
	var out runtime.Outbound = st
	if primeID == "" {
		out = plainOut{st}
	}
	go func() {
		defer cancel()
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
	}()
	sw := startSSE(w, sid)
	if primeID != "" {
		sw.buf = appendPriming(sw.buf, primeID, h.opts.retry)
	}
	var sessDone <-chan struct{}
	if sess != nil {
		sessDone = sess.ctx.Done()
	}
	h.pump(r.Context(), sw, st, rd, sessDone)
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
	defer sess.end()
	if lastID != "" {
		h.resume(w, r, sess, lastID)
		return
	}
	if !sess.claimGET() {
		writeError(w, http.StatusConflict, codeTransport, "this session already has an open GET stream; only one is allowed")
		return
	}
	defer sess.releaseGET()
	st := sess.standalone
	rd := newReader()
	primeID := st.attachAndPrime(rd, atLeast(sess.conn.ProtocolVersion(), "2025-11-25"))
	release, ok := sess.conn.SetStandalone(st)
	if !ok {
		st.detach(rd)
		writeError(w, http.StatusConflict, codeTransport, "this session already has an open GET stream; only one is allowed")
		return
	}
	defer release()
	sw := startSSE(w, sess.id)
	if primeID != "" {
		sw.buf = appendPriming(sw.buf, primeID, h.opts.retry)
	}
	h.pump(r.Context(), sw, st, rd, sess.ctx.Done(), h.serverDone())
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
		live := err == nil && st.attachLocked(rd)
		rd.events = replayed
		rd.closed = !live
		st.mu.Unlock()
	} else {
		// The request has finished: its response, if any, is stored.
		h.store.Replay(r.Context(), lastID, collect)
		st = &stream{}
		st.attachLocked(rd)
		rd.events, rd.closed = replayed, true
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
	sw := startSSE(w, sess.id)
	h.pump(r.Context(), sw, st, rd, sess.ctx.Done(), h.serverDone())
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
