// Command mcpgo serves the benchmark's "add" tool with mark3labs/mcp-go.
package main

import (
	"context"
	"flag"
	"log"
	"strconv"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	stateless := flag.Bool("stateless", false, "stateless mode")
	flag.Parse()
	s := server.NewMCPServer("mcpgo-add", "1.0.0", server.WithToolCapabilities(false))
	tool := mcp.NewTool("add", mcp.WithDescription("Adds two integers."),
		mcp.WithNumber("a", mcp.Required()), mcp.WithNumber("b", mcp.Required()))
	s.AddTool(tool, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		a, err := req.RequireInt("a")
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		b, err := req.RequireInt("b")
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		sum := a + b
		return mcp.NewToolResultStructured(map[string]int{"sum": sum}, `{"sum":`+strconv.Itoa(sum)+`}`), nil
	})
	hs := server.NewStreamableHTTPServer(s, server.WithEndpointPath("/mcp"), server.WithStateLess(*stateless))
	log.Fatal(hs.Start(*addr))
}
