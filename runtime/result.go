package runtime

import (
	"encoding/json"
	"fmt"
)

// ToolResult is the result of tools/call as it goes on the wire. Tools may
// return one themselves; generated glue builds one from ordinary results.
type ToolResult struct {
	Content []Content `json:"content"`
	// StructuredContent is marshalled as is; a json.RawMessage is sent
	// verbatim.
	StructuredContent any            `json:"structuredContent,omitempty"`
	IsError           bool           `json:"isError,omitempty"`
	Meta              map[string]any `json:"_meta,omitempty"`
}

// TextResult is a result of one text block.
func TextResult(s string) *ToolResult {
	return &ToolResult{Content: []Content{Text(s)}}
}

// ContentResult is a result made of the given content blocks.
func ContentResult(c ...Content) *ToolResult {
	if c == nil {
		c = []Content{}
	}
	return &ToolResult{Content: c}
}

// ErrorResult is a tool-level error: isError true and msg as text, so the
// model can read it and correct itself.
func ErrorResult(msg string) *ToolResult {
	return &ToolResult{Content: []Content{Text(msg)}, IsError: true}
}

// InvalidArguments turns an argument decoding or validation error into a
// tool error result whose text names the field and the rule.
func InvalidArguments(err error) *ToolResult {
	return ErrorResult("invalid arguments: " + err.Error())
}

// JSONResult marshals v once and returns it as structuredContent plus one
// text block holding the same JSON (for clients that ignore structured
// output).
func JSONResult(v any) (*ToolResult, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal tool result: %w", err)
	}
	return &ToolResult{Content: []Content{Text(string(b))}, StructuredContent: json.RawMessage(b)}, nil
}

// WrappedResult is for results that are not JSON objects (numbers,
// booleans, slices): the text block holds the JSON of v and
// structuredContent is {"result": v}, since the protocol requires
// structured content to be an object. The matching output schema is an
// object with one required property "result".
func WrappedResult(v any) (*ToolResult, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal tool result: %w", err)
	}
	s := string(b)
	return &ToolResult{
		Content:           []Content{Text(s)},
		StructuredContent: json.RawMessage(`{"result":` + s + `}`),
	}, nil
}
