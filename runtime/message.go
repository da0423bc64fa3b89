package runtime

import "encoding/json"

// Message is one JSON-RPC 2.0 message: a request (ID and Method), a
// notification (Method, no ID) or a response (ID and Result or Error).
type Message struct {
	ID     json.RawMessage // nil for notifications
	Method string
	Params json.RawMessage
	Result json.RawMessage
	Error  *Error
}

// IsRequest, IsNotification and IsResponse classify a parsed message.
func (m *Message) IsRequest() bool      { return m.Method != "" && m.ID != nil }
func (m *Message) IsNotification() bool { return m.Method != "" && m.ID == nil }
func (m *Message) IsResponse() bool     { return m.Method == "" && m.ID != nil }

// ParseMessage parses one JSON-RPC message. Malformed JSON is a
// CodeParseError; valid JSON that is not a JSON-RPC 2.0 message (wrong or
// missing "jsonrpc", an id that is not a string or number, a batch array)
// is a CodeInvalidRequest. The returned ID is set whenever it could be
// read, so the error response can carry it.
func ParseMessage(data []byte) (*Message, *Error) { panic("TODO(core)") }

// EncodeResult returns the encoded response {"jsonrpc":"2.0","id":id,"result":result}.
func EncodeResult(id json.RawMessage, result any) []byte { panic("TODO(core)") }

// EncodeError returns the encoded error response; a nil id is encoded as null.
func EncodeError(id json.RawMessage, err *Error) []byte { panic("TODO(core)") }

// EncodeNotification returns the encoded notification.
func EncodeNotification(method string, params any) []byte { panic("TODO(core)") }
