package client

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// InProcess connects to srv in the same process, without a socket: every
// message is encoded, parsed and handled by the server's JSON-RPC core
// exactly as over stdio (one connection, as a stdio client has), so a
// test sees what a remote client sees. The server is not closed with the
// client.
func InProcess(srv *runtime.Server) Transport { return &inProcess{srv: srv} }

type inProcess struct {
	srv     *runtime.Server
	conn    *runtime.Conn
	recv    func([]byte)
	release func()
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  atomic.Bool

	// modern holds the cancel funcs of 2026 requests in flight by id:
	// HandleModern serves them without the connection, so a
	// notifications/cancelled ends their context here, as a closed HTTP
	// request would.
	mu     sync.Mutex
	modern map[string]context.CancelFunc
}

// outFunc is a runtime.Outbound.
type outFunc func([]byte) error

func (f outFunc) Send(msg []byte) error { return f(msg) }

var errInProcessClosed = errors.New("mcp client: in-process connection closed")

func (p *inProcess) start(ctx context.Context, opts *Options, recv func([]byte), ended func(error)) error {
	if p.srv == nil {
		return errors.New("mcp client: InProcess: nil server")
	}
	p.recv = recv
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.conn = p.srv.NewConn(runtime.ConnConfig{})
	p.release, _ = p.conn.SetStandalone(outFunc(p.deliver))
	go func() {
		select {
		case <-p.srv.Done():
			ended(runtime.ErrConnClosed)
		case <-p.ctx.Done():
		}
	}()
	return nil
}

func (p *inProcess) deliver(msg []byte) error {
	if msg == nil {
		return nil
	}
	if p.closed.Load() {
		return errInProcessClosed
	}
	// Messages of one request arrive in order (its handler sends them one
	// after another); those of different requests may interleave, as on
	// a stream.
	p.recv(msg)
	return nil
}

func (p *inProcess) send(ctx context.Context, data []byte, info sendInfo) error {
	msg, perr := runtime.ParseMessage(data)
	if perr != nil {
		return perr
	}
	if msg.IsRequest() && msg.Method != "initialize" {
		ctx := p.ctx
		if runtime.IsModernRequest(msg, "") {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(p.ctx)
			p.mu.Lock()
			if p.modern == nil {
				p.modern = map[string]context.CancelFunc{}
			}
			p.modern[string(msg.ID)] = cancel
			p.mu.Unlock()
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.deliver(p.handle(ctx, msg))
			p.mu.Lock()
			if cancel := p.modern[string(msg.ID)]; cancel != nil {
				cancel()
				delete(p.modern, string(msg.ID))
			}
			p.mu.Unlock()
		}()
		return nil
	}
	if msg.Method == "notifications/cancelled" {
		var c struct {
			RequestID json.RawMessage `json:"requestId"`
		}
		if json.Unmarshal(msg.Params, &c) == nil {
			p.mu.Lock()
			if cancel := p.modern[string(c.RequestID)]; cancel != nil {
				cancel()
			}
			p.mu.Unlock()
		}
	}
	// initialize, notifications and responses in order, as stdio does.
	return p.deliver(p.handle(p.ctx, msg))
}

// handle runs msg through the server core as the stdio transport does:
// Server.HandleModern for a 2026 request (there are no headers to
// check), Server.Handle otherwise.
func (p *inProcess) handle(ctx context.Context, msg *runtime.Message) (resp []byte) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			p.srv.Logger().Error("mcp client: in-process: panic while handling a message", "method", msg.Method, "panic", v)
			resp = nil
			if msg.IsRequest() {
				resp = runtime.EncodeError(msg.ID, runtime.NewError(runtime.CodeInternalError, "internal error"))
			}
		}
		p.srv.LogMessage(ctx, "", msg, start, resp)
	}()
	out := outFunc(p.deliver)
	if runtime.IsModernRequest(msg, "") {
		_, resp = p.srv.HandleModern(ctx, msg, nil, out)
		return resp
	}
	return p.srv.Handle(ctx, p.conn, msg, out)
}

func (p *inProcess) close() error {
	if p.conn == nil {
		return nil
	}
	p.conn.EndInput()
	p.cancel()
	p.conn.Close()
	p.wg.Wait()
	p.closed.Store(true)
	p.release()
	return nil
}

func (p *inProcess) modernCapable() bool             { return true }
func (p *inProcess) synchronous() bool               { return false }
func (p *inProcess) setSession(string, bool, string) {}
func (p *inProcess) wantsHeaders() bool              { return false }
func (p *inProcess) hasSession() bool                { return false }
