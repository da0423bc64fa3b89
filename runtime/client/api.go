package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
)

// ToolError is the error of a tool call whose result has isError set: the
// tool ran and reported a failure. Text joins the result's text blocks.
type ToolError struct {
	Tool   string
	Text   string
	Result *ToolResult
}

func (e *ToolError) Error() string { return "tool " + e.Tool + ": " + e.Text }

// Tool is one entry of tools/list.
type Tool struct {
	Name         string          `json:"name"`
	Title        string          `json:"title,omitempty"`
	Description  string          `json:"description,omitempty"`
	InputSchema  json.RawMessage `json:"inputSchema,omitempty"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
	Annotations  json.RawMessage `json:"annotations,omitempty"`
	// Execution is the tasks extension's {"taskSupport": ...}, if any.
	Execution json.RawMessage `json:"execution,omitempty"`
	Meta      json.RawMessage `json:"_meta,omitempty"`
}

// Content is one content block of a tool result or prompt message. Type
// says which fields are set; Raw keeps the block as it came.
type Content struct {
	Type        string            `json:"type"`
	Text        string            `json:"text,omitempty"`
	Data        string            `json:"data,omitempty"` // base64 (image, audio)
	MimeType    string            `json:"mimeType,omitempty"`
	URI         string            `json:"uri,omitempty"` // resource_link
	Name        string            `json:"name,omitempty"`
	Resource    *ResourceContents `json:"resource,omitempty"` // embedded resource
	Annotations json.RawMessage   `json:"annotations,omitempty"`
	Raw         json.RawMessage   `json:"-"`
}

// UnmarshalJSON keeps the raw block.
func (c *Content) UnmarshalJSON(b []byte) error {
	type plain Content
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*c = Content(p)
	c.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// ToolResult is the result of tools/call.
type ToolResult struct {
	Content           []Content       `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent,omitempty"`
	IsError           bool            `json:"isError,omitempty"`
	Meta              json.RawMessage `json:"_meta,omitempty"`
}

// Text joins the result's text blocks with newlines.
func (r *ToolResult) Text() string { return joinText(r.Content) }

func joinText(cs []Content) string {
	var parts []string
	for _, c := range cs {
		if c.Type == "text" {
			parts = append(parts, c.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// Resource is one entry of resources/list.
type Resource struct {
	URI         string          `json:"uri"`
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	MimeType    string          `json:"mimeType,omitempty"`
	Meta        json.RawMessage `json:"_meta,omitempty"`
}

// ResourceTemplate is one entry of resources/templates/list.
type ResourceTemplate struct {
	URITemplate string          `json:"uriTemplate"`
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	MimeType    string          `json:"mimeType,omitempty"`
	Meta        json.RawMessage `json:"_meta,omitempty"`
}

// ResourceContents is one entry of a resources/read result: Text or Blob
// (base64) is set.
type ResourceContents struct {
	URI      string          `json:"uri"`
	MimeType string          `json:"mimeType,omitempty"`
	Text     string          `json:"text,omitempty"`
	Blob     string          `json:"blob,omitempty"`
	Meta     json.RawMessage `json:"_meta,omitempty"`
}

// Prompt is one entry of prompts/list.
type Prompt struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Arguments   []struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
		Required    bool   `json:"required,omitempty"`
	} `json:"arguments,omitempty"`
}

// PromptMessage is one message of a prompts/get result.
type PromptMessage struct {
	Role    string  `json:"role"`
	Content Content `json:"content"`
}

// PromptResult is the result of prompts/get.
type PromptResult struct {
	Description string          `json:"description,omitempty"`
	Messages    []PromptMessage `json:"messages"`
}

// maxPages bounds how many pages a List method follows.
const maxPages = 1000

// list collects every page of a list method.
func list[T any](ctx context.Context, c *Client, method, field string) ([]T, error) {
	var all []T
	cursor := ""
	for page := 0; page < maxPages; page++ {
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		var raw map[string]json.RawMessage
		if err := c.call(ctx, method, "", params, &raw, nil); err != nil {
			return nil, err
		}
		var items []T
		if err := json.Unmarshal(raw[field], &items); err != nil {
			return nil, fmt.Errorf("mcp client: decoding %s: %w", method, err)
		}
		all = append(all, items...)
		cursor = ""
		_ = json.Unmarshal(raw["nextCursor"], &cursor)
		if cursor == "" {
			return all, nil
		}
	}
	return nil, fmt.Errorf("mcp client: %s: more than %d pages", method, maxPages)
}

// ListTools lists every tool (following pagination).
func (c *Client) ListTools(ctx context.Context) ([]Tool, error) {
	return list[Tool](ctx, c, "tools/list", "tools")
}

// ListResources lists every resource.
func (c *Client) ListResources(ctx context.Context) ([]Resource, error) {
	return list[Resource](ctx, c, "resources/list", "resources")
}

// ListResourceTemplates lists every resource template.
func (c *Client) ListResourceTemplates(ctx context.Context) ([]ResourceTemplate, error) {
	return list[ResourceTemplate](ctx, c, "resources/templates/list", "resourceTemplates")
}

// ListPrompts lists every prompt.
func (c *Client) ListPrompts(ctx context.Context) ([]Prompt, error) {
	return list[Prompt](ctx, c, "prompts/list", "prompts")
}

// CallTool calls a tool with args (any value that encodes as a JSON
// object, or nil). A result with isError set is returned too, with a
// *ToolError.
func (c *Client) CallTool(ctx context.Context, name string, args any, opts ...CallOption) (*ToolResult, error) {
	o := applyOpts(opts)
	params := map[string]any{"name": name}
	if args != nil {
		params["arguments"] = args
	}
	var raw json.RawMessage
	if err := c.call(ctx, "tools/call", name, params, &raw, o); err != nil {
		return nil, err
	}
	if c.modern && c.opts.Tasks {
		var err error
		if raw, err = c.awaitTask(ctx, raw); err != nil {
			return nil, err
		}
	}
	var res ToolResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("mcp client: decoding the tools/call result: %w", err)
	}
	if res.IsError {
		return &res, &ToolError{Tool: name, Text: res.Text(), Result: &res}
	}
	return &res, nil
}

// ReadResource reads the resource at uri.
func (c *Client) ReadResource(ctx context.Context, uri string, opts ...CallOption) ([]ResourceContents, error) {
	o := applyOpts(opts)
	var res struct {
		Contents []ResourceContents `json:"contents"`
	}
	if err := c.call(ctx, "resources/read", uri, map[string]any{"uri": uri}, &res, o); err != nil {
		return nil, err
	}
	return res.Contents, nil
}

// GetPrompt gets a prompt with its arguments.
func (c *Client) GetPrompt(ctx context.Context, name string, args map[string]string, opts ...CallOption) (*PromptResult, error) {
	o := applyOpts(opts)
	params := map[string]any{"name": name}
	if args != nil {
		params["arguments"] = args
	}
	var res PromptResult
	if err := c.call(ctx, "prompts/get", name, params, &res, o); err != nil {
		return nil, err
	}
	return &res, nil
}

// Complete asks for completions of an argument of a prompt (ref
// {"type":"ref/prompt","name":...}) or resource template
// ({"type":"ref/resource","uri":...}).
func (c *Client) Complete(ctx context.Context, ref map[string]string, argName, value string) ([]string, error) {
	var res struct {
		Completion struct {
			Values []string `json:"values"`
		} `json:"completion"`
	}
	params := map[string]any{"ref": ref, "argument": map[string]string{"name": argName, "value": value}}
	if err := c.call(ctx, "completion/complete", "", params, &res, nil); err != nil {
		return nil, err
	}
	return res.Completion.Values, nil
}

// Ping checks that the server answers.
func (c *Client) Ping(ctx context.Context) error {
	return c.call(ctx, "ping", "", map[string]any{}, nil, nil)
}

// SetLogLevel asks for log messages of at least level (2025 sessions; a
// 2026 client sets Options.LogLevel, which travels with each request).
func (c *Client) SetLogLevel(ctx context.Context, level runtime.LogLevel) error {
	if c.modern {
		c.mu.Lock()
		c.opts.LogLevel = level
		c.mu.Unlock()
		return nil
	}
	return c.call(ctx, "logging/setLevel", "", map[string]any{"level": level}, nil, nil)
}

// Subscribe asks for notifications/resources/updated of uri (2025
// sessions), delivered to Options.OnNotification.
func (c *Client) Subscribe(ctx context.Context, uri string) error {
	return c.call(ctx, "resources/subscribe", "", map[string]any{"uri": uri}, nil, nil)
}

// Decode decodes the structured content of a tool result into out, or,
// when there is none, its text (as JSON when out is not a string).
func (r *ToolResult) Decode(out any) error {
	if len(r.StructuredContent) > 0 && string(r.StructuredContent) != "null" {
		return json.Unmarshal(r.StructuredContent, out)
	}
	text := r.Text()
	if s, ok := out.(*string); ok {
		*s = text
		return nil
	}
	return json.Unmarshal([]byte(text), out)
}
