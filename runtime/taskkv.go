package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TaskKV is the part of a key-value store with expiry and
// compare-and-swap that tasks need. The server's state store
// (runtime/store: memory, file and, shared by replicas, Redis) has these
// methods, so any of them can hold tasks through NewKVTaskStore.
type TaskKV interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Add(ctx context.Context, key string, val []byte, ttl time.Duration) (bool, error)
	CompareAndSwap(ctx context.Context, key string, old, val []byte, ttl time.Duration) (bool, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]string, error)
}

// kvTaskStore keeps each task as one JSON value under "task/<id>".
type kvTaskStore struct {
	kv       TaskKV
	notFound error
	now      func() time.Time
}

// NewKVTaskStore returns a TaskStore over kv; notFound is the error kv
// returns for a missing key (store.ErrNotFound). A task's key has no
// expiry while it runs and expires with the task's TTL once it is
// terminal. Updates are compare-and-swap loops, so replicas sharing kv
// may update one task concurrently.
func NewKVTaskStore(kv TaskKV, notFound error) TaskStore {
	return &kvTaskStore{kv: kv, notFound: notFound, now: time.Now}
}

const taskKeyPrefix = "task/"

func (k *kvTaskStore) key(id string) string { return taskKeyPrefix + id }

// keyTTL is how long the key of rec should live from now: for a terminal
// task, until its TTL ends (at least a second); otherwise no expiry.
func (k *kvTaskStore) keyTTL(rec *TaskRecord) time.Duration {
	if !rec.Status.Terminal() || rec.TTL <= 0 {
		return 0
	}
	return max(rec.CreatedAt.Add(rec.TTL).Sub(k.now()), time.Second)
}

func (k *kvTaskStore) read(ctx context.Context, id string) ([]byte, *TaskRecord, error) {
	raw, err := k.kv.Get(ctx, k.key(id))
	if errors.Is(err, k.notFound) {
		return nil, nil, ErrTaskNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	var rec TaskRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, nil, fmt.Errorf("runtime: task %s: undecodable record: %w", id, err)
	}
	if rec.Status.Terminal() && rec.Expired(k.now()) {
		return nil, nil, ErrTaskNotFound
	}
	return raw, &rec, nil
}

func (k *kvTaskStore) CreateTask(ctx context.Context, rec *TaskRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	ok, err := k.kv.Add(ctx, k.key(rec.ID), b, k.keyTTL(rec))
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("runtime: task " + rec.ID + " already exists")
	}
	return nil
}

func (k *kvTaskStore) GetTask(ctx context.Context, id string) (*TaskRecord, error) {
	_, rec, err := k.read(ctx, id)
	return rec, err
}

// maxTaskCASRetries bounds the compare-and-swap loop of UpdateTask.
const maxTaskCASRetries = 64

func (k *kvTaskStore) UpdateTask(ctx context.Context, id string, fn func(*TaskRecord) error) (*TaskRecord, error) {
	for range maxTaskCASRetries {
		old, rec, err := k.read(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := fn(rec); err != nil {
			return nil, err
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		ok, err := k.kv.CompareAndSwap(ctx, k.key(id), old, b, k.keyTTL(rec))
		if err != nil {
			return nil, err
		}
		if ok {
			return rec, nil
		}
	}
	return nil, fmt.Errorf("runtime: task %s: too many concurrent updates", id)
}

func (k *kvTaskStore) ListTasks(ctx context.Context, owner string) ([]*TaskRecord, error) {
	keys, err := k.kv.List(ctx, taskKeyPrefix)
	if err != nil {
		return nil, err
	}
	var out []*TaskRecord
	for _, key := range keys {
		_, rec, err := k.read(ctx, strings.TrimPrefix(key, taskKeyPrefix))
		if errors.Is(err, ErrTaskNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if rec.Owner == owner {
			out = append(out, rec)
		}
	}
	sortTasks(out)
	return out, nil
}

func (k *kvTaskStore) DeleteTask(ctx context.Context, id string) error {
	return k.kv.Delete(ctx, k.key(id))
}
