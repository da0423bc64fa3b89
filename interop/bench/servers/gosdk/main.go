// Command gosdk serves the benchmark's "add" tool with the official Go SDK
// (stateful sessions, JSON responses).
package main

import (
	"context"
	"flag"
	"log"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type in struct {
	A int `json:"a"`
	B int `json:"b"`
}

type out struct {
	Sum int `json:"sum"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	stateless := flag.Bool("stateless", false, "stateless mode")
	legacy := flag.Bool("sse", false, "also serve legacy SSE at /sse")
	flag.Parse()
	s := mcp.NewServer(&mcp.Implementation{Name: "gosdk-add", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "add", Description: "Adds two integers."}, func(ctx context.Context, req *mcp.CallToolRequest, a in) (*mcp.CallToolResult, out, error) {
		return nil, out{Sum: a.A + a.B}, nil
	})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, &mcp.StreamableHTTPOptions{JSONResponse: true, Stateless: *stateless})
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	if *legacy {
		mux.Handle("/sse", mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return s }, nil))
	}
	log.Fatal(http.ListenAndServe(*addr, mux))
}
