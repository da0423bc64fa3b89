package runtime

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"time"
)

// SSEWriter writes a long-lived text/event-stream response, either through
// net/http (StartSSE) or straight to a connection taken over from it
// (HijackSSE). It is shared by the HTTP transports (runtime/streamable's
// GET stream, runtime/sse's legacy stream) so that both pay the same,
// small price for an idle stream. It is not safe for concurrent use: one
// goroutine, the stream's pump, owns it.
type SSEWriter struct {
	// Buf holds bytes not yet sent: the caller appends whole events (or
	// comments) and calls Flush. After HijackSSE it starts with the status
	// line and headers, so whatever the caller appends before the first
	// Flush goes out in the same write.
	Buf []byte

	w    http.ResponseWriter
	rc   *http.ResponseController
	conn net.Conn // the hijacked connection; nil when w is used
	// expiry closes a hijacked connection at the request context's
	// deadline (a token's expiry), which no longer reaches it.
	expiry *time.Timer
}

// SSEHijackWriteTimeout bounds one write to a hijacked stream, which the
// server's WriteTimeout no longer covers: a client that stops reading
// altogether loses its stream instead of pinning a goroutine forever.
const SSEHijackWriteTimeout = time.Minute

// setSSEHeaders sets the headers every event stream carries.
func setSSEHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
}

// HijackSSE takes over the connection of a long-lived SSE response from
// net/http, which would otherwise keep its read and write buffers, the
// request and the serving goroutine's stack for as long as the stream is
// open (most of an idle session's memory). The status line and the
// headers (those already set on w, plus the SSE ones and
// Connection: close, since the body ends when the connection does) are
// put in the returned writer's Buf; a goroutine closes the returned
// channel when the client goes away (or the connection is closed).
//
// The caller must serve the stream from a goroutine of its own and let
// the handler return, so net/http's serving goroutine ends, and must call
// Close when the stream is over. The request's context ends when the
// handler returns, so it is no longer the stream's lifetime: the channel
// is. http.Server.Shutdown does not wait for hijacked connections; the
// caller ends them on its own shutdown signal, and registers them with
// Server.Hold when Shutdown must wait for them. A deadline of the
// request's context (auth middleware sets one at the token's expiry plus
// the leeway) still applies: the connection is closed then, so the
// channel closes and the stream ends.
//
// HijackSSE returns nil, having written nothing, when the connection
// cannot be taken (HTTP/2 and later, or a ResponseWriter without Hijack);
// the caller then streams through StartSSE as usual.
func HijackSSE(w http.ResponseWriter, r *http.Request) (*SSEWriter, <-chan struct{}) {
	if r.ProtoMajor != 1 {
		return nil, nil
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil
	}
	h := w.Header()
	setSSEHeaders(h)
	h.Set("Connection", "close")
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	h.Del("Content-Length")
	h.Del("Transfer-Encoding")
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 200 OK\r\n")
	h.Write(&b)
	b.WriteString("\r\n")
	gone := make(chan struct{})
	// A deadline the request set (the body read timeout) must not end
	// the stream: its lifetime is the client's.
	_ = conn.SetReadDeadline(time.Time{})
	go watchSSEClient(conn, gone)
	sw := &SSEWriter{conn: conn, Buf: b.Bytes()}
	if dl, ok := r.Context().Deadline(); ok {
		sw.expiry = time.AfterFunc(time.Until(dl), func() { conn.Close() })
	}
	return sw, gone
}

// SSEMaxClientBytes is how much a client may send up a hijacked event
// stream (nothing is expected) before the server closes the stream.
const SSEMaxClientBytes = 4 << 10

// watchSSEClient reads the client side of a hijacked stream and closes
// gone when the client goes away or sends more than SSEMaxClientBytes.
// While the client is quiet, as it should be, a one-byte read waits and
// holds no buffer; bytes that do come are read with a pooled buffer, so
// a flood costs a few system calls before the stream is closed, not one
// per byte.
func watchSSEClient(conn net.Conn, gone chan struct{}) {
	defer close(gone)
	var p [1]byte
	n, err := conn.Read(p[:])
	if err != nil {
		return
	}
	pb := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(pb)
	for n <= SSEMaxClientBytes {
		m, err := conn.Read(*pb)
		n += m
		if err != nil {
			return
		}
	}
	// Stop reading: the owner closes the connection when gone closes.
}

// StartSSE sends the SSE response headers (with those already set on w)
// through net/http. Long-lived streams must not be cut by the server's
// WriteTimeout, so the write deadline is cleared where the ResponseWriter
// supports it.
func StartSSE(w http.ResponseWriter) *SSEWriter {
	setSSEHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	return &SSEWriter{w: w, rc: rc}
}

// Hijacked reports whether the writer owns its connection (HijackSSE).
func (sw *SSEWriter) Hijacked() bool { return sw.conn != nil }

// Flush sends Buf to the client and empties it. On a hijacked stream a
// large Buf is dropped rather than kept, so an idle stream holds no
// buffer sized for its busiest moment.
func (sw *SSEWriter) Flush() error {
	if sw.conn != nil {
		_ = sw.conn.SetWriteDeadline(time.Now().Add(SSEHijackWriteTimeout))
		_, err := sw.conn.Write(sw.Buf)
		if cap(sw.Buf) > 1024 {
			sw.Buf = nil
		} else {
			sw.Buf = sw.Buf[:0]
		}
		return err
	}
	_, err := sw.w.Write(sw.Buf)
	sw.Buf = sw.Buf[:0]
	if err != nil {
		return err
	}
	if err := sw.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// Close closes a hijacked connection, which ends the response and, with
// it, the goroutine HijackSSE started. It does nothing for a stream
// written through net/http, which ends when its handler returns.
func (sw *SSEWriter) Close() error {
	if sw.conn == nil {
		return nil
	}
	if sw.expiry != nil {
		sw.expiry.Stop()
	}
	return sw.conn.Close()
}

// AppendSSEEvent appends one server-sent event to b: "event: EVENT", an
// "id: ID" line when id is not empty, then data split on line breaks into
// "data:" lines (encoded JSON has none, but the framing must hold whatever
// it is given: clients join data lines with "\n", which JSON reads as
// white space), and the blank line that ends the event. Both HTTP
// transports frame their streams with it.
func AppendSSEEvent(b []byte, event, id string, data []byte) []byte {
	b = append(b, "event: "...)
	b = append(b, event...)
	b = append(b, '\n')
	if id != "" {
		b = append(b, "id: "...)
		b = append(b, id...)
		b = append(b, '\n')
	}
	for {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			break
		}
		b = append(b, "data: "...)
		b = append(b, data[:i]...)
		b = append(b, '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	b = append(b, "data: "...)
	b = append(b, data...)
	return append(b, '\n', '\n')
}
