package runtime

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// requestTimer enforces Config.RequestTimeout without a timer per
// request (context.WithTimeout costs two allocations and a timer
// operation each): the requests in flight wait in one list in the order
// they started, which is also the order their deadlines pass, and one
// goroutine per Server, running only while the list is not empty,
// cancels the front of the list once its deadline has passed. A request
// is cancelled at most reaperTick after its deadline.
type requestTimer struct {
	mu         sync.Mutex
	head, tail *inflight
	running    bool
}

// reaperTick is how often the reaper looks at the list; a short
// RequestTimeout (tests) is checked more often.
func reaperTick(timeout time.Duration) time.Duration {
	t := timeout / 4
	if t > time.Second {
		t = time.Second
	}
	if t < time.Millisecond {
		t = time.Millisecond
	}
	return t
}

// timedCtx is the context a request runs under when RequestTimeout
// applies: its parent (a cancel context made for the request) plus the
// deadline, which it reports, and DeadlineExceeded as its error once the
// reaper has cancelled it for that reason. It lives inside the request's
// inflight record, so it costs no allocation.
type timedCtx struct {
	context.Context
	deadline time.Time
	expired  atomic.Bool
}

func (c *timedCtx) Deadline() (time.Time, bool) { return c.deadline, true }

// Err is the parent's error, or DeadlineExceeded when the reaper caused
// it (it marks expired before it cancels).
func (c *timedCtx) Err() error {
	err := c.Context.Err()
	if err != nil && c.expired.Load() {
		return context.DeadlineExceeded
	}
	return err
}

// start puts r, whose context is ctx (cancelled by r.cancel), under the
// timeout d and returns the context the request runs under.
func (t *requestTimer) start(r *inflight, ctx context.Context, d time.Duration) context.Context {
	r.timed.Context = ctx
	r.timed.deadline = time.Now().Add(d)
	t.mu.Lock()
	r.prev, r.next = t.tail, nil
	if t.tail != nil {
		t.tail.next = r
	} else {
		t.head = r
	}
	t.tail = r
	r.listed = true
	if !t.running {
		t.running = true
		go t.reap(reaperTick(d))
	}
	t.mu.Unlock()
	return &r.timed
}

// stop takes r off the list once it is over.
func (t *requestTimer) stop(r *inflight) {
	t.mu.Lock()
	t.unlinkLocked(r)
	t.mu.Unlock()
}

func (t *requestTimer) unlinkLocked(r *inflight) {
	if !r.listed {
		return
	}
	if r.prev != nil {
		r.prev.next = r.next
	} else {
		t.head = r.next
	}
	if r.next != nil {
		r.next.prev = r.prev
	} else {
		t.tail = r.prev
	}
	r.prev, r.next, r.listed = nil, nil, false
}

// reap cancels the requests whose deadline has passed, until the list is
// empty.
func (t *requestTimer) reap(tick time.Duration) {
	tk := time.NewTicker(tick)
	defer tk.Stop()
	var due []*inflight
	for now := range tk.C {
		t.mu.Lock()
		for r := t.head; r != nil && !now.Before(r.timed.deadline); r = t.head {
			t.unlinkLocked(r)
			due = append(due, r)
		}
		if t.head == nil {
			t.running = false
		}
		running := t.running
		t.mu.Unlock()
		for i, r := range due {
			r.timed.expired.Store(true)
			r.cancel()
			due[i] = nil
		}
		due = due[:0]
		if !running {
			return
		}
	}
}
