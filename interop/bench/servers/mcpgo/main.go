// Command mcpgo serves the benchmark's "add" tool with mark3labs/mcp-go.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"strconv"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	stateless := flag.Bool("stateless", false, "stateless mode")
	legacy := flag.Bool("sse", false, "also serve legacy SSE at /sse and /message")
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
	if !*legacy {
		log.Fatal(hs.Start(*addr))
	}
	ss := server.NewSSEServer(s)
	mux := http.NewServeMux()
	mux.Handle("/mcp", hs)
	mux.Handle("/sse", ss)
	mux.Handle("/message", ss)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
