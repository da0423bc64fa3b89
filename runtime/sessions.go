package runtime

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SessionTable is the table of open sessions of one HTTP transport
// (Streamable HTTP or legacy SSE). Both transports keep their own
// per-session state in S; the table owns what the rules about sessions
// need, so those rules live in one place:
//
//   - ownership: a session belongs to the principal that opened it
//     (Principal of the request's context, "" when unauthenticated);
//     Lookup by anyone else finds nothing, exactly like an unknown id;
//   - admission (Open): a per-caller cap and a global cap; at either, the
//     least recently used session that holds no stream and runs no call
//     (of that caller, or of anyone) is closed to make room; only when
//     none can be, the new session is refused with 503 and Retry-After;
//   - expiry: sessions idle for Config.SessionIdleTimeout end, and so do
//     sessions that have not sent notifications/initialized within
//     Config.SessionInitTimeout, busy or not.
//
// What the table keeps of a session beyond the transport's own state is
// SessionRecord: small and serialisable, the seam a shared session store
// plugs into.
type SessionTable[S any] struct {
	srv   *Server
	cfg   *Config
	name  string // "streamable" or "sse", for log lines
	newID func() string

	mu   sync.Mutex
	byID map[string]*SessionEntry[S]
	// lru orders every session by its last use through the table (Open,
	// Lookup), and callers each caller's: the front is the most recent.
	// Eviction walks from the back, so finding a victim costs a few
	// steps, not a scan of the table.
	lru     list.List
	callers map[string]*list.List

	janitor  sync.Once
	lastWarn atomic.Int64 // unix nanoseconds of the last "refused" warning
	trusted  []netip.Prefix

	shared *sharedSessions[S] // nil: sessions live in this process only
}

// SessionRecord is what a session is, apart from its live connections:
// who owns it and what was negotiated. It holds no pointers, so it can
// be stored outside the process.
type SessionRecord struct {
	ID string `json:"id"`
	// Principal is the authenticated caller that opened the session
	// ("" when the server has no authentication).
	Principal string `json:"principal,omitempty"`
	// Caller is the admission key: Principal, or the client's address
	// when unauthenticated.
	Caller          string         `json:"caller"`
	Created         time.Time      `json:"created"`
	ProtocolVersion string         `json:"protocolVersion,omitempty"`
	ClientInfo      Implementation `json:"clientInfo,omitzero"`
	// Capabilities are the names of the client capabilities declared;
	// ClientCapabilities is the object itself.
	Capabilities       []string        `json:"capabilities,omitempty"`
	ClientCapabilities json.RawMessage `json:"clientCapabilities,omitempty"`
	LogLevel           LogLevel        `json:"logLevel,omitempty"`
	Subscriptions      []string        `json:"subscriptions,omitempty"`
}

// SessionEntry is one open session in a SessionTable.
type SessionEntry[S any] struct {
	id, principal, caller string
	created               time.Time
	// Conn is the core's connection state of the session.
	Conn *Conn
	// Value is the transport's own state.
	Value S

	last    atomic.Int64 // unix nanoseconds of the last activity
	busy    atomic.Int32 // requests and streams in progress
	ready   atomic.Bool  // MarkReady: in use without the 2025 handshake
	closed  atomic.Bool
	onClose func()

	all, mine *list.Element // in SessionTable.lru and in the caller's list

	// With a shared store: when the record was last written (unix
	// nanoseconds; 0: not since this replica has the session), and the
	// table, for End to refresh the record's expiry.
	saved atomic.Int64
	table *SessionTable[S]
}

// ID returns the session id.
func (e *SessionEntry[S]) ID() string { return e.id }

// Principal returns the owner of the session ("" when unauthenticated).
func (e *SessionEntry[S]) Principal() string { return e.principal }

// Begin marks a request or stream of the session as in progress: the
// session is not idle (nor evictable) until the matching End.
func (e *SessionEntry[S]) Begin() {
	e.busy.Add(1)
	e.last.Store(time.Now().UnixNano())
}

// MarkReady exempts the session from SessionInitTimeout although it
// never sent notifications/initialized: a 2026-07-28 client on the legacy
// SSE transport needs no handshake.
func (e *SessionEntry[S]) MarkReady() { e.ready.Store(true) }

func (e *SessionEntry[S]) isReady() bool { return e.ready.Load() || e.Conn.Ready() }

// End undoes Begin.
func (e *SessionEntry[S]) End() {
	now := time.Now().UnixNano()
	e.last.Store(now)
	e.busy.Add(-1)
	if t := e.table; t != nil && t.shared.ttl > 0 && now-e.saved.Load() > int64(t.shared.ttl/4) {
		// Keep the shared record alive while the session is in use
		// here: one write per quarter of the idle timeout.
		t.save(e, false)
	}
}

// Record returns the session's serialisable state.
func (e *SessionEntry[S]) Record() SessionRecord {
	r := SessionRecord{ID: e.id, Principal: e.principal, Caller: e.caller, Created: e.created.Round(0).UTC()}
	if c := e.Conn; c != nil {
		c.mu.Lock()
		r.ProtocolVersion, r.ClientInfo, r.ClientCapabilities = c.version, c.client, c.clientCaps
		for k := range c.capSet {
			r.Capabilities = append(r.Capabilities, k)
		}
		for l, sev := range logSeverity {
			if sev == c.logMin {
				r.LogLevel = l
			}
		}
		for u := range c.subs {
			r.Subscriptions = append(r.Subscriptions, u)
		}
		c.mu.Unlock()
		slices.Sort(r.Capabilities)
		slices.Sort(r.Subscriptions)
	}
	return r
}

// AdmissionError is why Open refused a session: answer it with
// StatusCode, the Retry-After header (seconds) and Message.
type AdmissionError struct {
	StatusCode int
	RetryAfter time.Duration
	Message    string
}

func (e *AdmissionError) Error() string { return e.Message }

// SetHeaders sets Retry-After on h.
func (e *AdmissionError) SetHeaders(h http.Header) {
	h.Set("Retry-After", strconv.Itoa(max(1, int(e.RetryAfter/time.Second))))
}

// NewSessionTable returns an empty table for a transport (name appears in
// log lines); newID makes the ids, which must be unguessable.
func NewSessionTable[S any](srv *Server, name string, newID func() string) *SessionTable[S] {
	cfg := srv.Config()
	t := &SessionTable[S]{
		srv: srv, cfg: cfg, name: name, newID: newID,
		byID:    make(map[string]*SessionEntry[S]),
		callers: make(map[string]*list.List),
	}
	t.trusted, _ = ParseTrustedProxies(cfg.TrustedProxies)
	return t
}

// Len returns the number of open sessions.
func (t *SessionTable[S]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

// sessionRetryAfter is what a refused client is told to wait.
const sessionRetryAfter = 10 * time.Second

// warnEvery bounds the "sessions refused" warnings to one per interval.
const warnEvery = time.Minute

// Open admits a new session for request r: value builds the transport's
// state for the new id and Conn, onClose releases it when the session
// ends (Close, eviction, expiry; called once, without the table's lock).
// A nil entry comes with the AdmissionError to answer.
func (t *SessionTable[S]) Open(r *http.Request, value func(id string, conn *Conn) S, onClose func(S)) (*SessionEntry[S], *AdmissionError) {
	t.janitor.Do(t.startJanitor)
	principal := Principal(r.Context())
	caller := principal
	if caller == "" {
		caller = "addr:" + ClientAddr(r, t.trusted)
	} else {
		caller = "principal:" + caller
	}
	perCaller := t.cfg.MaxSessionsPerCaller
	var evicted []*SessionEntry[S]
	t.mu.Lock()
	if perCaller > 0 && t.callerLen(caller) >= perCaller {
		if v := victim[S](t.callers[caller]); v != nil {
			t.removeLocked(v)
			evicted = append(evicted, v)
		} else {
			t.mu.Unlock()
			return nil, t.refuse(r, caller, "too many open sessions for this caller ("+strconv.Itoa(perCaller)+", MCPGEN_MAX_SESSIONS_PER_CALLER); close some (DELETE) or retry later")
		}
	}
	if t.cfg.MaxSessions > 0 && len(t.byID) >= t.cfg.MaxSessions {
		if v := victim[S](&t.lru); v != nil {
			t.removeLocked(v)
			evicted = append(evicted, v)
		} else {
			t.mu.Unlock()
			t.closeAll(evicted)
			return nil, t.refuse(r, caller, "too many open sessions ("+strconv.Itoa(t.cfg.MaxSessions)+", MCPGEN_MAX_SESSIONS), all of them busy; retry later")
		}
	}
	id := t.newID()
	for t.byID[id] != nil {
		id = t.newID()
	}
	e := &SessionEntry[S]{id: id, principal: principal, caller: caller, created: time.Now()}
	e.last.Store(e.created.UnixNano())
	e.Conn = t.srv.NewConn(t.connConfig(e))
	e.Value = value(id, e.Conn)
	e.onClose = func() { onClose(e.Value) }
	t.addLocked(e)
	t.mu.Unlock()
	t.closeAll(evicted)
	return e, nil
}

// victimScan bounds how many idle sessions victim looks at in search of
// one that never completed its handshake before it settles for the least
// recently used.
const victimScan = 64

// victim picks the session of l (an LRU list of entries, front most
// recent) to evict for a new one: one that holds no stream and runs no
// call; among the least recently used, one not yet initialized first.
// Busy sessions are stepped over, so with all of them busy it walks the
// whole list (the per-caller cap bounds what one caller can make busy).
func victim[S any](l *list.List) *SessionEntry[S] {
	if l == nil {
		return nil
	}
	var lru *SessionEntry[S]
	seen := 0
	for el := l.Back(); el != nil && seen < victimScan; el = el.Prev() {
		e := el.Value.(*SessionEntry[S])
		if e.busy.Load() != 0 {
			continue
		}
		if !e.isReady() {
			return e
		}
		if lru == nil {
			lru = e
		}
		seen++
	}
	return lru
}

func (t *SessionTable[S]) callerLen(caller string) int {
	if l := t.callers[caller]; l != nil {
		return l.Len()
	}
	return 0
}

func (t *SessionTable[S]) refuse(r *http.Request, caller, msg string) *AdmissionError {
	now := time.Now().UnixNano()
	if last := t.lastWarn.Load(); now-last >= int64(warnEvery) && t.lastWarn.CompareAndSwap(last, now) {
		t.srv.Logger().Warn(t.name+": refusing new sessions (further refusals are not logged for a minute)",
			"reason", msg, "caller", callerForLog(caller), "path", r.URL.Path)
	}
	return &AdmissionError{StatusCode: http.StatusServiceUnavailable, RetryAfter: sessionRetryAfter, Message: msg}
}

// callerForLog keeps addresses and principals out of the log in clear
// only as far as an operator needs them: addresses as they are,
// principals hashed.
func callerForLog(caller string) string {
	if p, ok := strings.CutPrefix(caller, "principal:"); ok {
		return "principal#" + HashForLog(p)
	}
	return caller
}

// HashForLog is a short digest of a secret or personal value (a session
// id, a principal) for log lines: enough to correlate, nothing to use.
func HashForLog(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

// Lookup returns the open session id, touching it, or nil when there is
// none or it belongs to another principal than r's: both cases must be
// answered alike (404), so a session id is no oracle. The second is
// logged at warn.
func (t *SessionTable[S]) Lookup(r *http.Request, id string) *SessionEntry[S] {
	e, _ := t.Find(r, id)
	return e
}

// Find is Lookup that also reports why a session could not be looked
// up: with a shared store that cannot be reached, a session this process
// does not hold may exist all the same, and the answer is 503 with
// Retry-After (not 404, which would make the client start over).
func (t *SessionTable[S]) Find(r *http.Request, id string) (*SessionEntry[S], *AdmissionError) {
	p := Principal(r.Context())
	t.mu.Lock()
	e := t.byID[id]
	if e != nil && p == e.principal {
		t.lru.MoveToFront(e.all)
		t.callers[e.caller].MoveToFront(e.mine)
	}
	t.mu.Unlock()
	if e == nil && t.shared != nil {
		var err error
		if e, err = t.restore(r, id); err != nil {
			return nil, &AdmissionError{StatusCode: http.StatusServiceUnavailable, RetryAfter: time.Second,
				Message: "the server's state store is unavailable, retry shortly: " + err.Error()}
		}
	}
	if e == nil {
		return nil, nil
	}
	if p != e.principal {
		t.srv.Logger().Warn(t.name+": request for a session of another principal refused (answered as unknown)",
			"session", HashForLog(id), "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		return nil, nil
	}
	e.last.Store(time.Now().UnixNano())
	return e, nil
}

// Close ends e: it leaves the table and its onClose runs (once). With a
// shared store the session ends on every replica.
func (t *SessionTable[S]) Close(e *SessionEntry[S]) {
	t.mu.Lock()
	t.removeLocked(e)
	t.mu.Unlock()
	t.finish(e)
	if t.shared != nil {
		t.forget(e.id)
	}
}

// addLocked puts e in the table, at the front of both LRU lists;
// removeLocked undoes it.
func (t *SessionTable[S]) addLocked(e *SessionEntry[S]) {
	t.byID[e.id] = e
	e.all = t.lru.PushFront(e)
	mine := t.callers[e.caller]
	if mine == nil {
		mine = list.New()
		t.callers[e.caller] = mine
	}
	e.mine = mine.PushFront(e)
}

func (t *SessionTable[S]) removeLocked(e *SessionEntry[S]) {
	if t.byID[e.id] != e {
		return
	}
	delete(t.byID, e.id)
	t.lru.Remove(e.all)
	mine := t.callers[e.caller]
	mine.Remove(e.mine)
	if mine.Len() == 0 {
		delete(t.callers, e.caller)
	}
}

func (t *SessionTable[S]) finish(e *SessionEntry[S]) {
	if e.closed.Swap(true) {
		return
	}
	if e.onClose != nil {
		e.onClose()
	}
	e.Conn.Close()
}

func (t *SessionTable[S]) closeAll(es []*SessionEntry[S]) {
	for _, e := range es {
		t.srv.Logger().Debug(t.name+": session evicted to admit a new one", "session", HashForLog(e.id))
		t.finish(e)
	}
}

// startJanitor runs the expiry sweep until the server shuts down. It
// starts with the first session, so a server needs no start-up call.
func (t *SessionTable[S]) startJanitor() {
	idle, init := t.cfg.SessionIdleTimeout, t.cfg.SessionInitTimeout
	every := time.Minute
	for _, d := range []time.Duration{idle, init} {
		if d > 0 {
			every = min(every, max(d/4, 10*time.Millisecond))
		}
	}
	if idle <= 0 && init <= 0 {
		return
	}
	done := t.srv.Done()
	go func() {
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case now := <-tk.C:
				t.Expire(now)
			case <-done:
				return
			}
		}
	}()
}

// Expire closes the sessions idle for longer than SessionIdleTimeout (a
// session with a request or stream in progress is not idle) and those
// that have not sent notifications/initialized within
// SessionInitTimeout of their creation.
func (t *SessionTable[S]) Expire(now time.Time) {
	idle, init := t.cfg.SessionIdleTimeout, t.cfg.SessionInitTimeout
	var out []*SessionEntry[S]
	t.mu.Lock()
	for _, e := range t.byID {
		switch {
		case idle > 0 && e.busy.Load() == 0 && e.last.Load() < now.Add(-idle).UnixNano():
		case init > 0 && e.created.Before(now.Add(-init)) && !e.isReady():
		default:
			continue
		}
		t.removeLocked(e)
		out = append(out, e)
	}
	t.mu.Unlock()
	for _, e := range out {
		t.finish(e)
	}
}

// ClientAddr is the address a request came from, for per-caller limits:
// the connection's peer, or, when that peer is a trusted proxy, the
// right-most address of X-Forwarded-For that is not one (what a proxy
// appended, not what the client claimed).
func ClientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !inPrefixes(peer.Unmap(), trusted) {
		return host
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return host // garbage from beyond the proxies: stop at the proxy
			}
			if !inPrefixes(a.Unmap(), trusted) {
				return a.Unmap().String()
			}
		}
	}
	return host
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies parses addresses and CIDR prefixes
// (MCPGEN_TRUSTED_PROXIES).
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR prefix such as 10.0.0.0/8", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
