package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// JSON-RPC and MCP error codes.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
	// CodeResourceNotFound is what 2025 protocol versions use for an
	// unknown resource URI; 2026-07-28 uses CodeInvalidParams.
	CodeResourceNotFound = -32002
	// CodeURLElicitationRequired (2025-11-25).
	CodeURLElicitationRequired = -32042
	// CodeHeaderMismatch (2026-07-28): an MCP-Protocol-Version, Mcp-Method,
	// Mcp-Name or Mcp-Param-* header is missing, malformed or disagrees
	// with the body. HTTP 400.
	CodeHeaderMismatch = -32020
	// CodeMissingClientCapability (2026-07-28): the request needs a client
	// capability its _meta did not declare; data.requiredCapabilities
	// names it. HTTP 400.
	CodeMissingClientCapability = -32021
	// CodeUnsupportedProtocolVersion (2026-07-28): the requested version is
	// not served; data carries supported and requested. HTTP 400.
	CodeUnsupportedProtocolVersion = -32022
)

// MissingCapability returns the -32021 error for a request that needs the
// named client capability ("sampling", "elicitation", "roots"). Handlers
// may return it themselves; the Session methods return it on 2026
// requests whose clientCapabilities lack what they need.
func MissingCapability(name string) *Error {
	data, _ := json.Marshal(map[string]any{"requiredCapabilities": map[string]any{name: struct{}{}}})
	return &Error{Code: CodeMissingClientCapability, Message: "missing required client capability: " + name, Data: data}
}

// Error is a protocol (JSON-RPC) error. A tool, resource or prompt that
// returns an *Error (or an error wrapping one) makes the request fail with
// this JSON-RPC error instead of an isError tool result.
type Error struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`

	// unavailable marks an error of the state store (StoreError): the
	// request may succeed later, and HTTP says so with a 503.
	unavailable bool
}

// StoreError is the error of a request that needed the server's state
// store (MCPGEN_STORE) while it failed: an internal error whose message
// names the store (never its password) and the cause, answered over
// HTTP with 503 Service Unavailable and Retry-After, since the request
// succeeds once the store is back.
func StoreError(err error) *Error {
	return &Error{Code: CodeInternalError, Message: storeUnavailable + err.Error(), unavailable: true}
}

const storeUnavailable = "the server's state store is unavailable, retry shortly: "

// IsStoreErrorResponse reports whether resp, a JSON-RPC response the
// core encoded, carries a StoreError: a transport that answers with JSON
// then says 503 with Retry-After instead of 200.
func IsStoreErrorResponse(resp []byte) bool {
	return bytes.Contains(resp, []byte(`"error":{"code":-32603,"message":"`+storeUnavailable))
}

// Error formats the code and message, for logs.
func (e *Error) Error() string { return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message) }

// NewError returns a protocol error with a formatted message.
func NewError(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
