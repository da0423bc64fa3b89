package streamable

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// stream is one logical SSE stream: the stream of a POST request, or a
// session's standalone stream. Its events go to the EventStore first (when
// it is resumable) and then to the HTTP response currently attached, if
// any. Readers come and go (the POST that opened it, a GET that resumed
// it); the stream outlives them until the request's response is stored.
//
// A stream is the runtime.Outbound the core writes to.
type stream struct {
	id    string             // EventStore stream id; "" when not resumable
	store runtime.EventStore // nil when not resumable

	mu     sync.Mutex
	cur    *reader // attached reader, nil when detached
	issued bool    // an event id has reached the client: it can resume
	done   bool    // the final response has been queued/stored
}

// event is one queued SSE event.
type event struct {
	id   string
	data []byte
}

// reader is one HTTP response attached to a stream.
type reader struct {
	events []event
	notify chan struct{} // capacity 1: "look at events/closed again"
	closed bool          // detached: write what is queued, then end
}

func newReader() *reader { return &reader{notify: make(chan struct{}, 1)} }

func (r *reader) wake() {
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

var errStreamFull = errors.New("streamable: client is not reading its SSE stream")

// Send implements runtime.Outbound.
func (s *stream) Send(msg []byte) error {
	return s.emit(msg, false)
}

// plainOut is a stream without CloseStream, for streams the client
// cannot resume.
type plainOut struct{ s *stream }

func (o plainOut) Send(msg []byte) error { return o.s.Send(msg) }

// finish queues the request's response and marks the stream done.
func (s *stream) finish(msg []byte) {
	s.emit(msg, true)
}

func (s *stream) emit(msg []byte, final bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	var id string
	if s.store != nil {
		// The store's context must not end with the request: a detached
		// stream stores events after its POST is gone.
		if eid, err := s.store.Append(context.Background(), s.id, msg); err == nil {
			id = eid
		}
	}
	if final {
		s.done = true
	}
	r := s.cur
	if r == nil {
		return nil
	}
	if len(r.events) >= maxPending {
		r.closed = true
		s.cur = nil
		r.wake()
		if s.store == nil {
			return errStreamFull
		}
		return nil // stored; the client resumes from the store
	}
	r.events = append(r.events, event{id: id, data: msg})
	if id != "" {
		s.issued = true
	}
	if final {
		r.closed = true
		s.cur = nil
	}
	r.wake()
	return nil
}

// CloseStream ends the HTTP response of the request's stream now (SEP-1699
// polling): the handler keeps running, its messages and response are
// kept in the EventStore, and the client resumes with GET and
// Last-Event-ID after the retry delay of the priming event. It does
// nothing on a stream the client cannot resume (no event id sent yet, or
// no store, as in stateless mode), because ending that stream would lose
// the response.
func (s *stream) CloseStream() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil || !s.issued || s.cur == nil {
		return
	}
	s.cur.closed = true
	s.cur.wake()
	s.cur = nil
}

// attach makes r the stream's reader, replacing (and ending) any other.
// It returns false when the stream is already done.
func (s *stream) attachLocked(r *reader) bool {
	if s.cur != nil {
		s.cur.closed = true
		s.cur.wake()
	}
	s.cur = nil
	if s.done {
		return false
	}
	s.cur = r
	return true
}

// detach removes r if it is still attached.
func (s *stream) detach(r *reader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == r {
		s.cur = nil
	}
	r.closed = true
}

// take returns the queued events and whether the reader has ended.
func (s *stream) take(r *reader) ([]event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := r.events
	r.events = nil
	return ev, r.closed
}

// attachAndPrime attaches r and, when prime is set and the stream is
// resumable, appends a priming event whose id it returns. Both happen
// under the stream's lock so no event can slip between them.
func (s *stream) attachAndPrime(r *reader, prime bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachLocked(r)
	if !prime || s.store == nil {
		return ""
	}
	id, err := s.store.Append(context.Background(), s.id, nil)
	if err != nil {
		return ""
	}
	s.issued = true
	return id
}

// sseWriter writes SSE to one HTTP response.
type sseWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	buf []byte
}

// startSSE sends the SSE response headers. Long-lived streams must not be
// cut by the server's WriteTimeout, so the write deadline is cleared
// (where the ResponseWriter supports it).
func startSSE(w http.ResponseWriter, sessionID string) *sseWriter {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no")
	if sessionID != "" {
		h.Set(headerSessionID, sessionID)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	sw := &sseWriter{w: w, rc: rc}
	return sw
}

func (sw *sseWriter) flush() error {
	_, err := sw.w.Write(sw.buf)
	sw.buf = sw.buf[:0]
	if err != nil {
		return err
	}
	if err := sw.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// pump copies a reader's events to the response until the reader ends
// (response delivered, detached, CloseStream), the client goes away, or
// stop is closed. Idle streams get keep-alive comments.
func (h *handler) pump(ctx context.Context, sw *sseWriter, s *stream, r *reader, stop ...<-chan struct{}) {
	var tick <-chan time.Time
	if h.opts.keepAlive > 0 {
		t := time.NewTicker(h.opts.keepAlive)
		defer t.Stop()
		tick = t.C
	}
	var stop1, stop2 <-chan struct{}
	if len(stop) > 0 {
		stop1 = stop[0]
	}
	if len(stop) > 1 {
		stop2 = stop[1]
	}
	// Send the headers (and a priming event) now: a client waits for them
	// before it reads anything, and the first event may be long in coming.
	if err := sw.flush(); err != nil {
		s.detach(r)
		return
	}
	for {
		evs, closed := s.take(r)
		for _, e := range evs {
			sw.buf = appendEvent(sw.buf, e.id, e.data)
		}
		if len(sw.buf) > 0 {
			if err := sw.flush(); err != nil {
				s.detach(r)
				return
			}
		}
		if closed {
			return
		}
		select {
		case <-r.notify:
		case <-tick:
			sw.buf = append(sw.buf, ": keep-alive\n\n"...)
			if err := sw.flush(); err != nil {
				s.detach(r)
				return
			}
		case <-ctx.Done():
			s.detach(r)
			return
		case <-stop1:
			s.detach(r)
			return
		case <-stop2:
			s.detach(r)
			return
		}
	}
}
