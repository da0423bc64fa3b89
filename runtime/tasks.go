package runtime

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	storepkg "github.com/mcpgen/mcpgen/runtime/store"
)

// Long-running tools as tasks (the MCP tasks extension,
// io.modelcontextprotocol/tasks, on 2026-07-28; the experimental tasks of
// 2025-11-25 on that version). A tool declared with TaskSupport runs in
// the background when the client allows it: tools/call answers at once
// with a task handle, the client polls tasks/get (and, on 2025, waits
// with tasks/result or lists with tasks/list), answers the task's input
// requests (tasks/update on 2026) and may cancel it (tasks/cancel),
// which cancels the tool's context. The tool function is unchanged: the
// runtime gives it a context that outlives the HTTP request, and a
// Session whose Progress messages become the task's statusMessage and
// whose Elicit, CreateMessage and ListRoots calls put the task in
// input_required until the client answers.
//
// Task state lives in a TaskStore (memory by default) as plain records,
// with the replica that runs the task and a heartbeat, so that a store
// shared by replicas can answer for a task running elsewhere and report
// a task whose replica died as failed.

// TaskSupport says whether a tool may run as a task.
type TaskSupport string

const (
	// TaskNone: the tool always runs synchronously (the default).
	TaskNone TaskSupport = ""
	// TaskOptional: the tool runs as a task when the client allows it,
	// synchronously otherwise.
	TaskOptional TaskSupport = "optional"
	// TaskRequired: the tool runs only as a task; a client that does not
	// support tasks gets an error.
	TaskRequired TaskSupport = "required"
)

// ExtensionTasks is the identifier of the tasks extension in
// capabilities.extensions.
const ExtensionTasks = "io.modelcontextprotocol/tasks"

// metaRelatedTask is the 2025-11-25 _meta key tying a message to a task.
const metaRelatedTask = "io.modelcontextprotocol/related-task"

// Defaults of the task settings; see Config.
const (
	DefaultMaxRunningTasks   = 1000
	DefaultMaxTasksPerCaller = 100
	DefaultTaskTTL           = time.Hour
	DefaultTaskPollInterval  = 500 * time.Millisecond
	// TaskHeartbeat is how often a replica records that its tasks are
	// still running; a running task without a heartbeat for three times
	// as long is reported failed.
	TaskHeartbeat = 5 * time.Second
)

// taskGrace is how long a 2026 tools/call that may become a task waits
// before answering with the task: a tool that finishes sooner still
// answers with a (completed) task, and one that asks for input with a
// BeforeTask context in that time answers input_required instead.
const taskGrace = 50 * time.Millisecond

type beforeTaskCtx struct{}

// BeforeTask marks ctx so that Session.Elicit, CreateMessage or ListRoots
// made with it, at the start of a task tool on a 2026-07-28 request, are
// answered before the task exists: the tools/call itself answers
// input_required (the multi round-trip flow) and is retried with the
// client's answers; only then does the call become a task. Ask such
// questions first, before slow work. Without the mark, and once the task
// exists, input is asked through the task (status input_required,
// answered with tasks/update). Under 2025 versions it has no effect.
func BeforeTask(ctx context.Context) context.Context {
	return context.WithValue(ctx, beforeTaskCtx{}, true)
}

func isBeforeTask(ctx context.Context) bool {
	v, _ := ctx.Value(beforeTaskCtx{}).(bool)
	return v
}

// ErrTooManyTasks is the cause of the error a tools/call gets when the
// server or the caller already runs as many tasks as it may.
var ErrTooManyTasks = errors.New("runtime: too many running tasks")

// CodeTooManyTasks is the JSON-RPC error code of a task refused because a
// limit on running tasks is reached (a server error in JSON-RPC's
// implementation-defined range).
const CodeTooManyTasks = -32000

// taskManager runs the tasks of one Server.
type taskManager struct {
	s       *Server
	store   TaskStore
	replica string

	heartbeat time.Duration // TaskHeartbeat, shorter in tests

	mu        sync.Mutex
	running   map[string]*runningTask
	perCaller map[string]int
	beating   bool
}

// heartbeatEvery is TaskHeartbeat; tests shorten it before NewServer.
var heartbeatEvery = TaskHeartbeat

// runningTask is a task running in this process.
type runningTask struct {
	m      *taskManager
	id     string
	caller string
	modern bool
	cancel context.CancelFunc
	done   chan struct{}
	legacy *Conn // 2025: the session, for notifications/tasks/status

	mu        sync.Mutex
	pre       bool          // 2026: the tools/call has not answered yet
	needInput bool          // a BeforeTask input is missing (or failed): answer input_required
	inputSig  chan struct{} // closed when needInput is set
	abandoned bool          // the call answered input_required: no task after all
	cancelled bool          // tasks/cancel
	seq       int
	waiting   map[string]chan json.RawMessage
}

func newTaskManager(s *Server) *taskManager {
	store := s.cfg.TaskStore
	if store == nil {
		if _, inMemory := s.store.(*storepkg.Memory); inMemory || s.store == nil {
			store = NewMemoryTaskStore()
		} else {
			// A file or Redis store: tasks outlive the process, and
			// replicas sharing the store share them.
			store = NewKVTaskStore(s.store, storepkg.ErrNotFound)
		}
	}
	return &taskManager{s: s, store: store, replica: randomID(9), heartbeat: heartbeatEvery, running: map[string]*runningTask{}, perCaller: map[string]int{}}
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hasTaskTools reports whether any tool may run as a task.
func (d *Definition) hasTaskTools() bool {
	for _, t := range d.Tools {
		if t.TaskSupport != TaskNone {
			return true
		}
	}
	return false
}

// declaresTasks reports whether client capabilities (ClientCapabilities
// JSON) include the tasks extension.
func declaresTasks(caps json.RawMessage) bool {
	if len(caps) == 0 {
		return false
	}
	var c struct {
		Extensions map[string]json.RawMessage `json:"extensions"`
	}
	if json.Unmarshal(caps, &c) != nil {
		return false
	}
	raw, ok := c.Extensions[ExtensionTasks]
	return ok && string(raw) != "null"
}

// missingTasksExtension is the -32021 error for a client that did not
// declare the tasks extension.
func missingTasksExtension(why string) *Error {
	data, _ := json.Marshal(map[string]any{"requiredCapabilities": map[string]any{"extensions": map[string]any{ExtensionTasks: struct{}{}}}})
	return &Error{Code: CodeMissingClientCapability, Message: "missing required client capability: extensions[\"" + ExtensionTasks + "\"] (" + why + ")", Data: data}
}

// callerKey names who a task counts against for the per-caller limit: the
// authenticated principal, else the 2025 session, else the client's
// network address.
func callerKey(ctx context.Context, c *Conn) string {
	if p := Principal(ctx); p != "" {
		return "p:" + p
	}
	if c != nil && c.ID() != "" {
		return "s:" + c.ID()
	}
	if r, err := HTTPRequest(ctx); err == nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		return "a:" + host
	}
	return "local"
}

// admit counts a new task against the limits and registers it as
// running, or says which limit is reached. Checking and registering under
// one lock keeps concurrent calls from overshooting a limit.
func (m *taskManager) admit(rt *runningTask) *Error {
	max, per := m.s.cfg.MaxRunningTasks, m.s.cfg.MaxTasksPerCaller
	m.mu.Lock()
	defer m.mu.Unlock()
	if max > 0 && len(m.running) >= max {
		return tooManyTasks(fmt.Sprintf("this server already runs %d tasks, its limit (MCPGEN_TASKS_MAX_RUNNING or runtime.WithTaskLimits)", max), "server", max)
	}
	if per > 0 && m.perCaller[rt.caller] >= per {
		return tooManyTasks(fmt.Sprintf("you already run %d tasks on this server, the limit per caller (MCPGEN_TASKS_MAX_PER_CALLER or runtime.WithTaskLimits)", per), "caller", per)
	}
	m.perCaller[rt.caller]++
	m.running[rt.id] = rt
	return nil
}

func tooManyTasks(why, scope string, limit int) *Error {
	data, _ := json.Marshal(map[string]any{"scope": scope, "limit": limit})
	return &Error{Code: CodeTooManyTasks, Message: ErrTooManyTasks.Error()[len("runtime: "):] + ": " + why + "; retry when one has finished", Data: data}
}

func (m *taskManager) release(rt *runningTask) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running[rt.id] == rt {
		delete(m.running, rt.id)
	}
	if m.perCaller[rt.caller]--; m.perCaller[rt.caller] <= 0 {
		delete(m.perCaller, rt.caller)
	}
}

// Running returns the number of tasks running in this process.
func (s *Server) RunningTasks() int {
	s.tasks.mu.Lock()
	defer s.tasks.mu.Unlock()
	return len(s.tasks.running)
}

// TaskStore returns the store holding the server's tasks.
func (s *Server) TaskStore() TaskStore { return s.tasks.store }

// start creates a task for tool t called on c (request r), runs the tool
// in the background and returns once the record is stored. ttl is the
// client's wish (0: the server's default).
func (m *taskManager) start(ctx context.Context, c *Conn, r *inflight, t *Tool, args []byte, modern bool, ttl time.Duration) (*runningTask, *Error) {
	caller := callerKey(ctx, c)
	cfg := &m.s.cfg
	if ttl <= 0 || (cfg.TaskTTL > 0 && ttl > cfg.TaskTTL) {
		ttl = cfg.TaskTTL
	}
	now := time.Now()
	rt := &runningTask{m: m, id: randomID(18), caller: caller, modern: modern, done: make(chan struct{}), pre: modern, inputSig: make(chan struct{}), waiting: map[string]chan json.RawMessage{}}
	rec := &TaskRecord{
		ID: rt.id, Owner: principalDigest(ctx), Tool: t.Name, Modern: modern,
		Status: TaskWorking, CreatedAt: now, UpdatedAt: now, TTL: ttl, PollInterval: cfg.TaskPollInterval,
		Replica: m.replica, Heartbeat: now,
	}
	if !modern {
		rec.Session = c.ID()
		if !c.Stateless() {
			rt.legacy = c
		}
	}
	if err := m.admit(rt); err != nil {
		return nil, err
	}
	if err := m.store.CreateTask(ctx, rec); err != nil {
		m.release(rt)
		m.s.cfg.Logger.Error("mcp: cannot store a new task", "tool", t.Name, "err", err)
		return nil, StoreError(err)
	}
	m.startHeartbeat()

	// The tool's context outlives the request (it keeps its values: the
	// HTTP request, the principal) and ends with tasks/cancel.
	tctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rt.cancel = cancel
	tc := c
	if modern {
		tc = m.s.NewConn(ConnConfig{Stateless: true, ProtocolVersion: c.ProtocolVersion()})
		tc.modern, tc.initialized = true, true
		c.mu.Lock()
		tc.client, tc.clientCaps, tc.mrtr = c.client, c.clientCaps, c.mrtr
		c.mu.Unlock()
		tc.logOff = true // the extension has no log messages for tasks
	}
	tr := &inflight{id: json.RawMessage(strconv.Quote("task:" + rt.id)), cancel: cancel, task: rt}
	if r != nil {
		tr.progressToken = r.progressToken
	}
	call := newCall(tctx, tc, tr)
	call.Arguments = args
	go func() {
		defer close(rt.done)
		defer cancel()
		if modern {
			defer tc.Close()
		}
		res, err := m.s.runTool(tctx, t, call)
		m.finish(rt, t, res, err)
	}()
	return rt, nil
}

// finish records the outcome of a task's tool.
func (m *taskManager) finish(rt *runningTask, t *Tool, res *ToolResult, err error) {
	defer m.release(rt)
	rt.mu.Lock()
	// A missing BeforeTask answer means the call answers input_required
	// and there is no task (see callModernTask).
	abandoned, cancelled := rt.abandoned || rt.needInput, rt.cancelled
	rt.mu.Unlock()
	if abandoned {
		_ = m.store.DeleteTask(context.Background(), rt.id)
		return
	}
	var pe *Error
	switch {
	case cancelled:
		// Settles as cancelled whatever the tool made of it.
	case err != nil && errors.As(err, &pe):
	case err != nil:
		res = ErrorResult(err.Error())
	case res == nil:
		pe = &Error{Code: CodeInternalError, Message: "internal error: tool " + t.Name + " returned no result"}
	}
	var body []byte
	if !cancelled && pe == nil {
		b, merr := appendToolResult(make([]byte, 0, 256), res)
		if merr != nil {
			pe = &Error{Code: CodeInternalError, Message: "internal error: cannot encode the result of tool " + t.Name}
		} else {
			body = b
		}
	}
	rec, uerr := m.store.UpdateTask(context.Background(), rt.id, func(r *TaskRecord) error {
		if r.Status.Terminal() {
			return nil
		}
		r.InputRequests, r.Answers = nil, nil
		switch {
		case cancelled || r.CancelRequested:
			r.Status, r.StatusMessage = TaskCancelled, "The task was cancelled by request."
		case pe != nil:
			r.Status, r.Error, r.StatusMessage = TaskFailed, pe, pe.Message
		default:
			r.Status, r.Result = TaskCompleted, body
		}
		r.UpdatedAt = time.Now()
		return nil
	})
	if uerr != nil {
		m.s.cfg.Logger.Warn("mcp: task outcome not recorded", "task", rt.id, "err", uerr)
		return
	}
	m.changed(rec, rt)
}

// startHeartbeat starts, once, the loop that keeps this replica's tasks
// marked alive and picks up cancellations and answers recorded by other
// replicas.
func (m *taskManager) startHeartbeat() {
	m.mu.Lock()
	if m.beating {
		m.mu.Unlock()
		return
	}
	m.beating = true
	m.mu.Unlock()
	go func() {
		t := time.NewTicker(m.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-m.s.closing:
				return
			case <-t.C:
			}
			m.mu.Lock()
			rts := make([]*runningTask, 0, len(m.running))
			for _, rt := range m.running {
				rts = append(rts, rt)
			}
			m.mu.Unlock()
			for _, rt := range rts {
				var answers map[string]json.RawMessage
				rec, err := m.store.UpdateTask(context.Background(), rt.id, func(r *TaskRecord) error {
					r.Heartbeat = time.Now()
					answers, r.Answers = r.Answers, nil
					return nil
				})
				if err != nil {
					continue
				}
				if rec.CancelRequested {
					rt.requestCancel()
				}
				rt.deliver(answers)
			}
		}
	}()
}

func (rt *runningTask) requestCancel() {
	rt.mu.Lock()
	rt.cancelled = true
	rt.mu.Unlock()
	rt.cancel()
}

// deliver hands answers to the input requests waiting for them and
// reports the keys it used.
func (rt *runningTask) deliver(answers map[string]json.RawMessage) {
	if len(answers) == 0 {
		return
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for k, v := range answers {
		if ch := rt.waiting[k]; ch != nil {
			ch <- v // buffered; removed from waiting: sent once
			delete(rt.waiting, k)
		}
	}
}

// ask is Session.Elicit, CreateMessage or ListRoots inside a 2026 task:
// the request becomes an entry of the task's inputRequests (status
// input_required) until tasks/update answers it.
func (rt *runningTask) ask(ctx context.Context, method string, params, result any) error {
	rt.mu.Lock()
	rt.seq++
	key, _ := ctx.Value(inputKeyCtx{}).(string)
	if key == "" {
		key = inputKinds[method] + "-" + strconv.Itoa(rt.seq)
	} else if _, dup := rt.waiting[key]; dup {
		key += "-" + strconv.Itoa(rt.seq)
	}
	ch := make(chan json.RawMessage, 1)
	rt.waiting[key] = ch
	rt.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	req, err := json.Marshal(inputRequest{Method: method, Params: params})
	if err != nil {
		return fmt.Errorf("runtime: encode %s: %w", method, err)
	}
	m := rt.m
	rec, uerr := m.store.UpdateTask(context.Background(), rt.id, func(r *TaskRecord) error {
		if r.Status.Terminal() {
			return nil
		}
		if r.InputRequests == nil {
			r.InputRequests = map[string]json.RawMessage{}
		}
		r.InputRequests[key] = req
		r.Status, r.UpdatedAt = TaskInputRequired, time.Now()
		return nil
	})
	if uerr != nil {
		return fmt.Errorf("runtime: record %s for the task: %w", method, uerr)
	}
	m.changed(rec, rt)
	defer func() {
		rt.mu.Lock()
		delete(rt.waiting, key)
		rt.mu.Unlock()
		rec, err := m.store.UpdateTask(context.Background(), rt.id, func(r *TaskRecord) error {
			if _, ok := r.InputRequests[key]; !ok {
				return errUnchanged
			}
			r.markAnswered(key)
			return nil
		})
		if err == nil {
			m.changed(rec, rt)
		}
	}()
	select {
	case raw := <-ch:
		if err := decodeAnswer(method, raw, result); err != nil {
			return fmt.Errorf("runtime: the client's answer to %s %q: %w", method, key, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errUnchanged = errors.New("unchanged")

// markAnswered removes an input request; with none left the task works
// again.
func (r *TaskRecord) markAnswered(key string) {
	delete(r.InputRequests, key)
	if len(r.InputRequests) == 0 {
		r.InputRequests = nil
		if r.Status == TaskInputRequired {
			r.Status = TaskWorking
		}
	}
	r.UpdatedAt = time.Now()
}

// setMessage is Session.Progress inside a 2026 task: the message (or the
// numbers) becomes the task's statusMessage.
func (rt *runningTask) setMessage(progress, total float64, msg string) {
	if msg == "" {
		msg = strconv.FormatFloat(progress, 'f', -1, 64)
		if total > 0 {
			msg += "/" + strconv.FormatFloat(total, 'f', -1, 64)
		}
	}
	rec, err := rt.m.store.UpdateTask(context.Background(), rt.id, func(r *TaskRecord) error {
		if r.Status.Terminal() {
			return errUnchanged
		}
		r.StatusMessage, r.UpdatedAt = msg, time.Now()
		return nil
	})
	if err == nil {
		rt.m.changed(rec, rt)
	}
}

// setStatus moves a 2025 task between working and input_required while
// its tool waits for a server-to-client request.
func (rt *runningTask) setStatus(st TaskStatus) {
	rec, err := rt.m.store.UpdateTask(context.Background(), rt.id, func(r *TaskRecord) error {
		if r.Status.Terminal() || r.Status == st {
			return errUnchanged
		}
		r.Status, r.UpdatedAt = st, time.Now()
		return nil
	})
	if err == nil {
		rt.m.changed(rec, rt)
	}
}

// changed publishes a task's new state: notifications/tasks/status to the
// 2025 session that created it, notifications/tasks to the 2026 listen
// streams that asked for it.
func (m *taskManager) changed(rec *TaskRecord, rt *runningTask) {
	if rec == nil {
		return
	}
	if !rec.Modern {
		if rt != nil && rt.legacy != nil {
			if out := rt.legacy.standaloneOut(); out != nil {
				_ = out.Send(EncodeNotification("notifications/tasks/status", legacyTask(rec)))
			}
		}
		return
	}
	m.s.publishTask(rec)
}

// ---- wire shapes ----

func taskTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func ttlMs(d time.Duration) *int64 {
	if d <= 0 {
		return nil
	}
	ms := d.Milliseconds()
	return &ms
}

// modernTask is the 2026 Task / DetailedTask / CreateTaskResult.
type modernTask struct {
	Meta           map[string]json.RawMessage `json:"_meta,omitempty"`
	ResultType     string                     `json:"resultType,omitempty"`
	TaskID         string                     `json:"taskId"`
	Status         TaskStatus                 `json:"status"`
	StatusMessage  string                     `json:"statusMessage,omitempty"`
	CreatedAt      string                     `json:"createdAt"`
	LastUpdatedAt  string                     `json:"lastUpdatedAt"`
	TTLMs          *int64                     `json:"ttlMs"`
	PollIntervalMs int64                      `json:"pollIntervalMs,omitempty"`
	InputRequests  map[string]json.RawMessage `json:"inputRequests,omitempty"`
	Result         json.RawMessage            `json:"result,omitempty"`
	Error          *Error                     `json:"error,omitempty"`
}

func newModernTask(rec *TaskRecord, resultType string, detailed bool) *modernTask {
	t := &modernTask{ResultType: resultType, TaskID: rec.ID, Status: rec.Status, StatusMessage: rec.StatusMessage,
		CreatedAt: taskTime(rec.CreatedAt), LastUpdatedAt: taskTime(rec.UpdatedAt), TTLMs: ttlMs(rec.TTL), PollIntervalMs: rec.PollInterval.Milliseconds()}
	if detailed {
		switch rec.Status {
		case TaskInputRequired:
			t.InputRequests = rec.InputRequests
			if t.InputRequests == nil {
				t.InputRequests = map[string]json.RawMessage{}
			}
		case TaskCompleted:
			t.Result = rec.Result
		case TaskFailed:
			t.Error = rec.Error
		}
	}
	return t
}

// legacyTaskWire is the 2025-11-25 Task.
type legacyTaskWire struct {
	TaskID        string     `json:"taskId"`
	Status        TaskStatus `json:"status"`
	StatusMessage string     `json:"statusMessage,omitempty"`
	CreatedAt     string     `json:"createdAt"`
	LastUpdatedAt string     `json:"lastUpdatedAt"`
	TTL           *int64     `json:"ttl"`
	PollInterval  int64      `json:"pollInterval,omitempty"`
}

func legacyTask(rec *TaskRecord) *legacyTaskWire {
	return &legacyTaskWire{rec.ID, rec.Status, rec.StatusMessage, taskTime(rec.CreatedAt), taskTime(rec.UpdatedAt), ttlMs(rec.TTL), rec.PollInterval.Milliseconds()}
}

func taskJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("runtime: encode: " + err.Error())
	}
	return b
}

// ---- tools/call as a task ----

// callModernTask serves a 2026 tools/call of a task tool from a client
// that declared the extension: a CreateTaskResult, or input_required when
// the tool asks a BeforeTask question first (then the caller's c.mrtr
// holds what is missing).
func (m *taskManager) callModernTask(ctx context.Context, c *Conn, r *inflight, t *Tool, args []byte) ([]byte, *Error) {
	rt, err := m.start(ctx, c, r, t, args, true, 0)
	if err != nil {
		return nil, err
	}
	timer := time.NewTimer(taskGrace)
	defer timer.Stop()
	gone := false
	select {
	case <-rt.done:
	case <-rt.inputSig:
	case <-timer.C:
	case <-ctx.Done():
		// The client went away before it learnt the task's id: nobody
		// could ever ask for it, so it is dropped.
		gone = true
	}
	rt.mu.Lock()
	need := rt.needInput || gone
	if !need {
		rt.pre = false
	} else {
		rt.abandoned = true
	}
	rt.mu.Unlock()
	if need {
		// Answered with input_required (HandleModern reads c.mrtr once
		// the tool has stopped): no task.
		rt.cancel()
		<-rt.done
		// The tool may have finished before the decision was taken.
		_ = m.store.DeleteTask(context.Background(), rt.id)
		return nil, nil
	}
	// The call is a task now: what the tool asks from here on goes
	// through the task, and this request's MRTR run is done.
	c.mu.Lock()
	c.mrtr = nil
	c.mu.Unlock()
	rec, gerr := m.store.GetTask(context.Background(), rt.id)
	if gerr != nil {
		return nil, &Error{Code: CodeInternalError, Message: "internal error: task " + rt.id + " vanished: " + gerr.Error()}
	}
	return taskJSON(newModernTask(rec, "task", false)), nil
}

// preInput reports whether a Session input call made with ctx belongs to
// the MRTR phase before the task exists; if so it runs record under the
// task's lock (so that the call cannot miss the moment the task is
// created) and signals the waiting tools/call when input is missing.
func (rt *runningTask) preInput(ctx context.Context, record func() (missing bool)) (handled bool) {
	if !isBeforeTask(ctx) {
		return false
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if !rt.pre {
		return false
	}
	if record() && !rt.needInput {
		rt.needInput = true
		close(rt.inputSig)
	}
	return true
}

// ---- the task methods ----

// taskParams are the params of tasks/get, tasks/update, tasks/cancel and
// tasks/result.
type taskParams struct {
	TaskID         string          `json:"taskId"`
	InputResponses json.RawMessage `json:"inputResponses"`
	Cursor         string          `json:"cursor"`
}

func taskNotFound(id string) *Error {
	return invalidParams("task not found: %q (unknown, expired, or not yours)", id)
}

// lookup returns the caller's task, reporting a task whose replica died
// as failed.
func (m *taskManager) lookup(ctx context.Context, id string) (*TaskRecord, *Error) {
	if id == "" {
		return nil, invalidParams("taskId is required")
	}
	rec, err := m.store.GetTask(ctx, id)
	if errors.Is(err, ErrTaskNotFound) {
		return nil, taskNotFound(id)
	}
	if err != nil {
		return nil, StoreError(err)
	}
	if rec.Owner != principalDigest(ctx) {
		return nil, taskNotFound(id)
	}
	if !rec.Status.Terminal() && m.orphaned(rec) {
		rec2, err := m.store.UpdateTask(ctx, id, func(r *TaskRecord) error {
			if r.Status.Terminal() {
				return nil
			}
			r.Status, r.UpdatedAt = TaskFailed, time.Now()
			r.Error = &Error{Code: CodeInternalError, Message: "the server process running this task stopped (last heartbeat " + taskTime(r.Heartbeat) + ")"}
			r.StatusMessage, r.InputRequests = r.Error.Message, nil
			return nil
		})
		if err == nil {
			rec = rec2
			m.changed(rec, nil)
		}
	}
	return rec, nil
}

// orphaned reports whether a non-terminal task has no live runner: it runs
// in this process but is not in the running table, or its replica has not
// beaten for three heartbeats.
func (m *taskManager) orphaned(rec *TaskRecord) bool {
	if rec.Replica == m.replica {
		m.mu.Lock()
		_, ok := m.running[rec.ID]
		m.mu.Unlock()
		return !ok
	}
	return time.Since(rec.Heartbeat) > 3*m.heartbeat
}

// cancel asks for a task's cancellation; it returns the record after.
func (m *taskManager) cancelTask(ctx context.Context, rec *TaskRecord) (*TaskRecord, *Error) {
	m.mu.Lock()
	rt := m.running[rec.ID]
	m.mu.Unlock()
	if rt != nil {
		rt.requestCancel()
		// The tool may take a moment to return; the record says
		// cancelled at once (2025 requires it before the answer).
	}
	after, err := m.store.UpdateTask(ctx, rec.ID, func(r *TaskRecord) error {
		if r.Status.Terminal() {
			return errUnchanged
		}
		r.CancelRequested = true
		r.Status, r.StatusMessage, r.InputRequests, r.UpdatedAt = TaskCancelled, "The task was cancelled by request.", nil, time.Now()
		return nil
	})
	switch {
	case errors.Is(err, errUnchanged):
		return rec, nil
	case err != nil:
		return nil, StoreError(err)
	}
	m.changed(after, rt)
	return after, nil
}

// modernTaskMethod serves tasks/get, tasks/update and tasks/cancel of
// 2026 (the caller checked the extension was declared).
func (s *Server) modernTaskMethod(ctx context.Context, method string, params json.RawMessage) ([]byte, *Error) {
	var p taskParams
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	m := s.tasks
	rec, err := m.lookup(ctx, p.TaskID)
	if err != nil {
		return nil, err
	}
	switch method {
	case "tasks/get":
		return taskJSON(newModernTask(rec, "complete", true)), nil
	case "tasks/cancel":
		if _, err := m.cancelTask(ctx, rec); err != nil {
			return nil, err
		}
		return []byte(`{"resultType":"complete"}`), nil
	case "tasks/update":
		var answers map[string]json.RawMessage
		if r := p.InputResponses; len(r) > 0 && string(r) != "null" {
			if r[0] != '{' || json.Unmarshal(r, &answers) != nil {
				return nil, invalidParams("inputResponses must be an object mapping each inputRequests key to the client's result")
			}
		}
		if err := m.update(ctx, rec.ID, answers); err != nil {
			return nil, err
		}
		return []byte(`{"resultType":"complete"}`), nil
	}
	return nil, &Error{Code: CodeMethodNotFound, Message: "method not found: " + method}
}

// update applies tasks/update: answers to outstanding keys are taken (and
// the keys removed at once, so the next tasks/get shows only what is
// still missing); other keys are ignored, as the extension says.
func (m *taskManager) update(ctx context.Context, id string, answers map[string]json.RawMessage) *Error {
	if len(answers) == 0 {
		return nil
	}
	m.mu.Lock()
	rt := m.running[id]
	m.mu.Unlock()
	taken := map[string]json.RawMessage{}
	rec, err := m.store.UpdateTask(ctx, id, func(r *TaskRecord) error {
		clear(taken)
		for k, v := range answers {
			if _, ok := r.InputRequests[k]; !ok {
				continue
			}
			taken[k] = v
			r.markAnswered(k)
			if rt == nil { // running on another replica: it picks them up
				if r.Answers == nil {
					r.Answers = map[string]json.RawMessage{}
				}
				r.Answers[k] = v
			}
		}
		if len(taken) == 0 {
			return errUnchanged
		}
		return nil
	})
	switch {
	case errors.Is(err, errUnchanged):
		return nil
	case errors.Is(err, ErrTaskNotFound):
		return taskNotFound(id)
	case err != nil:
		return StoreError(err)
	}
	if rt != nil {
		rt.deliver(taken)
	}
	m.changed(rec, rt)
	return nil
}

// legacyTaskMethod serves the 2025-11-25 tasks/get, tasks/result,
// tasks/list and tasks/cancel.
func (s *Server) legacyTaskMethod(ctx context.Context, c *Conn, method string, params json.RawMessage) ([]byte, *Error) {
	m := s.tasks
	var p taskParams
	if err := decodeParams(params, &p); err != nil {
		return nil, err
	}
	if !s.taskTools {
		return nil, &Error{Code: CodeMethodNotFound, Message: "method not found: " + method + " (this server has no task tools)"}
	}
	if method == "tasks/list" {
		recs, err := m.store.ListTasks(ctx, principalDigest(ctx))
		if err != nil {
			return nil, StoreError(err)
		}
		list := make([]*legacyTaskWire, 0, len(recs))
		anonymous := Principal(ctx) == ""
		for _, r := range recs {
			// Without auth, a session sees the tasks it created only.
			if r.Modern || (anonymous && r.Session != c.ID()) {
				continue
			}
			list = append(list, legacyTask(r))
		}
		return taskJSON(map[string]any{"tasks": list}), nil
	}
	rec, err := m.lookup(ctx, p.TaskID)
	if err != nil {
		return nil, err
	}
	switch method {
	case "tasks/get":
		return taskJSON(legacyTask(rec)), nil
	case "tasks/cancel":
		if rec.Status.Terminal() {
			return nil, invalidParams("task %q is already %s and cannot be cancelled", rec.ID, rec.Status)
		}
		after, err := m.cancelTask(ctx, rec)
		if err != nil {
			return nil, err
		}
		return taskJSON(legacyTask(after)), nil
	case "tasks/result":
		rec, err := m.wait(ctx, rec)
		if err != nil {
			return nil, err
		}
		switch rec.Status {
		case TaskCompleted:
			return withRelatedTask(rec.Result, rec.ID), nil
		case TaskFailed:
			return nil, rec.Error
		default:
			return nil, &Error{Code: CodeInternalError, Message: "task " + rec.ID + " was cancelled; it has no result"}
		}
	}
	return nil, &Error{Code: CodeMethodNotFound, Message: "method not found: " + method}
}

// wait blocks until the task is terminal (tasks/result) or ctx ends.
func (m *taskManager) wait(ctx context.Context, rec *TaskRecord) (*TaskRecord, *Error) {
	for !rec.Status.Terminal() {
		m.mu.Lock()
		rt := m.running[rec.ID]
		m.mu.Unlock()
		poll := rec.PollInterval
		if poll <= 0 {
			poll = DefaultTaskPollInterval
		}
		var done <-chan struct{}
		if rt != nil {
			done = rt.done
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &Error{Code: CodeInternalError, Message: "tasks/result: " + ctx.Err().Error()}
		case <-done:
		case <-t.C:
		}
		t.Stop()
		var err *Error
		if rec, err = m.lookup(ctx, rec.ID); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// withRelatedTask adds _meta["io.modelcontextprotocol/related-task"] to
// an encoded result object.
func withRelatedTask(result []byte, id string) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(result, &obj) != nil {
		return result
	}
	meta := map[string]json.RawMessage{}
	if raw, ok := obj["_meta"]; ok {
		_ = json.Unmarshal(raw, &meta)
	}
	meta[metaRelatedTask] = taskJSON(map[string]string{"taskId": id})
	obj["_meta"] = taskJSON(meta)
	return taskJSON(obj)
}

// callLegacyTask serves a 2025-11-25 task-augmented tools/call: a
// CreateTaskResult.
func (m *taskManager) callLegacyTask(ctx context.Context, c *Conn, r *inflight, t *Tool, args []byte, task json.RawMessage) ([]byte, *Error) {
	var meta struct {
		TTL *int64 `json:"ttl"`
	}
	if len(task) > 0 && (task[0] != '{' || json.Unmarshal(task, &meta) != nil) {
		return nil, invalidParams("task must be an object ({\"ttl\": milliseconds})")
	}
	var ttl time.Duration
	if meta.TTL != nil && *meta.TTL > 0 {
		ttl = time.Duration(*meta.TTL) * time.Millisecond
	}
	rt, err := m.start(ctx, c, r, t, args, false, ttl)
	if err != nil {
		return nil, err
	}
	rec, gerr := m.store.GetTask(context.Background(), rt.id)
	if gerr != nil {
		return nil, &Error{Code: CodeInternalError, Message: "internal error: task " + rt.id + " vanished: " + gerr.Error()}
	}
	return taskJSON(map[string]any{"task": legacyTask(rec)}), nil
}
