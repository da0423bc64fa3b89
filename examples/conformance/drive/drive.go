// Package drive calls every fixture of the conformance server with the
// Go MCP client (runtime/client) and records what the client saw, so
// tests can compare transports, protocol versions and other clients (the
// official TypeScript SDK, whose script interop/ts/dump.mjs answers the
// server's requests the same way) on the same fixtures.
package drive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
)

// Args are the arguments of the fixtures that need some; the others are
// called without.
var Args = map[string]any{
	"test_sampling":            map[string]any{"prompt": "What is the capital of France?"},
	"test_elicitation":         map[string]any{"message": "Who are you?"},
	"json_schema_2020_12_tool": map[string]any{"name": "Ada", "contactMethod": "email", "email": "ada@example.com"},
	"add_numbers":              map[string]any{"a": 2, "b": 3.5},
	"greet":                    map[string]any{"name": "Ada"},
	"slow_compute":             map[string]any{"seconds": 0, "label": "x"},
	"confirm_delete":           map[string]any{"filename": "a.txt"},
	"test_x_mcp_header":        map[string]any{"region": "us-west1", "level": 2},
}

// TemplateURI is the instance of the resource template that Run reads.
const TemplateURI = "test://template/42/data"

// Options are the client options of every run: the client accepts every
// elicitation with FormValues, answers sampling with "Paris" (model
// "fixture-model") and lists one root, file:///srv/project. onLog may
// be nil.
func Options(onLog func(client.LogMessage)) *client.Options {
	return &client.Options{
		ClientInfo: runtime.Implementation{Name: "fixture-client", Version: "1"},
		LogLevel:   runtime.LevelDebug,
		OnLog:      onLog,
		Elicit: func(ctx context.Context, req *client.ElicitRequest) (*runtime.ElicitResult, error) {
			return &runtime.ElicitResult{Action: "accept", Content: FormValues(req.RequestedSchema)}, nil
		},
		Sample: func(ctx context.Context, req *runtime.CreateMessageParams) (*runtime.CreateMessageResult, error) {
			return &runtime.CreateMessageResult{Role: "assistant", Content: json.RawMessage(`{"type":"text","text":"Paris"}`), Model: "fixture-model"}, nil
		},
		Roots: []runtime.Root{{URI: "file:///srv/project", Name: "project"}},
	}
}

// FormValues fills an elicitation form: each property's default, else its
// first enum value (or oneOf const), else a value of its type ("Ada",
// "ada@example.com" for email, 7, true, the first item of a
// multi-select).
func FormValues(schema json.RawMessage) map[string]any {
	var s struct {
		Properties map[string]struct {
			Type    string            `json:"type"`
			Default any               `json:"default"`
			Enum    []any             `json:"enum"`
			OneOf   []json.RawMessage `json:"oneOf"`
			Items   struct {
				Enum  []any             `json:"enum"`
				AnyOf []json.RawMessage `json:"anyOf"`
			} `json:"items"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(schema, &s)
	constOf := func(raw json.RawMessage) any {
		var c struct {
			Const any `json:"const"`
		}
		_ = json.Unmarshal(raw, &c)
		return c.Const
	}
	out := map[string]any{}
	for name, p := range s.Properties {
		switch {
		case p.Default != nil:
			out[name] = p.Default
		case len(p.Enum) > 0:
			out[name] = p.Enum[0]
		case len(p.OneOf) > 0:
			out[name] = constOf(p.OneOf[0])
		case p.Type == "array" && len(p.Items.Enum) > 0:
			out[name] = p.Items.Enum[:1]
		case p.Type == "array" && len(p.Items.AnyOf) > 0:
			out[name] = []any{constOf(p.Items.AnyOf[0])}
		case p.Type == "array":
			out[name] = []any{}
		case p.Type == "boolean":
			out[name] = true
		case p.Type == "number" || p.Type == "integer":
			out[name] = 7
		case name == "email":
			out[name] = "ada@example.com"
		default:
			out[name] = "Ada"
		}
	}
	return out
}

// Outcome is what a client saw of one call: the result as the server
// sent it (a tool's isError result included), or the JSON-RPC error.
type Outcome struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *runtime.Error  `json:"error,omitempty"`
}

// String renders o with the result in canonical form (object keys
// sorted), so equal outcomes render alike.
func (o Outcome) String() string {
	if o.Error != nil {
		return fmt.Sprintf("error %d: %s", o.Error.Code, o.Error.Message)
	}
	var v any
	if err := json.Unmarshal(o.Result, &v); err != nil {
		return "invalid JSON: " + string(o.Result)
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return string(b)
}

// WithoutEnvelope returns o without the 2026-07-28 result envelope:
// "resultType":"complete" and the io.modelcontextprotocol/* entries of
// _meta (an empty _meta goes too), which a client consumes rather than
// returns.
func (o Outcome) WithoutEnvelope() Outcome {
	var m map[string]json.RawMessage
	if o.Error != nil || json.Unmarshal(o.Result, &m) != nil {
		return o
	}
	if string(m["resultType"]) == `"complete"` {
		delete(m, "resultType")
	}
	if raw, ok := m["_meta"]; ok {
		var meta map[string]json.RawMessage
		if json.Unmarshal(raw, &meta) == nil {
			for k := range meta {
				if strings.HasPrefix(k, "io.modelcontextprotocol/") {
					delete(meta, k)
				}
			}
			if len(meta) == 0 {
				delete(m, "_meta")
			} else {
				m["_meta"], _ = json.Marshal(meta)
			}
		}
	}
	o.Result, _ = json.Marshal(m)
	return o
}

func outcome(raw json.RawMessage, err error) (Outcome, error) {
	var re *runtime.Error
	if errors.As(err, &re) {
		return Outcome{Error: re}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Result: raw}, nil
}

// Run calls every tool (with Args and a progress token), reads every
// listed resource and TemplateURI, and gets every prompt (each argument
// set to "value-NAME"), returning what the client saw by "tool NAME",
// "resource URI" and "prompt NAME", and the progress notifications each
// tool sent. An error that is not a JSON-RPC error (a broken transport)
// stops the run.
func Run(ctx context.Context, c *client.Client) (out map[string]Outcome, progress map[string]int, err error) {
	out, progress = map[string]Outcome{}, map[string]int{}
	tools, err := c.ListTools(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("tools/list: %w", err)
	}
	for _, tool := range tools {
		params := map[string]any{"name": tool.Name}
		if a, ok := Args[tool.Name]; ok {
			params["arguments"] = a
		}
		n := 0
		var raw json.RawMessage
		err := c.Call(ctx, "tools/call", params, &raw, client.WithProgress(func(client.Progress) { n++ }))
		if out["tool "+tool.Name], err = outcome(raw, err); err != nil {
			return nil, nil, fmt.Errorf("tools/call %s: %w", tool.Name, err)
		}
		progress[tool.Name] = n
	}
	resources, err := c.ListResources(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("resources/list: %w", err)
	}
	uris := []string{TemplateURI}
	for _, r := range resources {
		uris = append(uris, r.URI)
	}
	for _, uri := range uris {
		var raw json.RawMessage
		err := c.Call(ctx, "resources/read", map[string]any{"uri": uri}, &raw)
		if out["resource "+uri], err = outcome(raw, err); err != nil {
			return nil, nil, fmt.Errorf("resources/read %s: %w", uri, err)
		}
	}
	prompts, err := c.ListPrompts(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("prompts/list: %w", err)
	}
	for _, p := range prompts {
		args := map[string]string{}
		for _, a := range p.Arguments {
			args[a.Name] = "value-" + a.Name
		}
		var raw json.RawMessage
		err := c.Call(ctx, "prompts/get", map[string]any{"name": p.Name, "arguments": args}, &raw)
		if out["prompt "+p.Name], err = outcome(raw, err); err != nil {
			return nil, nil, fmt.Errorf("prompts/get %s: %w", p.Name, err)
		}
	}
	return out, progress, nil
}

// Diff lists the keys whose outcomes differ between a and b (or that
// only one has), each with both renderings.
func Diff(aName string, a map[string]Outcome, bName string, b map[string]Outcome) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var diffs []string
	for _, k := range sorted {
		oa, inA := a[k]
		ob, inB := b[k]
		sa, sb := "(missing)", "(missing)"
		if inA {
			sa = oa.String()
		}
		if inB {
			sb = ob.String()
		}
		if sa != sb {
			diffs = append(diffs, fmt.Sprintf("%s:\n  %s: %s\n  %s: %s", k, aName, sa, bName, sb))
		}
	}
	return diffs
}
