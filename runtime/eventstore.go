package runtime

import "context"

// EventStore keeps the events sent on SSE streams so a client that lost a
// stream can resume it with Last-Event-ID. Implementations must be safe
// for concurrent use. Event ids are opaque strings chosen by the store and
// must identify the stream they belong to.
type EventStore interface {
	// Append stores data as the next event of streamID and returns its id.
	Append(ctx context.Context, streamID string, data []byte) (eventID string, err error)
	// Replay calls send, in order, for every event of the stream that
	// lastEventID belongs to that came after it, and returns that stream's
	// id. An unknown or expired lastEventID is ErrUnknownEvent.
	Replay(ctx context.Context, lastEventID string, send func(eventID string, data []byte) error) (streamID string, err error)
	// Forget drops every stream whose id starts with prefix (a session's
	// streams, when the session ends).
	Forget(ctx context.Context, prefix string) error
}
