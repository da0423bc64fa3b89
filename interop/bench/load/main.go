// Command load drives an MCP server's "add" tool over Streamable HTTP and
// prints one JSON line: req/s, latency percentiles, errors and, given
// -pid, the server's peak RSS (VmHWM).
//
// With -proto 2025-11-25 (the default) each worker opens its own session
// (initialize, initialized), then sends requests back to back until the
// duration or the request budget runs out. With -proto 2026-07-28 there is
// no handshake: every request is stateless, as that version wants it,
// with the per-request _meta envelope (protocolVersion,
// clientCapabilities, clientInfo) and the MCP-Protocol-Version, Mcp-Method
// and (for tools/call) Mcp-Name headers.
//
// -method call (the default) sends tools/call of -tool and checks every
// response: the sum in both the text block and structuredContent, and in
// 2026 resultType "complete". -method list sends tools/list and checks
// that -tool is listed.
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
	proto := flag.String("proto", "2025-11-25", "protocol version: 2025-11-25 (sessions) or 2026-07-28 (stateless)")
	method := flag.String("method", "call", "call (tools/call) or list (tools/list)")
	tool := flag.String("tool", "add", "tool to call, or to find in tools/list")
	flag.Parse()
	if *proto != "2025-11-25" && *proto != "2026-07-28" {
		fmt.Fprintln(os.Stderr, "load: -proto must be 2025-11-25 or 2026-07-28")
		os.Exit(2)
	}
	if *method != "call" && *method != "list" {
		fmt.Fprintln(os.Stderr, "load: -method must be call or list")
		os.Exit(2)
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: *conc * 2, MaxIdleConnsPerHost: *conc * 2}, Timeout: 30 * time.Second}
	workers := make([]*worker, *conc)
	for i := range workers {
		w := &worker{client: client, url: *url, id: i, modern: *proto == "2026-07-28", list: *method == "list", tool: *tool}
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
	modern  bool   // 2026-07-28: stateless requests with the _meta envelope
	list    bool   // tools/list instead of tools/call
	tool    string // the tool called or looked for
	session string
	seq     int
	buf     bytes.Buffer
}

// response is what the checks read of a JSON-RPC response.
type response struct {
	Result *struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		StructuredContent *struct {
			Sum *int `json:"sum"`
		} `json:"structuredContent"`
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
		ResultType string `json:"resultType"`
	} `json:"result"`
	Error json.RawMessage `json:"error"`
}

// modernMeta is the per-request envelope of 2026-07-28.
const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"load","version":"1.0.0"}}`

func (w *worker) post(body []byte, method, name string) (*response, http.Header, error) {
	req, _ := http.NewRequest(http.MethodPost, w.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if w.modern {
		req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
		req.Header.Set("Mcp-Method", method)
		if name != "" {
			req.Header.Set("Mcp-Name", name)
		}
	} else if w.session != "" {
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
	var msg response
	if err := json.Unmarshal(payload, &msg); err != nil {
		return nil, nil, fmt.Errorf("response %q: %v", payload, err)
	}
	if msg.Result == nil {
		return nil, nil, fmt.Errorf("no result: %s", payload)
	}
	if w.modern && msg.Result.ResultType != "complete" {
		return nil, nil, fmt.Errorf("resultType %q, want complete: %s", msg.Result.ResultType, payload)
	}
	return &msg, resp.Header, nil
}

func (w *worker) handshake() error {
	if w.modern {
		return nil // nothing to set up: every request stands alone
	}
	_, h, err := w.post([]byte(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"load","version":"1.0.0"}}}`), "", "")
	if err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	w.session = h.Get("Mcp-Session-Id")
	_, _, err = w.post([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`), "", "")
	return err
}

func (w *worker) call() error {
	w.seq++
	meta := ""
	if w.modern {
		meta = "," + modernMeta
	}
	if w.list {
		msg, _, err := w.post([]byte(`{"jsonrpc":"2.0","id":`+strconv.Itoa(w.seq)+`,"method":"tools/list","params":{`+strings.TrimPrefix(meta, ",")+`}}`), "tools/list", "")
		if err != nil {
			return err
		}
		for _, t := range msg.Result.Tools {
			if t.Name == w.tool {
				return nil
			}
		}
		return fmt.Errorf("tools/list: %d tools, none named %q", len(msg.Result.Tools), w.tool)
	}
	a, b := w.id*1000+w.seq%1000, w.seq
	body := `{"jsonrpc":"2.0","id":` + strconv.Itoa(w.seq) + `,"method":"tools/call","params":{"name":"` + w.tool + `","arguments":{"a":` + strconv.Itoa(a) + `,"b":` + strconv.Itoa(b) + `}` + meta + `}}`
	msg, _, err := w.post([]byte(body), "tools/call", w.tool)
	if err != nil {
		return err
	}
	res := msg.Result
	want := a + b
	if sc := res.StructuredContent; sc == nil || sc.Sum == nil || *sc.Sum != want {
		return fmt.Errorf("structuredContent without sum %d", want)
	}
	if len(res.Content) == 0 {
		return fmt.Errorf("no content")
	}
	if text := res.Content[0].Text; !strings.Contains(text, strconv.Itoa(want)) {
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
