package runtime

import (
	"context"
	"encoding/json"
	"net/http"
)

// Definition is everything a server offers: identity, tools, resources,
// prompts and completions. Generated code builds one literal Definition
// per server package and passes it to NewServer; users may also build one
// by hand.
type Definition struct {
	Name         string
	Version      string
	Title        string
	Instructions string

	Tools             []*Tool
	Resources         []*Resource
	ResourceTemplates []*ResourceTemplate
	Prompts           []*Prompt
	Completions       []*Completion
}

// ToolAnnotations are the behaviour hints of a tool. Nil pointers are
// omitted from the wire.
type ToolAnnotations struct {
	Title           string `json:"title,omitempty"`
	ReadOnlyHint    *bool  `json:"readOnlyHint,omitempty"`
	DestructiveHint *bool  `json:"destructiveHint,omitempty"`
	IdempotentHint  *bool  `json:"idempotentHint,omitempty"`
	OpenWorldHint   *bool  `json:"openWorldHint,omitempty"`
}

// Bool returns a pointer to b, for annotation literals.
func Bool(b bool) *bool { return &b }

// Tool is one tool. InputSchema and OutputSchema are complete JSON Schema
// documents, computed at generate time and sent verbatim.
type Tool struct {
	Name         string
	Title        string
	Description  string
	InputSchema  json.RawMessage
	OutputSchema json.RawMessage // nil when the tool has no structured output
	Annotations  *ToolAnnotations
	// Scopes the caller's access token must carry to call the tool.
	Scopes []string
	// TaskSupport lets the tool run as a task (the MCP tasks extension):
	// TaskOptional or TaskRequired. The handler is unchanged.
	TaskSupport TaskSupport
	Handler     ToolHandler
}

// ToolHandler runs one tools/call. A non-nil error becomes an isError
// result, unless it is (or wraps) an *Error, which becomes a JSON-RPC
// error. Panics are recovered by the runtime.
type ToolHandler func(ctx context.Context, c *Call) (*ToolResult, error)

// Resource is a resource with a fixed URI.
type Resource struct {
	URI         string
	Name        string
	Title       string
	Description string
	MIMEType    string
	Scopes      []string
	Handler     ResourceHandler
}

// ResourceTemplate is a family of resources named by an RFC 6570 level-1
// URI template such as "users://{id}/profile". The runtime matches
// resources/read URIs against it and puts the variables in Call.Params.
type ResourceTemplate struct {
	URITemplate string
	Name        string
	Title       string
	Description string
	MIMEType    string
	Scopes      []string
	Handler     ResourceHandler
}

// ResourceHandler reads one resource; Call.URI is the requested URI.
type ResourceHandler func(ctx context.Context, c *Call) ([]ResourceContents, error)

// PromptArgument describes one prompt argument.
type PromptArgument struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
}

// Prompt is one prompt template. The runtime rejects a prompts/get that
// lacks a required argument with -32602 before calling Handler.
type Prompt struct {
	Name        string
	Title       string
	Description string
	Arguments   []PromptArgument
	Scopes      []string
	Handler     PromptHandler
}

// PromptHandler renders a prompt; Call.Params holds its arguments.
type PromptHandler func(ctx context.Context, c *Call) (*PromptResult, error)

// Completion offers completions for one argument of a prompt (Prompt set)
// or one variable of a resource template (URITemplate set).
type Completion struct {
	Prompt      string
	URITemplate string
	Argument    string
	Handler     CompletionHandler
}

// CompletionHandler returns candidate values for the partial value.
type CompletionHandler func(ctx context.Context, c *Call, value string) ([]string, error)

// Call is what a handler gets besides its context: the request's
// arguments and the connection and HTTP request it came on.
type Call struct {
	// Session is the client connection the request arrived on; never nil
	// inside a handler.
	Session *Session
	// Request is the HTTP request that carried the message, or nil (stdio).
	Request *http.Request
	// Arguments is the raw JSON of tools/call "arguments"; the core passes
	// {} when the client sent none or null.
	Arguments []byte
	// Params holds prompt arguments, or resource template variables.
	Params map[string]string
	// URI is the resource URI being read.
	URI string
}

// Header returns the filtered headers of the HTTP request that carried
// the message (see HTTPHeaders); never nil.
func (c *Call) Header() http.Header { return filterHeaders(c.Request) }
