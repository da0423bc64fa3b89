package streamable

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// stream is one logical response stream: the stream of a POST request,
// or a session's standalone stream. A request's stream starts undecided:
// when the handler's response is the first thing it produces, the reader
// answers with a plain application/json body and nothing is stored. The
// first related message (progress, a log, a server-to-client request), a
// CloseStream, or a handler that stays silent for the keep-alive period
// turns it into an SSE stream (upgrade): from then on its events go to
// the EventStore first (when it is resumable) and then to the HTTP
// response currently attached, if any. Readers come and go (the POST that
// opened it, a GET that resumed it); the stream outlives them until the
// request's response is stored.
//
// A stream is the runtime.Outbound the core writes to.
type stream struct {
	sess  *session           // the session a request stream registers with on upgrade; nil otherwise
	store runtime.EventStore // nil when not resumable
	prime bool               // the upgrade starts with a priming event (2025-11-25 and later)

	mu     sync.Mutex
	id     string  // EventStore stream id; "" until registered, and when not resumable
	cur    *reader // attached reader, nil when detached
	sse    bool    // the response is an SSE stream (always, for a standalone stream)
	issued bool    // an event id has reached the client: it can resume
	done   bool    // the final response has been queued/stored
	// lastSeq is the sequence number of the newest event stored through
	// this stream or delivered to its reader; a standalone stream shared
	// by replicas fetches the newer ones others stored (catchUp).
	lastSeq uint64
	first   reader // the POST's own reader, allocated with the stream
}

// event is one queued SSE event.
type event struct {
	id    string
	data  []byte
	prime bool // the priming event: an id and the retry delay, no data
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
	if final && !s.sse {
		// A response with nothing before it: the reader answers with a
		// JSON body. The client has no event id, so it could never ask
		// for it again: nothing is stored.
		s.done = true
		if r := s.cur; r != nil {
			r.events = append(r.events, event{data: msg})
			r.closed = true
			s.cur = nil
			r.wake()
		}
		return nil
	}
	s.upgradeLocked()
	var id string
	if s.store != nil && s.id != "" {
		// The store's context must not end with the request: a detached
		// stream stores events after its POST is gone.
		if eid, err := s.store.Append(context.Background(), s.id, msg); err == nil {
			id = eid
			s.note(eid)
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

// upgrade turns an undecided stream into an SSE stream (see stream); it
// does nothing once the response is queued.
func (s *stream) upgrade() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		s.upgradeLocked()
	}
}

// upgradeLocked registers a resumable stream with its session (so a GET
// with Last-Event-ID finds it) and queues the priming event, whose id
// lets the client resume. s.mu must be held.
func (s *stream) upgradeLocked() {
	if s.sse {
		return
	}
	s.sse = true
	if s.store == nil || s.sess == nil {
		return
	}
	s.id = s.sess.register(s)
	if !s.prime {
		return
	}
	id, err := s.store.Append(context.Background(), s.id, nil)
	if err != nil {
		return
	}
	s.note(id)
	s.issued = true
	if r := s.cur; r != nil {
		r.events = append(r.events, event{id: id, prime: true})
		r.wake()
	}
}

// streamID returns the EventStore id ("" when the stream never became a
// resumable SSE stream).
func (s *stream) streamID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
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
	if s.done || s.cur == nil {
		return
	}
	if !s.sse && s.prime {
		s.upgradeLocked() // the priming event gives the client its resume point
	}
	if s.store == nil || !s.issued {
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

// take returns the queued events, whether the reader has ended and
// whether the stream is SSE (false: the one event, if any, is the
// response to send as JSON).
func (s *stream) take(r *reader) ([]event, bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := r.events
	r.events = nil
	return ev, r.closed, s.sse
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
	s.note(id)
	s.issued = true
	return id
}

// note records that the event id was stored or delivered; s.mu is held.
func (s *stream) note(eventID string) {
	if _, seq, ok := parseEventID(eventID); ok && seq > s.lastSeq {
		s.lastSeq = seq
	}
}

// catchUp hands the attached reader the events other replicas stored for
// this stream after the last one it has (a standalone stream shared
// through a StoreEventStore).
func (s *stream) catchUp(es *StoreEventStore) {
	s.mu.Lock()
	after, id := s.lastSeq, s.id
	attached := s.cur != nil
	s.mu.Unlock()
	if !attached || id == "" {
		return
	}
	evs, err := es.since(context.Background(), id, after)
	if err != nil || len(evs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.cur
	if r == nil {
		return
	}
	for _, e := range evs {
		if e.Seq <= s.lastSeq {
			continue // delivered meanwhile
		}
		s.lastSeq = e.Seq
		if len(e.Data) > 0 {
			r.events = append(r.events, event{id: formatEventID(id, e.Seq), data: e.Data})
		}
	}
	r.wake()
}

// sseWriter is a runtime.SSEWriter as the handler sets it up: events
// appended to buf before the pump starts (a priming event) are handed to
// the writer when it does. The field is named conn because the owner of a
// hijacked stream closes it (conn.Close) when the stream ends; for a
// stream through net/http Close does nothing.
type sseWriter struct {
	buf  []byte
	conn *runtime.SSEWriter
}

// hijackSSE takes a standalone GET stream's connection over from net/http
// (see runtime.HijackSSE) with the session id header set. It returns nil
// when the connection cannot be taken; the caller then uses startSSE.
func hijackSSE(w http.ResponseWriter, r *http.Request, sessionID []string) (*sseWriter, <-chan struct{}) {
	if r.ProtoMajor != 1 {
		return nil, nil // do not leave the session id on a response we do not take
	}
	if sessionID != nil {
		w.Header()[headerSessionID] = sessionID
	}
	out, gone := runtime.HijackSSE(w, r)
	if out == nil {
		return nil, nil
	}
	return &sseWriter{conn: out}, gone
}

// startSSE sends the SSE response headers through net/http (see
// runtime.StartSSE).
func startSSE(w http.ResponseWriter, sessionID []string) *sseWriter {
	if sessionID != nil {
		w.Header()[headerSessionID] = sessionID
	}
	return &sseWriter{conn: runtime.StartSSE(w)}
}

// start hands what was appended to buf to the writer; from then on the
// pump appends to and flushes conn itself. The flush is left to the pump
// so no extra frame sits between it and the connection's write: an idle
// stream's goroutine then stays within the smallest stack.
func (sw *sseWriter) start() {
	if len(sw.conn.Buf) == 0 {
		sw.conn.Buf = sw.buf
	} else {
		sw.conn.Buf = append(sw.conn.Buf, sw.buf...) // after a hijacked stream's headers
	}
	sw.buf = nil
}

// pump copies a reader's events to the response until the reader ends
// (response delivered, detached, CloseStream), the client goes away
// (gone is closed), or a stop channel is closed. Idle streams get
// keep-alive comments.
func (h *handler) pump(gone <-chan struct{}, sw *sseWriter, s *stream, r *reader, stop ...<-chan struct{}) {
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
	sw.start()
	if err := sw.conn.Flush(); err != nil {
		s.detach(r)
		return
	}
	for {
		evs, closed, _ := s.take(r)
		sw.conn.Buf = h.appendEvents(sw.conn.Buf, evs)
		if len(sw.conn.Buf) > 0 {
			if err := sw.conn.Flush(); err != nil {
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
			sw.conn.Buf = append(sw.conn.Buf, ": keep-alive\n\n"...)
			if err := sw.conn.Flush(); err != nil {
				s.detach(r)
				return
			}
		case <-gone:
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

// appendEvents frames queued events as SSE.
func (h *handler) appendEvents(b []byte, evs []event) []byte {
	for _, e := range evs {
		if e.prime {
			b = appendPriming(b, e.id, h.opts.retry)
		} else {
			b = appendEvent(b, e.id, e.data)
		}
	}
	return b
}

// timers recycles the timers serveStream waits with, so a request that
// is answered at once allocates none.
var timers sync.Pool

// serveStream answers a POST from its (undecided) stream: with a JSON
// body when the response comes first, else as an SSE stream from the
// upgrade on. A handler silent for the keep-alive period gets its stream
// upgraded, so the client sees headers (and a resume point) while it
// waits. sessDone (nil without a session) ends the wait when the session
// does.
func (h *handler) serveStream(w http.ResponseWriter, r *http.Request, sess *session, st *stream, rd *reader, sessDone <-chan struct{}) {
	ctx := r.Context()
	var wait <-chan time.Time
	var t *time.Timer
	defer func() {
		if t != nil {
			t.Stop()
			timers.Put(t)
		}
	}()
	for {
		evs, closed, sse := st.take(rd)
		if sse {
			var sid []string
			if sess != nil {
				sid = sess.idHeader
			}
			sw := startSSE(w, sid)
			sw.buf = h.appendEvents(sw.buf, evs)
			h.pump(ctx.Done(), sw, st, rd, sessDone)
			return
		}
		if closed {
			if len(evs) == 0 {
				// Ended before any response: the session was closed.
				writeError(w, http.StatusNotFound, codeTransport, "session ended while the request was in progress")
				return
			}
			var sid []string
			if sess != nil {
				sid = sess.idHeader
			}
			writeJSON(w, sid, evs[len(evs)-1].data)
			return
		}
		if wait == nil && h.opts.keepAlive > 0 {
			if v, _ := timers.Get().(*time.Timer); v != nil {
				t = v
				t.Reset(h.opts.keepAlive)
			} else {
				t = time.NewTimer(h.opts.keepAlive)
			}
			wait = t.C
		}
		select {
		case <-rd.notify:
		case <-wait:
			wait = nil
			st.upgrade()
		case <-ctx.Done():
			st.detach(rd)
			return
		case <-sessDone:
			st.detach(rd)
			writeError(w, http.StatusNotFound, codeTransport, "session ended while the request was in progress")
			return
		}
	}
}
