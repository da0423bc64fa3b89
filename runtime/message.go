package runtime

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// Message is one JSON-RPC 2.0 message: a request (ID and Method), a
// notification (Method, no ID) or a response (ID and Result or Error).
// The raw fields of a parsed message alias a private copy of the input,
// so the caller may reuse its buffer.
type Message struct {
	ID     json.RawMessage // nil for notifications
	Method string
	Params json.RawMessage
	Result json.RawMessage
	Error  *Error
}

// IsRequest reports whether m is a request: a method and an id.
func (m *Message) IsRequest() bool { return m.Method != "" && m.ID != nil }

// IsNotification reports whether m is a notification: a method, no id.
func (m *Message) IsNotification() bool { return m.Method != "" && m.ID == nil }

// IsResponse reports whether m is a response (result or error) to a
// request the server sent.
func (m *Message) IsResponse() bool { return m.Method == "" && m.ID != nil }

var nullID = json.RawMessage("null")

// ParseMessage parses one JSON-RPC message. Malformed JSON is a
// CodeParseError; valid JSON that is not a JSON-RPC 2.0 message (wrong or
// missing "jsonrpc", an id that is not a string or number, a batch array)
// is a CodeInvalidRequest. The returned ID is set whenever it could be
// read, so the error response can carry it.
//
// An error response whose id is null (the answer to a message the peer
// could not parse) is returned with ID "null" so that IsResponse holds.
func ParseMessage(data []byte) (*Message, *Error) {
	buf := make([]byte, len(data))
	copy(buf, data)
	return ParseOwnedMessage(buf)
}

// ParseOwnedMessage is ParseMessage without the copy: the message aliases
// buf, which the caller hands over and must not change afterwards (a
// transport's freshly read request body).
func ParseOwnedMessage(buf []byte) (*Message, *Error) {
	var dec jsonwire.Decoder // on the stack: one allocation fewer per message
	dec.Reset(buf)
	d := &dec
	switch d.Peek() {
	case jsonwire.Object:
	case jsonwire.Array:
		d.Skip()
		if d.Finish() != nil {
			return nil, &Error{Code: CodeParseError, Message: "parse error: malformed JSON"}
		}
		return nil, &Error{Code: CodeInvalidRequest, Message: "invalid request: JSON-RPC batching is not supported; send one message per request"}
	default:
		d.Skip()
		if err := d.Finish(); err != nil {
			return nil, &Error{Code: CodeParseError, Message: "parse error: " + err.Error()}
		}
		return nil, &Error{Code: CodeInvalidRequest, Message: "invalid request: a JSON-RPC message must be an object"}
	}

	var (
		m                            = &Message{}
		version                      string
		hasVersion, hasID, nullIDSet bool
		idBad, methodBad, paramsBad  bool
		hasResult, hasError, errBad  bool
	)
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "jsonrpc":
			hasVersion = true
			if d.Peek() == jsonwire.String {
				version = string(d.Raw()) // compared, not kept: no allocation
				if strings.IndexByte(version, '\\') >= 0 {
					version = strconv.Quote(methodName([]byte(version)))
				}
			} else {
				d.Skip()
			}
		case "id":
			hasID = true
			switch d.Peek() {
			case jsonwire.String, jsonwire.Number:
				m.ID = json.RawMessage(d.Raw())
				nullIDSet = false
			case jsonwire.Null:
				d.Skip()
				nullIDSet = true
			default:
				d.Skip()
				idBad = true
			}
		case "method":
			if d.Peek() == jsonwire.String {
				m.Method = methodName(d.Raw())
				methodBad = m.Method == ""
			} else {
				d.Skip()
				methodBad = true
			}
		case "params":
			switch d.Peek() {
			case jsonwire.Object, jsonwire.Array:
				m.Params = json.RawMessage(d.Raw())
			case jsonwire.Null:
				// Tolerated: some clients send "params": null.
				d.Skip()
			default:
				d.Skip()
				paramsBad = true
			}
		case "result":
			hasResult = true
			m.Result = json.RawMessage(d.Raw())
		case "error":
			hasError = true
			if d.Peek() != jsonwire.Object {
				d.Skip()
				errBad = true
				continue
			}
			m.Error = &Error{}
			hasCode := false
			for en, eok := d.Field(); eok; en, eok = d.Field() {
				switch en {
				case "code":
					if d.Peek() == jsonwire.Number {
						raw := d.Raw()
						c, err := strconv.ParseInt(string(raw), 10, 64)
						if err != nil {
							f, ferr := strconv.ParseFloat(string(raw), 64)
							if ferr != nil || f != float64(int64(f)) {
								errBad = true
							}
							c = int64(f)
						}
						m.Error.Code, hasCode = int(c), true
					} else {
						d.Skip()
						errBad = true
					}
				case "message":
					if d.Peek() == jsonwire.String {
						m.Error.Message = d.String()
					} else {
						d.Skip()
						errBad = true
					}
				case "data":
					m.Error.Data = json.RawMessage(d.Raw())
				default:
					d.Skip()
				}
			}
			if !hasCode {
				errBad = true
			}
		default:
			// Unknown members are ignored, as JSON-RPC extensions may add some.
			d.Skip()
		}
	}
	if err := d.Finish(); err != nil {
		return nil, &Error{Code: CodeParseError, Message: "parse error: " + err.Error()}
	}

	invalid := func(msg string) (*Message, *Error) {
		return m, &Error{Code: CodeInvalidRequest, Message: "invalid request: " + msg}
	}
	switch {
	case !hasVersion || version != `"2.0"`:
		return invalid(`"jsonrpc" must be "2.0"`)
	case idBad:
		m.ID = nil
		return invalid(`"id" must be a string or a number`)
	case methodBad:
		return invalid(`"method" must be a non-empty string`)
	}
	if m.Method != "" {
		if hasResult || hasError {
			return invalid("a message cannot have both a method and a result or error")
		}
		if paramsBad {
			return invalid(`"params" must be an object or an array`)
		}
		if hasID && nullIDSet {
			return invalid(`"id" of a request must not be null`)
		}
		return m, nil
	}
	// A response.
	if !hasID {
		return invalid(`a message needs a "method" (request or notification) or an "id" (response)`)
	}
	if hasResult == hasError {
		return invalid(`a response must have exactly one of "result" and "error"`)
	}
	if errBad {
		return invalid(`"error" must be an object with an integer "code" and a string "message"`)
	}
	if nullIDSet {
		if !hasError {
			return invalid(`"id" of a result must not be null`)
		}
		m.ID = nullID
	}
	return m, nil
}

// methodName unquotes the raw JSON string of a method name, returning the
// constant string for the methods of the protocol so that parsing them
// does not allocate.
func methodName(raw []byte) string {
	if len(raw) >= 2 {
		switch inner := raw[1 : len(raw)-1]; string(inner) {
		case "tools/call":
			return "tools/call"
		case "tools/list":
			return "tools/list"
		case "initialize":
			return "initialize"
		case "notifications/initialized":
			return "notifications/initialized"
		case "notifications/cancelled":
			return "notifications/cancelled"
		case "notifications/progress":
			return "notifications/progress"
		case "ping":
			return "ping"
		case "resources/read":
			return "resources/read"
		case "resources/list":
			return "resources/list"
		case "resources/templates/list":
			return "resources/templates/list"
		case "prompts/get":
			return "prompts/get"
		case "prompts/list":
			return "prompts/list"
		case "completion/complete":
			return "completion/complete"
		}
	}
	var d jsonwire.Decoder
	d.Reset(raw)
	return d.String()
}

// EncodeResult returns the encoded response {"jsonrpc":"2.0","id":id,"result":result}.
// A json.RawMessage result is sent verbatim. A result that cannot
// be marshalled becomes an internal-error response.
func EncodeResult(id json.RawMessage, result any) []byte {
	rb, err := marshalValue(result)
	if err != nil {
		return EncodeError(id, &Error{Code: CodeInternalError, Message: "internal error: cannot encode result: " + err.Error()})
	}
	return encodeResultBytes(id, rb)
}

func encodeResultBytes(id json.RawMessage, result []byte) []byte {
	if len(id) == 0 {
		id = nullID
	}
	b := make([]byte, 0, len(`{"jsonrpc":"2.0","id":,"result":}`)+len(id)+len(result))
	b = append(b, `{"jsonrpc":"2.0","id":`...)
	b = append(b, id...)
	b = append(b, `,"result":`...)
	b = append(b, result...)
	return append(b, '}')
}

// EncodeError returns the encoded error response; a nil id is encoded as null.
func EncodeError(id json.RawMessage, err *Error) []byte {
	if len(id) == 0 {
		id = nullID
	}
	if err == nil {
		err = &Error{Code: CodeInternalError, Message: "internal error"}
	}
	eb, merr := json.Marshal(err)
	if merr != nil {
		// Only Data can fail (invalid raw JSON); drop it.
		eb, _ = json.Marshal(&Error{Code: err.Code, Message: err.Message})
	}
	b := make([]byte, 0, len(`{"jsonrpc":"2.0","id":,"error":}`)+len(id)+len(eb))
	b = append(b, `{"jsonrpc":"2.0","id":`...)
	b = append(b, id...)
	b = append(b, `,"error":`...)
	b = append(b, eb...)
	return append(b, '}')
}

// EncodeNotification returns the encoded notification. A nil params is
// left out.
func EncodeNotification(method string, params any) []byte {
	return encodeCall(nil, method, params)
}

// EncodeRequest returns an encoded request with the given id, for
// server-to-client requests.
func EncodeRequest(id json.RawMessage, method string, params any) []byte {
	if len(id) == 0 {
		id = nullID
	}
	return encodeCall(id, method, params)
}

func encodeCall(id json.RawMessage, method string, params any) []byte {
	var pb []byte
	if params != nil {
		var err error
		if pb, err = marshalValue(params); err != nil {
			pb = nil
		}
	}
	mb, _ := json.Marshal(method)
	b := make([]byte, 0, 48+len(id)+len(mb)+len(pb))
	b = append(b, `{"jsonrpc":"2.0",`...)
	if id != nil {
		b = append(b, `"id":`...)
		b = append(b, id...)
		b = append(b, ',')
	}
	b = append(b, `"method":`...)
	b = append(b, mb...)
	if pb != nil && !bytes.Equal(pb, nullID) {
		b = append(b, `,"params":`...)
		b = append(b, pb...)
	}
	return append(b, '}')
}

// marshalValue marshals v, passing pre-encoded JSON through untouched.
func marshalValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case json.RawMessage:
		if len(x) == 0 {
			return nullID, nil
		}
		return x, nil
	}
	return json.Marshal(v)
}
