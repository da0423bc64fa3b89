package streamable

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// session is one Streamable HTTP session: the core's Conn plus what the
// transport keeps for it.
type session struct {
	id       string
	idHeader []string // []string{id}, shared by every response's Mcp-Session-Id header
	conn     *runtime.Conn
	// ctx ends when the session does (DELETE, idle expiry); requests of
	// the session run under it rather than under their POST, so a POST
	// stream that ends early does not cancel its request.
	ctx    context.Context
	cancel context.CancelFunc

	last   atomic.Int64 // unix nanoseconds of the last activity
	active atomic.Int32 // HTTP requests in progress (open streams included)

	standalone *stream // the GET stream's events, across reconnections

	mu      sync.Mutex
	closed  bool
	getOpen bool               // a standalone GET is attached
	streams map[string]*stream // request streams whose handler still runs
	seq     uint64
}

func (s *session) begin() {
	s.active.Add(1)
	s.last.Store(time.Now().UnixNano())
}

func (s *session) end() {
	s.last.Store(time.Now().UnixNano())
	s.active.Add(-1)
}

// register gives a request stream that became a resumable SSE stream its
// EventStore id and makes it findable by a GET with Last-Event-ID.
func (s *session) register(st *stream) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := s.id + "/" + strconv.FormatUint(s.seq, 10)
	s.streams[id] = st
	return id
}

// removeStream forgets a request stream once its handler is done.
func (s *session) removeStream(st *stream) {
	id := st.streamID()
	if id == "" {
		return // never registered
	}
	s.mu.Lock()
	delete(s.streams, id)
	s.mu.Unlock()
}

func (s *session) lookupStream(id string) *stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams[id]
}

// claimGET marks the standalone stream as taken; false when it already is.
func (s *session) claimGET() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.getOpen {
		return false
	}
	s.getOpen = true
	return true
}

func (s *session) releaseGET() {
	s.mu.Lock()
	s.getOpen = false
	s.mu.Unlock()
}

// newSessionID returns 128 random bits in hex: unguessable, and visible
// ASCII as the spec requires.
func newSessionID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// newSession creates and registers a session, or returns nil when
// MaxSessions are open (after dropping the ones that have expired).
func (h *handler) newSession() *session {
	h.janitor.Do(h.startJanitor)
	if h.cfg.MaxSessions > 0 {
		h.mu.Lock()
		full := len(h.sessions) >= h.cfg.MaxSessions
		h.mu.Unlock()
		if full {
			h.expire(time.Now())
		}
	}
	id := newSessionID()
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{
		id:       id,
		idHeader: []string{id},
		conn:     h.srv.NewConn(runtime.ConnConfig{ID: id}),
		ctx:      ctx,
		cancel:   cancel,
		streams:  make(map[string]*stream),
	}
	s.standalone = &stream{id: id + "/0", store: h.store, sse: true}
	s.last.Store(time.Now().UnixNano())
	h.mu.Lock()
	if h.cfg.MaxSessions > 0 && len(h.sessions) >= h.cfg.MaxSessions {
		h.mu.Unlock()
		cancel()
		s.conn.Close()
		return nil
	}
	h.sessions[id] = s
	h.mu.Unlock()
	return s
}

func (h *handler) lookup(id string) *session {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions[id]
}

// closeSession ends a session: it leaves the table, its requests are
// cancelled, its streams end and its stored events are dropped.
func (h *handler) closeSession(s *session) {
	h.mu.Lock()
	if h.sessions[s.id] == s {
		delete(h.sessions, s.id)
	}
	h.mu.Unlock()
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if already {
		return
	}
	s.cancel()
	s.conn.Close()
	if err := h.store.Forget(context.Background(), s.id+"/"); err != nil {
		h.logger().Warn("streamable: could not drop the events of a closed session", "session", s.id, "err", err)
	}
}

// startJanitor runs the idle-session sweep in the background until the
// server shuts down. It starts with the first session, so a server needs
// no start-up call.
func (h *handler) startJanitor() {
	timeout := h.cfg.SessionIdleTimeout
	if timeout <= 0 {
		return
	}
	every := min(max(timeout/4, 10*time.Millisecond), time.Minute)
	done := h.serverDone()
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				h.expire(now)
			case <-done:
				return
			}
		}
	}()
}

// expire closes the sessions idle for longer than SessionIdleTimeout. A
// session with a request or stream in progress is not idle.
func (h *handler) expire(now time.Time) {
	timeout := h.cfg.SessionIdleTimeout
	if timeout <= 0 {
		return
	}
	cutoff := now.Add(-timeout).UnixNano()
	var idle []*session
	h.mu.Lock()
	for _, s := range h.sessions {
		if s.active.Load() == 0 && s.last.Load() < cutoff {
			idle = append(idle, s)
		}
	}
	h.mu.Unlock()
	for _, s := range idle {
		h.closeSession(s)
	}
}
