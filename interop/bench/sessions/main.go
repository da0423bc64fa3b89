// Command sessions measures what an idle session costs a server: it
// opens -n sessions against a running server process, each with its
// server-to-client stream held open (the 2025-11-25 Streamable HTTP GET
// stream, or a legacy SSE stream), waits for the server to settle, and
// reports the growth of the server's VmRSS per session as one JSON line.
//
//	sessions -base http://127.0.0.1:8000 -kind streamable -n 1000 -pid PID
//
// Streamable HTTP sessions are initialize, notifications/initialized and
// a GET on -mcp; legacy SSE sessions are a GET on -sse, whose endpoint
// event names the URL that takes initialize (answered on the stream) and
// notifications/initialized. Every stream is drained until the end, so
// keep-alives never block the server.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const initBody = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"sessions","version":"1.0.0"}}}`

type result struct {
	Server        string  `json:"server"`
	Kind          string  `json:"kind"`
	N             int     `json:"n"`
	RSSBeforeKiB  int64   `json:"rss_before_kib"`
	RSSAfterKiB   int64   `json:"rss_after_kib"`
	KiBPerSession float64 `json:"kib_per_session"`
	Seconds       float64 `json:"open_seconds"`
}

func main() {
	base := flag.String("base", "http://127.0.0.1:8000", "server base URL")
	mcpPath := flag.String("mcp", "/mcp", "Streamable HTTP endpoint path")
	ssePath := flag.String("sse", "/sse", "legacy SSE endpoint path")
	kind := flag.String("kind", "streamable", "streamable (GET stream of a 2025-11-25 session) or sse (legacy SSE)")
	n := flag.Int("n", 1000, "sessions to open")
	pid := flag.Int("pid", 0, "server PID (for VmRSS)")
	name := flag.String("name", "", "label for the output")
	settle := flag.Duration("settle", 3*time.Second, "wait before reading VmRSS")
	par := flag.Int("p", 16, "sessions opened in parallel")
	flag.Parse()
	if *pid == 0 {
		fatal(errors.New("-pid is required"))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *par * 2}}
	open := openStreamable
	target := *base + *mcpPath
	if *kind == "sse" {
		open, target = openSSE, *base+*ssePath
	} else if *kind != "streamable" {
		fatal(errors.New("-kind must be streamable or sse"))
	}

	before := vmRSS(*pid)
	start := time.Now()
	var next, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	var mu sync.Mutex
	var streams []io.Closer
	for range *par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*n) {
				body, err := open(client, target)
				if err != nil {
					if failed.Add(1) == 1 {
						firstErr.Store(err.Error())
					}
					continue
				}
				mu.Lock()
				streams = append(streams, body)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	opened := time.Since(start)
	if f := failed.Load(); f > 0 {
		fatal(fmt.Errorf("%d of %d sessions failed; first: %v", f, *n, firstErr.Load()))
	}
	time.Sleep(*settle)
	after := vmRSS(*pid)
	r := result{Server: *name, Kind: *kind, N: *n, RSSBeforeKiB: before, RSSAfterKiB: after,
		KiBPerSession: float64(after-before) / float64(*n), Seconds: opened.Seconds()}
	json.NewEncoder(os.Stdout).Encode(r)
	for _, s := range streams {
		s.Close()
	}
	runtime.KeepAlive(streams)
}

func post(client *http.Client, u, session, body string) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	return client.Do(req)
}

// openStreamable opens one 2025-11-25 session and its GET stream.
func openStreamable(client *http.Client, u string) (io.Closer, error) {
	resp, err := post(client, u, "", initBody)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sid := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || sid == "" || !bytes.Contains(body, []byte(`"result"`)) {
		return nil, fmt.Errorf("initialize: %d %q (session %q)", resp.StatusCode, body, sid)
	}
	resp, err = post(client, u, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return nil, fmt.Errorf("initialized: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Mcp-Session-Id", sid)
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	resp, err = client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return nil, fmt.Errorf("GET stream: %d %q", resp.StatusCode, b)
	}
	go io.Copy(io.Discard, resp.Body)
	return resp.Body, nil
}

// openSSE opens one legacy SSE session: the stream, then initialize and
// initialized on the URL its endpoint event names.
func openSSE(client *http.Client, u string) (io.Closer, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	events := make(chan [2]string, 4)
	go func() { // read events; after the first two, only drain
		defer close(events)
		br := bufio.NewReader(resp.Body)
		var ev, data string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			switch {
			case line == "":
				if data != "" {
					select {
					case events <- [2]string{ev, data}:
					default:
					}
				}
				ev, data = "", ""
			case strings.HasPrefix(line, "event:"):
				ev = strings.TrimSpace(line[len("event:"):])
			case strings.HasPrefix(line, "data:"):
				data += strings.TrimPrefix(line[len("data:"):], " ")
			}
		}
	}()
	wait := func(what string) ([2]string, error) {
		select {
		case e, ok := <-events:
			if !ok {
				return e, fmt.Errorf("stream ended before %s", what)
			}
			return e, nil
		case <-time.After(10 * time.Second):
			return [2]string{}, fmt.Errorf("no %s within 10s", what)
		}
	}
	e, err := wait("the endpoint event")
	if err != nil || e[0] != "endpoint" {
		resp.Body.Close()
		return nil, fmt.Errorf("endpoint event: %v %q", err, e)
	}
	base, _ := url.Parse(u)
	ep, err := base.Parse(e[1])
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	for _, body := range []string{initBody, `{"jsonrpc":"2.0","method":"notifications/initialized"}`} {
		r, err := post(client, ep.String(), "", body)
		if err != nil {
			resp.Body.Close()
			return nil, err
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode/100 != 2 {
			resp.Body.Close()
			return nil, fmt.Errorf("POST %s: %d", ep, r.StatusCode)
		}
		if body == initBody {
			if e, err := wait("the initialize response"); err != nil || !strings.Contains(e[1], `"result"`) {
				resp.Body.Close()
				return nil, fmt.Errorf("initialize response: %v %q", err, e)
			}
		}
	}
	return resp.Body, nil
}

// vmRSS returns the resident set of a process in KiB.
func vmRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	fatal(fmt.Errorf("no VmRSS for pid %d", pid))
	return 0
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "sessions:", err)
	os.Exit(1)
}
