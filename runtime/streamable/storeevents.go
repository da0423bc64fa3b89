package streamable

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/store"
)

// StoreEventStoreOptions bound a StoreEventStore. Zero fields take the
// defaults shown.
type StoreEventStoreOptions struct {
	// MaxEventsPerStream keeps only the newest events of a stream (256);
	// resuming from an older id is ErrUnknownEvent.
	MaxEventsPerStream int
	// TTL drops a stream this long after its last event (10 minutes).
	TTL time.Duration
}

// StoreEventStore keeps SSE events in the server's store (MCPGEN_STORE),
// so a client resumes a stream with Last-Event-ID on any replica sharing
// a Redis store, or after a restart with a file store. Each stream is one
// key ("events/<streamID>") updated by compare-and-swap, so replicas may
// append to the same stream (the session's GET stream) concurrently.
// Forget does nothing: a session's events expire with TTL, because a
// replica dropping its copy of a session must not drop what the other
// replicas still serve. Event ids have the form "<streamID>#<seq>".
type StoreEventStore struct {
	st  store.Store
	opt StoreEventStoreOptions
}

// NewStoreEventStore returns an event store over st.
func NewStoreEventStore(st store.Store, o StoreEventStoreOptions) *StoreEventStore {
	if o.MaxEventsPerStream <= 0 {
		o.MaxEventsPerStream = 256
	}
	if o.TTL <= 0 {
		o.TTL = 10 * time.Minute
	}
	return &StoreEventStore{st: st, opt: o}
}

var _ runtime.EventStore = (*StoreEventStore)(nil)

// storedStream is the value of a stream's key.
type storedStream struct {
	Next   uint64        `json:"next"` // the next event's sequence number
	Events []storedEvent `json:"events"`
}

type storedEvent struct {
	Seq  uint64 `json:"s"`
	Data []byte `json:"d"`
}

func eventsKey(streamID string) string { return "events/" + streamID }

// maxCASRetries bounds Append's compare-and-swap loop (writers of one
// stream are its request's handler, or the replicas of one session).
const maxCASRetries = 100

// Append implements runtime.EventStore.
func (s *StoreEventStore) Append(ctx context.Context, streamID string, data []byte) (string, error) {
	key := eventsKey(streamID)
	if err := store.CheckKey(key); err != nil {
		return "", err
	}
	for range maxCASRetries {
		cur, err := s.st.Get(ctx, key)
		missing := errors.Is(err, store.ErrNotFound)
		if err != nil && !missing {
			return "", err
		}
		rec := storedStream{Next: 1}
		if !missing && json.Unmarshal(cur, &rec) != nil {
			rec = storedStream{Next: 1} // unreadable: start the stream again
		}
		seq := rec.Next
		rec.Next++
		rec.Events = append(rec.Events, storedEvent{Seq: seq, Data: data})
		if n := len(rec.Events) - s.opt.MaxEventsPerStream; n > 0 {
			rec.Events = rec.Events[n:]
		}
		val, err := json.Marshal(rec)
		if err != nil {
			return "", err
		}
		var ok bool
		if missing {
			ok, err = s.st.Add(ctx, key, val, s.opt.TTL)
		} else {
			ok, err = s.st.CompareAndSwap(ctx, key, cur, val, s.opt.TTL)
		}
		if err != nil {
			return "", err
		}
		if ok {
			return formatEventID(streamID, seq), nil
		}
	}
	return "", fmt.Errorf("streamable: stream %s: too many concurrent writers", streamID)
}

// Replay implements runtime.EventStore.
func (s *StoreEventStore) Replay(ctx context.Context, lastEventID string, send func(eventID string, data []byte) error) (string, error) {
	streamID, seq, ok := parseEventID(lastEventID)
	if !ok || store.CheckKey(eventsKey(streamID)) != nil {
		return "", runtime.ErrUnknownEvent
	}
	rec, err := s.load(ctx, streamID)
	if err != nil {
		return "", err
	}
	// The id must have been issued, and the events after it still held.
	first := rec.Next
	if len(rec.Events) > 0 {
		first = rec.Events[0].Seq
	}
	if seq >= rec.Next || seq+1 < first {
		return "", runtime.ErrUnknownEvent
	}
	for _, e := range rec.Events {
		if e.Seq <= seq {
			continue
		}
		if err := send(formatEventID(streamID, e.Seq), e.Data); err != nil {
			return streamID, err
		}
	}
	return streamID, nil
}

// load reads a stream; ErrUnknownEvent when there is none.
func (s *StoreEventStore) load(ctx context.Context, streamID string) (storedStream, error) {
	var rec storedStream
	cur, err := s.st.Get(ctx, eventsKey(streamID))
	if errors.Is(err, store.ErrNotFound) {
		return rec, runtime.ErrUnknownEvent
	}
	if err != nil {
		return rec, err
	}
	if json.Unmarshal(cur, &rec) != nil {
		return rec, runtime.ErrUnknownEvent
	}
	return rec, nil
}

// since returns the events of a stream after sequence number after (0:
// all it holds).
func (s *StoreEventStore) since(ctx context.Context, streamID string, after uint64) ([]storedEvent, error) {
	rec, err := s.load(ctx, streamID)
	if err != nil {
		return nil, err
	}
	for i, e := range rec.Events {
		if e.Seq > after {
			return rec.Events[i:], nil
		}
	}
	return nil, nil
}

// Forget implements runtime.EventStore: it does nothing (see the type).
func (s *StoreEventStore) Forget(context.Context, string) error { return nil }
