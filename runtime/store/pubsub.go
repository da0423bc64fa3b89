package store

import (
	"context"
	"sync"
)

// Subscription delivers the messages of one channel on C. Messages that
// arrive while C is full are dropped (a slow reader must not stall every
// publisher); Dropped counts them.
type Subscription struct {
	// C receives the messages; it is closed when the subscription ends.
	C <-chan []byte

	c       chan []byte
	hub     *hub
	channel string
	once    sync.Once
	mu      sync.Mutex
	dropped int
	closed  bool
	stop    func() bool
	release func() // the store's own cleanup (the Redis subscription)
}

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		if s.stop != nil {
			s.stop()
		}
		if s.release != nil {
			s.release()
		}
		s.hub.remove(s)
		s.mu.Lock()
		s.closed = true
		close(s.c)
		s.mu.Unlock()
	})
}

// Dropped is the number of messages lost because C was full.
func (s *Subscription) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

func (s *Subscription) deliver(msg []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.c <- msg:
	default:
		s.dropped++
	}
}

// subscriptionBuffer is the capacity of a Subscription's channel.
const subscriptionBuffer = 256

// hub is the in-process publish/subscribe of the memory and file stores.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[*Subscription]struct{}
}

func (h *hub) subscribe(ctx context.Context, channel string) *Subscription {
	return h.subscribeWith(ctx, channel, nil)
}

// subscribeWith registers a subscription whose Close also calls release.
func (h *hub) subscribeWith(ctx context.Context, channel string, release func()) *Subscription {
	c := make(chan []byte, subscriptionBuffer)
	s := &Subscription{C: c, c: c, hub: h, channel: channel, release: release}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[string]map[*Subscription]struct{}{}
	}
	if h.subs[channel] == nil {
		h.subs[channel] = map[*Subscription]struct{}{}
	}
	h.subs[channel][s] = struct{}{}
	h.mu.Unlock()
	s.stop = context.AfterFunc(ctx, s.Close)
	return s
}

func (h *hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.subs[s.channel]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(h.subs, s.channel)
		}
	}
}

func (h *hub) publish(channel string, msg []byte) {
	h.mu.Lock()
	subs := make([]*Subscription, 0, len(h.subs[channel]))
	for s := range h.subs[channel] {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	for _, s := range subs {
		s.deliver(append([]byte(nil), msg...))
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	var all []*Subscription
	for _, m := range h.subs {
		for s := range m {
			all = append(all, s)
		}
	}
	h.mu.Unlock()
	for _, s := range all {
		s.Close()
	}
}
