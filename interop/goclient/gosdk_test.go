package goclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
)

type addIn struct {
	A int `json:"a"`
	B int `json:"b"`
}

type addOut struct {
	Sum int `json:"sum"`
}

// referenceServer is a go-sdk server (not made by mcpgen) with a
// structured tool, a failing tool, a tool that reports progress, logs and
// elicits, a resource and a prompt.
func referenceServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "go-sdk-reference", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "add", Description: "Adds two integers."},
		func(ctx context.Context, req *mcp.CallToolRequest, in addIn) (*mcp.CallToolResult, addOut, error) {
			return nil, addOut{Sum: in.A + in.B}, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "fail", Description: "Always fails."},
		func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			return nil, nil, errors.New("the reference tool failed")
		})
	mcp.AddTool(s, &mcp.Tool{Name: "ask", Description: "Reports progress, logs, and asks the user's name."},
		func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			if tok := req.Params.GetProgressToken(); tok != nil {
				for i := 1; i <= 2; i++ {
					if err := req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Progress: float64(i), Total: 2}); err != nil {
						return nil, nil, err
					}
				}
			}
			if err := req.Session.Log(ctx, &mcp.LoggingMessageParams{Level: "info", Data: "asking"}); err != nil {
				return nil, nil, err
			}
			res, err := req.Session.Elicit(ctx, &mcp.ElicitParams{
				Message:         "Your name?",
				RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}},
			})
			if err != nil {
				return nil, nil, err
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "hello " + res.Content["name"].(string)}}}, nil, nil
		})
	s.AddResource(&mcp.Resource{URI: "ref://greeting", Name: "greeting", MIMEType: "text/plain"},
		func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/plain", Text: "hi there"}}}, nil
		})
	s.AddPrompt(&mcp.Prompt{Name: "greet", Arguments: []*mcp.PromptArgument{{Name: "name", Required: true}}},
		func(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "Greet " + req.Params.Arguments["name"]}}}}, nil
		})
	return s
}

// stdioPipe runs a go-sdk server session over a pair of pipes (the
// go-sdk's stdio framing) and returns the client's end.
func stdioPipe(t *testing.T, s *mcp.Server) client.Transport {
	toServer, fromClient := io.Pipe()
	toClient, fromServer := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	ss, err := s.Connect(ctx, &mcp.IOTransport{Reader: toServer, Writer: fromServer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); ss.Close() })
	return client.Stream(toClient, fromClient)
}

// TestGoSDKReferenceServer drives the go-sdk server with mcpgen's client
// over the go-sdk's Streamable HTTP handler (negotiated, and pinned to a
// 2025-11-25 session), its legacy SSE handler and its stdio framing.
func TestGoSDKReferenceServer(t *testing.T) {
	s := referenceServer()
	get := func(*http.Request) *mcp.Server { return s }
	streamable := httptest.NewServer(mcp.NewStreamableHTTPHandler(get, nil))
	defer streamable.Close()
	sse := httptest.NewServer(mcp.NewSSEHandler(get, nil))
	defer sse.Close()

	for _, tc := range []struct {
		name    string
		t       func() client.Transport
		version string
	}{
		{"streamable negotiated", func() client.Transport { return client.HTTP(streamable.URL) }, ""},
		{"streamable 2025-11-25", func() client.Transport { return client.HTTP(streamable.URL) }, runtime.Version20251125},
		{"sse", func() client.Transport { return client.SSE(sse.URL) }, ""},
		{"stdio negotiated", func() client.Transport { return stdioPipe(t, s) }, ""},
		{"stdio 2025-11-25", func() client.Transport { return stdioPipe(t, s) }, runtime.Version20251125},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var logs atomic.Int64
			c, err := client.Connect(ctx, tc.t(), &client.Options{
				ProtocolVersion: tc.version,
				LogLevel:        runtime.LevelDebug,
				OnLog:           func(client.LogMessage) { logs.Add(1) },
				Elicit: func(ctx context.Context, req *client.ElicitRequest) (*runtime.ElicitResult, error) {
					if req.Message != "Your name?" {
						t.Errorf("elicitation message %q", req.Message)
					}
					return &runtime.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			// The go-sdk serves 2026-07-28 (server/discover) over stdio but
			// not over HTTP, where the client falls back to a session.
			want := tc.version
			if want == "" {
				want = runtime.Version20251125
				if strings.HasPrefix(tc.name, "stdio") {
					want = runtime.Version20260728
				}
			}
			if c.ProtocolVersion() != want {
				t.Errorf("negotiated %s, want %s", c.ProtocolVersion(), want)
			}
			if c.ServerInfo().Name != "go-sdk-reference" {
				t.Errorf("server info %+v", c.ServerInfo())
			}

			tools, err := c.ListTools(ctx)
			if err != nil || len(tools) != 3 {
				t.Fatalf("tools/list = %+v, %v", tools, err)
			}
			res, err := c.CallTool(ctx, "add", map[string]int{"a": 2, "b": 40})
			var out addOut
			if err != nil || res.Decode(&out) != nil || out.Sum != 42 {
				t.Errorf("add = %+v (%+v), %v", res, out, err)
			}
			_, err = c.CallTool(ctx, "fail", nil)
			var te *client.ToolError
			if !errors.As(err, &te) || !strings.Contains(te.Text, "the reference tool failed") {
				t.Errorf("fail: %v, want a *ToolError with the tool's text", err)
			}
			_, err = c.CallTool(ctx, "add", map[string]string{"a": "not a number"})
			if err == nil {
				t.Errorf("add with bad arguments: no error")
			}
			_, err = c.CallTool(ctx, "no_such_tool", nil)
			var re *runtime.Error
			var te2 *client.ToolError
			if !errors.As(err, &re) && !errors.As(err, &te2) {
				t.Errorf("unknown tool: %v, want a protocol or tool error", err)
			}
			// ask elicits with a server-to-client request, which the go-sdk
			// allows in 2025 sessions only (a 2026 tool returns
			// inputRequests instead, which ask does not).
			if c.ProtocolVersion() == runtime.Version20251125 {
				var steps atomic.Int64
				res, err = c.CallTool(ctx, "ask", nil, client.WithProgress(func(client.Progress) { steps.Add(1) }))
				if err != nil || res.Text() != "hello Ada" {
					t.Errorf("ask = %+v, %v", res, err)
				}
				if steps.Load() != 2 {
					t.Errorf("ask: %d progress notifications, want 2", steps.Load())
				}
				if logs.Load() == 0 {
					t.Errorf("ask: the log message did not reach OnLog")
				}
			}
			text, err := c.ReadText(ctx, "ref://greeting")
			if err != nil || text != "hi there" {
				t.Errorf("resources/read = %q, %v", text, err)
			}
			p, err := c.GetPrompt(ctx, "greet", map[string]string{"name": "Ada"})
			if err != nil || len(p.Messages) != 1 || p.Messages[0].Content.Text != "Greet Ada" {
				t.Errorf("prompts/get = %+v, %v", p, err)
			}
			// The go-sdk answers an unknown resource with a JSON-RPC error,
			// and rejects an unknown method at the HTTP layer (400), or
			// over stdio with -32601.
			_, err = c.ReadResource(ctx, "ref://missing")
			if !errors.As(err, &re) || re.Code != runtime.CodeInvalidParams || !strings.Contains(re.Message, "not found") {
				t.Errorf("unknown resource: %v, want the go-sdk's *runtime.Error -32602", err)
			}
			err = c.Call(ctx, "no/such/method", nil, nil)
			var he *client.HTTPError
			if strings.HasPrefix(tc.name, "stdio") {
				if !errors.As(err, &re) || re.Code != runtime.CodeMethodNotFound {
					t.Errorf("unknown method: %v, want a *runtime.Error -32601", err)
				}
			} else if !errors.As(err, &he) || he.StatusCode != http.StatusBadRequest || !strings.Contains(he.Body, "unsupported") {
				t.Errorf("unknown method: %v, want the go-sdk's HTTP 400", err)
			}
		})
	}
}
