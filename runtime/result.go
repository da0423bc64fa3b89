package runtime

import (
	"encoding/json"
	"fmt"
	"reflect"
	"unsafe"
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

	// encoded marks a result made by EncodedResult: its structured
	// content is JSON the runtime or generated code wrote, so it is not
	// validated again.
	encoded bool
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
//
// structuredContent must be an object, so a result that encodes as null
// never goes out as such: a nil map is sent as {} (an empty map), and a
// nil pointer (a tool that returned nil, nil) becomes an error result
// saying the tool returned nothing; clients do not check the content of
// an error result against the output schema.
func JSONResult(v any) (*ToolResult, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal tool result: %w", err)
	}
	if string(b) == "null" {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Map {
			return EncodedResult([]byte("{}")), nil
		}
		return ErrorResult(NoResult), nil
	}
	return EncodedResult(b), nil
}

// NoResult is the text of the error result of a tool that returned a nil
// pointer and a nil error.
const NoResult = "the tool returned no result (a nil pointer and no error)"

// encodedResult is an EncodedResult with everything it points to, so
// building one is a single allocation.
type encodedResult struct {
	res     ToolResult
	text    TextContent
	content [1]Content
	raw     json.RawMessage
}

// Encoded is what generated handlers return for a structured result:
// EncodedResult of the JSON a generated encoder wrote, or the encoder's
// error wrapped as JSONResult wraps encoding/json's.
func Encoded(b []byte, err error) (*ToolResult, error) {
	if err != nil {
		return nil, fmt.Errorf("marshal tool result: %w", err)
	}
	return EncodedResult(b), nil
}

// EncodedResult is JSONResult for a value already encoded: b must be the
// JSON of an object, as generated encoders write it. It becomes
// structuredContent and the one text block, without a copy, so b must
// not be changed afterwards.
func EncodedResult(b []byte) *ToolResult {
	e := &encodedResult{raw: b}
	e.text.Text = unsafe.String(unsafe.SliceData(b), len(b))
	e.content[0] = &e.text
	e.res.Content = e.content[:]
	e.res.StructuredContent = &e.raw // a pointer: no allocation to box it
	e.res.encoded = true
	return &e.res
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
