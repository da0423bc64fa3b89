// Command soak runs mixed legitimate load against an MCP server while
// hostile clients attack it, and reports errors, latency percentiles and
// the server's memory and CPU. interop/bench/soak.sh builds the server
// (gen/e2e/testdata/bodyserver), starts it and runs this against it; it
// is not part of CI. Usage:
//
//	soak -addr 127.0.0.1:PORT -pid PID [-d 10m] [-c 4] [-report 30s]
//
// Legitimate load: -c 2025-11-25 sessions on /mcp, each calling
// add_numbers, tools/list and ping in a loop (7:2:1), one request at a
// time. Attacks, all at once, each restarted as soon as the server ends
// it:
//
//   - 1,000 connections that declare a 4 MiB body and send none of it;
//   - 50 chunked bodies that stop after their first chunk;
//   - 100 keep-alive connections left idle after one request;
//   - 4 clients flooding their GET event stream;
//   - 2 calls whose elicitation request is never answered.
//
// It exits 1 when a legitimate request failed.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	addr     = flag.String("addr", "", "server host:port")
	pid      = flag.Int("pid", 0, "server process id, for RSS and CPU (Linux /proc)")
	duration = flag.Duration("d", 10*time.Minute, "how long to run")
	workers  = flag.Int("c", 4, "legitimate sessions, one request at a time each")
	every    = flag.Duration("report", 30*time.Second, "interval between progress lines")
)

// stats collects what the legitimate clients saw.
type stats struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	lastErr   string
}

func (s *stats) add(d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errors++
		s.lastErr = err.Error()
		return
	}
	s.latencies = append(s.latencies, d)
}

// take returns the latencies since the last call, sorted, and the error
// count so far.
func (s *stats) take() ([]time.Duration, int, string) {
	s.mu.Lock()
	l := s.latencies
	s.latencies = nil
	e, last := s.errors, s.lastErr
	s.mu.Unlock()
	slices.Sort(l)
	return l, e, last
}

func pct(l []time.Duration, p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(float64(len(l))*p))]
}

// Attack counters.
var (
	timeouts408 atomic.Int64 // stalled bodies answered 408
	idleClosed  atomic.Int64 // idle keep-alive connections closed by the server
	floodsCut   atomic.Int64 // flooded streams closed by the server
	elicitDone  atomic.Int64 // unanswered elicitations that ended
)

func main() {
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "soak: -addr is required")
		os.Exit(2)
	}
	stop := make(chan struct{})
	var st stats
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() { legitimate(&st, stop) })
	}
	for range 1000 {
		wg.Go(func() { stalled(stop, "Content-Length: 4194304\r\n", "") })
	}
	half := `{"jsonrpc":"2.0","id":1,"method":"ping",`
	for range 50 {
		wg.Go(func() { stalled(stop, "Transfer-Encoding: chunked\r\n", fmt.Sprintf("%x\r\n%s\r\n", len(half), half)) })
	}
	for range 100 {
		wg.Go(func() { idle(stop) })
	}
	for range 4 {
		wg.Go(func() { flood(stop) })
	}
	for range 2 {
		wg.Go(func() { unanswered(stop) })
	}

	start := time.Now()
	var all []time.Duration
	maxRSS := 0
	cpu0 := cpuTime()
	tick := time.NewTicker(*every)
	end := time.After(*duration)
	fmt.Printf("soak: %v against %s, %d legitimate sessions\n", *duration, *addr, *workers)
	report := func() {
		l, errs, last := st.take()
		all = append(all, l...)
		rss := rssKB()
		maxRSS = max(maxRSS, rss)
		fmt.Printf("%6.0fs  legit %6d req  p50 %7.2fms  p99 %7.2fms  max %7.2fms  errors %d  | RSS %6.1f MiB  CPU %6.1fs  | 408s %d  idle closed %d  floods cut %d  elicitations ended %d\n",
			time.Since(start).Seconds(), len(l), ms(pct(l, .5)), ms(pct(l, .99)), ms(pct(l, 1)), errs,
			float64(rss)/1024, (cpuTime() - cpu0).Seconds(), timeouts408.Load(), idleClosed.Load(), floodsCut.Load(), elicitDone.Load())
		if last != "" {
			fmt.Printf("        last error: %s\n", last)
		}
	}
loop:
	for {
		select {
		case <-tick.C:
			report()
		case <-end:
			break loop
		}
	}
	close(stop)
	report()
	slices.Sort(all)
	_, errs, _ := st.take()
	fmt.Printf("total: %d legitimate requests, %d errors, p50 %.2fms, p99 %.2fms, max %.2fms; server peak RSS %.1f MiB, CPU %.1fs\n",
		len(all), errs, ms(pct(all, .5)), ms(pct(all, .99)), ms(pct(all, 1)), float64(maxRSS)/1024, (cpuTime() - cpu0).Seconds())
	// The attackers block in reads the server ends within its timeouts;
	// do not wait for them.
	if errs > 0 {
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func rssKB() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", *pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

func cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", *pid))
	if err != nil || bytes.LastIndexByte(b, ')') < 0 {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(ut+stime) * 10 * time.Millisecond
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

var hc = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// session is a 2025-11-25 session on /mcp.
type session struct {
	id string
	n  int
}

func post(sid, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, "http://"+*addr+"/mcp", strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if sid != "" {
		req.Header.Set("Mcp-Session-Id", sid)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func open(caps string) (*session, error) {
	resp, b, err := post("", `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":`+caps+`,"clientInfo":{"name":"soak","version":"0"}}}`)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("initialize: %d %s", resp.StatusCode, b)
	}
	s := &session{id: resp.Header.Get("Mcp-Session-Id")}
	if resp, b, err := post(s.id, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil || resp.StatusCode != 202 {
		return nil, fmt.Errorf("initialized: %v %s", err, b)
	}
	return s, nil
}

func legitimate(st *stats, stop <-chan struct{}) {
	var s *session
	for i := 0; !stopped(stop); i++ {
		start := time.Now()
		if s == nil {
			var err error
			if s, err = open(`{}`); err != nil {
				st.add(0, err)
				time.Sleep(100 * time.Millisecond)
				continue
			}
			st.add(time.Since(start), nil)
			continue
		}
		s.n++
		var body, want string
		switch i % 10 {
		case 0:
			body, want = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, s.n), `"result":{}`
		case 1, 2:
			body, want = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, s.n), `"add_numbers"`
		default:
			body, want = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":%d,"b":1}}}`, s.n, i), fmt.Sprintf(`"sum":%d`, i+1)
		}
		resp, b, err := post(s.id, body)
		switch {
		case err != nil:
		case resp.StatusCode != 200:
			err = fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
		case !bytes.Contains(b, []byte(want)):
			err = fmt.Errorf("unexpected answer: %.200s", b)
		}
		st.add(time.Since(start), err)
	}
}

// stalled keeps one connection that sends a POST's headers (and prefix
// of its body) and nothing more; when the server ends it, it opens the
// next.
func stalled(stop <-chan struct{}, hdr, prefix string) {
	req := "POST /mcp HTTP/1.1\r\nHost: " + *addr + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" + hdr + "\r\n" + prefix
	for !stopped(stop) {
		c, err := net.DialTimeout("tcp", *addr, 10*time.Second)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		io.WriteString(c, req)
		c.SetReadDeadline(time.Now().Add(5 * time.Minute))
		b, _ := io.ReadAll(io.LimitReader(c, 1<<16))
		c.Close()
		if bytes.HasPrefix(b, []byte("HTTP/1.1 408")) {
			timeouts408.Add(1)
		}
	}
}

// sessionConn opens a session and a raw connection to the server, or
// waits a second and returns nil when either fails.
func sessionConn() (*session, net.Conn) {
	s, err := open(`{}`)
	if err == nil {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", *addr, 10*time.Second); err == nil {
			return s, c
		}
	}
	time.Sleep(time.Second)
	return nil, nil
}

// idle makes one request on a keep-alive connection, then waits for the
// server to close it.
func idle(stop <-chan struct{}) {
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	for !stopped(stop) {
		s, c := sessionConn()
		if c == nil {
			continue
		}
		fmt.Fprintf(c, "POST /mcp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMcp-Session-Id: %s\r\nMcp-Protocol-Version: 2025-11-25\r\nContent-Length: %d\r\n\r\n%s", *addr, s.id, len(ping), ping)
		br := bufio.NewReader(c)
		if resp, err := http.ReadResponse(br, nil); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			c.SetReadDeadline(time.Now().Add(10 * time.Minute))
			if _, err := br.ReadByte(); err == io.EOF {
				idleClosed.Add(1)
			}
		}
		c.Close()
	}
}

// flood opens a session's GET stream and sends data up it until the
// server closes it.
func flood(stop <-chan struct{}) {
	chunk := bytes.Repeat([]byte("flood"), 64<<10/5)
	for !stopped(stop) {
		s, c := sessionConn()
		if c == nil {
			continue
		}
		fmt.Fprintf(c, "GET /mcp HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nMcp-Session-Id: %s\r\nMcp-Protocol-Version: 2025-11-25\r\n\r\n", *addr, s.id)
		c.SetWriteDeadline(time.Now().Add(time.Minute))
		sent := 0
		for sent < 20<<20 && !stopped(stop) {
			n, err := c.Write(chunk)
			sent += n
			if err != nil {
				floodsCut.Add(1)
				break
			}
		}
		c.Close()
		post(s.id, `{"jsonrpc":"2.0","id":99,"method":"ping"}`) // the session still serves
		req, _ := http.NewRequest(http.MethodDelete, "http://"+*addr+"/mcp", nil)
		req.Header.Set("Mcp-Session-Id", s.id)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
		}
	}
}

// unanswered calls a tool that asks the client for input, and never
// answers; the call ends when the server's request timeout passes.
func unanswered(stop <-chan struct{}) {
	for !stopped(stop) {
		s, err := open(`{"elicitation":{}}`)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		if _, _, err := post(s.id, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"never answered"}}}`); err == nil {
			elicitDone.Add(1)
		}
	}
}
