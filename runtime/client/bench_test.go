package client_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
)

// BenchmarkCallTool measures one tools/call round trip through the client
// (encode, transport, the server's JSON-RPC core, the tool, the response
// decoded into a ToolResult): in process versus Streamable HTTP on
// loopback, in a 2025-11-25 session and stateless 2026-07-28.
//
//	go test ./runtime/client -run '^$' -bench CallTool -benchmem
func BenchmarkCallTool(b *testing.B) {
	for _, tr := range []string{"in-process", "http"} {
		for _, version := range []string{runtime.Version20251125, runtime.Version20260728} {
			b.Run(tr+"/"+version, func(b *testing.B) {
				ctx := context.Background()
				srv := newServer(b)
				var t client.Transport = client.InProcess(srv)
				if tr == "http" {
					hs := httptest.NewServer(srv)
					defer hs.Close()
					t = client.HTTP(hs.URL + "/mcp")
				}
				c, err := client.Connect(ctx, t, &client.Options{ProtocolVersion: version})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				args := map[string]any{"city": "Paris"}
				b.ReportAllocs()
				for b.Loop() {
					res, err := c.CallTool(ctx, "echo", args)
					if err != nil || len(res.Content) != 1 {
						b.Fatalf("echo = %+v, %v", res, err)
					}
				}
			})
		}
	}
}
