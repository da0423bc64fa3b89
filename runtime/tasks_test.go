package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

// taskDef has task tools of each kind: a blocking one (released by its
// gate or cancelled), a quick one, one that asks the user, a required one
// and a sync one.
func taskDef(gate chan struct{}, sawCancel *atomic.Int64) *Definition {
	return &Definition{
		Name: "tasks", Version: "1",
		Tools: []*Tool{
			{Name: "block", TaskSupport: TaskOptional, Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				g := gate
				if strings.Contains(string(c.Arguments), "forever") {
					g = nil // only cancellation ends it
				}
				select {
				case <-g:
					return TextResult("released"), nil
				case <-ctx.Done():
					sawCancel.Add(1)
					return nil, ctx.Err()
				}
			}},
			{Name: "quick", TaskSupport: TaskOptional, Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				_ = c.Session.Progress(1, 2, "half way")
				return TextResult("quick " + string(c.Arguments)), nil
			}},
			{Name: "ask", TaskSupport: TaskOptional, Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				r, err := c.Session.Elicit(WithInputKey(ctx, "who"), "Who?", map[string]any{"type": "object"})
				if err != nil {
					return nil, err
				}
				return TextResult(fmt.Sprint("hello ", r.Content["name"])), nil
			}},
			{Name: "only_task", TaskSupport: TaskRequired, Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return TextResult("done"), nil
			}},
			{Name: "fail", TaskSupport: TaskOptional, Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				return nil, &Error{Code: CodeInternalError, Message: "broken"}
			}},
			{Name: "pre", TaskSupport: TaskRequired, Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
				r, err := c.Session.Elicit(BeforeTask(WithInputKey(ctx, "name")), "Name?", map[string]any{"type": "object"})
				if err != nil {
					return nil, err
				}
				return TextResult(fmt.Sprint("hi ", r.Content["name"])), nil
			}},
			{Name: "sync", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) { return TextResult("sync"), nil }},
		},
	}
}

func newTaskServer(t *testing.T, opts ...Option) (*Server, chan struct{}, *atomic.Int64) {
	t.Helper()
	gate := make(chan struct{})
	var saw atomic.Int64
	s, err := NewServer(taskDef(gate, &saw), append([]Option{WithLogger(quietLogger())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-gate:
		default:
			close(gate)
		}
		_ = s.Shutdown(context.Background())
	})
	return s, gate, &saw
}

const tasksCaps = `{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}`

// modernTask sends a 2026 request declaring the extension (or not).
func modernTaskReq(t *testing.T, ctx context.Context, s *Server, caps, method, name, params string) map[string]any {
	t.Helper()
	if params == "" {
		params = "{" + meta(caps) + "}"
	} else {
		params = "{" + meta(caps) + "," + params + "}"
	}
	_, m := modernCtx(ctx, t, s, modernHeader(method, name), nil, 1, method, params)
	return m
}

func waitStatus(t *testing.T, get func() map[string]any, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := get()
		if r["status"] == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %v, want %s: %v", r["status"], want, r)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestModernTaskLifecycle(t *testing.T) {
	s, gate, saw := newTaskServer(t)
	ctx := context.Background()
	get := func(id string) func() map[string]any {
		return func() map[string]any {
			return result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)))
		}
	}

	// Discover advertises the extension, not a v1 tasks slot.
	disc := result(t, modernTaskReq(t, ctx, s, "{}", "server/discover", "", ""))
	caps := disc["capabilities"].(map[string]any)
	if _, ok := caps["extensions"].(map[string]any)[ExtensionTasks]; !ok || caps["tasks"] != nil {
		t.Fatalf("capabilities: %v", caps)
	}

	created := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "block", `"name":"block"`))
	id, _ := created["taskId"].(string)
	if created["resultType"] != "task" || created["status"] != "working" || id == "" || created["ttlMs"] != float64(DefaultTaskTTL.Milliseconds()) {
		t.Fatalf("CreateTaskResult: %v", created)
	}
	if r := get(id)(); r["resultType"] != "complete" || r["status"] != "working" || r["result"] != nil {
		t.Fatalf("tasks/get while working: %v", r)
	}
	close(gate)
	done := waitStatus(t, get(id), "completed")
	if textOf(done["result"].(map[string]any)) != "released" {
		t.Fatalf("completed: %v", done)
	}

	// A quick one: progress became the status message, result inlined.
	q := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "quick", `"name":"quick","arguments":{"x":1}`))
	qd := waitStatus(t, get(q["taskId"].(string)), "completed")
	if qd["statusMessage"] != "half way" || textOf(qd["result"].(map[string]any)) != `quick {"x":1}` {
		t.Fatalf("quick: %v", qd)
	}

	// A protocol error: failed with the error inlined, no result.
	f := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "fail", `"name":"fail"`))
	fd := waitStatus(t, get(f["taskId"].(string)), "failed")
	if fd["result"] != nil || fd["error"].(map[string]any)["message"] != "broken" {
		t.Fatalf("failed: %v", fd)
	}

	// Cancellation: empty ack, cancelled at once, the tool sees it, and a
	// second cancel is the same ack.
	b := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "block", `"name":"block","arguments":{"forever":true}`))
	bid := b["taskId"].(string)
	for range 2 {
		if ack := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/cancel", bid, `"taskId":`+quote(bid))); jsonOf(ack) != `{"resultType":"complete"}` {
			t.Fatalf("cancel ack: %v", ack)
		}
	}
	if r := get(bid)(); r["status"] != "cancelled" {
		t.Fatalf("after cancel: %v", r)
	}
	// The blocking tool of the first task was released, not cancelled;
	// this one must see its context end.
	deadline := time.Now().Add(10 * time.Second)
	for saw.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the cancelled tool never saw its context end")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Unknown ids: -32602; without the extension: -32021.
	if m := modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", "nope", `"taskId":"nope"`); errCode(m) != CodeInvalidParams {
		t.Fatalf("unknown: %v", m)
	}
	if m := modernTaskReq(t, ctx, s, "{}", "tasks/get", id, `"taskId":`+quote(id)); errCode(m) != CodeMissingClientCapability {
		t.Fatalf("undeclared: %v", m)
	}
	// Mcp-Name must name the task.
	if _, m := modernCtx(ctx, t, s, modernHeader("tasks/get", "other"), nil, 1, "tasks/get", "{"+meta(tasksCaps)+`,"taskId":`+quote(id)+"}"); errCode(m) != CodeHeaderMismatch {
		t.Fatalf("Mcp-Name mismatch: %v", m)
	}
	// Without the extension: optional runs synchronously, required is -32021.
	if r := result(t, modernTaskReq(t, ctx, s, "{}", "tools/call", "quick", `"name":"quick"`)); r["resultType"] != "complete" || r["taskId"] != nil {
		t.Fatalf("optional without extension: %v", r)
	}
	m := modernTaskReq(t, ctx, s, "{}", "tools/call", "only_task", `"name":"only_task"`)
	if errCode(m) != CodeMissingClientCapability || !strings.Contains(jsonOf(m["error"]), ExtensionTasks) {
		t.Fatalf("required without extension: %v", m)
	}
	// A sync tool never becomes a task, whatever the client says.
	if r := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "sync", `"name":"sync","task":{"ttl":5}`)); r["resultType"] != "complete" {
		t.Fatalf("sync tool: %v", r)
	}
}

func TestModernTaskInput(t *testing.T) {
	s, _, _ := newTaskServer(t)
	ctx := context.Background()
	created := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "ask", `"name":"ask"`))
	id := created["taskId"].(string)
	get := func() map[string]any {
		return result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)))
	}
	r := waitStatus(t, get, "input_required")
	req := r["inputRequests"].(map[string]any)["who"].(map[string]any)
	if req["method"] != "elicitation/create" {
		t.Fatalf("inputRequests: %v", r)
	}
	// Unknown keys are ignored; a malformed inputResponses is -32602.
	upd := func(responses string) map[string]any {
		return modernTaskReq(t, ctx, s, tasksCaps, "tasks/update", id, `"taskId":`+quote(id)+`,"inputResponses":`+responses)
	}
	if ack := result(t, upd(`{"nope":{}}`)); jsonOf(ack) != `{"resultType":"complete"}` {
		t.Fatalf("ack: %v", ack)
	}
	if m := upd(`[1]`); errCode(m) != CodeInvalidParams {
		t.Fatalf("bad inputResponses: %v", m)
	}
	result(t, upd(`{"who":{"action":"accept","content":{"name":"Ann"}}}`))
	done := waitStatus(t, get, "completed")
	if textOf(done["result"].(map[string]any)) != "hello Ann" {
		t.Fatalf("done: %v", done)
	}
}

func TestTaskOwnership(t *testing.T) {
	s, _, _ := newTaskServer(t)
	alice := WithPrincipal(context.Background(), "alice")
	bob := WithPrincipal(context.Background(), "bob")
	created := result(t, modernTaskReq(t, alice, s, tasksCaps, "tools/call", "quick", `"name":"quick"`))
	id := created["taskId"].(string)
	for _, method := range []string{"tasks/get", "tasks/cancel", "tasks/update"} {
		if m := modernTaskReq(t, bob, s, tasksCaps, method, id, `"taskId":`+quote(id)+`,"inputResponses":{}`); errCode(m) != CodeInvalidParams {
			t.Fatalf("%s by another caller: %v", method, m)
		}
	}
	if m := modernTaskReq(t, alice, s, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)); m["result"] == nil {
		t.Fatalf("owner: %v", m)
	}
}

func TestTaskLimits(t *testing.T) {
	s, gate, _ := newTaskServer(t, WithTaskLimits(3, 2))
	ctx := func(who string) context.Context { return WithPrincipal(context.Background(), who) }
	start := func(who string) map[string]any {
		return modernTaskReq(t, ctx(who), s, tasksCaps, "tools/call", "block", `"name":"block"`)
	}
	result(t, start("a"))
	result(t, start("a"))
	m := start("a")
	if errCode(m) != CodeTooManyTasks || !strings.Contains(errMsg(m), "limit per caller") {
		t.Fatalf("per-caller cap: %v", m)
	}
	result(t, start("b"))
	m = start("c")
	if errCode(m) != CodeTooManyTasks || !strings.Contains(errMsg(m), "MCPGEN_TASKS_MAX_RUNNING") {
		t.Fatalf("server cap: %v", m)
	}
	if s.RunningTasks() != 3 {
		t.Fatalf("running %d, want 3", s.RunningTasks())
	}
	close(gate)
	deadline := time.Now().Add(10 * time.Second)
	for s.RunningTasks() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("still running: %d", s.RunningTasks())
		}
		time.Sleep(10 * time.Millisecond)
	}
	result(t, start("c")) // room again
}

func TestLegacyTasks(t *testing.T) {
	s, gate, _ := newTaskServer(t)
	c := initConn(t, s, `{}`)
	out := &fakeOut{}
	release, ok := c.SetStandalone(out)
	if !ok {
		t.Fatal("standalone stream refused")
	}
	defer release()

	caps := result(t, request(t, s, initConnCaps(t, s), nil, 1, "tools/list", ""))
	for _, tool := range caps["tools"].([]any) {
		tm := tool.(map[string]any)
		if tm["name"] == "only_task" && jsonOf(tm["execution"]) != `{"taskSupport":"required"}` {
			t.Fatalf("execution: %v", tm)
		}
	}
	if m := request(t, s, c, nil, 2, "tools/call", `{"name":"only_task"}`); errCode(m) != CodeMethodNotFound {
		t.Fatalf("required without task: %v", m)
	}
	if m := request(t, s, c, nil, 3, "tools/call", `{"name":"sync","task":{}}`); errCode(m) != CodeMethodNotFound {
		t.Fatalf("forbidden with task: %v", m)
	}
	created := result(t, request(t, s, c, nil, 4, "tools/call", `{"name":"block","task":{"ttl":60000}}`))
	task := created["task"].(map[string]any)
	id := task["taskId"].(string)
	if task["status"] != "working" || task["ttl"] != float64(60000) {
		t.Fatalf("CreateTaskResult: %v", created)
	}
	list := result(t, request(t, s, c, nil, 5, "tasks/list", ""))
	if len(list["tasks"].([]any)) != 1 {
		t.Fatalf("tasks/list: %v", list)
	}
	other := s.NewConn(ConnConfig{ID: "sess-2"})
	request(t, s, other, nil, 0, "initialize", `{"protocolVersion":"2025-11-25","capabilities":{}}`)
	if l := result(t, request(t, s, other, nil, 6, "tasks/list", "")); len(l["tasks"].([]any)) != 0 {
		t.Fatalf("another anonymous session lists: %v", l)
	}
	// tasks/result blocks until the task is done.
	got := make(chan map[string]any, 1)
	go func() { got <- request(t, s, c, nil, 7, "tasks/result", `{"taskId":`+quote(id)+`}`) }()
	select {
	case m := <-got:
		t.Fatalf("tasks/result answered before the task ended: %v", m)
	case <-time.After(50 * time.Millisecond):
	}
	close(gate)
	res := result(t, <-got)
	if textOf(res) != "released" || jsonOf(res["_meta"]) != `{"io.modelcontextprotocol/related-task":{"taskId":"`+id+`"}}` {
		t.Fatalf("tasks/result: %v", res)
	}
	if m := request(t, s, c, nil, 8, "tasks/cancel", `{"taskId":`+quote(id)+`}`); errCode(m) != CodeInvalidParams {
		t.Fatalf("cancel of a completed task: %v", m)
	}
	statuses := 0
	for _, m := range out.messages() {
		if m["method"] == "notifications/tasks/status" {
			statuses++
		}
	}
	if statuses == 0 {
		t.Fatal("no notifications/tasks/status on the session's stream")
	}
	f := result(t, request(t, s, c, nil, 9, "tools/call", `{"name":"fail","task":{}}`))
	fid := f["task"].(map[string]any)["taskId"].(string)
	if m := request(t, s, c, nil, 10, "tasks/result", `{"taskId":`+quote(fid)+`}`); errMsg(m) != "broken" {
		t.Fatalf("tasks/result of a failed task: %v", m)
	}
}

// initConnCaps is an initialized session (for listing).
func initConnCaps(t *testing.T, s *Server) *Conn { return initConn(t, s, `{}`) }

func TestTaskOrphanedAndTTL(t *testing.T) {
	store := NewMemoryTaskStore()
	now := time.Now()
	store.now = func() time.Time { return now }
	s, _, _ := newTaskServer(t, WithTaskStore(store))
	ctx := context.Background()
	// A task another replica ran, whose heartbeat stopped.
	old := now.Add(-time.Minute)
	if err := store.CreateTask(ctx, &TaskRecord{ID: "orphan", Tool: "block", Modern: true, Status: TaskWorking, CreatedAt: old, UpdatedAt: old, TTL: time.Hour, Replica: "gone", Heartbeat: old}); err != nil {
		t.Fatal(err)
	}
	r := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", "orphan", `"taskId":"orphan"`))
	if r["status"] != "failed" || !strings.Contains(jsonOf(r["error"]), "stopped") {
		t.Fatalf("orphan: %v", r)
	}
	// One whose replica still beats stays working.
	if err := store.CreateTask(ctx, &TaskRecord{ID: "alive", Tool: "block", Modern: true, Status: TaskWorking, CreatedAt: old, UpdatedAt: old, TTL: time.Hour, Replica: "other", Heartbeat: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if r := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", "alive", `"taskId":"alive"`)); r["status"] != "working" {
		t.Fatalf("alive: %v", r)
	}
	// Past its TTL, a terminal task is dropped.
	now = now.Add(2 * time.Hour)
	if _, err := store.GetTask(ctx, "orphan"); !errors.Is(err, ErrTaskNotFound) {
		t.Fatalf("expired task still there: %v", err)
	}
	if m := modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", "orphan", `"taskId":"orphan"`); errCode(m) != CodeInvalidParams {
		t.Fatalf("expired: %v", m)
	}
}

func TestTaskRecordRoundTrip(t *testing.T) {
	rec := &TaskRecord{ID: "x", Status: TaskFailed, Error: &Error{Code: -1, Message: "m"}, Result: json.RawMessage(`{"a":1}`), TTL: time.Second, CreatedAt: time.Unix(1, 0).UTC()}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back TaskRecord
	if err := json.Unmarshal(b, &back); err != nil || jsonOf(back) != jsonOf(rec) {
		t.Fatalf("round trip: %s vs %s (%v)", jsonOf(back), jsonOf(rec), err)
	}
}

// FuzzTaskMethods feeds arbitrary params to the task methods of both
// eras: an answer or a JSON-RPC error, never a panic.
func FuzzTaskMethods(f *testing.F) {
	for _, seed := range []string{`{"taskId":"x"}`, `{"taskId":1}`, `{"taskId":"x","inputResponses":{"a":null}}`, `{"inputResponses":[1]}`, `null`, `{"cursor":{}}`} {
		f.Add(seed)
	}
	gate := make(chan struct{})
	close(gate)
	var saw atomic.Int64
	s, err := NewServer(taskDef(gate, &saw), WithLogger(quietLogger()))
	if err != nil {
		f.Fatal(err)
	}
	c := s.NewConn(ConnConfig{ID: "f", Stateless: true})
	f.Fuzz(func(t *testing.T, params string) {
		if !json.Valid([]byte(params)) {
			return
		}
		for _, m := range []string{"tasks/get", "tasks/update", "tasks/cancel"} {
			if _, err := s.modernTaskMethod(context.Background(), m, json.RawMessage(params)); err == nil && m == "tasks/get" {
				t.Fatalf("%s %s: a task that does not exist", m, params)
			}
		}
		for _, m := range []string{"tasks/get", "tasks/list", "tasks/cancel", "tasks/result"} {
			_, _ = s.legacyTaskMethod(context.Background(), c, m, json.RawMessage(params))
		}
	})
}

// mapKV is a TaskKV in a map, standing in for the shared state store.
type mapKV struct {
	mu sync.Mutex
	m  map[string][]byte
}

var errNoKey = errors.New("no such key")

func (k *mapKV) Get(_ context.Context, key string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[key]
	if !ok {
		return nil, errNoKey
	}
	return append([]byte(nil), v...), nil
}

func (k *mapKV) Add(_ context.Context, key string, val []byte, _ time.Duration) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[key]; ok {
		return false, nil
	}
	k.m[key] = append([]byte(nil), val...)
	return true, nil
}

func (k *mapKV) CompareAndSwap(_ context.Context, key string, old, val []byte, _ time.Duration) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if cur, ok := k.m[key]; !ok || string(cur) != string(old) {
		return false, nil
	}
	k.m[key] = append([]byte(nil), val...)
	return true, nil
}

func (k *mapKV) Delete(_ context.Context, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, key)
	return nil
}

func (k *mapKV) List(_ context.Context, prefix string) ([]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for key := range k.m {
		if strings.HasPrefix(key, prefix) {
			out = append(out, key)
		}
	}
	return out, nil
}

// TestTasksAcrossReplicas runs two servers over one shared store: a task
// started through one is polled, answered and cancelled through the
// other, and a task whose replica stopped is reported failed.
func TestTasksAcrossReplicas(t *testing.T) {
	saved := heartbeatEvery
	heartbeatEvery = 20 * time.Millisecond
	defer func() { heartbeatEvery = saved }()
	t.Run("shared KV", func(t *testing.T) {
		kv := &mapKV{m: map[string][]byte{}}
		tasksAcrossReplicas(t, func() Option { return WithTaskStore(NewKVTaskStore(kv, errNoKey)) })
	})
	t.Run("redis", func(t *testing.T) {
		srv := storetest.StartRedis(t)
		tasksAcrossReplicas(t, func() Option { return WithStoreURL(srv.URL) })
	})
}

func tasksAcrossReplicas(t *testing.T, store func() Option) {
	a, _, sawA := newTaskServer(t, store())
	b, _, _ := newTaskServer(t, store())
	ctx := context.Background()
	getOn := func(s *Server, id string) func() map[string]any {
		return func() map[string]any {
			return result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)))
		}
	}

	askOnAnswerOn(t, a, b)

	// Started on a, cancelled through b: a's tool sees its context end.
	blk := result(t, modernTaskReq(t, ctx, a, tasksCaps, "tools/call", "block", `"name":"block","arguments":{"forever":true}`))
	bid := blk["taskId"].(string)
	if r := getOn(b, bid)(); r["status"] != "working" {
		t.Fatalf("polled through b: %v", r)
	}
	result(t, modernTaskReq(t, ctx, b, tasksCaps, "tasks/cancel", bid, `"taskId":`+quote(bid)))
	deadline := time.Now().Add(10 * time.Second)
	for sawA.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the tool on replica a never saw the cancellation made through b")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r := getOn(a, bid)(); r["status"] != "cancelled" {
		t.Fatalf("after cancel: %v", r)
	}

	// Replica a stops beating: its running task is failed when b looks.
	orphan := result(t, modernTaskReq(t, ctx, a, tasksCaps, "tools/call", "block", `"name":"block","arguments":{"forever":true}`))
	oid := orphan["taskId"].(string)
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	r := waitStatus(t, getOn(b, oid), "failed")
	if !strings.Contains(jsonOf(r["error"]), "stopped") {
		t.Fatalf("orphaned: %v", r)
	}
}

// TestModernTaskAfterInput: a question asked with BeforeTask is answered
// through input_required on the tools/call itself; the retry with the
// answer becomes the task.
func TestModernTaskAfterInput(t *testing.T) {
	s, _, _ := newTaskServer(t)
	ctx := context.Background()
	first := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "pre", `"name":"pre"`))
	state, _ := first["requestState"].(string)
	if first["resultType"] != "input_required" || first["taskId"] != nil || state == "" {
		t.Fatalf("round 1: %v", first)
	}
	if _, ok := first["inputRequests"].(map[string]any)["name"]; !ok {
		t.Fatalf("round 1 asks: %v", first)
	}
	second := result(t, modernTaskReq(t, ctx, s, tasksCaps, "tools/call", "pre", `"name":"pre","requestState":`+quote(state)+`,"inputResponses":{"name":{"action":"accept","content":{"name":"Cy"}}}`))
	id, _ := second["taskId"].(string)
	if second["resultType"] != "task" || id == "" || second["requestState"] != nil || second["inputRequests"] != nil {
		t.Fatalf("round 2: %v", second)
	}
	done := waitStatus(t, func() map[string]any {
		return result(t, modernTaskReq(t, ctx, s, tasksCaps, "tasks/get", id, `"taskId":`+quote(id)))
	}, "completed")
	if textOf(done["result"].(map[string]any)) != "hi Cy" {
		t.Fatalf("result: %v", done)
	}
	if n := s.TaskStore().(*MemoryTaskStore).Len(); n != 1 {
		t.Fatalf("%d task records, want 1 (round 1 made none)", n)
	}
}
