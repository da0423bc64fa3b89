package conformance_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
	"github.com/mcpgen/mcpgen/runtime/sse"
)

// TestMain lets the test binary serve the conformance server over stdio
// when started with MCPGEN_CONFORMANCE_STDIO=1, so the stdio client test
// needs no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("MCPGEN_CONFORMANCE_STDIO") == "1" {
		if err := mcpserver.ServeStdio(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// answers are the client-side handlers every fixture run uses: they
// accept every elicitation with values derived from its schema, answer
// sampling with a fixed text and list one root.
func answers(logs *atomic.Int64) *client.Options {
	return &client.Options{
		ClientInfo: runtime.Implementation{Name: "fixture-client", Version: "1"},
		LogLevel:   runtime.LevelDebug,
		OnLog:      func(client.LogMessage) { logs.Add(1) },
		Elicit: func(ctx context.Context, req *client.ElicitRequest) (*runtime.ElicitResult, error) {
			return &runtime.ElicitResult{Action: "accept", Content: formValues(req.RequestedSchema)}, nil
		},
		Sample: func(ctx context.Context, req *runtime.CreateMessageParams) (*runtime.CreateMessageResult, error) {
			return &runtime.CreateMessageResult{Role: "assistant", Content: json.RawMessage(`{"type":"text","text":"Paris"}`), Model: "fixture-model"}, nil
		},
		Roots: []runtime.Root{{URI: "file:///srv/project", Name: "project"}},
	}
}

// formValues fills an elicitation form: each property's default, else
// its first enum value, else a value of its type.
func formValues(schema json.RawMessage) map[string]any {
	var s struct {
		Properties map[string]struct {
			Type    string            `json:"type"`
			Default any               `json:"default"`
			Enum    []any             `json:"enum"`
			OneOf   []json.RawMessage `json:"oneOf"`
			Items   struct {
				Enum []any `json:"enum"`
			} `json:"items"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(schema, &s)
	out := map[string]any{}
	for name, p := range s.Properties {
		switch {
		case p.Default != nil:
			out[name] = p.Default
		case len(p.Enum) > 0:
			out[name] = p.Enum[0]
		case len(p.OneOf) > 0:
			var c struct {
				Const any `json:"const"`
			}
			_ = json.Unmarshal(p.OneOf[0], &c)
			out[name] = c.Const
		case p.Type == "array":
			out[name] = p.Items.Enum[:min(1, len(p.Items.Enum))]
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

// fixtureArgs are the arguments of the tools that need some.
var fixtureArgs = map[string]any{
	"test_sampling":            map[string]any{"prompt": "What is the capital of France?"},
	"test_elicitation":         map[string]any{"message": "Who are you?"},
	"json_schema_2020_12_tool": map[string]any{"name": "Ada", "contactMethod": "email", "email": "ada@example.com"},
	"add_numbers":              map[string]any{"a": 2, "b": 3.5},
	"greet":                    map[string]any{"name": "Ada"},
	"slow_compute":             map[string]any{"seconds": 0, "label": "x"},
	"confirm_delete":           map[string]any{"filename": "a.txt"},
	"test_x_mcp_header":        map[string]any{"region": "us-west1", "level": 2},
}

// outcome renders the result of one call for comparison: the result
// JSON, or the error.
func outcome(v any, err error) string {
	var te *client.ToolError
	var re *runtime.Error
	switch {
	case errors.As(err, &te):
		b, _ := json.Marshal(te.Result)
		return "tool error " + te.Text + " " + string(b)
	case errors.As(err, &re):
		return fmt.Sprintf("protocol error %d %s", re.Code, re.Message)
	case err != nil:
		return "error " + err.Error()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// driveFixtures calls every tool, reads every resource (and the
// template with id 42) and gets every prompt, returning the outcome of
// each by name.
func driveFixtures(t *testing.T, c *client.Client) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := map[string]string{}
	tools, err := c.ListTools(ctx)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if len(tools) < 30 {
		t.Fatalf("tools/list listed %d tools, want every fixture", len(tools))
	}
	for _, tool := range tools {
		var progress atomic.Int64
		res, err := c.CallTool(ctx, tool.Name, fixtureArgs[tool.Name], client.WithProgress(func(client.Progress) { progress.Add(1) }))
		out["tool "+tool.Name] = outcome(res, err)
		if tool.Name == "test_tool_with_progress" && progress.Load() != 3 {
			t.Errorf("test_tool_with_progress: %d progress notifications, want 3", progress.Load())
		}
	}
	resources, err := c.ListResources(ctx)
	if err != nil {
		t.Fatalf("resources/list: %v", err)
	}
	for _, r := range resources {
		res, err := c.ReadResource(ctx, r.URI)
		out["resource "+r.URI] = outcome(res, err)
	}
	res, err := c.ReadResource(ctx, "test://template/42/data")
	out["resource test://template/42/data"] = outcome(res, err)
	prompts, err := c.ListPrompts(ctx)
	if err != nil {
		t.Fatalf("prompts/list: %v", err)
	}
	for _, p := range prompts {
		args := map[string]string{}
		for _, a := range p.Arguments {
			args[a.Name] = "value-" + a.Name
		}
		res, err := c.GetPrompt(ctx, p.Name, args)
		out["prompt "+p.Name] = outcome(res, err)
	}
	return out
}

// connectAll opens a client to a fresh conformance server over each
// transport at the given protocol version ("" negotiates).
func connectAll(t *testing.T, version string) map[string]func() (*client.Client, *atomic.Int64) {
	return map[string]func() (*client.Client, *atomic.Int64){
		"in-process": func() (*client.Client, *atomic.Int64) {
			srv, err := mcpserver.New()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Shutdown(context.Background()) })
			return connect(t, client.InProcess(srv), version)
		},
		"http": func() (*client.Client, *atomic.Int64) {
			return connect(t, client.HTTP(serveHTTP(t)+"/mcp"), version)
		},
		"sse": func() (*client.Client, *atomic.Int64) {
			return connect(t, client.SSE(serveHTTP(t)+"/sse"), version)
		},
		"stdio": func() (*client.Client, *atomic.Int64) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "MCPGEN_CONFORMANCE_STDIO=1")
			return connect(t, client.Command(cmd), version)
		},
	}
}

// serveHTTP serves a fresh conformance server over Streamable HTTP (/mcp)
// and legacy SSE (/sse) on loopback, stopped with the test.
func serveHTTP(t *testing.T) string {
	srv, err := mcpserver.New(runtime.WithTransport(sse.New()))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Shutdown(context.Background()) })
	return hs.URL
}

func connect(t *testing.T, tr client.Transport, version string) (*client.Client, *atomic.Int64) {
	t.Helper()
	var logs atomic.Int64
	opts := answers(&logs)
	opts.ProtocolVersion = version
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, tr, opts)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c, &logs
}

// TestClientDrivesFixtures drives every fixture of the conformance
// server with the Go client over each transport, once in a 2025-11-25
// session (all four transports) and once negotiated (2026-07-28 over
// Streamable HTTP, stdio and in process; legacy SSE always initializes),
// and checks that every transport sees exactly what the in-process
// client sees, and that the known fixtures answer what they should.
func TestClientDrivesFixtures(t *testing.T) {
	for _, era := range []struct{ name, version, want string }{
		{"2025-11-25", runtime.Version20251125, runtime.Version20251125},
		{"negotiated", "", runtime.Version20260728},
	} {
		t.Run(era.name, func(t *testing.T) {
			all := connectAll(t, era.version)
			c, logs := all["in-process"]()
			if c.ProtocolVersion() != era.want {
				t.Fatalf("in-process negotiated %q, want %q", c.ProtocolVersion(), era.want)
			}
			want := driveFixtures(t, c)
			checkKnownFixtures(t, want, era.want)
			if logs.Load() == 0 {
				t.Errorf("no log notifications reached OnLog")
			}
			for _, name := range []string{"http", "sse", "stdio"} {
				if name == "sse" && era.version == "" {
					continue
				}
				t.Run(name, func(t *testing.T) {
					c, _ := all[name]()
					if c.ProtocolVersion() != era.want {
						t.Fatalf("negotiated %q, want %q", c.ProtocolVersion(), era.want)
					}
					got := driveFixtures(t, c)
					diffOutcomes(t, "in-process", want, name, got)
				})
			}
		})
	}
}

func diffOutcomes(t *testing.T, wantName string, want map[string]string, gotName string, got map[string]string) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if want[k] != got[k] {
			t.Errorf("%s:\n  %s: %s\n  %s: %s", k, wantName, want[k], gotName, got[k])
		}
	}
}

// checkKnownFixtures checks fixtures whose answers are known, so the
// comparison is not between equally wrong results.
func checkKnownFixtures(t *testing.T, out map[string]string, version string) {
	t.Helper()
	want := map[string]string{
		"tool test_simple_text":             `"text":"This is a simple text response for testing."`,
		"tool add_numbers":                  `"structuredContent":{"sum":5.5}`,
		"tool test_error_handling":          `tool error `,
		"tool test_sampling":                `LLM response: Paris`,
		"tool test_elicitation":             `User response: `,
		"tool greet":                        `Ada`,
		"resource test://static-text":       `"uri":"test://static-text"`,
		"resource test://template/42/data":  `42`,
		"prompt test_prompt_with_arguments": `value-arg1`,
	}
	if version == runtime.Version20260728 {
		want["tool test_input_required_result_elicitation"] = `Hello, Ada!`
		want["tool test_input_required_result_sampling"] = `The model said: Paris`
		want["tool test_input_required_result_list_roots"] = `file:///srv/project`
		want["tool test_input_required_result_multi_round"] = `Ada likes Ada.`
		want["tool test_x_mcp_header"] = `us-west1`
	}
	for k, w := range want {
		if !strings.Contains(out[k], w) {
			t.Errorf("%s = %s\nwant it to contain %s", k, out[k], w)
		}
	}
}
