package runtime

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

// TestStoreFileKeepsTasks: with MCPGEN_STORE=file://DIR a finished task
// and its result outlive the process that ran it.
func TestStoreFileKeepsTasks(t *testing.T) {
	url := "file://" + t.TempDir()
	ctx := context.Background()
	a, _, _ := newTaskServer(t, WithStoreURL(url))
	if _, ok := a.Store().(*store.File); !ok {
		t.Fatalf("the server's store is %T, want the file store", a.Store())
	}
	q := result(t, modernTaskReq(t, ctx, a, tasksCaps, "tools/call", "quick", `"name":"quick","arguments":{"n":7}`))
	id := q["taskId"].(string)
	get := func(s *Server) func() map[string]any {
		return func() map[string]any {
			return result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)))
		}
	}
	waitStatus(t, get(a), "completed")
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	b, _, _ := newTaskServer(t, WithStoreURL(url))
	r := get(b)()
	if r["status"] != "completed" || textOf(r["result"].(map[string]any)) != `quick {"n":7}` {
		t.Fatalf("the task after a restart: %v", r)
	}
}

// TestStoreRedisTasks: two servers opening one real Redis share their
// tasks; while Redis is down a request that needs it gets a 503 naming
// the store, and the server recovers by itself when Redis returns.
func TestStoreRedisTasks(t *testing.T) {
	srv := storetest.StartRedis(t)
	ctx := context.Background()
	a, _, _ := newTaskServer(t, WithStoreURL(srv.URL))
	b, _, _ := newTaskServer(t, WithStoreURL(srv.URL))
	if a.Store() == b.Store() {
		t.Fatal("the replicas share one Go value: the test proves nothing")
	}
	aid := askOnAnswerOn(t, a, b)
	if keys, err := a.Store().List(ctx, "task/"); err != nil || len(keys) != 1 {
		t.Fatalf("task keys in Redis: %q, %v", keys, err)
	}

	srv.Stop()
	status, m := modernCtx(ctx, t, b, modernHeader("tasks/get", aid), nil, 1, "tasks/get", "{"+meta(tasksCaps)+`,"taskId":`+quote(aid)+"}")
	msg := jsonOf(m["error"])
	if status != http.StatusServiceUnavailable || !strings.Contains(msg, "state store is unavailable") || !strings.Contains(msg, srv.URL) {
		t.Fatalf("tasks/get while Redis is down: %d %s", status, msg)
	}
	srv.Start() // empty: nothing is persisted
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, m := modernCtx(ctx, t, b, modernHeader("tools/call", "quick"), nil, 1, "tools/call", "{"+meta(tasksCaps)+`,"name":"quick"}`)
		if status == http.StatusOK && m["result"] != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after Redis returned: %d %v", status, m)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// askOnAnswerOn starts a task asking for input on a, answers it through
// b and checks the result; it returns the task's id.
func askOnAnswerOn(t *testing.T, a, b *Server) string {
	t.Helper()
	ctx := context.Background()
	asked := result(t, modernTaskReq(t, ctx, a, tasksCaps, "tools/call", "ask", `"name":"ask"`))
	id := asked["taskId"].(string)
	getOnB := func() map[string]any {
		return result(t, modernTaskReq(t, ctx, b, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)))
	}
	waitStatus(t, getOnB, "input_required")
	result(t, modernTaskReq(t, ctx, b, tasksCaps, "tasks/update", id, `"taskId":`+quote(id)+`,"inputResponses":{"who":{"action":"accept","content":{"name":"Bo"}}}`))
	if r := waitStatus(t, getOnB, "completed"); textOf(r["result"].(map[string]any)) != "hello Bo" {
		t.Fatalf("answered across replicas: %v", r)
	}
	return id
}
