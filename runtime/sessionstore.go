package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// sharedSessions is what a SessionTable needs to keep its sessions in
// the server's store (a file store: across restarts; Redis: across
// replicas). Each replica keeps its own SessionEntry (its Conn and the
// transport's state) and the store holds the SessionRecord, so a
// replica that has never seen a session rebuilds it on its first
// request, and Close on any replica ends it on all of them.
type sharedSessions[S any] struct {
	st      store.Store
	restore func(e *SessionEntry[S]) // fills e.Value of a rebuilt session
	onClose func(S)
	ttl     time.Duration // the record's expiry: the idle timeout (0: none)
	replica string        // this process (Server.replica), in relayed messages and request ids
}

// sessionOpTimeout bounds one store operation of the session table.
const sessionOpTimeout = 5 * time.Second

// Share keeps the table's sessions in the server's store when it is one
// that outlives the process or is shared (file://, redis://); with the
// memory store it does nothing. restore builds the transport's state of
// a session this process has not seen (e.Conn is already restored) and
// onClose is the one Open is given. Transports call it once, right after
// NewSessionTable.
func (t *SessionTable[S]) Share(restore func(e *SessionEntry[S]), onClose func(S)) {
	if !t.srv.broadcasting() { // the memory store: nothing to share
		return
	}
	st := t.srv.Store()
	t.shared = &sharedSessions[S]{st: st, restore: restore, onClose: onClose, ttl: t.cfg.SessionIdleTimeout, replica: t.srv.replica}
	ctx, cancel := context.WithCancel(context.Background())
	sub, err := st.Subscribe(ctx, t.channel())
	if err != nil {
		cancel()
		t.srv.Logger().Warn(t.name+": cannot subscribe to the store: sessions closed on another replica stay open here until they expire", "err", err)
		return
	}
	go func() {
		select {
		case <-t.srv.Done():
		case <-ctx.Done():
		}
		cancel()
	}()
	go func() {
		for msg := range sub.C {
			if id, ok := strings.CutPrefix(string(msg), sessionClosed); ok {
				t.dropLocal(id)
			} else if rest, ok := strings.CutPrefix(string(msg), sessionChanged); ok {
				if id, from, _ := strings.Cut(rest, " "); from != t.shared.replica {
					t.refresh(id)
				}
			} else {
				t.relayed(msg)
			}
		}
	}()
}

func (t *SessionTable[S]) key(id string) string { return "session/" + t.name + "/" + id }
func (t *SessionTable[S]) channel() string      { return "sessions/" + t.name }

// connConfig is the configuration of e's Conn: with a shared store, its
// record is written through on every change, and what it cannot place
// is relayed to the other replicas.
func (t *SessionTable[S]) connConfig(e *SessionEntry[S]) ConnConfig {
	cfg := ConnConfig{ID: e.id}
	if t.shared == nil {
		return cfg
	}
	e.table = t
	cfg.onChange = func() error { return t.save(e, true) }
	cfg.relay = func(kind string, msg []byte) { t.relay(e.id, kind, msg) }
	cfg.idPrefix = t.shared.replica + "-"
	return cfg
}

// relay publishes "KIND SESSION REPLICA MESSAGE" on the table's channel.
func (t *SessionTable[S]) relay(id, kind string, msg []byte) {
	b := make([]byte, 0, len(kind)+len(id)+len(t.shared.replica)+3+len(msg))
	b = append(append(append(append(append(append(b, kind...), ' '), id...), ' '), t.shared.replica...), ' ')
	b = append(b, msg...)
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	defer cancel()
	if err := t.shared.st.Publish(ctx, t.channel(), b); err != nil {
		t.srv.Logger().Warn(t.name+": cannot relay a message to the other replicas", "session", HashForLog(id), "err", err)
	}
}

// relayed hands a relayed message to this process's copy of its session.
func (t *SessionTable[S]) relayed(b []byte) {
	parts := strings.SplitN(string(b), " ", 4)
	if len(parts) != 4 || parts[2] == t.shared.replica {
		return // this process sent it (and already kept it)
	}
	t.mu.Lock()
	e := t.byID[parts[1]]
	t.mu.Unlock()
	if e != nil {
		e.Conn.relayed(parts[0], []byte(parts[3]))
	}
}

// Messages on the table's channel: a session ended, or its record
// changed (the other replicas re-read it).
const (
	sessionClosed  = "closed "
	sessionChanged = "changed "
)

// save writes e's record with the idle timeout as its expiry; changed:
// tell the other replicas holding the session. The error says the other
// replicas will not see the change.
func (t *SessionTable[S]) save(e *SessionEntry[S], changed bool) error {
	b, err := json.Marshal(e.Record())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
		err = t.shared.st.Set(ctx, t.key(e.id), b, t.shared.ttl)
		if err == nil && changed {
			err = t.shared.st.Publish(ctx, t.channel(), []byte(sessionChanged+e.id+" "+t.shared.replica))
		}
		cancel()
	}
	if err != nil {
		t.srv.Logger().Warn(t.name+": cannot write the session to the store: other replicas will not find it", "session", HashForLog(e.id), "err", err)
		return err
	}
	e.saved.Store(time.Now().UnixNano())
	return nil
}

// restore rebuilds a session this process does not hold from the store;
// nil when there is none; an error when the store failed.
func (t *SessionTable[S]) restore(r *http.Request, id string) (*SessionEntry[S], error) {
	if id == "" || store.CheckKey(t.key(id)) != nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), sessionOpTimeout)
	b, err := t.shared.st.Get(ctx, t.key(id))
	cancel()
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		t.srv.Logger().Warn(t.name+": cannot read a session from the store", "session", HashForLog(id), "err", err)
		return nil, err
	}
	var rec SessionRecord
	if json.Unmarshal(b, &rec) != nil || rec.ID != id {
		t.srv.Logger().Warn(t.name+": unreadable session record in the store", "session", HashForLog(id))
		return nil, nil
	}
	if rec.Principal != Principal(r.Context()) {
		t.srv.Logger().Warn(t.name+": request for a session of another principal refused (answered as unknown)",
			"session", HashForLog(id), "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		return nil, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if cur := t.byID[id]; cur != nil { // a concurrent request rebuilt it first
		return cur, nil
	}
	e := &SessionEntry[S]{id: id, principal: rec.Principal, caller: rec.Caller, created: rec.Created}
	e.last.Store(time.Now().UnixNano())
	e.ready.Store(true)
	e.Conn = t.srv.NewConn(ConnConfig{ID: id})
	e.Conn.restore(rec)
	e.Conn.cfg = t.connConfig(e)
	t.shared.restore(e)
	e.onClose = func() { t.shared.onClose(e.Value) }
	t.addLocked(e)
	return e, nil
}

// forget removes a closed session's record and tells the other replicas.
func (t *SessionTable[S]) forget(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	defer cancel()
	err := t.shared.st.Delete(ctx, t.key(id))
	if err == nil {
		err = t.shared.st.Publish(ctx, t.channel(), []byte(sessionClosed+id))
	}
	if err != nil {
		t.srv.Logger().Warn(t.name+": cannot end the session on the other replicas: it ends there when it expires", "session", HashForLog(id), "err", err)
	}
}

// refresh re-reads the record of a session this process holds after
// another replica changed it.
func (t *SessionTable[S]) refresh(id string) {
	t.mu.Lock()
	e := t.byID[id]
	t.mu.Unlock()
	if e == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	b, err := t.shared.st.Get(ctx, t.key(id))
	cancel()
	var rec SessionRecord
	if err != nil || json.Unmarshal(b, &rec) != nil {
		return
	}
	e.Conn.update(rec)
}

// dropLocal ends this process's copy of a session closed elsewhere.
func (t *SessionTable[S]) dropLocal(id string) {
	t.mu.Lock()
	e := t.byID[id]
	if e != nil {
		t.removeLocked(e)
	}
	t.mu.Unlock()
	if e != nil {
		t.finish(e)
	}
}

// notifyChannel carries the server-wide notifications between replicas:
// "REPLICA KIND [URI]".
const notifyChannel = "server/notify"

// startBroadcast subscribes to the other replicas' notifications when
// the store is shared (not the memory store).
func (s *Server) startBroadcast() error {
	if _, mem := s.store.(*store.Memory); mem || s.store == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	sub, err := s.store.Subscribe(ctx, notifyChannel)
	if err != nil {
		cancel()
		return fmt.Errorf("MCPGEN_STORE: %w", err)
	}
	s.replica = randomID(6)
	go func() {
		<-s.closing
		cancel()
	}()
	go func() {
		for msg := range sub.C {
			from, rest, _ := strings.Cut(string(msg), " ")
			if from == s.replica {
				continue
			}
			kind, uri, _ := strings.Cut(rest, " ")
			s.notifyLocal(kind, uri)
		}
	}()
	return nil
}

// broadcasting reports whether notifications go to the other replicas.
func (s *Server) broadcasting() bool { return s.replica != "" }

// broadcast tells the other replicas to deliver a notification.
func (s *Server) broadcast(kind, uri string) {
	if !s.broadcasting() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	defer cancel()
	msg := s.replica + " " + kind
	if uri != "" {
		msg += " " + uri
	}
	if err := s.store.Publish(ctx, notifyChannel, []byte(msg)); err != nil {
		s.cfg.Logger.Warn("mcp: cannot tell the other replicas: their streams miss a notification", "notification", kind, "err", err)
	}
}
