package streamable

import (
	"container/list"
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// MemoryEventStoreOptions bounds a MemoryEventStore. Zero fields take the
// defaults shown.
type MemoryEventStoreOptions struct {
	// MaxEventsPerStream keeps only the newest events of a stream (1024);
	// resuming from an older id is ErrUnknownEvent.
	MaxEventsPerStream int
	// MaxEvents and MaxBytes bound the whole store (100000 events, 64 MiB
	// of event data); past them whole streams are dropped, least recently
	// written first.
	MaxEvents int
	MaxBytes  int64
	// MaxBytesPerSession bounds the event data of one session's streams
	// (16 MiB; a stream id's session is what precedes its first "/"), so
	// one session cannot push every other session's events out: past it
	// the session's least recently written streams go first, then the
	// oldest events of the stream being written. Resuming from a dropped
	// event is ErrUnknownEvent.
	MaxBytesPerSession int64
	// TTL drops a stream this long after its last event (10 minutes).
	TTL time.Duration
}

// MemoryEventStore is the default runtime.EventStore: events of every
// stream in memory, bounded per stream and overall, with expiry, so a
// server under load or abuse cannot grow without limit. It is safe for
// concurrent use. Event ids have the form "<streamID>#<seq>".
type MemoryEventStore struct {
	opt MemoryEventStoreOptions
	now func() time.Time

	mu      sync.Mutex
	streams map[string]*list.Element // of *memStream
	lru     list.List                // front: most recently written
	events  int
	bytes   int64
	perSess map[string]int64 // event bytes by session
}

type memStream struct {
	id     string
	next   uint64     // seq of the next event (first event is 1)
	events []memEvent // ascending seq, at most MaxEventsPerStream
	last   time.Time
}

type memEvent struct {
	seq  uint64
	data []byte
}

// NewMemoryEventStore returns an empty store.
func NewMemoryEventStore(o MemoryEventStoreOptions) *MemoryEventStore {
	if o.MaxEventsPerStream <= 0 {
		o.MaxEventsPerStream = 1024
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = 100000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	if o.MaxBytesPerSession <= 0 {
		o.MaxBytesPerSession = DefaultMaxEventBytesPerSession
	}
	if o.TTL <= 0 {
		o.TTL = 10 * time.Minute
	}
	return &MemoryEventStore{opt: o, now: time.Now, streams: make(map[string]*list.Element), perSess: make(map[string]int64)}
}

var _ runtime.EventStore = (*MemoryEventStore)(nil)

// Append implements runtime.EventStore.
func (m *MemoryEventStore) Append(_ context.Context, streamID string, data []byte) (string, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	el, ok := m.streams[streamID]
	if !ok {
		el = m.lru.PushFront(&memStream{id: streamID, next: 1})
		m.streams[streamID] = el
	} else {
		m.lru.MoveToFront(el)
	}
	s := el.Value.(*memStream)
	seq := s.next
	s.next++
	s.last = now
	s.events = append(s.events, memEvent{seq: seq, data: append([]byte(nil), data...)})
	m.events++
	m.bytes += int64(len(data))
	sess := sessionOf(streamID)
	m.perSess[sess] += int64(len(data))
	if len(s.events) > m.opt.MaxEventsPerStream {
		m.dropOldest(s, len(s.events)-m.opt.MaxEventsPerStream)
	}
	if m.perSess[sess] > m.opt.MaxBytesPerSession {
		m.shedSession(sess, el)
	}
	for (m.events > m.opt.MaxEvents || m.bytes > m.opt.MaxBytes) && m.lru.Len() > 1 {
		m.remove(m.lru.Back())
	}
	return formatEventID(streamID, seq), nil
}

// Replay implements runtime.EventStore. The events are copied out under
// the lock and sent after it is released, so a slow send blocks nobody.
func (m *MemoryEventStore) Replay(_ context.Context, lastEventID string, send func(eventID string, data []byte) error) (string, error) {
	streamID, seq, ok := parseEventID(lastEventID)
	if !ok {
		return "", runtime.ErrUnknownEvent
	}
	now := m.now()
	m.mu.Lock()
	m.expire(now)
	el, ok := m.streams[streamID]
	if !ok {
		m.mu.Unlock()
		return "", runtime.ErrUnknownEvent
	}
	s := el.Value.(*memStream)
	// The id must have been issued, and the events after it still held.
	first := s.next
	if len(s.events) > 0 {
		first = s.events[0].seq
	}
	if seq >= s.next || seq+1 < first {
		m.mu.Unlock()
		return "", runtime.ErrUnknownEvent
	}
	var out []memEvent
	for _, e := range s.events {
		if e.seq > seq {
			out = append(out, e)
		}
	}
	m.mu.Unlock()
	for _, e := range out {
		if err := send(formatEventID(streamID, e.seq), e.data); err != nil {
			return streamID, err
		}
	}
	return streamID, nil
}

// Forget implements runtime.EventStore.
func (m *MemoryEventStore) Forget(_ context.Context, prefix string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, el := range m.streams {
		if strings.HasPrefix(id, prefix) {
			m.remove(el)
		}
	}
	return nil
}

// Len returns the number of events and bytes held (for tests and metrics).
func (m *MemoryEventStore) Len() (events int, bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.events, m.bytes
}

// expire drops streams idle for longer than the TTL; the LRU order makes
// that a walk from the back that stops at the first live stream.
func (m *MemoryEventStore) expire(now time.Time) {
	for el := m.lru.Back(); el != nil; el = m.lru.Back() {
		if now.Sub(el.Value.(*memStream).last) <= m.opt.TTL {
			return
		}
		m.remove(el)
	}
}

func (m *MemoryEventStore) remove(el *list.Element) {
	s := el.Value.(*memStream)
	m.dropOldest(s, len(s.events))
	delete(m.streams, s.id)
	m.lru.Remove(el)
}

// DefaultMaxEventBytesPerSession is MemoryEventStoreOptions'
// MaxBytesPerSession default.
const DefaultMaxEventBytesPerSession = 16 << 20

// dropOldest drops the n oldest events of s.
func (m *MemoryEventStore) dropOldest(s *memStream, n int) {
	var b int64
	for _, e := range s.events[:n] {
		b += int64(len(e.data))
	}
	m.bytes -= b
	m.events -= n
	sess := sessionOf(s.id)
	if m.perSess[sess] -= b; m.perSess[sess] <= 0 {
		delete(m.perSess, sess)
	}
	s.events = append(s.events[:0:0], s.events[n:]...)
}

// shedSession brings session sess back under MaxBytesPerSession after an
// append to cur: its other streams go, least recently written first, then
// cur's oldest events (its newest one stays).
func (m *MemoryEventStore) shedSession(sess string, cur *list.Element) {
	for el := m.lru.Back(); el != nil && m.perSess[sess] > m.opt.MaxBytesPerSession; {
		prev := el.Prev()
		if el != cur && sessionOf(el.Value.(*memStream).id) == sess {
			m.remove(el)
		}
		el = prev
	}
	s := cur.Value.(*memStream)
	n := 0
	for over := m.perSess[sess] - m.opt.MaxBytesPerSession; over > 0 && n < len(s.events)-1; n++ {
		over -= int64(len(s.events[n].data))
	}
	if n > 0 {
		m.dropOldest(s, n)
	}
}

// sessionOf is the session part of a stream id ("<session>/<n>").
func sessionOf(streamID string) string {
	if i := strings.IndexByte(streamID, '/'); i >= 0 {
		return streamID[:i]
	}
	return streamID
}

func formatEventID(streamID string, seq uint64) string {
	return streamID + "#" + strconv.FormatUint(seq, 10)
}

// parseEventID splits "<streamID>#<seq>"; the stream id may itself hold
// '#', the sequence number is after the last one.
func parseEventID(id string) (streamID string, seq uint64, ok bool) {
	i := strings.LastIndexByte(id, '#')
	if i <= 0 || i == len(id)-1 || len(id)-i-1 > 20 {
		return "", 0, false
	}
	for _, c := range []byte(id[i+1:]) {
		if c < '0' || c > '9' {
			return "", 0, false
		}
	}
	n, err := strconv.ParseUint(id[i+1:], 10, 64)
	if err != nil || n == 0 {
		return "", 0, false
	}
	return id[:i], n, true
}
