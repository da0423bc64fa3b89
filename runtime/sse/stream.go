package sse

import (
	"errors"
	"sync"

	"github.com/mcpgen/mcpgen/runtime"
)

// stream is a session's outgoing queue and the runtime.Outbound the core
// writes to. Any goroutine may Send; only the GET handler's pump takes
// messages off and writes them, which serializes writes to the response.
type stream struct {
	notify chan struct{} // capacity 1: "look at the queue again"

	mu     sync.Mutex
	queue  [][]byte
	closed bool
}

var (
	errClosed = errors.New("sse: the session's stream is closed")
	errFull   = errors.New("sse: client is not reading its stream; session ended")
)

func newStream() *stream { return &stream{notify: make(chan struct{}, 1)} }

func (s *stream) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Send implements runtime.Outbound. It never blocks: a client that stops
// reading while the server keeps sending loses its session rather than
// holding server memory without bound.
func (s *stream) Send(msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if len(s.queue) >= maxPending {
		s.closed = true
		s.wake()
		return errFull
	}
	s.queue = append(s.queue, msg)
	s.wake()
	return nil
}

// take returns the queued messages and whether the stream has closed.
func (s *stream) take() ([][]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q, s.closed
}

func (s *stream) close() {
	s.mu.Lock()
	s.closed = true
	s.queue = nil
	s.mu.Unlock()
	s.wake()
}

// appendEvent appends one SSE event of the given type. The data is split
// on line breaks: encoded JSON from the core has none, but the framing
// must hold whatever it is given (a raw line break in JSON is whitespace,
// and clients join data lines with "\n", so the JSON survives).
func appendEvent(b []byte, event string, data []byte) []byte {
	return runtime.AppendSSEEvent(b, event, "", data)
}
