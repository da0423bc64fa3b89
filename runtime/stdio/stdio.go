// Package stdio is the stdio transport of MCP: the client starts the
// server as a subprocess and they exchange newline-delimited JSON-RPC
// messages on its standard input and output, one message per line.
//
// Serve runs one connection over any reader and writer, so the same code
// serves os.Stdin/os.Stdout in a real server and io.Pipe in a test:
//
//	srv, err := mcpserver.New()
//	...
//	err = stdio.Serve(ctx, srv, os.Stdin, os.Stdout)
//
// Standard output belongs to the protocol: nothing but messages may be
// written to it, so the server's logger must write elsewhere (the default
// logger of runtime.Config writes to standard error).
package stdio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// Serve reads messages from in and writes messages to out until in ends
// (EOF), ctx ends, or s shuts down (Server.Done). It serves one
// connection (runtime.Conn with an empty ID; a 2025 client must
// initialize first, as over HTTP). A 2026-07-28 request (its
// params._meta names the protocol version) needs no initialize and is
// served on its own by runtime.Server.HandleModern, as over Streamable
// HTTP: server/discover answers, and subscriptions/listen streams its
// notifications on out until the server shuts down.
//
// Requests run concurrently, each in its own goroutine; their responses
// and related messages are written one whole line at a time.
// initialize, notifications and responses to the server's own requests
// are handled in the order they arrive, before the next line is read.
// A line that is not a JSON-RPC message is answered with a parse (-32700)
// or invalid-request (-32600) error response; a line longer than
// Config.MaxBodyBytes is answered with -32600 and skipped.
//
// At EOF (the client closed stdin, which is how it asks the server to
// exit), Serve first answers the requests already read: it waits for
// them to finish and writes their responses, so `printf '...' | server`
// gets every answer. Server-to-client requests made meanwhile fail at
// once (runtime.ErrInputEnded), since no answer can arrive, and
// 2026-07-28 subscriptions/listen streams, which only end at shutdown,
// are not waited for. A client that will not wait ends ctx (or sends
// SIGTERM), as the MCP stdio shutdown sequence says.
//
// When Serve returns, the connection is closed (requests still in flight
// are cancelled) and every request goroutine has finished, so nothing is
// written to out afterwards. A Write to out that never returns therefore
// keeps Serve from returning. It returns nil at EOF, ctx.Err() when ctx
// ends, and the error of in or out otherwise. A reader blocked in Read
// when ctx ends stays blocked until in returns; Serve does not wait for
// it, and does not close in or out.
func Serve(ctx context.Context, s *runtime.Server, in io.Reader, out io.Writer) error {
	if s == nil {
		return errors.New("stdio: Serve: nil Server")
	}
	maxLine := s.Config().MaxBodyBytes
	if maxLine <= 0 {
		maxLine = runtime.DefaultMaxBodyBytes
	}
	// Requests run under their own context, cancelled only once the
	// writer has stopped: a request cancelled by ctx must not write its
	// answer after Serve has given out back to the caller.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	// readCtx stops the reader goroutine when Serve returns.
	readCtx, stopReading := context.WithCancel(ctx)

	w := &writer{out: out, broken: make(chan struct{})}
	conn := s.NewConn(runtime.ConnConfig{})
	release, _ := conn.SetStandalone(w)
	var wg sync.WaitGroup    // every request goroutine
	var drain sync.WaitGroup // the ones EOF waits for
	modern := &inflight{byID: map[string]context.CancelFunc{}}
	defer func() {
		// Stop writing first: after Serve returns, out is the caller's
		// again, and a client that hung up reads nothing anyway.
		w.stop()
		release()
		conn.Close()
		cancelRequests()
		stopReading()
		wg.Wait()
	}()

	lines := make(chan line)
	go readLines(readCtx, in, maxLine, lines)

	logger := s.Logger()
	// answered is made at EOF and closed once the requests read before it
	// have answered; until then it is nil and never ready.
	var answered chan struct{}
	for {
		var l line
		var ok bool
		select {
		case l, ok = <-lines:
		case <-answered:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-s.Done():
			return nil
		case <-w.broken:
			return w.failed()
		}
		if !ok {
			return nil // readLines always sends a final line; defensive
		}
		switch {
		case l.err == io.EOF:
			conn.EndInput()
			answered = make(chan struct{})
			go func() { drain.Wait(); close(answered) }()
			lines = nil // readLines has sent its last line
			continue
		case l.err != nil:
			return fmt.Errorf("stdio: read: %w", l.err)
		case l.tooLong:
			w.Send(runtime.EncodeError(nil, runtime.NewError(runtime.CodeInvalidRequest, "invalid request: message exceeds %d bytes", maxLine)))
			continue
		}
		msg, perr := runtime.ParseMessage(l.data)
		if perr != nil {
			var id json.RawMessage
			if msg != nil {
				id = msg.ID
			}
			w.Send(runtime.EncodeError(id, perr))
			continue
		}
		if msg.IsRequest() && (msg.Method != "initialize" || runtime.IsModernRequest(msg, "")) {
			wg.Add(1)
			// A listen stream ends only at shutdown: EOF does not wait for it.
			drained := msg.Method != "subscriptions/listen"
			if drained {
				drain.Add(1)
			}
			ctx, done := reqCtx, func() {}
			if runtime.IsModernRequest(msg, "") {
				// A 2026 request belongs to no session, so the Conn cannot
				// cancel it: notifications/cancelled finds it here.
				ctx, done = modern.start(reqCtx, msg.ID)
			}
			go func() {
				defer wg.Done()
				if drained {
					defer drain.Done()
				}
				defer done()
				w.Send(handle(ctx, s, logger, conn, msg, w))
			}()
			continue
		}
		if msg.Method == "notifications/cancelled" {
			modern.cancel(msg.Params)
		}
		// Quick and order-sensitive: notifications/initialized must not
		// overtake initialize, nor a cancellation the request it cancels.
		w.Send(handle(reqCtx, s, logger, conn, msg, w))
	}
}

// inflight holds the cancel functions of the 2026-07-28 requests running,
// by request id.
type inflight struct {
	mu   sync.Mutex
	byID map[string]context.CancelFunc
}

// start returns the context of the request with id, and the func to call
// when it has been answered.
func (f *inflight) start(parent context.Context, id json.RawMessage) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	key := string(bytes.TrimSpace(id))
	f.mu.Lock()
	f.byID[key] = cancel
	f.mu.Unlock()
	return ctx, func() {
		f.mu.Lock()
		delete(f.byID, key)
		f.mu.Unlock()
		cancel()
	}
}

// cancel cancels the request a notifications/cancelled names, if it is
// a 2026 request still running (2025 requests are the Conn's).
func (f *inflight) cancel(params json.RawMessage) {
	var p struct {
		RequestID json.RawMessage `json:"requestId"`
	}
	if json.Unmarshal(params, &p) != nil || len(p.RequestID) == 0 {
		return
	}
	f.mu.Lock()
	cancel := f.byID[string(bytes.TrimSpace(p.RequestID))]
	f.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// line is one line of input, or the reason there are no more.
type line struct {
	data    []byte
	tooLong bool
	err     error // io.EOF at the end
}

// readLines sends the non-blank lines of in (without the line break and
// surrounding white space) until in fails or ends, then that error. It
// stops early when ctx ends.
func readLines(ctx context.Context, in io.Reader, max int64, lines chan<- line) {
	br := bufio.NewReaderSize(in, 64<<10)
	send := func(l line) bool {
		select {
		case lines <- l:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var buf []byte
	for {
		buf = buf[:0]
		tooLong := false
		var err error
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			if !tooLong {
				if int64(len(buf)+len(frag)) > max+2 { // room for "\r\n"
					tooLong, buf = true, buf[:0]
				} else {
					buf = append(buf, frag...)
				}
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		data := bytes.TrimSpace(buf)
		if tooLong || len(data) > 0 {
			// The consumer parses a private copy (ParseMessage copies),
			// but it may still hold data when we read on: copy it.
			if !send(line{data: bytes.Clone(data), tooLong: tooLong}) {
				return
			}
		}
		if err != nil {
			send(line{err: err})
			return
		}
	}
}

// handle calls the core: Server.HandleModern for a 2026-07-28 request
// (one whose params._meta names a protocol version; stdio has no headers,
// so the header checks are skipped and the HTTP status is dropped),
// Server.Handle otherwise. A panic that escaped the core becomes an
// internal-error response.
func handle(ctx context.Context, s *runtime.Server, logger *slog.Logger, conn *runtime.Conn, msg *runtime.Message, out runtime.Outbound) (resp []byte) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			logger.Error("stdio: panic while handling a message", "method", msg.Method, "panic", v)
			resp = nil
			if msg.IsRequest() {
				resp = runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error"))
			}
		}
		s.LogMessage(ctx, "", msg, start, resp)
	}()
	if runtime.IsModernRequest(msg, "") {
		_, resp = s.HandleModern(ctx, msg, nil, out)
		return resp
	}
	return s.Handle(ctx, conn, msg, out)
}

// writer writes whole messages to out, one per line, one at a time. It
// is the runtime.Outbound of every request.
type writer struct {
	stopped atomic.Bool   // set without the lock: a blocked Write holds it
	broken  chan struct{} // closed when a write fails

	mu  sync.Mutex
	out io.Writer
	buf []byte
	err error
}

var errStopped = errors.New("stdio: connection closed")

// Send implements runtime.Outbound. A nil msg is ignored. Messages with
// raw line breaks (whitespace in JSON) are compacted so that each stays
// on one line.
func (w *writer) Send(msg []byte) error {
	if msg == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.stopped.Load() {
		return errStopped
	}
	w.buf = w.buf[:0]
	if bytes.ContainsAny(msg, "\r\n") {
		var b bytes.Buffer
		if err := json.Compact(&b, msg); err != nil {
			return fmt.Errorf("stdio: message is not valid JSON: %w", err)
		}
		w.buf = append(w.buf, b.Bytes()...)
	} else {
		w.buf = append(w.buf, msg...)
	}
	w.buf = append(w.buf, '\n')
	if _, err := w.out.Write(w.buf); err != nil {
		w.err = fmt.Errorf("stdio: write: %w", err)
		close(w.broken)
		return w.err
	}
	return nil
}

func (w *writer) stop() { w.stopped.Store(true) }

func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
