// Command load drives an MCP server's "add" tool over Streamable HTTP: each
// worker opens its own 2025-11-25 session (initialize, initialized), then
// sends tools/call back to back until the duration or the request budget
// runs out. Every response is checked (the sum in both the text block and
// structuredContent). It prints one JSON line: req/s, latency percentiles,
// errors and, given -pid, the server's peak RSS (VmHWM).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Server      string  `json:"server"`
	Concurrency int     `json:"concurrency"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	Seconds     float64 `json:"seconds"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Maxms       float64 `json:"max_ms"`
	PeakRSSKiB  int64   `json:"peak_rss_kib"`
	FirstError  string  `json:"first_error,omitempty"`
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8000/mcp", "server endpoint")
	name := flag.String("name", "", "label for the output")
	conc := flag.Int("c", 1, "concurrent workers (one session each)")
	dur := flag.Duration("d", 5*time.Second, "duration of the measured phase")
	maxReq := flag.Int64("n", 5_000_000, "upper bound on requests")
	warm := flag.Duration("warmup", time.Second, "unmeasured warm-up")
	pid := flag.Int("pid", 0, "server PID for peak RSS")
	flag.Parse()

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: *conc * 2, MaxIdleConnsPerHost: *conc * 2}, Timeout: 30 * time.Second}
	workers := make([]*worker, *conc)
	for i := range workers {
		w := &worker{client: client, url: *url, id: i}
		if err := w.handshake(); err != nil {
			fmt.Fprintf(os.Stderr, "worker %d handshake: %v\n", i, err)
			os.Exit(1)
		}
		workers[i] = w
	}

	run := func(d time.Duration, budget int64, record bool) (int64, int64, []time.Duration, string, time.Duration) {
		var count, errs atomic.Int64
		var firstErr atomic.Value
		deadline := time.Now().Add(d)
		lat := make([][]time.Duration, len(workers))
		var wg sync.WaitGroup
		start := time.Now()
		for i, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) && count.Add(1) <= budget {
					t0 := time.Now()
					err := w.call()
					el := time.Since(t0)
					if err != nil {
						if errs.Add(1) == 1 {
							firstErr.Store(err.Error())
						}
						continue
					}
					if record {
						lat[i] = append(lat[i], el)
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		var all []time.Duration
		for _, l := range lat {
			all = append(all, l...)
		}
		fe, _ := firstErr.Load().(string)
		return int64(len(all)), errs.Load(), all, fe, elapsed
	}
	run(*warm, *maxReq, false)
	n, errs, lats, fe, elapsed := run(*dur, *maxReq, true)
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		return float64(lats[int(float64(len(lats)-1)*p)].Microseconds()) / 1000
	}
	r := result{Server: *name, Concurrency: *conc, Requests: n, Errors: errs, Seconds: elapsed.Seconds(),
		RPS: float64(n) / elapsed.Seconds(), P50ms: pct(0.50), P99ms: pct(0.99), Maxms: pct(1), FirstError: fe}
	if *pid > 0 {
		r.PeakRSSKiB = peakRSS(*pid)
	}
	json.NewEncoder(os.Stdout).Encode(r)
	if errs > 0 {
		os.Exit(1)
	}
}

type worker struct {
	client  *http.Client
	url     string
	id      int
	session string
	seq     int
	buf     bytes.Buffer
}

func (w *worker) post(body []byte) (map[string]any, http.Header, error) {
	req, _ := http.NewRequest(http.MethodPost, w.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if w.session != "" {
		req.Header.Set("Mcp-Session-Id", w.session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusAccepted {
		io.Copy(io.Discard, resp.Body)
		return nil, resp.Header, nil
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
	}
	var payload []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if d, ok := bytes.CutPrefix(line, []byte("data:")); ok && len(bytes.TrimSpace(d)) > 0 {
				if bytes.Contains(d, []byte(`"id"`)) {
					payload = append(payload[:0], d...)
				}
			}
		}
	} else {
		w.buf.Reset()
		w.buf.ReadFrom(resp.Body)
		payload = w.buf.Bytes()
	}
	var msg map[string]any
	if err := json.Unmarshal(payload, &msg); err != nil {
		return nil, nil, fmt.Errorf("response %q: %v", payload, err)
	}
	return msg, resp.Header, nil
}

func (w *worker) handshake() error {
	msg, h, err := w.post([]byte(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"load","version":"1.0.0"}}}`))
	if err != nil {
		return err
	}
	if _, ok := msg["result"]; !ok {
		return fmt.Errorf("initialize: %v", msg)
	}
	w.session = h.Get("Mcp-Session-Id")
	_, _, err = w.post([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	return err
}

func (w *worker) call() error {
	w.seq++
	a, b := w.id*1000+w.seq%1000, w.seq
	body := `{"jsonrpc":"2.0","id":` + strconv.Itoa(w.seq) + `,"method":"tools/call","params":{"name":"add","arguments":{"a":` + strconv.Itoa(a) + `,"b":` + strconv.Itoa(b) + `}}}`
	msg, _, err := w.post([]byte(body))
	if err != nil {
		return err
	}
	res, _ := msg["result"].(map[string]any)
	if res == nil {
		return fmt.Errorf("no result: %v", msg)
	}
	want := a + b
	sc, _ := res["structuredContent"].(map[string]any)
	if sum, _ := sc["sum"].(float64); int(sum) != want {
		return fmt.Errorf("structuredContent %v, want sum %d", res["structuredContent"], want)
	}
	content, _ := res["content"].([]any)
	if len(content) == 0 {
		return fmt.Errorf("no content: %v", res)
	}
	first, _ := content[0].(map[string]any)
	if text, _ := first["text"].(string); !strings.Contains(text, strconv.Itoa(want)) {
		return fmt.Errorf("text %q lacks %d", text, want)
	}
	return nil
}

func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}
