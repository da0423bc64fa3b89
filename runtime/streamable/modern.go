package streamable

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// serveModern serves a 2026-07-28 request: no session, no event ids, no
// resumption. The core validates the envelope and headers and picks the
// HTTP status; the answer is JSON unless the request streams something
// first (progress, logs with a logLevel, a listen stream), in which case
// the response turns into an SSE stream at the first such message and
// ends with the JSON-RPC response. Deciding late lets every error that
// comes before any notification (-32021 from a handler included) keep
// its 400/404 status.
func (h *handler) serveModern(w http.ResponseWriter, r *http.Request, msg *runtime.Message) {
	// r.Context() ends when this handler returns or the client goes
	// away: all the cancellation a stateless request needs.
	ctx := runtime.WithHTTPRequest(r.Context(), r)
	o := &modernOut{w: w}
	var out runtime.Outbound
	listen := msg.IsRequest() && msg.Method == "subscriptions/listen"
	if msg.IsRequest() && (!h.cfg.JSONResponse || listen) {
		out = o
	}
	if listen && h.opts.keepAlive > 0 {
		stop := make(chan struct{})
		defer close(stop)
		go o.keepAlive(h.opts.keepAlive, stop)
	}
	status, resp := h.handleModern(ctx, msg, r.Header, out)
	o.finish(status, resp)
}

// handleModern calls the core, turning a panic that escaped it into an
// internal error: bad input must never take the server down.
func (h *handler) handleModern(ctx context.Context, msg *runtime.Message, hdr http.Header, out runtime.Outbound) (status int, resp []byte) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			h.logger().Error("streamable: panic while handling a message", "method", msg.Method, "panic", v)
			status, resp = http.StatusInternalServerError, runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error"))
		}
		h.srv.LogMessage(ctx, "", msg, start, resp) // debug level only
	}()
	return h.srv.HandleModern(ctx, msg, hdr, out)
}

var errResponseDone = errors.New("streamable: the response has been sent")

// modernOut is the Outbound of one 2026 request: the first message
// starts an SSE response (data lines only), later ones follow it, and
// finish writes the JSON-RPC response either as the last event or, when
// nothing was streamed, as a JSON body with the core's status. It is safe
// for concurrent use (a listen stream gets notifications from any
// goroutine).
type modernOut struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	done    bool
	buf     []byte
}

func (o *modernOut) Send(msg []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return errResponseDone
	}
	o.start()
	return o.write(msg)
}

// start sends the SSE headers once.
func (o *modernOut) start() {
	if o.started {
		return
	}
	o.started = true
	h := o.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no")
	o.w.WriteHeader(http.StatusOK)
	o.rc = http.NewResponseController(o.w)
	_ = o.rc.SetWriteDeadline(time.Time{})
}

func (o *modernOut) write(msg []byte) error {
	o.buf = append(o.buf[:0], "data: "...)
	o.buf = append(o.buf, msg...)
	o.buf = append(o.buf, '\n', '\n')
	return o.flush()
}

func (o *modernOut) flush() error {
	if _, err := o.w.Write(o.buf); err != nil {
		return err
	}
	if err := o.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// keepAlive writes a comment line every d while the stream is open, so
// proxies do not cut an idle listen stream.
func (o *modernOut) keepAlive(d time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			o.mu.Lock()
			if o.started && !o.done {
				o.buf = append(o.buf[:0], ": keep-alive\n\n"...)
				_ = o.flush()
			}
			o.mu.Unlock()
		}
	}
}

// finish writes the response and closes the Outbound.
func (o *modernOut) finish(status int, resp []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done = true
	if o.started {
		if resp != nil {
			_ = o.write(resp)
		}
		return
	}
	if resp == nil {
		o.w.WriteHeader(status)
		return
	}
	h := o.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(resp)))
	if status != http.StatusOK {
		h.Set("Cache-Control", "no-store")
	}
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "1") // the state store is down (runtime.StoreError)
	}
	o.w.WriteHeader(status)
	o.w.Write(resp)
}
