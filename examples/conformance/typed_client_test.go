package conformance_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/examples/conformance"
	"github.com/mcpgen/mcpgen/examples/conformance/drive"
	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver/client"
	"github.com/mcpgen/mcpgen/runtime"
)

// TestTypedClient calls the fixtures through the generated client, with
// the package's own Go types, in process and over Streamable HTTP (both
// eras).
func TestTypedClient(t *testing.T) {
	for _, tc := range []struct{ name, version string }{
		{"in-process", ""}, {"in-process", runtime.Version20251125}, {"http", ""}, {"http", runtime.Version20251125},
	} {
		t.Run(tc.name+"/"+tc.version, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			opts := drive.Options(nil)
			opts.ProtocolVersion = tc.version
			var tr client.Transport
			if tc.name == "http" {
				tr = client.HTTP(serveHTTP(t) + "/mcp")
			} else {
				srv, err := mcpserver.New()
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Shutdown(context.Background())
				tr = client.InProcess(srv)
			}
			c, err := client.Connect(ctx, tr, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()

			sum, err := c.AddNumbers(ctx, conformance.AddInput{A: 2, B: 40})
			if err != nil || sum.Sum != 42 {
				t.Errorf("AddNumbers = %+v, %v", sum, err)
			}
			text, err := c.TestSimpleText(ctx)
			if err != nil || text != "This is a simple text response for testing." {
				t.Errorf("TestSimpleText = %q, %v", text, err)
			}
			hello, err := c.Greet(ctx, "Ada")
			if err != nil || !strings.Contains(hello, "Ada") {
				t.Errorf("Greet = %q, %v", hello, err)
			}
			// A process-wide counter that other tests of this package move.
			if n, err := c.TasksCancelledCount(ctx); err != nil {
				t.Errorf("TasksCancelledCount = %d, %v", n, err)
			}
			_, err = c.TestErrorHandling(ctx)
			var te *client.ToolError
			if !errors.As(err, &te) || !strings.Contains(te.Text, "intentionally returns an error") {
				t.Errorf("TestErrorHandling: err = %v, want a *ToolError", err)
			}
			_, err = c.FailingJob(ctx) // task=required, and this client runs no tasks
			var re *runtime.Error
			if !errors.As(err, &re) {
				t.Errorf("FailingJob: err = %v, want a *runtime.Error", err)
			}
			var steps atomic.Int64
			if _, err := c.TestToolWithProgress(ctx, client.WithProgress(func(p client.Progress) { steps.Add(1) })); err != nil || steps.Load() != 3 {
				t.Errorf("TestToolWithProgress: %v, %d progress notifications", err, steps.Load())
			}
			rec, err := c.ReadTemplateData(ctx, "a b/7")
			if err != nil || rec.ID != "a b/7" || !rec.TemplateTest {
				t.Errorf("ReadTemplateData = %+v, %v", rec, err)
			}
			blob, err := c.ReadStaticBinary(ctx)
			if err != nil || len(blob) == 0 {
				t.Errorf("ReadStaticBinary = %d bytes, %v", len(blob), err)
			}
			p, err := c.PromptTestPromptWithArguments(ctx, conformance.PromptArgs{Arg1: "one", Arg2: "two"})
			if err != nil || len(p.Messages) == 0 || !strings.Contains(p.Messages[0].Content.Text, "one") {
				t.Errorf("PromptTestPromptWithArguments = %+v, %v", p, err)
			}
			answer, err := c.TestSampling(ctx, conformance.SamplingInput{Prompt: "Capital of France?"})
			if err != nil || answer != "LLM response: Paris" {
				t.Errorf("TestSampling = %q, %v", answer, err)
			}
		})
	}
}

// Example-style check that Client embeds the untyped client.
var _ = func(c *client.Client) error { return c.Close() }

// TestTypedClientTasks: with Options.Tasks, task tools run as 2026 tasks
// that the client follows to their end: results, tool errors, JSON-RPC
// errors, input requests, and cancellation when the call's context ends.
func TestTypedClientTasks(t *testing.T) {
	for _, tr := range []string{"in-process", "http"} {
		t.Run(tr, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			opts := drive.Options(nil)
			opts.Tasks = true
			var transport client.Transport
			if tr == "http" {
				transport = client.HTTP(serveHTTP(t) + "/mcp")
			} else {
				srv, err := mcpserver.New()
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Shutdown(context.Background())
				transport = client.InProcess(srv)
			}
			c, err := client.Connect(ctx, transport, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.ProtocolVersion() != runtime.Version20260728 {
				t.Fatalf("negotiated %s", c.ProtocolVersion())
			}

			out, err := c.SlowCompute(ctx, conformance.SlowComputeInput{Seconds: 0, Label: "now"})
			if err != nil || out != `Computed "now" in 0 seconds` {
				t.Errorf("SlowCompute = %q, %v", out, err)
			}
			_, err = c.FailingJob(ctx) // task=required: possible only as a task
			var te *client.ToolError
			if !errors.As(err, &te) || !strings.Contains(te.Text, "the input data is corrupt") {
				t.Errorf("FailingJob: %v, want a *ToolError", err)
			}
			_, err = c.ProtocolErrorJob(ctx)
			var re *runtime.Error
			if !errors.As(err, &re) || re.Code != runtime.CodeInternalError {
				t.Errorf("ProtocolErrorJob: %v, want the failed task's *runtime.Error", err)
			}
			out, err = c.TestToolWithTask(ctx) // asks before it becomes a task (input_required on tools/call)
			if err != nil || out != "Hello, Ada!" {
				t.Errorf("TestToolWithTask = %q, %v", out, err)
			}
			out, err = c.ConfirmDelete(ctx, "a.txt") // the task asks; Elicit answers confirm=true
			if err != nil || out != "Deleted a.txt" {
				t.Errorf("ConfirmDelete = %q, %v", out, err)
			}

			before, err := c.TasksCancelledCount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			short, stop := context.WithTimeout(ctx, 300*time.Millisecond)
			_, err = c.SlowCompute(short, conformance.SlowComputeInput{Seconds: 60, Label: "long"})
			stop()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("SlowCompute with a short context: %v, want context.DeadlineExceeded", err)
			}
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				n, err := c.TasksCancelledCount(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n > before {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("tasks/cancel did not reach slow_compute")
				}
			}
		})
	}
}
