package e2e_test

// Hostile clients against request bodies, connection timeouts and event
// streams, reproduced at the sizes they were found at: connections that
// declare large bodies and never send them, bodies that stop halfway,
// idle keep-alive connections, floods up an event stream, and the lesser
// wire rules (charset, unknown protocol versions, unanswered
// server-to-client requests, a disconnect that is not a cancellation).
//
// The server runs in a process of its own (testdata/bodyserver, built
// without -race), so its memory (VmRSS) and CPU time are measured apart
// from the attacking clients'. Bounds are generous: they tell the fixed
// server (tens of MB, fractions of a CPU-second) from the broken one
// (gigabytes, tens of CPU-seconds), not a fast machine from a slow one.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bodyServer is the server process under attack.
type bodyServer struct {
	cmd  *exec.Cmd
	addr string // host:port
}

// bodyStartServer builds and starts testdata/bodyserver with env added to
// the environment, and stops it when the test ends.
func bodyStartServer(t *testing.T, env ...string) *bodyServer {
	t.Helper()
	if goruntime.GOOS != "linux" {
		t.Skip("measures the server through /proc")
	}
	if testing.Short() {
		t.Skip("hostile-client reproductions are skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "bodyserver")
	build := exec.Command("go", "build", "-o", bin, "./testdata/bodyserver")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the server: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "MCPGEN_LOG_LEVEL=error")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case addr, ok := <-line:
		if !ok {
			t.Fatal("the server exited before it listened")
		}
		return &bodyServer{cmd: cmd, addr: addr}
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not start within 60 s")
	}
	return nil
}

// rssKB is the server's resident memory (VmRSS) in KiB.
func (s *bodyServer) rssKB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// cpu is the server's user plus system CPU time so far.
func (s *bodyServer) cpu(t *testing.T) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name (which ends with ')'): utime and
	// stime are the 12th and 13th, in clock ticks (100 a second on Linux).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// bodyRaiseFDLimit lifts the soft limit on open files towards need (the
// server inherits it); it returns the limit obtained.
func bodyRaiseFDLimit(t *testing.T, need uint64) uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < need {
		lim.Cur = min(need, lim.Max)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Logf("raise the open files limit: %v", err)
		}
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

// bodyClient is a legitimate client: a 2025-11-25 session on /mcp.
type bodyClient struct {
	t       *testing.T
	base    string
	hc      *http.Client
	session string
	id      int
}

func bodyNewClient(t *testing.T, s *bodyServer, caps string) *bodyClient {
	t.Helper()
	c := &bodyClient{t: t, base: "http://" + s.addr, hc: &http.Client{Timeout: 30 * time.Second}}
	resp, body := c.post(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":`+caps+`,"clientInfo":{"name":"hostile-test","version":"0"}}}`, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("initialize: %d %s", resp.StatusCode, body)
	}
	c.session = resp.Header.Get("Mcp-Session-Id")
	if resp, body := c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`, nil); resp.StatusCode != 202 {
		t.Fatalf("initialized: %d %s", resp.StatusCode, body)
	}
	return c
}

// post sends one message and returns the response with its whole body.
func (c *bodyClient) post(msg string, hdr map[string]string) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+"/mcp", strings.NewReader(msg))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("POST body: %v", err)
	}
	return resp, b
}

// add calls add_numbers and checks the sum; it returns how long it took.
func (c *bodyClient) add(a, b int) time.Duration {
	c.t.Helper()
	c.id++
	start := time.Now()
	resp, body := c.post(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":%d,"b":%d}}}`, c.id, a, b), nil)
	took := time.Since(start)
	if resp.StatusCode != 200 || !strings.Contains(string(body), fmt.Sprintf(`"sum":%d`, a+b)) {
		c.t.Fatalf("add_numbers: %d %s", resp.StatusCode, body)
	}
	return took
}

// bodyServedPromptly has the legitimate client make calls while an
// attack holds, and fails unless every one succeeds within 10 s and the
// median within a second.
func bodyServedPromptly(t *testing.T, c *bodyClient, calls int) {
	t.Helper()
	var took []time.Duration
	for i := range calls {
		d := c.add(i, 1)
		if d > 10*time.Second {
			t.Fatalf("a legitimate call took %v during the attack", d)
		}
		took = append(took, d)
	}
	slices.Sort(took)
	t.Logf("legitimate calls during the attack: %v", took)
	if med := took[len(took)/2]; med > time.Second {
		t.Fatalf("legitimate calls during the attack: median %v, want under 1 s (%v)", med, took)
	}
}

// bodyOpenStalled opens n connections that each send the headers of a
// POST to path declaring a body of declared bytes, then prefix of it,
// and nothing more.
func bodyOpenStalled(t *testing.T, s *bodyServer, n int, path string, hdr string, prefix string) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	req := "POST " + path + " HTTP/1.1\r\nHost: " + s.addr + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" + hdr + "\r\n" + prefix
	for range n {
		c, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", len(conns), err)
		}
		conns = append(conns, c)
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatalf("connection %d: %v", len(conns), err)
		}
	}
	return conns
}

// bodyAwaitClosed waits, at most within, for the server to answer and
// close every connection; it returns how many answered 408.
func bodyAwaitClosed(t *testing.T, conns []net.Conn, within time.Duration) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	timeouts, open := 0, 0
	deadline := time.Now().Add(within)
	for _, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(deadline)
			b, err := io.ReadAll(io.LimitReader(c, 1<<20))
			mu.Lock()
			defer mu.Unlock()
			if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
				open++
			}
			if bytes.HasPrefix(b, []byte("HTTP/1.1 408")) {
				timeouts++
			}
		})
	}
	wg.Wait()
	if open > 0 {
		t.Fatalf("%d of %d connections were still open %v later", open, len(conns), within)
	}
	return timeouts
}

// TestBodyDeclaredNeverSent: 1,000 connections declare a 4 MiB body on
// /mcp and send none of it, three rounds, then 1,000 more on the legacy
// /messages/ endpoint. Before the fix each made the server allocate the declared
// 4 MiB (RSS 32 MB to 2.87 GB) and none was ever closed. Now RSS stays
// within 150 MB of idle, another client is served at once, and every
// connection is answered 408 and closed once the body read timeout
// passes.
func TestBodyDeclaredNeverSent(t *testing.T) {
	const n = 1000
	const bodyTimeout = 3 * time.Second
	if lim := bodyRaiseFDLimit(t, 2*n+512); lim < 2*n+256 {
		t.Skipf("the open files limit is %d; this test needs %d", lim, 2*n+256)
	}
	s := bodyStartServer(t, "MCPGEN_BODY_READ_TIMEOUT="+bodyTimeout.String())
	c := bodyNewClient(t, s, `{}`)
	c.add(1, 2)
	endpoint := bodyLegacyEndpoint(t, s)
	idle := s.rssKB(t)

	declare := "Content-Length: " + strconv.Itoa(4<<20) + "\r\n"
	for _, round := range []struct{ name, path string }{
		// Three rounds, as found: the memory a round frees is reused
		// (and so touched) by the next.
		{"streamable-1", "/mcp"},
		{"streamable-2", "/mcp"},
		{"streamable-3", "/mcp"},
		{"legacy", endpoint},
	} {
		t.Run(round.name, func(t *testing.T) {
			start := time.Now()
			conns := bodyOpenStalled(t, s, n, round.path, declare, "")
			bodyServedPromptly(t, c, 5)
			rss := s.rssKB(t)
			t.Logf("%s: %d connections declaring 4 MiB: RSS %d KiB (idle %d KiB)", round.name, n, rss, idle)
			if grew := rss - idle; grew > 150<<10 {
				t.Fatalf("RSS grew by %d KiB, want under 150 MiB", grew)
			}
			timeouts := bodyAwaitClosed(t, conns, bodyTimeout+20*time.Second)
			t.Logf("%s: all %d closed after %v, %d answered 408", round.name, n, time.Since(start).Round(time.Millisecond), timeouts)
			if timeouts < n*9/10 {
				t.Fatalf("only %d of %d stalled bodies were answered 408", timeouts, n)
			}
		})
	}
	c.add(3, 4)
}

// bodyLegacyEndpoint opens a legacy SSE stream and returns the message
// endpoint it announces; the stream stays open until the test ends.
func bodyLegacyEndpoint(t *testing.T, s *bodyServer) string {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("legacy stream: %v", err)
		}
		if ep, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
			return ep
		}
	}
}

// TestBodyIncomplete: bodies that stop halfway (with a Content-Length,
// or chunked) and a keep-alive connection left idle are closed once
// their timeout passes; before the fix they stayed open for good.
func TestBodyIncomplete(t *testing.T) {
	const timeout = 2 * time.Second
	s := bodyStartServer(t, "MCPGEN_BODY_READ_TIMEOUT="+timeout.String(), "MCPGEN_IDLE_TIMEOUT="+timeout.String())
	c := bodyNewClient(t, s, `{}`)
	half := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":1,`
	start := time.Now()
	stalled := bodyOpenStalled(t, s, 20, "/mcp", "Content-Length: 100000\r\nMcp-Session-Id: "+c.session+"\r\n", half)
	stalled = append(stalled, bodyOpenStalled(t, s, 20, "/mcp", "Transfer-Encoding: chunked\r\nMcp-Session-Id: "+c.session+"\r\n", fmt.Sprintf("%x\r\n%s\r\n", len(half), half))...)
	bodyServedPromptly(t, c, 3)
	if got := bodyAwaitClosed(t, stalled, timeout+20*time.Second); got != len(stalled) {
		t.Fatalf("%d of %d incomplete bodies answered 408", got, len(stalled))
	}
	t.Logf("incomplete bodies closed after %v (timeout %v)", time.Since(start).Round(time.Millisecond), timeout)

	// A keep-alive connection that asks nothing more.
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ping := `{"jsonrpc":"2.0","id":9,"method":"ping"}`
	fmt.Fprintf(conn, "POST /mcp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMcp-Session-Id: %s\r\nMcp-Protocol-Version: 2025-11-25\r\nContent-Length: %d\r\n\r\n%s", s.addr, c.session, len(ping), ping)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("ping: %d, close %v", resp.StatusCode, resp.Close)
	}
	idleStart := time.Now()
	conn.SetReadDeadline(time.Now().Add(timeout + 20*time.Second))
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("idle keep-alive connection: %v, want the server to close it", err)
	}
	t.Logf("idle keep-alive connection closed after %v (timeout %v)", time.Since(idleStart).Round(time.Millisecond), timeout)
}

// TestBodyStreamFlood: four clients each send 20 MB up their GET event
// stream. The server used to read them one byte per system call (20.7
// CPU-seconds per stream, other clients' p99 from 0.48 to 12 ms); now it
// closes a stream whose client sends more than a few KiB.
func TestBodyStreamFlood(t *testing.T) {
	s := bodyStartServer(t)
	c := bodyNewClient(t, s, `{}`)
	c.add(1, 1)
	cpu0 := s.cpu(t)
	var wg sync.WaitGroup
	sent := make([]int, 4)
	for i := range sent {
		fc := bodyNewClient(t, s, `{}`)
		conn, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /mcp HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nMcp-Session-Id: %s\r\nMcp-Protocol-Version: 2025-11-25\r\n\r\n", s.addr, fc.session)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET stream: %v %v", resp, err)
		}
		wg.Go(func() {
			chunk := bytes.Repeat([]byte("flood"), 64<<10/5)
			conn.SetWriteDeadline(time.Now().Add(60 * time.Second))
			for sent[i] < 20<<20 {
				n, err := conn.Write(chunk)
				sent[i] += n
				if err != nil {
					return
				}
			}
		})
	}
	bodyServedPromptly(t, c, 5)
	wg.Wait()
	used := s.cpu(t) - cpu0
	t.Logf("flood: sent %v bytes before the server closed the streams; server CPU %v", sent, used)
	for i, n := range sent {
		if n >= 20<<20 {
			t.Fatalf("stream %d: the server took all 20 MB without closing it", i)
		}
	}
	if used > 5*time.Second {
		t.Fatalf("the floods cost the server %v of CPU, want well under 5 s", used)
	}
}

// TestBodyWireRules covers the lesser items: a charset other than UTF-8
// is 415; GET and DELETE with an unknown MCP-Protocol-Version are 400
// (2026-07-28, which has neither, stays 405); a server-to-client request
// the client never answers ends with RequestTimeout; and a client that
// disconnects from a call does not cancel it.
func TestBodyWireRules(t *testing.T) {
	s := bodyStartServer(t, "MCPGEN_REQUEST_TIMEOUT=3s")
	c := bodyNewClient(t, s, `{"elicitation":{}}`)

	if resp, body := c.post(`{"jsonrpc":"2.0","id":1,"method":"ping"}`, map[string]string{"Content-Type": "application/json; charset=latin1"}); resp.StatusCode != 415 {
		t.Fatalf("charset=latin1: %d %s", resp.StatusCode, body)
	}
	if resp, body := c.post(`{"jsonrpc":"2.0","id":1,"method":"ping"}`, map[string]string{"Content-Type": "application/json; charset=UTF-8"}); resp.StatusCode != 200 {
		t.Fatalf("charset=UTF-8: %d %s", resp.StatusCode, body)
	}
	for _, tt := range []struct {
		method, version string
		status          int
	}{
		{http.MethodGet, "1999-01-01", 400},
		{http.MethodDelete, "1999-01-01", 400},
		{http.MethodGet, "2026-07-28", 405},
		{http.MethodDelete, "2026-07-28", 405},
	} {
		req, _ := http.NewRequest(tt.method, c.base+"/mcp", nil)
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("Mcp-Session-Id", c.session)
		req.Header.Set("Mcp-Protocol-Version", tt.version)
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Fatalf("%s with MCP-Protocol-Version %s: %d, want %d", tt.method, tt.version, resp.StatusCode, tt.status)
		}
	}

	// An elicitation nobody answers: the call ends with the request
	// timeout (3 s here) instead of waiting for the session's end.
	start := time.Now()
	resp, body := c.post(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"never answered"}}}`, nil)
	took := time.Since(start)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"elicitation/create"`) || !strings.Contains(string(body), `deadline exceeded`) {
		t.Fatalf("unanswered elicitation: %d %s", resp.StatusCode, body)
	}
	if took > 30*time.Second {
		t.Fatalf("unanswered elicitation ended after %v (RequestTimeout 3 s)", took)
	}
	t.Logf("unanswered elicitation ended after %v (RequestTimeout 3 s)", took.Round(time.Millisecond))

	// Disconnect mid-call, answer the elicitation on a new request, and
	// read the call's result by resuming its stream: the call was not
	// cancelled by the disconnect.
	req, _ := http.NewRequest(http.MethodPost, c.base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"answered later"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", c.session)
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	stream, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var lastID string
	var elicitID json.RawMessage
	br := bufio.NewReader(stream.Body)
	for elicitID == nil {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("call stream: %v", err)
		}
		line = strings.TrimSpace(line)
		if id, ok := strings.CutPrefix(line, "id: "); ok {
			lastID = id
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok && strings.Contains(data, "elicitation/create") {
			var m struct{ ID json.RawMessage }
			json.Unmarshal([]byte(data), &m)
			elicitID = m.ID
		}
	}
	stream.Body.Close() // the client goes away mid-call
	if lastID == "" {
		t.Fatal("no event id to resume from")
	}
	if resp, body := c.post(`{"jsonrpc":"2.0","id":`+string(elicitID)+`,"result":{"action":"accept","content":{"username":"later"}}}`, nil); resp.StatusCode != 202 {
		t.Fatalf("elicitation answer: %d %s", resp.StatusCode, body)
	}
	get, _ := http.NewRequest(http.MethodGet, c.base+"/mcp", nil)
	get.Header.Set("Accept", "text/event-stream")
	get.Header.Set("Mcp-Session-Id", c.session)
	get.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	get.Header.Set("Last-Event-ID", lastID)
	resumed, err := c.hc.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	defer resumed.Body.Close()
	got, _ := io.ReadAll(resumed.Body)
	if resumed.StatusCode != 200 || !strings.Contains(string(got), `"id":3`) || !strings.Contains(string(got), "later") {
		t.Fatalf("resumed call stream: %d %s", resumed.StatusCode, got)
	}
}
