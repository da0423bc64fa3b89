package runtime

import (
	"context"
	"encoding/json"
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

// TestListenAcrossReplicas: a 2026 listen stream held by one replica is
// told about list and resource changes made on another, once.
func TestListenAcrossReplicas(t *testing.T) {
	srv := storetest.StartRedis(t)
	a := newTestServer(t, WithStoreURL(srv.URL))
	b := newTestServer(t, WithStoreURL(srv.URL))
	t.Cleanup(func() { a.Shutdown(context.Background()); b.Shutdown(context.Background()) })
	out := &fakeOut{sent: make(chan []byte, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		modernCtx(ctx, t, a, modernHeader("subscriptions/listen", ""), out, 9, "subscriptions/listen",
			`{`+meta("{}")+`,"notifications":{"toolsListChanged":true,"resourceSubscriptions":["mem://readme"]}}`)
	}()
	next := func() string {
		select {
		case m := <-out.sent:
			var n struct{ Method string }
			json.Unmarshal(m, &n)
			return n.Method
		case <-time.After(10 * time.Second):
			t.Fatal("no notification")
			return ""
		}
	}
	if m := next(); m != "notifications/subscriptions/acknowledged" {
		t.Fatalf("first message %s", m)
	}
	b.NotifyPromptListChanged() // not asked for
	b.NotifyToolListChanged()
	if m := next(); m != "notifications/tools/list_changed" {
		t.Fatalf("after a tool change on b: %s", m)
	}
	b.NotifyResourceUpdated("mem://readme")
	if m := next(); m != "notifications/resources/updated" {
		t.Fatalf("after a resource update on b: %s", m)
	}
	a.NotifyToolListChanged() // delivered once, not echoed back
	if m := next(); m != "notifications/tools/list_changed" {
		t.Fatalf("after a tool change on a: %s", m)
	}
	select {
	case m := <-out.sent:
		t.Fatalf("unexpected %s", m)
	case <-time.After(300 * time.Millisecond):
	}
}
