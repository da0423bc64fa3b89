package conformance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	mcp "github.com/mcpgen/mcpgen/runtime"
)

var tasksCaps = map[string]any{"extensions": map[string]any{mcp.ExtensionTasks: map[string]any{}}}

// rpc2026 is post2026 for goroutines: errors are returned, not fatal.
func rpc2026(client *http.Client, url, method, name string, params map[string]any) (map[string]any, error) {
	params["_meta"] = map[string]any{
		"io.modelcontextprotocol/protocolVersion":    "2026-07-28",
		"io.modelcontextprotocol/clientCapabilities": tasksCaps,
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
	req.Header.Set("Mcp-Method", method)
	req.Header.Set("Mcp-Name", name)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v in %s", method, err, b)
	}
	return m, nil
}

// sampler records the peak goroutine count and heap while a load runs.
type sampler struct {
	stop                   chan struct{}
	done                   chan struct{}
	peakGoroutines         int
	peakHeapInuse, peakSys uint64
}

func startSampler() *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		var ms runtime.MemStats
		for {
			s.peakGoroutines = max(s.peakGoroutines, runtime.NumGoroutine())
			runtime.ReadMemStats(&ms)
			s.peakHeapInuse, s.peakSys = max(s.peakHeapInuse, ms.HeapInuse), max(s.peakSys, ms.Sys)
			select {
			case <-s.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return s
}

func (s *sampler) finish() { close(s.stop); <-s.done }

// TestTasksLoad starts many short tasks at once over HTTP and checks that
// every one completes with its own result (none lost), then that the
// per-server cap refuses one more task with a clear error. It logs peak
// goroutines and memory; it asserts no timing. MCPGEN_TASKS_LOAD=N sets
// the number of tasks (default 200; the report uses 1000):
//
//	MCPGEN_TASKS_LOAD=1000 go test -run TestTasksLoad -v ./examples/conformance/
func TestTasksLoad(t *testing.T) {
	n := 200
	if v := os.Getenv("MCPGEN_TASKS_LOAD"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 100000 {
			t.Fatalf("MCPGEN_TASKS_LOAD=%q: want a number of tasks", v)
		}
	}
	srv, err := mcpserver.New(mcp.WithTaskLimits(n, 0))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	url := hs.URL + "/mcp"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}

	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()
	smp := startSampler()
	start := time.Now()
	ids := make([]string, n)
	var failures atomic.Int64
	var firstErr sync.Once
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m, err := rpc2026(client, url, "tools/call", "slow_compute", map[string]any{"name": "slow_compute", "arguments": map[string]any{"seconds": 0.2, "label": "t" + strconv.Itoa(i)}})
			res, _ := m["result"].(map[string]any)
			if err != nil || res["resultType"] != "task" {
				failures.Add(1)
				firstErr.Do(func() { t.Errorf("task %d not created: %v %v", i, err, m) })
				return
			}
			ids[i] = res["taskId"].(string)
		})
	}
	wg.Wait()
	created := time.Since(start)
	if failures.Load() > 0 {
		smp.finish()
		t.Fatalf("%d of %d tasks not created", failures.Load(), n)
	}

	// Poll every task until it is terminal; each must complete with its
	// own label.
	var completed atomic.Int64
	deadline := time.Now().Add(2 * time.Minute)
	sem := make(chan struct{}, 64)
	for i, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for {
				m, err := rpc2026(client, url, "tasks/get", id, map[string]any{"taskId": id})
				res, _ := m["result"].(map[string]any)
				switch {
				case err != nil || res == nil:
					failures.Add(1)
					firstErr.Do(func() { t.Errorf("task %d (%s) lost: %v %v", i, id, err, m) })
					return
				case res["status"] == "completed":
					text := fmt.Sprint(res["result"])
					if !strings.Contains(text, fmt.Sprintf(`"t%d"`, i)) {
						failures.Add(1)
						firstErr.Do(func() { t.Errorf("task %d has another's result: %s", i, text) })
						return
					}
					completed.Add(1)
					return
				case res["status"] != "working" || time.Now().After(deadline):
					failures.Add(1)
					firstErr.Do(func() { t.Errorf("task %d: %v", i, res) })
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	smp.finish()
	if completed.Load() != int64(n) {
		t.Fatalf("%d of %d tasks completed", completed.Load(), n)
	}
	t.Logf("%d concurrent tasks: all created in %v, all completed (none lost) in %v; peak goroutines %d (%d before), peak heap in use %.1f MiB, peak Sys %.1f MiB",
		n, created.Round(time.Millisecond), elapsed.Round(time.Millisecond), smp.peakGoroutines, baseGoroutines,
		float64(smp.peakHeapInuse)/(1<<20), float64(smp.peakSys)/(1<<20))

	// The per-server cap: a server allowing 3 refuses the fourth.
	small, err := mcpserver.New(mcp.WithTaskLimits(3, 0))
	if err != nil {
		t.Fatal(err)
	}
	hs2 := httptest.NewServer(small)
	defer hs2.Close()
	var running []string
	for i := range 4 {
		m, err := rpc2026(client, hs2.URL+"/mcp", "tools/call", "slow_compute", map[string]any{"name": "slow_compute", "arguments": map[string]any{"seconds": 60, "label": "cap"}})
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			running = append(running, m["result"].(map[string]any)["taskId"].(string))
			continue
		}
		e, _ := m["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if e == nil || e["code"] != float64(mcp.CodeTooManyTasks) || !strings.Contains(msg, "MCPGEN_TASKS_MAX_RUNNING") {
			t.Fatalf("the fourth task over a cap of 3: %v", m)
		}
		t.Logf("over the cap: %v", e)
	}
	for _, id := range running {
		if _, err := rpc2026(client, hs2.URL+"/mcp", "tasks/cancel", id, map[string]any{"taskId": id}); err != nil {
			t.Fatal(err)
		}
	}
}
