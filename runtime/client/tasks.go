package client

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// extensionTasks is the 2026-07-28 tasks extension.
const extensionTasks = "io.modelcontextprotocol/tasks"

// task is a task as tools/call (resultType "task") and tasks/get answer
// it under 2026-07-28.
type task struct {
	ResultType     string          `json:"resultType"`
	TaskID         string          `json:"taskId"`
	Status         string          `json:"status"`
	StatusMessage  string          `json:"statusMessage"`
	PollIntervalMs int             `json:"pollIntervalMs"`
	Result         json.RawMessage `json:"result"`
	Error          *runtime.Error  `json:"error"`
	InputRequests  map[string]struct {
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
	} `json:"inputRequests"`
}

// Poll intervals: the server's suggestion, within these bounds.
const (
	minPoll = 10 * time.Millisecond
	maxPoll = 5 * time.Second
)

// awaitTask follows a 2026 task that tools/call answered with (raw) until
// it ends: it polls tasks/get, answers input requests with the client's
// handlers (tasks/update), and returns the tool's result, or the task's
// JSON-RPC error. When ctx ends first, it cancels the task (tasks/cancel).
// A raw result that is not a task is returned as is.
func (c *Client) awaitTask(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var t task
	if json.Unmarshal(raw, &t) != nil || t.ResultType != "task" {
		return raw, nil
	}
	id := t.TaskID
	if id == "" {
		return nil, fmt.Errorf("mcp client: the server answered with a task without a taskId")
	}
	answered := map[string]bool{}
	polled := false // tasks/get answered at least once (it inlines result and error)
	for {
		switch t.Status {
		case "completed":
			if len(t.Result) > 0 {
				return t.Result, nil
			}
			if polled {
				return nil, fmt.Errorf("mcp client: task %s completed without a result", id)
			}
		case "failed":
			if t.Error != nil {
				return nil, t.Error
			}
			if polled {
				return nil, fmt.Errorf("mcp client: task %s failed: %s", id, t.StatusMessage)
			}
		case "cancelled":
			return nil, fmt.Errorf("mcp client: task %s was cancelled: %s", id, t.StatusMessage)
		case "input_required":
			answers := map[string]json.RawMessage{}
			for key, req := range t.InputRequests {
				if answered[key] {
					continue
				}
				res, err := c.serve(ctx, req.Method, req.Params)
				if err != nil {
					c.cancelTask(ctx, id)
					return nil, fmt.Errorf("mcp client: task %s asked for %s, which this client cannot answer: %w", id, req.Method, err)
				}
				answers[key] = res
				answered[key] = true
			}
			if len(answers) > 0 {
				if err := c.call(ctx, "tasks/update", id, map[string]any{"taskId": id, "inputResponses": answers}, nil, nil); err != nil {
					return nil, c.taskFailed(ctx, id, err)
				}
			}
		}
		wait := min(max(time.Duration(t.PollIntervalMs)*time.Millisecond, minPoll), maxPoll)
		if t.Status == "completed" || t.Status == "failed" {
			wait = 0 // finished: fetch the payload at once
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			c.cancelTask(ctx, id)
			return nil, ctx.Err()
		}
		var next task
		if err := c.call(ctx, "tasks/get", id, map[string]any{"taskId": id}, &next, nil); err != nil {
			return nil, c.taskFailed(ctx, id, err)
		}
		t, polled = next, true
	}
}

// taskFailed cancels task id when a call about it failed because ctx
// ended, and returns err.
func (c *Client) taskFailed(ctx context.Context, id string, err error) error {
	if ctx.Err() != nil {
		c.cancelTask(ctx, id)
		return ctx.Err()
	}
	return err
}

// cancelTask sends tasks/cancel for id, giving up after a few seconds.
func (c *Client) cancelTask(ctx context.Context, id string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = c.call(cctx, "tasks/cancel", id, map[string]any{"taskId": id}, nil, nil)
}
