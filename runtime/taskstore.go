package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"time"
)

// TaskStatus is the state of a task (the MCP tasks extension).
type TaskStatus string

// The task states. Completed, failed and cancelled are terminal.
const (
	TaskWorking       TaskStatus = "working"
	TaskInputRequired TaskStatus = "input_required"
	TaskCompleted     TaskStatus = "completed"
	TaskFailed        TaskStatus = "failed"
	TaskCancelled     TaskStatus = "cancelled"
)

// Terminal reports whether the task can no longer change.
func (s TaskStatus) Terminal() bool {
	return s == TaskCompleted || s == TaskFailed || s == TaskCancelled
}

// ErrTaskNotFound is returned by a TaskStore for an unknown or expired
// task id.
var ErrTaskNotFound = errors.New("runtime: task not found")

// TaskRecord is everything a server keeps about one task. It is plain
// data that encodes to JSON, so a TaskStore may keep it anywhere (a map,
// a file, a key-value store shared by replicas).
type TaskRecord struct {
	ID string `json:"id"`
	// Owner is a digest of the authenticated caller ("" when the server
	// has no auth); only the same caller may read or cancel the task.
	Owner string `json:"owner,omitempty"`
	// Session is the 2025 session that created the task, if any: an
	// anonymous session lists only its own tasks.
	Session string `json:"session,omitempty"`
	Tool    string `json:"tool"`
	// Modern is true for a task created by a 2026-07-28 request (the
	// extension's wire shapes), false for the 2025-11-25 experimental
	// tasks.
	Modern        bool       `json:"modern,omitempty"`
	Status        TaskStatus `json:"status"`
	StatusMessage string     `json:"statusMessage,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	// TTL is how long the task is kept from its creation; 0 = unlimited.
	TTL          time.Duration `json:"ttl"`
	PollInterval time.Duration `json:"pollInterval"`
	// Result is the encoded result of a completed task; Error the
	// JSON-RPC error of a failed one.
	Result json.RawMessage `json:"result,omitempty"`
	Error  *Error          `json:"error,omitempty"`
	// InputRequests are the outstanding requests to the client of a task
	// in input_required ({"method","params"} each, by key).
	InputRequests map[string]json.RawMessage `json:"inputRequests,omitempty"`
	// Answers are client responses (tasks/update) not yet taken by the
	// replica running the task.
	Answers map[string]json.RawMessage `json:"answers,omitempty"`
	// CancelRequested is set by tasks/cancel; the replica running the
	// task cancels its context when it sees it.
	CancelRequested bool `json:"cancelRequested,omitempty"`
	// Replica names the process running the task and Heartbeat when it
	// last said so; a task whose replica stopped beating is failed.
	Replica   string    `json:"replica"`
	Heartbeat time.Time `json:"heartbeat"`
}

// Expired reports whether the record outlived its TTL at now.
func (r *TaskRecord) Expired(now time.Time) bool {
	return r.TTL > 0 && now.Sub(r.CreatedAt) > r.TTL
}

func (r *TaskRecord) clone() *TaskRecord {
	b, _ := json.Marshal(r)
	var c TaskRecord
	_ = json.Unmarshal(b, &c)
	return &c
}

// TaskStore keeps task records. Implementations must be safe for
// concurrent use; Update must apply fn atomically (read, change, write
// with no other update in between). Records past their TTL that are
// terminal may be dropped at any time and then are ErrTaskNotFound.
type TaskStore interface {
	CreateTask(ctx context.Context, rec *TaskRecord) error
	GetTask(ctx context.Context, id string) (*TaskRecord, error)
	UpdateTask(ctx context.Context, id string, fn func(*TaskRecord) error) (*TaskRecord, error)
	// ListTasks returns the records of owner (all with owner ""), oldest
	// first.
	ListTasks(ctx context.Context, owner string) ([]*TaskRecord, error)
	DeleteTask(ctx context.Context, id string) error
}

// MemoryTaskStore is the default TaskStore: records in a map of this
// process, copied in and out (a caller never shares a record with the
// store), expired ones dropped as the store is used.
type MemoryTaskStore struct {
	mu        sync.Mutex
	recs      map[string]*TaskRecord
	lastSweep time.Time
	now       func() time.Time
}

// NewMemoryTaskStore returns an empty in-memory task store.
func NewMemoryTaskStore() *MemoryTaskStore {
	return &MemoryTaskStore{recs: map[string]*TaskRecord{}, now: time.Now}
}

// sweep drops terminal records past their TTL, at most once a second.
// m.mu must be held.
func (m *MemoryTaskStore) sweep() {
	now := m.now()
	if now.Sub(m.lastSweep) < time.Second {
		return
	}
	m.lastSweep = now
	for id, r := range m.recs {
		if r.Status.Terminal() && r.Expired(now) {
			delete(m.recs, id)
		}
	}
}

func (m *MemoryTaskStore) live(id string) *TaskRecord {
	r := m.recs[id]
	if r == nil {
		return nil
	}
	if r.Status.Terminal() && r.Expired(m.now()) {
		delete(m.recs, id)
		return nil
	}
	return r
}

// CreateTask stores a copy of rec; an existing id is an error.
func (m *MemoryTaskStore) CreateTask(ctx context.Context, rec *TaskRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	if m.recs[rec.ID] != nil {
		return errors.New("runtime: task " + rec.ID + " already exists")
	}
	m.recs[rec.ID] = rec.clone()
	return nil
}

// GetTask returns a copy of the record.
func (m *MemoryTaskStore) GetTask(ctx context.Context, id string) (*TaskRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.live(id)
	if r == nil {
		return nil, ErrTaskNotFound
	}
	return r.clone(), nil
}

// UpdateTask applies fn to a copy and stores it unless fn fails.
func (m *MemoryTaskStore) UpdateTask(ctx context.Context, id string, fn func(*TaskRecord) error) (*TaskRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.live(id)
	if r == nil {
		return nil, ErrTaskNotFound
	}
	c := r.clone()
	if err := fn(c); err != nil {
		return nil, err
	}
	m.recs[id] = c
	return c.clone(), nil
}

// ListTasks returns copies of owner's records, oldest first.
func (m *MemoryTaskStore) ListTasks(ctx context.Context, owner string) ([]*TaskRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	var out []*TaskRecord
	for _, r := range m.recs {
		if r.Owner == owner {
			out = append(out, r.clone())
		}
	}
	sortTasks(out)
	return out, nil
}

// sortTasks orders records oldest first (then by id), as ListTasks
// returns them.
func sortTasks(out []*TaskRecord) {
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
}

// DeleteTask removes the record, if any.
func (m *MemoryTaskStore) DeleteTask(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.recs, id)
	return nil
}

// Len returns the number of records held (for tests and metrics).
func (m *MemoryTaskStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recs)
}
