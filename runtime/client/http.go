package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// HTTP connects to a Streamable HTTP endpoint (an mcpgen server's /mcp).
func HTTP(endpoint string) Transport { return &streamable{url: endpoint} }

// HTTPError is the error of an HTTP response that carried no JSON-RPC
// message (a 401 from an auth layer, a 404 for an expired session, a
// proxy's 502, ...).
type HTTPError struct {
	StatusCode int
	// WWWAuthenticate is the response's WWW-Authenticate header (a 401's
	// resource_metadata and scope hints).
	WWWAuthenticate string
	Body            string
}

func (e *HTTPError) Error() string {
	b := strings.TrimSpace(e.Body)
	if len(b) > 200 {
		b = b[:200] + "..."
	}
	return fmt.Sprintf("mcp client: HTTP %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), b)
}

// httpBase is what both HTTP transports share: the client, headers and
// the bearer token.
type httpBase struct {
	hc   *http.Client
	opts *Options
}

func (h *httpBase) init(opts *Options) {
	h.opts = opts
	h.hc = opts.HTTPClient
	if h.hc == nil {
		h.hc = http.DefaultClient
	}
}

// do sends req with the common headers.
func (h *httpBase) do(req *http.Request) (*http.Response, error) {
	for k, vs := range h.opts.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	switch {
	case h.opts.TokenSource != nil:
		tok, err := h.opts.TokenSource.Token()
		if err != nil {
			return nil, fmt.Errorf("mcp client: getting a token: %w", err)
		}
		tok.SetAuthHeader(req)
	case h.opts.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+h.opts.BearerToken)
	}
	return h.hc.Do(req)
}

// statusError reads resp's body into an HTTPError.
func statusError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return &HTTPError{StatusCode: resp.StatusCode, WWWAuthenticate: resp.Header.Get("WWW-Authenticate"), Body: string(b)}
}

type streamable struct {
	httpBase
	url   string
	recv  func([]byte)
	ended func(error)

	mu      sync.Mutex
	session string
	version string
	modern  bool
	getOpen bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func (s *streamable) start(ctx context.Context, opts *Options, recv func([]byte), ended func(error)) error {
	s.init(opts)
	s.recv, s.ended = recv, ended
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return nil
}

func (s *streamable) setSession(version string, modern bool, phase string) {
	s.mu.Lock()
	s.version, s.modern = version, modern
	if phase == "reset" {
		s.session, s.getOpen = "", false
	}
	open := phase == "initialized" && s.session != "" && !s.getOpen
	if open {
		s.getOpen = true
	}
	s.mu.Unlock()
	if open {
		s.wg.Add(1)
		go s.listen()
	}
}

// listen holds the standalone GET stream of a session open for messages
// tied to no request. A server without one (405) is fine.
func (s *streamable) listen() {
	defer s.wg.Done()
	req, err := http.NewRequestWithContext(s.ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return
	}
	req.Header.Set("Accept", "text/event-stream")
	s.headers(req, sendInfo{})
	resp, err := s.do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	_ = readEvents(resp.Body, func(ev event) bool {
		if ev.name == "message" {
			s.recv(ev.data)
		}
		return true
	})
}

// headers sets the session and protocol headers.
func (s *streamable) headers(req *http.Request, info sendInfo) {
	s.mu.Lock()
	session, version, modern := s.session, s.version, s.modern
	s.mu.Unlock()
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	if version != "" {
		req.Header.Set(runtime.HeaderProtocolVersion, version)
	}
	if modern && info.method != "" {
		req.Header.Set(runtime.HeaderMethod, info.method)
		if info.name != "" {
			req.Header.Set(runtime.HeaderName, runtime.EncodeHeaderValue(info.name))
		}
		for k, v := range info.headers {
			req.Header.Set(k, v)
		}
	}
}

func (s *streamable) send(ctx context.Context, msg []byte, info sendInfo) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(msg))
	if err != nil {
		return fmt.Errorf("mcp client: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	s.headers(req, info)
	resp, err := s.do(req)
	if err != nil {
		return fmt.Errorf("mcp client: %s: %w", info.method, err)
	}
	defer resp.Body.Close()
	if info.method == "initialize" {
		if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
			s.mu.Lock()
			s.session = id
			s.mu.Unlock()
		}
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode == http.StatusNotFound && req.Header.Get("Mcp-Session-Id") != "":
		// The server no longer knows the session, whatever the body says.
		return statusError(resp)
	case resp.StatusCode == http.StatusAccepted:
		return nil
	case ct == "text/event-stream" && resp.StatusCode == http.StatusOK:
		return s.readStream(ctx, resp.Body, info)
	case ct == "application/json":
		// A JSON-RPC response, also with an error status (2026 answers
		// header and version errors with 400 and a JSON-RPC error).
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxEventBytes))
		if err != nil {
			return fmt.Errorf("mcp client: reading the %s response: %w", info.method, err)
		}
		var probe struct {
			JSONRPC string `json:"jsonrpc"`
		}
		if json.Unmarshal(b, &probe) == nil && probe.JSONRPC == "2.0" {
			s.recv(b)
			return nil
		}
		return &HTTPError{StatusCode: resp.StatusCode, WWWAuthenticate: resp.Header.Get("WWW-Authenticate"), Body: string(b)}
	default:
		return statusError(resp)
	}
}

// maxResumes bounds how often one request's stream is resumed.
const maxResumes = 8

// readStream reads a request's event stream. When it ends before the
// response and the server gave its events ids, the client resumes it
// with a GET carrying Last-Event-ID, as the server asked (by closing the
// stream after a retry field).
func (s *streamable) readStream(ctx context.Context, body io.Reader, info sendInfo) error {
	answered := false
	lastID := ""
	retry := time.Duration(0)
	read := func(r io.Reader) error {
		return readEvents(r, func(ev event) bool {
			if ev.id != "" {
				lastID = ev.id
			}
			if ev.retry > 0 {
				retry = ev.retry
			}
			if ev.name == "message" {
				if !answered && info.id != nil {
					if m, err := runtime.ParseMessage(ev.data); err == nil && m.IsResponse() && string(m.ID) == string(info.id) {
						answered = true
					}
				}
				s.recv(ev.data)
			}
			return true
		})
	}
	err := read(body)
	for n := 0; err == nil && !answered && lastID != "" && n < maxResumes; n++ {
		if retry > time.Second {
			retry = time.Second
		}
		select {
		case <-time.After(retry):
		case <-ctx.Done():
			return ctx.Err()
		}
		req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
		if rerr != nil {
			return rerr
		}
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("Last-Event-ID", lastID)
		s.headers(req, sendInfo{})
		resp, derr := s.do(req)
		if derr != nil {
			return fmt.Errorf("mcp client: resuming the %s stream: %w", info.method, derr)
		}
		if resp.StatusCode != http.StatusOK {
			err = statusError(resp)
			resp.Body.Close()
			return err
		}
		before := lastID
		err = read(resp.Body)
		resp.Body.Close()
		if lastID == before && !answered {
			break // no progress
		}
	}
	return err
}

func (s *streamable) close() error {
	s.mu.Lock()
	session := s.session
	s.mu.Unlock()
	var err error
	if session != "" {
		req, rerr := http.NewRequest(http.MethodDelete, s.url, nil)
		if rerr == nil {
			s.headers(req, sendInfo{})
			if resp, derr := s.do(req); derr == nil {
				resp.Body.Close()
			} else {
				err = derr
			}
		}
	}
	s.cancel()
	s.wg.Wait()
	return err
}

func (s *streamable) modernCapable() bool { return true }
func (s *streamable) synchronous() bool   { return true }

// SSE connects to a legacy HTTP+SSE endpoint (an mcpgen server's /sse):
// the client holds a GET event stream open, learns the URL to POST
// messages to from its first (endpoint) event, and reads every answer
// from the stream. It always negotiates with initialize.
func SSE(endpoint string) Transport { return &legacySSE{url: endpoint} }

type legacySSE struct {
	httpBase
	url      string
	endpoint string
	cancel   context.CancelFunc
	done     chan struct{}
}

func (l *legacySSE) start(ctx context.Context, opts *Options, recv func([]byte), ended func(error)) error {
	l.init(opts)
	sctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, l.url, nil)
	if err != nil {
		cancel()
		return fmt.Errorf("mcp client: %w", err)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := l.do(req)
	if err != nil {
		cancel()
		return fmt.Errorf("mcp client: opening the SSE stream: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		cancel()
		return statusError(resp)
	}
	endpoint := make(chan string, 1)
	l.done = make(chan struct{})
	go func() {
		defer close(l.done)
		defer resp.Body.Close()
		got := false
		err := readEvents(resp.Body, func(ev event) bool {
			switch {
			case ev.name == "endpoint" && !got:
				got = true
				endpoint <- string(ev.data)
			case ev.name == "message":
				recv(ev.data)
			}
			return true
		})
		if !got {
			close(endpoint)
		}
		ended(err)
	}()
	select {
	case e, ok := <-endpoint:
		if !ok {
			cancel()
			return fmt.Errorf("mcp client: the SSE stream ended before its endpoint event")
		}
		base, _ := url.Parse(l.url)
		ref, err := url.Parse(e)
		if err != nil {
			cancel()
			return fmt.Errorf("mcp client: bad SSE endpoint %q: %w", e, err)
		}
		u := base.ResolveReference(ref)
		if u.Scheme != base.Scheme || u.Host != base.Host {
			cancel()
			return fmt.Errorf("mcp client: SSE endpoint %q is not on the server's origin", e)
		}
		l.endpoint = u.String()
		return nil
	case <-ctx.Done():
		cancel()
		return ctx.Err()
	}
}

func (l *legacySSE) send(ctx context.Context, msg []byte, info sendInfo) error {
	// The answer comes on the stream; the POST itself is answered at once.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint, bytes.NewReader(msg))
	if err != nil {
		return fmt.Errorf("mcp client: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.do(req)
	if err != nil {
		return fmt.Errorf("mcp client: %s: %w", info.method, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return statusError(resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	return nil
}

func (l *legacySSE) close() error {
	l.cancel()
	<-l.done
	return nil
}

func (l *legacySSE) modernCapable() bool             { return false }
func (l *legacySSE) synchronous() bool               { return false }
func (l *legacySSE) setSession(string, bool, string) {}
func (s *streamable) wantsHeaders() bool             { return true }
func (l *legacySSE) wantsHeaders() bool              { return false }

func (l *legacySSE) hasSession() bool { return false }

func (s *streamable) hasSession() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session != ""
}
