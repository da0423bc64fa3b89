package runtime

import (
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
)

// Error is a protocol (JSON-RPC) error. A tool, resource or prompt that
// returns an *Error (or an error wrapping one) makes the request fail with
// this JSON-RPC error instead of an isError tool result.
type Error struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error formats the code and message, for logs.
func (e *Error) Error() string { return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message) }

// NewError returns a protocol error with a formatted message.
func NewError(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
