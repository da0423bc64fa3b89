package conformance

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// Fixtures of the conformance suite's tasks scenarios (the MCP tasks
// extension, run with --scenario tasks-... --force). Each is an ordinary
// tool function; task=optional or task=required lets the runtime run it
// in the background as a task, cancel its context on tasks/cancel, turn
// its Progress into the task's status message and its Elicit calls into
// the task's input requests.

// Greet is a synchronous tool (never a task).
//
//mcp:tool name=greet
func Greet(name string) (string, error) {
	return "Hello, " + name + "!", nil
}

// SlowComputeInput are the arguments of slow_compute.
type SlowComputeInput struct {
	// How long to work, in seconds (0 returns at once).
	Seconds float64 `json:"seconds" mcp:"min=0,max=3600"`
	// A label echoed in the result.
	Label string `json:"label,omitempty"`
}

// cancelledRuns counts slow_compute runs that saw their context cancelled
// (by tasks/cancel); tasks_cancelled_count reports it.
var cancelledRuns atomic.Int64

// SlowCompute works for the given number of seconds, reporting progress
// each second, then returns a result. Cancelling its task stops it.
//
//mcp:tool name=slow_compute task=optional
func SlowCompute(ctx context.Context, s *runtime.Session, in SlowComputeInput) (string, error) {
	deadline := time.Duration(in.Seconds * float64(time.Second))
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for time.Since(start) < deadline {
		left := deadline - time.Since(start)
		wait := time.NewTimer(left)
		select {
		case <-ctx.Done():
			wait.Stop()
			cancelledRuns.Add(1)
			return "", fmt.Errorf("slow_compute %q stopped: %w", in.Label, ctx.Err())
		case <-tick.C:
			done := time.Since(start).Seconds()
			_ = s.Progress(done, in.Seconds, fmt.Sprintf("computed %.0f of %g seconds", done, in.Seconds))
		case <-wait.C:
		}
		wait.Stop()
	}
	return fmt.Sprintf("Computed %q in %g seconds", in.Label, in.Seconds), nil
}

// TasksCancelledCount reports how many slow_compute runs saw their
// context cancelled, so a client can check that tasks/cancel reached the
// tool.
//
//mcp:tool name=tasks_cancelled_count readonly
func TasksCancelledCount() (int64, error) {
	return cancelledRuns.Load(), nil
}

// FailingJob fails after about a second with a tool error (a completed
// task whose result has isError). It runs only as a task.
//
//mcp:tool name=failing_job task=required
func FailingJob(ctx context.Context) (string, error) {
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return "", fmt.Errorf("the job failed: the input data is corrupt")
}

// ProtocolErrorJob fails with a JSON-RPC error (a failed task).
//
//mcp:tool name=protocol_error_job task=optional
func ProtocolErrorJob(ctx context.Context) (string, error) {
	return "", &runtime.Error{Code: runtime.CodeInternalError, Message: "internal error: the job's worker crashed"}
}

// confirmDeleteSchema asks for one boolean "confirm".
var confirmDeleteSchema = map[string]any{
	"type":       "object",
	"properties": map[string]any{"confirm": map[string]any{"type": "boolean"}},
	"required":   []string{"confirm"},
}

// ConfirmDelete asks the user to confirm, then reports what it did. As a
// task, the question is the task's input request.
//
//mcp:tool name=confirm_delete task=optional destructive
func ConfirmDelete(ctx context.Context, s *runtime.Session, filename string) (string, error) {
	res, err := s.Elicit(ctx, "Delete "+filename+"?", confirmDeleteSchema)
	if err != nil {
		return "", err
	}
	if res.Action == "accept" && res.Content["confirm"] == true {
		return "Deleted " + filename, nil
	}
	return "Kept " + filename + " (" + string(res.Action) + ")", nil
}

// MultiInput asks two questions at once (two input requests pending
// together) and completes when both are answered.
//
//mcp:tool name=multi_input task=optional
func MultiInput(ctx context.Context, s *runtime.Session) (string, error) {
	var wg sync.WaitGroup
	answers := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			res, err := s.Elicit(ctx, fmt.Sprintf("Question %d: your name?", i+1), nameSchema("name"))
			if err != nil {
				errs[i] = err
				return
			}
			answers[i] = describeElicitation(res)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return "", err
		}
	}
	return "Answers: " + answers[0] + "; " + answers[1], nil
}

// ToolWithTask asks for the user's name before it becomes a task (on
// 2026 requests: an input_required result, then a task once the client
// answers), then works for a second and greets.
//
//mcp:tool name=test_tool_with_task task=required
func ToolWithTask(ctx context.Context, s *runtime.Session) (string, error) {
	res, err := s.Elicit(runtime.BeforeTask(runtime.WithInputKey(ctx, "user_name")), "What is your name?", nameSchema("name"))
	if err != nil {
		return "", err
	}
	name, _ := res.Content["name"].(string)
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return "Hello, " + name + "!", nil
}
