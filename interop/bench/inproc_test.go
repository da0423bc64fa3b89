// Package bench holds the in-process comparison benchmarks; the
// load-driven side-by-side benchmark is in driver, load and servers.
package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	mcpgoserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcpgen/mcpgen/interop/bench/servers/mcpgen/add/mcpserver"
	add500 "github.com/mcpgen/mcpgen/interop/bench/servers/mcpgen/add500/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
)

// The bodies every server under test receives. The 2026 one carries the
// per-request _meta envelope the stateless era requires.
const (
	initBody   = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1.0.0"}}}`
	callBody   = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}`
	listBody   = `{"jsonrpc":"2.0","id":8,"method":"tools/list","params":{}}`
	modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1.0.0"}}`
	modernCall = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3},` + modernMeta + `}}`
)

// post builds one Streamable HTTP POST as a 2025-11-25 client sends it.
func post(body, session string, hdr ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8000/mcp", strings.NewReader(body))
	r.Host = "127.0.0.1:8000" // the DNS-rebinding guard stays on
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		r.Header.Set("Mcp-Session-Id", session)
		r.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return r
}

// session initializes a session on h and returns its id.
func session(tb testing.TB, h http.Handler) string {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, post(initBody, ""))
	if w.Code != http.StatusOK {
		tb.Fatalf("initialize: %d %s", w.Code, w.Body)
	}
	sid := w.Header().Get("Mcp-Session-Id")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`, sid))
	if w.Code != http.StatusAccepted {
		tb.Fatalf("initialized: %d %s", w.Code, w.Body)
	}
	return sid
}

func mcpgenHandler(tb testing.TB) http.Handler {
	srv, err := mcpserver.New(runtime.WithAddr("127.0.0.1", 8000))
	if err != nil {
		tb.Fatal(err)
	}
	// Shut down after the benchmark, so its sessions and goroutines do
	// not weigh on the next one's garbage collections.
	tb.Cleanup(func() { srv.Shutdown(context.Background()) })
	return srv
}

func mcpgen500Handler(tb testing.TB) http.Handler {
	srv, err := add500.New(runtime.WithAddr("127.0.0.1", 8000))
	if err != nil {
		tb.Fatal(err)
	}
	// Shut down after the benchmark, so its sessions and goroutines do
	// not weigh on the next one's garbage collections.
	tb.Cleanup(func() { srv.Shutdown(context.Background()) })
	return srv
}

func mcpgoHandler(tb testing.TB) http.Handler {
	s := mcpgoserver.NewMCPServer("mcpgo-add", "1.0.0", mcpgoserver.WithToolCapabilities(false))
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
	return mcpgoserver.NewStreamableHTTPServer(s, mcpgoserver.WithEndpointPath("/mcp"))
}

// benchCall sends body to h b.N times and checks every answer holds want.
func benchCall(b *testing.B, h http.Handler, sid, body, want string, hdr ...string) {
	wantB := []byte(want)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, post(body, sid, hdr...))
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), wantB) {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// BenchmarkToolsCall is the same tools/call of "add" through each SDK's
// HTTP handler in process: the server cost per call without the network.
// The request construction and recorder are the same for both, so the
// difference in allocs/op is the servers'.
func BenchmarkToolsCall(b *testing.B) {
	b.Run("mcpgen", func(b *testing.B) {
		h := mcpgenHandler(b)
		benchCall(b, h, session(b, h), callBody, `"structuredContent":{"sum":5}`)
	})
	b.Run("mcpgen-2026", func(b *testing.B) {
		h := mcpgenHandler(b)
		benchCall(b, h, "", modernCall, `"structuredContent":{"sum":5}`,
			"Mcp-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "add")
	})
	b.Run("mcpgo", func(b *testing.B) {
		h := mcpgoHandler(b)
		benchCall(b, h, session(b, h), callBody, `"structuredContent":{"sum":5}`)
	})
}

// BenchmarkRequestOverhead is what building the request and recorder
// costs by itself, to subtract from the figures above.
func BenchmarkRequestOverhead(b *testing.B) {
	b.ReportAllocs()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"structuredContent":{"sum":5}}`))
	})
	benchCall(b, h, "x", callBody, `"sum":5`)
}

// BenchmarkToolCount compares the one-tool server with the 500-tool one:
// tools/call must not get slower with the number of tools (the lookup is
// a map), and tools/list is served pre-encoded whatever its size.
func BenchmarkToolCount(b *testing.B) {
	for _, srv := range []struct {
		name string
		h    func(testing.TB) http.Handler
	}{{"tools=1", mcpgenHandler}, {"tools=500", mcpgen500Handler}} {
		b.Run("call/"+srv.name, func(b *testing.B) {
			h := srv.h(b)
			benchCall(b, h, session(b, h), callBody, `"structuredContent":{"sum":5}`)
		})
		b.Run("call-last/"+srv.name, func(b *testing.B) {
			if srv.name == "tools=1" {
				b.Skip("one tool only")
			}
			h := srv.h(b)
			body := strings.Replace(callBody, `"add"`, `"add_499"`, 1)
			benchCall(b, h, session(b, h), body, `"structuredContent":{"sum":504}`)
		})
		b.Run("list/"+srv.name, func(b *testing.B) {
			h := srv.h(b)
			benchCall(b, h, session(b, h), listBody, `"name":"add"`)
		})
	}
}
