package sse

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTypeScriptSSEClient runs testdata/ts/client.mjs, which talks to the
// transport with the official TypeScript SDK's SSEClientTransport
// (@modelcontextprotocol/sdk 1.32.2, pinned in testdata/ts/package.json):
// tools/list, tools/call of a text tool, of the header tool with a custom
// header, of the eliciting tool, and concurrent calls.
//
// It needs node and the SDK installed next to the script; it skips and
// says how to install them otherwise.
func TestTypeScriptSSEClient(t *testing.T) {
	if testing.Short() {
		t.Skip("interop test: skipped with -short")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found in PATH: install Node.js 20 or later to run the TypeScript SDK interop test")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "ts"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")); err != nil {
		t.Skipf("the TypeScript SDK is not installed: run `cd %s && npm ci` (or npm install) to run the interop test", dir)
	}

	srv := newTestServer(t, nil, nil)
	mux := http.NewServeMux()
	mux.Handle("/mcp-api/", http.StripPrefix("/mcp-api", srv))
	mux.Handle("/", srv)
	ts := serve(t, mux)
	tests := []struct{ name, path string }{
		{"at the root", "/sse"},
		{"mounted under http.StripPrefix", "/mcp-api/sse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "client.mjs")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "MCP_SSE_URL="+ts.URL+tt.path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("node client.mjs: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "ok: ") {
				t.Fatalf("node client.mjs printed no success line:\n%s", out)
			}
			t.Logf("%s", strings.TrimSpace(string(out)))
		})
	}
}

// A stdio interop test with the official Go SDK's CommandTransport is not
// here on purpose: peer SDKs stay out of the main module (they live in
// interop/go.mod), and runtime/stdio has no command of its own to run.
