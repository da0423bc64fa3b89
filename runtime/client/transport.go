package client

import (
	"context"
	"encoding/json"
)

// Transport carries messages between a Client and one server. Make one
// with HTTP, SSE, Command or InProcess and pass it to Connect; a
// Transport serves one Client.
type Transport interface {
	// start opens the transport; recv is called with each message from
	// the server, one at a time, and ended once when input ends for good.
	start(ctx context.Context, opts *Options, recv func([]byte), ended func(error)) error
	// send delivers one encoded message. For a synchronous transport, a
	// request's response has been passed to recv when send returns.
	send(ctx context.Context, msg []byte, info sendInfo) error
	close() error
	// modernCapable reports whether the transport can carry the
	// stateless 2026 protocol.
	modernCapable() bool
	synchronous() bool
	// wantsHeaders reports whether sendInfo.headers are used (2026 HTTP).
	wantsHeaders() bool
	// setSession tells the transport the negotiated version (for its
	// headers); phase is "initialized" once initialize succeeded, "reset"
	// before a (new) initialize.
	setSession(version string, modern bool, phase string)
	// hasSession reports whether requests carry a session id.
	hasSession() bool
}

// sendInfo describes a message for transports that need more than its
// bytes (the HTTP headers of 2026-07-28).
type sendInfo struct {
	method   string
	name     string
	request  bool
	response bool
	id       json.RawMessage   // of a request
	headers  map[string]string // Mcp-Param-* of a 2026 tools/call
}
