package clients

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	mcpgoclient "github.com/mark3labs/mcp-go/client"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcpgen/mcpgen/examples/quickstart/weather/mcpserver"
)

// startQuickstart serves the generated quickstart server on 127.0.0.1.
func startQuickstart(t *testing.T) string {
	t.Helper()
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL + "/mcp"
}

type forecast struct {
	City  string `json:"city"`
	Units string `json:"units"`
	Days  []struct {
		Day         int     `json:"day"`
		Summary     string  `json:"summary"`
		Temperature float64 `json:"temperature"`
	} `json:"days"`
}

func TestGoSDKClient(t *testing.T) {
	url := startQuickstart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	client := mcp.NewClient(&mcp.Implementation{Name: "go-sdk-interop", Version: "1.0.0"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer cs.Close()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if len(tools.Tools) != 1 || tools.Tools[0].Name != "get_forecast" {
		t.Fatalf("tools/list = %+v, want get_forecast", tools.Tools)
	}
	if tools.Tools[0].OutputSchema == nil {
		t.Errorf("get_forecast has no outputSchema")
	}

	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_forecast", Arguments: map[string]any{"city": "Paris", "days": 2}})
	if err != nil {
		t.Fatalf("tools/call: %v", err)
	}
	if res.IsError {
		t.Fatalf("tools/call isError: %+v", res.Content)
	}
	var f forecast
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("structuredContent %s: %v", b, err)
	}
	if f.City != "Paris" || len(f.Days) != 2 || f.Units != "celsius" {
		t.Errorf("structuredContent = %s", b)
	}

	// A validation failure is a tool error the model can read.
	bad, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_forecast", Arguments: map[string]any{"city": "Paris", "days": 9}})
	if err != nil {
		t.Fatalf("tools/call (bad days): %v", err)
	}
	if !bad.IsError || !strings.Contains(textOf(bad.Content), "days") {
		t.Errorf("days=9: want isError naming days, got %+v", bad)
	}

	rr, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "weather://cities"})
	if err != nil {
		t.Fatalf("resources/read: %v", err)
	}
	if len(rr.Contents) != 1 || !strings.Contains(rr.Contents[0].Text, "Paris") {
		t.Errorf("resources/read = %+v", rr.Contents)
	}

	pr, err := cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: "plan_trip", Arguments: map[string]string{"city": "Lima"}})
	if err != nil {
		t.Fatalf("prompts/get: %v", err)
	}
	if len(pr.Messages) != 1 || !strings.Contains(textOf([]mcp.Content{pr.Messages[0].Content}), "Lima") {
		t.Errorf("prompts/get = %+v", pr.Messages)
	}
}

func textOf(cs []mcp.Content) string {
	var sb strings.Builder
	for _, c := range cs {
		if tc, ok := c.(*mcp.TextContent); ok {
			sb.WriteString(tc.Text)
		}
	}
	return sb.String()
}

func TestMCPGoClient(t *testing.T) {
	url := startQuickstart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	c, err := mcpgoclient.NewStreamableHttpClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = "2025-11-25"
	init.Params.ClientInfo = mcpgo.Implementation{Name: "mcp-go-interop", Version: "1.0.0"}
	ir, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if ir.ServerInfo.Name != "weather" {
		t.Errorf("serverInfo = %+v", ir.ServerInfo)
	}

	tools, err := c.ListTools(ctx, mcpgo.ListToolsRequest{})
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if len(tools.Tools) != 1 || tools.Tools[0].Name != "get_forecast" {
		t.Fatalf("tools/list = %+v", tools.Tools)
	}

	req := mcpgo.CallToolRequest{}
	req.Params.Name = "get_forecast"
	req.Params.Arguments = map[string]any{"city": "Tokyo", "units": "fahrenheit"}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("tools/call: %v", err)
	}
	if res.IsError {
		t.Fatalf("tools/call isError: %+v", res.Content)
	}
	var f forecast
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("structuredContent %s: %v", b, err)
	}
	if f.City != "Tokyo" || len(f.Days) != 3 || f.Units != "fahrenheit" {
		t.Errorf("structuredContent = %s (want 3 days by default)", b)
	}
}
