package runtime

import (
	"context"
	"encoding/json"
	"errors"
)

// Implementation names a client or server (clientInfo / serverInfo).
type Implementation struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Version string `json:"version"`
}

// LogLevel is an RFC 5424 severity as MCP names it.
type LogLevel string

const (
	LevelDebug     LogLevel = "debug"
	LevelInfo      LogLevel = "info"
	LevelNotice    LogLevel = "notice"
	LevelWarning   LogLevel = "warning"
	LevelError     LogLevel = "error"
	LevelCritical  LogLevel = "critical"
	LevelAlert     LogLevel = "alert"
	LevelEmergency LogLevel = "emergency"
)

// ElicitResult is the client's answer to an elicitation.
type ElicitResult struct {
	Action  string         `json:"action"` // "accept", "decline" or "cancel"
	Content map[string]any `json:"content,omitempty"`
}

// SamplingMessage is one message of a sampling request or result.
type SamplingMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// CreateMessageParams are the parameters of sampling/createMessage.
type CreateMessageParams struct {
	Messages         []SamplingMessage `json:"messages"`
	SystemPrompt     string            `json:"systemPrompt,omitempty"`
	MaxTokens        int               `json:"maxTokens"`
	Temperature      *float64          `json:"temperature,omitempty"`
	StopSequences    []string          `json:"stopSequences,omitempty"`
	IncludeContext   string            `json:"includeContext,omitempty"`
	ModelPreferences json.RawMessage   `json:"modelPreferences,omitempty"`
	Metadata         json.RawMessage   `json:"metadata,omitempty"`
}

// CreateMessageResult is the client's sampling answer.
type CreateMessageResult struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	Model      string          `json:"model"`
	StopReason string          `json:"stopReason,omitempty"`
}

// Root is one of the client's roots.
type Root struct {
	URI  string `json:"uri"`
	Name string `json:"name,omitempty"`
}

// Session is the handler's view of the client connection a request came
// on. It is valid for the duration of the handler call: messages it sends
// (logs, progress, server-to-client requests) are tied to that request and
// travel on its response stream where the transport has one.
type Session struct {
	conn *Conn
	req  *inflight
}

// Server returns the server handling the request, for handlers that
// publish changes (NotifyToolListChanged, NotifyResourceUpdated, ...).
func (s *Session) Server() *Server { return s.conn.srv }

// ID returns the session id (empty in stateless mode and over stdio).
func (s *Session) ID() string { return s.conn.ID() }

// ProtocolVersion returns the protocol version in force for this request.
func (s *Session) ProtocolVersion() string { return s.conn.ProtocolVersion() }

// ClientInfo returns what the client said about itself.
func (s *Session) ClientInfo() Implementation { return s.conn.clientInfo() }

// ClientCapabilities returns the raw capabilities object the client sent.
func (s *Session) ClientCapabilities() json.RawMessage { return s.conn.clientCapabilities() }

// Log sends notifications/message if level is at or above the level the
// client set with logging/setLevel (default: everything is sent). On a
// 2026 request the level comes from the request's _meta logLevel, and
// without one nothing is sent.
func (s *Session) Log(level LogLevel, logger string, data any) error {
	return s.conn.log(s.req, level, logger, data)
}

// Progress sends notifications/progress for the current request if the
// client asked for progress (a progressToken in _meta); otherwise it does
// nothing. total <= 0 means unknown.
func (s *Session) Progress(progress, total float64, message string) error {
	return s.conn.progress(s.req, progress, total, message)
}

// Elicit asks the user, through the client, for input matching
// requestedSchema (a JSON Schema object of primitive properties).
//
// Under 2025 versions this is an elicitation/create request on the
// response stream. On a 2026-07-28 request it is an entry of an
// input_required result instead: the call returns the client's answer
// when the retried request carries it, and otherwise ErrInputRequired
// (see WithInputKey for naming the entry). Without the client's
// elicitation capability it fails; on 2026 with the -32021 error.
func (s *Session) Elicit(ctx context.Context, message string, requestedSchema any) (*ElicitResult, error) {
	if form, url := s.conn.elicitationModes(); !form && url {
		return nil, errors.New("runtime: the client supports only URL elicitation; use ElicitURL")
	}
	var r ElicitResult
	err := s.conn.call(ctx, s.req, "elicitation/create", map[string]any{"message": message, "requestedSchema": requestedSchema}, &r)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ElicitURL asks the user, through the client, to open url (URL-mode
// elicitation, protocol 2025-11-25) for an interaction that must not pass
// through the client, such as entering a credential. elicitationID
// identifies the interaction; the result's Action says whether the user
// agreed to open the page, not that the interaction is done.
func (s *Session) ElicitURL(ctx context.Context, message, url, elicitationID string) (*ElicitResult, error) {
	if _, ok := s.conn.elicitationModes(); !ok {
		return nil, errors.New(`runtime: the client did not declare URL elicitation (capabilities.elicitation.url)`)
	}
	params := map[string]any{"mode": "url", "message": message, "url": url, "elicitationId": elicitationID}
	if s.conn.modern {
		// 2026-07-28 retired elicitationId with notifications/elicitation/complete.
		delete(params, "elicitationId")
	}
	var r ElicitResult
	err := s.conn.call(ctx, s.req, "elicitation/create", params, &r)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateMessage asks the client's model for a completion (sampling). On
// a 2026-07-28 request it is an input_required entry, like Elicit.
func (s *Session) CreateMessage(ctx context.Context, p *CreateMessageParams) (*CreateMessageResult, error) {
	var r CreateMessageResult
	if err := s.conn.call(ctx, s.req, "sampling/createMessage", p, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ListRoots asks the client for its roots. On a 2026-07-28 request it is
// an input_required entry, like Elicit.
func (s *Session) ListRoots(ctx context.Context) ([]Root, error) {
	var r struct {
		Roots []Root `json:"roots"`
	}
	if err := s.conn.call(ctx, s.req, "roots/list", struct{}{}, &r); err != nil {
		return nil, err
	}
	return r.Roots, nil
}

// CloseStream ends the response stream of the current request, when the
// transport supports it (its Outbound has a CloseStream method), and
// reports whether it did. The request goes on: the client reconnects
// (Streamable HTTP: GET with Last-Event-ID) and receives the result on
// the resumed stream. Long-running tools use it to avoid holding a
// connection open; it is false over stdio, legacy SSE and JSON-response
// mode.
func (s *Session) CloseStream() bool {
	if s.req == nil || s.req.out == nil {
		return false
	}
	cs, ok := s.req.out.(interface{ CloseStream() })
	if !ok {
		return false
	}
	cs.CloseStream()
	return true
}
