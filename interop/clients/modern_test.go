package clients

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	conformance "github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
)

// startConformance serves the generated conformance fixture server on
// 127.0.0.1; it speaks 2026-07-28 and 2025-11-25 on the same endpoint.
func startConformance(t *testing.T) string {
	t.Helper()
	srv, err := conformance.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL + "/mcp"
}

// TestGoSDKClientEras connects the go-sdk v1.8.0 client twice, once with
// its default (2026-07-28: server/discover, stateless requests,
// input_required round trips) and once pinned to 2025-11-25 (initialize,
// a session, elicitation/create on the response stream), and runs the
// same list, structured call and elicitation round trip in both.
func TestGoSDKClientEras(t *testing.T) {
	url := startConformance(t)
	tests := []struct {
		name    string
		version string // ClientSessionOptions.ProtocolVersion; "" = the SDK's default
		want    string // negotiated version
	}{
		{"2026 default", "", "2026-07-28"},
		{"2025 pinned", "2025-11-25", "2025-11-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var asked atomic.Int32
			listChanged := make(chan struct{}, 4)
			client := mcp.NewClient(&mcp.Implementation{Name: "go-sdk-interop", Version: "1.0.0"}, &mcp.ClientOptions{
				// On 2026 the SDK opens a subscriptions/listen stream for
				// this after discover, since the server advertises
				// tools.listChanged there.
				ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { listChanged <- struct{}{} },
				ElicitationHandler: func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
					asked.Add(1)
					if !strings.Contains(req.Params.Message, "name") {
						t.Errorf("elicitation message %q", req.Params.Message)
					}
					return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Alice"}}, nil
				},
			})
			cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, &mcp.ClientSessionOptions{ProtocolVersion: tt.version})
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer cs.Close()
			if got := cs.InitializeResult().ProtocolVersion; got != tt.want {
				t.Fatalf("negotiated %q, want %q", got, tt.want)
			}

			tools, err := cs.ListTools(ctx, nil)
			if err != nil {
				t.Fatalf("tools/list: %v", err)
			}
			names := map[string]bool{}
			for _, tl := range tools.Tools {
				names[tl.Name] = true
			}
			for _, n := range []string{"add_numbers", "test_input_required_result_elicitation", "test_simple_text"} {
				if !names[n] {
					t.Errorf("tools/list lacks %s", n)
				}
			}

			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "add_numbers", Arguments: map[string]any{"a": 2, "b": 3.5}})
			if err != nil {
				t.Fatalf("tools/call add_numbers: %v", err)
			}
			var sum struct {
				Sum float64 `json:"sum"`
			}
			b, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(b, &sum); err != nil || sum.Sum != 5.5 || res.IsError {
				t.Fatalf("add_numbers = %s (isError %v, %v), want sum 5.5", b, res.IsError, err)
			}

			res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "test_input_required_result_elicitation", Arguments: map[string]any{}})
			if err != nil {
				t.Fatalf("tools/call elicitation: %v", err)
			}
			if got := textOf(res.Content); got != "Hello, Alice!" || res.IsError {
				t.Fatalf("elicitation tool = %q (isError %v), want Hello, Alice!", got, res.IsError)
			}
			if asked.Load() != 1 {
				t.Errorf("elicitation handler called %d times, want 1", asked.Load())
			}

			if tt.want != "2026-07-28" {
				return // 2025 sessions advertise no listChanged
			}
			// The listen stream may still be opening: trigger until the
			// notification arrives.
			deadline := time.After(5 * time.Second)
			for {
				if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "test_trigger_tool_change", Arguments: map[string]any{}}); err != nil {
					t.Fatalf("test_trigger_tool_change: %v", err)
				}
				select {
				case <-listChanged:
					return
				case <-time.After(100 * time.Millisecond):
				case <-deadline:
					t.Fatal("no notifications/tools/list_changed on the subscriptions/listen stream")
				}
			}
		})
	}
}
