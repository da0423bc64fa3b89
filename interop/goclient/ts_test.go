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

// tsDir is interop/ts (or ts2), where its run.sh installs the TypeScript
// package pkg.
func tsDir(t *testing.T, sub, pkg string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", sub))
	if err != nil {
		t.Fatal(err)
	}
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", pkg))
	_, nodeErr := exec.LookPath("node")
	if modErr != nil || nodeErr != nil {
		if os.Getenv("MCPGEN_REQUIRE_TS") == "1" {
			t.Fatalf("node or interop/%s/node_modules missing (node: %v; %s: %v)", sub, nodeErr, pkg, modErr)
		}
		t.Skipf("needs node and interop/%s/node_modules (interop/%s/run.sh installs them and runs this test)", sub, sub)
	}
	return dir
}

// TestSameAsTypeScriptClient drives every conformance fixture with the
// Go client and with the official TypeScript SDK client
// (@modelcontextprotocol/sdk 1.32.2, interop/ts/dump.mjs), each on its own
// fresh server, both over Streamable HTTP at 2025-11-25, answering the
// server's requests alike, and requires the same result or JSON-RPC error
// for each.
func TestSameAsTypeScriptClient(t *testing.T) {
	compareWithTypeScript(t, tsDir(t, "ts", "sdk"), runtime.Version20251125)
}

// TestSameAsTypeScriptClient2026 does the same at 2026-07-28 with the
// 2026-capable client (@modelcontextprotocol/client 2.4.0,
// interop/ts2/dump.mjs): both negotiate through server/discover and
// answer input_required results.
func TestSameAsTypeScriptClient2026(t *testing.T) {
	compareWithTypeScript(t, tsDir(t, "ts2", "client"), "")
}

func compareWithTypeScript(t *testing.T, dir, version string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	opts := drive.Options(nil)
	opts.ProtocolVersion = version
	c, err := client.Connect(ctx, client.HTTP(serveConformance(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if version == "" && c.ProtocolVersion() != runtime.Version20260728 {
		t.Fatalf("the Go client negotiated %s, want 2026-07-28", c.ProtocolVersion())
	}
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
	// is refused by the 2025 SDK itself, before anything is sent (-32600,
	// "requires task-based execution"); the Go client sends the call and
	// reports the server's -32601. Neither runs the tool. (At 2026-07-28
	// both send it and get the server's -32021.)
	tools, err := c.ListTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		if version == "" {
			break
		}
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
	if version == "" {
		// The 2026 client returns results without their envelope
		// (resultType, the protocol's _meta entries); the Go client keeps
		// them.
		for k, o := range goOut {
			goOut[k] = o.WithoutEnvelope()
		}
	}
	for _, d := range drive.Diff("TypeScript", ts.Outcomes, "Go", goOut) {
		t.Error(d)
	}
	if version == "" {
		// Client 2.4.0 passes no progress notification of a 2026 call to
		// onprogress; the Go client's are checked by
		// examples/conformance's tests.
		return
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
