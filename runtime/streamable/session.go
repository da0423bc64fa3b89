package streamable

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"

	"github.com/mcpgen/mcpgen/runtime"
)

// session is one Streamable HTTP session: the core's Conn plus what the
// transport keeps for it. The session table (runtime.SessionTable) owns
// its id, owner, activity and admission.
type session struct {
	id       string
	idHeader []string // []string{id}, shared by every response's Mcp-Session-Id header
	conn     *runtime.Conn
	entry    *runtime.SessionEntry[*session]
	// ctx ends when the session does (DELETE, idle expiry); requests of
	// the session run under it rather than under their POST, so a POST
	// stream that ends early does not cancel its request.
	ctx    context.Context
	cancel context.CancelFunc

	standalone *stream // the GET stream's events, across reconnections

	mu      sync.Mutex
	getOpen bool               // a standalone GET is attached
	streams map[string]*stream // request streams whose handler still runs
	seq     uint64
	tag     string // handler.streamTag
}

// begin and end bracket an HTTP request of the session (open streams
// included): a session with one in progress is neither idle nor evicted.
func (s *session) begin() { s.entry.Begin() }
func (s *session) end()   { s.entry.End() }

// register gives a request stream that became a resumable SSE stream its
// EventStore id and makes it findable by a GET with Last-Event-ID.
func (s *session) register(st *stream) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := s.id + "/" + s.tag + strconv.FormatUint(s.seq, 10)
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

// newSession admits and registers a session for r, or returns the
// admission error to answer (runtime.SessionTable.Open).
func (h *handler) newSession(r *http.Request) (*session, *runtime.AdmissionError) {
	e, aerr := h.sessions.Open(r, h.sessionValue, h.release)
	if aerr != nil {
		return nil, aerr
	}
	e.Value.entry = e
	return e.Value, nil
}

// sessionValue is the transport's state of a new session.
func (h *handler) sessionValue(id string, conn *runtime.Conn) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{
		id:       id,
		idHeader: []string{id},
		conn:     conn,
		ctx:      ctx,
		cancel:   cancel,
		streams:  make(map[string]*stream),
		tag:      h.streamTag,
	}
	s.standalone = &stream{id: id + "/0", store: h.store, sse: true}
	if es, ok := h.store.(*StoreEventStore); ok && h.streamTag != "" {
		// Replicas: what is meant for the GET stream while another
		// replica holds it is stored, and that replica fetches it.
		conn.ShareStandalone(s.standalone, func() { s.standalone.catchUp(es) })
	}
	return s
}

// restoreSession builds the state of a session opened on another replica
// (runtime.SessionTable.Share).
func (h *handler) restoreSession(e *runtime.SessionEntry[*session]) {
	e.Value = h.sessionValue(e.ID(), e.Conn)
	e.Value.entry = e
}

// closeSession ends a session: it leaves the table, its requests are
// cancelled, its streams end and its stored events are dropped.
func (h *handler) closeSession(s *session) { h.sessions.Close(s.entry) }

// release is what the table runs when a session ends, however it ends.
func (h *handler) release(s *session) {
	s.cancel()
	if err := h.store.Forget(context.Background(), s.id+"/"); err != nil {
		h.logger().Warn("streamable: could not drop the events of a closed session", "session", runtime.HashForLog(s.id), "err", err)
	}
}
