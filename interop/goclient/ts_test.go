package goclient

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/examples/conformance/drive"
	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
)

// serveConformance serves a fresh conformance server on loopback,
// stopped with the test, and returns its Streamable HTTP endpoint.
func serveConformance(t *testing.T) string {
	t.Helper()
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Shutdown(context.Background()) })
	return hs.URL + "/mcp"
}

// tsDir is interop/ts, where run.sh installs the TypeScript SDK.
func tsDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../ts")
	if err != nil {
		t.Fatal(err)
	}
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk"))
	_, nodeErr := exec.LookPath("node")
	if modErr != nil || nodeErr != nil {
		if os.Getenv("MCPGEN_REQUIRE_TS") == "1" {
			t.Fatalf("node or interop/ts/node_modules missing (node: %v; sdk: %v)", nodeErr, modErr)
		}
		t.Skip("needs node and interop/ts/node_modules (interop/ts/run.sh installs them and runs this test)")
	}
	return dir
}

// TestSameAsTypeScriptClient drives every conformance fixture with the
// Go client and with the official TypeScript SDK client (interop/ts/dump.mjs),
// each on its own fresh server, both over Streamable HTTP at 2025-11-25,
// answering the server's requests alike, and requires the same result or
// JSON-RPC error for each.
func TestSameAsTypeScriptClient(t *testing.T) {
	dir := tsDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	opts := drive.Options(nil)
	opts.ProtocolVersion = runtime.Version20251125
	c, err := client.Connect(ctx, client.HTTP(serveConformance(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	goOut, goProgress, err := drive.Run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}

	args, err := json.Marshal(drive.Args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "node", "dump.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MCP_URL="+serveConformance(t), "MCP_ARGS="+string(args), "MCP_TEMPLATE_URI="+drive.TemplateURI)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("node dump.mjs: %v\n%s", err, stderr.Bytes())
	}
	var ts struct {
		Outcomes map[string]drive.Outcome `json:"outcomes"`
		Progress map[string]int           `json:"progress"`
	}
	if err := json.Unmarshal(raw, &ts); err != nil {
		t.Fatalf("dump.mjs output: %v\n%s", err, raw)
	}
	if len(ts.Outcomes) < 40 || len(goOut) < 40 {
		t.Fatalf("outcomes: TypeScript %d, Go %d; want every fixture", len(ts.Outcomes), len(goOut))
	}
	// A tool that runs only as a task (execution.taskSupport "required")
	// is refused by the TypeScript SDK itself, before anything is sent
	// (-32600, "requires task-based execution"); the Go client sends the
	// call and reports the server's -32601. Neither runs the tool.
	tools, err := c.ListTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		var ex struct {
			TaskSupport string `json:"taskSupport"`
		}
		_ = json.Unmarshal(tool.Execution, &ex)
		if ex.TaskSupport != "required" {
			continue
		}
		key := "tool " + tool.Name
		tsErr, goErr := ts.Outcomes[key].Error, goOut[key].Error
		if tsErr == nil || tsErr.Code != runtime.CodeInvalidRequest || goErr == nil || goErr.Code != runtime.CodeMethodNotFound {
			t.Errorf("%s (task required): TypeScript %s, Go %s; want the SDK's own -32600 and the server's -32601", key, ts.Outcomes[key], goOut[key])
		}
		delete(ts.Outcomes, key)
		delete(goOut, key)
	}
	for _, d := range drive.Diff("TypeScript", ts.Outcomes, "Go", goOut) {
		t.Error(d)
	}
	for name, n := range ts.Progress {
		if goProgress[name] != n {
			t.Errorf("tool %s: TypeScript saw %d progress notifications, Go %d", name, n, goProgress[name])
		}
	}
	if ts.Progress["test_tool_with_progress"] != 3 {
		t.Errorf("test_tool_with_progress: %d progress notifications, want 3", ts.Progress["test_tool_with_progress"])
	}
}
