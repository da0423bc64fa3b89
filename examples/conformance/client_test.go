package conformance_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/examples/conformance/drive"
	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
	"github.com/mcpgen/mcpgen/runtime/sse"
)

// TestMain lets the test binary serve the conformance server over stdio
// when started with MCPGEN_CONFORMANCE_STDIO=1, so the stdio client test
// needs no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("MCPGEN_CONFORMANCE_STDIO") == "1" {
		if err := mcpserver.ServeStdio(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// connectAll opens a client to a fresh conformance server over each
// transport at the given protocol version ("" negotiates).
func connectAll(t *testing.T, version string) map[string]func() (*client.Client, *atomic.Int64) {
	return map[string]func() (*client.Client, *atomic.Int64){
		"in-process": func() (*client.Client, *atomic.Int64) {
			srv, err := mcpserver.New()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Shutdown(context.Background()) })
			return connect(t, client.InProcess(srv), version)
		},
		"http": func() (*client.Client, *atomic.Int64) {
			return connect(t, client.HTTP(serveHTTP(t)+"/mcp"), version)
		},
		"sse": func() (*client.Client, *atomic.Int64) {
			return connect(t, client.SSE(serveHTTP(t)+"/sse"), version)
		},
		"stdio": func() (*client.Client, *atomic.Int64) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "MCPGEN_CONFORMANCE_STDIO=1")
			return connect(t, client.Command(cmd), version)
		},
	}
}

// serveHTTP serves a fresh conformance server over Streamable HTTP (/mcp)
// and legacy SSE (/sse) on loopback, stopped with the test.
func serveHTTP(t *testing.T) string {
	srv, err := mcpserver.New(runtime.WithTransport(sse.New()))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Shutdown(context.Background()) })
	return hs.URL
}

func connect(t *testing.T, tr client.Transport, version string) (*client.Client, *atomic.Int64) {
	t.Helper()
	var logs atomic.Int64
	opts := drive.Options(func(client.LogMessage) { logs.Add(1) })
	opts.ProtocolVersion = version
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, tr, opts)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c, &logs
}

// TestClientDrivesFixtures drives every fixture of the conformance
// server with the Go client over each transport, once in a 2025-11-25
// session (all four transports) and once negotiated (2026-07-28 over
// Streamable HTTP, stdio and in process; legacy SSE always initializes),
// and checks that every transport sees exactly what the in-process
// client sees, and that the known fixtures answer what they should.
func TestClientDrivesFixtures(t *testing.T) {
	for _, era := range []struct{ name, version, want string }{
		{"2025-11-25", runtime.Version20251125, runtime.Version20251125},
		{"negotiated", "", runtime.Version20260728},
	} {
		t.Run(era.name, func(t *testing.T) {
			all := connectAll(t, era.version)
			c, logs := all["in-process"]()
			if c.ProtocolVersion() != era.want {
				t.Fatalf("in-process negotiated %q, want %q", c.ProtocolVersion(), era.want)
			}
			want := run(t, c)
			checkKnownFixtures(t, want, era.want)
			if logs.Load() == 0 {
				t.Errorf("no log notifications reached OnLog")
			}
			for _, name := range []string{"http", "sse", "stdio"} {
				if name == "sse" && era.version == "" {
					continue
				}
				t.Run(name, func(t *testing.T) {
					c, _ := all[name]()
					if c.ProtocolVersion() != era.want {
						t.Fatalf("negotiated %q, want %q", c.ProtocolVersion(), era.want)
					}
					got := run(t, c)
					for _, d := range drive.Diff("in-process", want, name, got) {
						t.Error(d)
					}
				})
			}
		})
	}
}

// run drives every fixture and checks that test_tool_with_progress
// reached the callback three times.
func run(t *testing.T, c *client.Client) map[string]drive.Outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, progress, err := drive.Run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 40 {
		t.Fatalf("drove %d fixtures, want every one", len(out))
	}
	// tasks_cancelled_count reads a process-wide counter, which other
	// tests of this package move and which the stdio server (another
	// process) keeps apart: it is called but not compared.
	if _, ok := out["tool tasks_cancelled_count"]; !ok {
		t.Errorf("tasks_cancelled_count was not called")
	}
	delete(out, "tool tasks_cancelled_count")
	if progress["test_tool_with_progress"] != 3 {
		t.Errorf("test_tool_with_progress: %d progress notifications, want 3", progress["test_tool_with_progress"])
	}
	return out
}

// checkKnownFixtures checks fixtures whose answers are known, so the
// comparison is not between equally wrong results.
func checkKnownFixtures(t *testing.T, out map[string]drive.Outcome, version string) {
	t.Helper()
	want := map[string]string{
		"tool test_simple_text":             `"text":"This is a simple text response for testing."`,
		"tool add_numbers":                  `"structuredContent":{"sum":5.5}`,
		"tool test_error_handling":          `"isError":true`,
		"tool test_sampling":                `LLM response: Paris`,
		"tool test_elicitation":             `User response: `,
		"tool greet":                        `Ada`,
		"resource test://static-text":       `"uri":"test://static-text"`,
		"resource test://template/42/data":  `42`,
		"prompt test_prompt_with_arguments": `value-arg1`,
	}
	if version == runtime.Version20260728 {
		want["tool test_input_required_result_elicitation"] = `Hello, Ada!`
		want["tool test_input_required_result_sampling"] = `The model said: Paris`
		want["tool test_input_required_result_list_roots"] = `file:///srv/project`
		want["tool test_input_required_result_multi_round"] = `Ada likes Ada.`
		want["tool test_x_mcp_header"] = `us-west1`
	}
	for k, w := range want {
		if got := out[k].String(); !strings.Contains(got, w) {
			t.Errorf("%s = %s\nwant it to contain %s", k, got, w)
		}
	}
}
