package clients

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mcpgoclient "github.com/mark3labs/mcp-go/client"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// callForecast lists the tools and calls get_forecast through a go-sdk
// session, whatever the transport.
func callForecast(t *testing.T, ctx context.Context, cs *mcp.ClientSession, city string) {
	t.Helper()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if len(tools.Tools) != 1 || tools.Tools[0].Name != "get_forecast" {
		t.Fatalf("tools/list = %+v", tools.Tools)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_forecast", Arguments: map[string]any{"city": city, "days": 1}})
	if err != nil {
		t.Fatalf("tools/call: %v", err)
	}
	if res.IsError || !strings.Contains(textOf(res.Content), `"city":"`+city+`"`) {
		t.Fatalf("tools/call = %+v", res)
	}
}

// TestGoSDKLegacySSE: the go-sdk SSE client against the quickstart's /sse.
func TestGoSDKLegacySSE(t *testing.T) {
	url := strings.TrimSuffix(startQuickstart(t), "/mcp") + "/sse"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "go-sdk-sse", Version: "1.0.0"}, nil)
	cs, err := client.Connect(ctx, &mcp.SSEClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer cs.Close()
	callForecast(t, ctx, cs, "Quito")
}

// TestGoSDKStdio: the go-sdk command transport starts the quickstart
// binary with -stdio (mcpserver.ServeStdio) as a subprocess.
func TestGoSDKStdio(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/mcpgen/mcpgen/examples/quickstart").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "go-sdk-stdio", Version: "1.0.0"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: exec.Command(bin, "-stdio")}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	callForecast(t, ctx, cs, "Accra")
	if err := cs.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// TestMCPGoLegacySSE: mcp-go's SSE client, at protocol 2024-11-05.
func TestMCPGoLegacySSE(t *testing.T) {
	url := strings.TrimSuffix(startQuickstart(t), "/mcp") + "/sse"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := mcpgoclient.NewSSEMCPClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = "2024-11-05"
	init.Params.ClientInfo = mcpgo.Implementation{Name: "mcp-go-sse", Version: "1.0.0"}
	ir, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if ir.ProtocolVersion != "2024-11-05" {
		t.Errorf("negotiated %q, want 2024-11-05", ir.ProtocolVersion)
	}
	req := mcpgo.CallToolRequest{}
	req.Params.Name = "get_forecast"
	req.Params.Arguments = map[string]any{"city": "Hanoi"}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("tools/call: %v", err)
	}
	if res.IsError {
		t.Fatalf("tools/call isError: %+v", res.Content)
	}
	if tc, ok := res.Content[0].(mcpgo.TextContent); !ok || !strings.Contains(tc.Text, `"city":"Hanoi"`) {
		t.Fatalf("tools/call content %+v", res.Content)
	}
}
