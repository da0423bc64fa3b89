package sse

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// inProcess is the transport's handler with one open session, driven
// without a network (no GET stream: tests read the session's queue).
type inProcess struct {
	h    *handler
	sess *session
}

func newInProcess(tb testing.TB, opts ...runtime.Option) *inProcess {
	tb.Helper()
	s := newTestServer(tb, nil, nil, opts...)
	h := New().(*Transport).Handler(s).(*handler)
	sess, aerr := h.newSession(httptest.NewRequest(http.MethodGet, "/sse", nil))
	if aerr != nil {
		tb.Fatal(aerr)
	}
	tb.Cleanup(func() { h.endSession(sess) })
	p := &inProcess{h: h, sess: sess}
	if status, body := p.post(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"fuzz","version":"0"}}}`); status != http.StatusAccepted {
		tb.Fatalf("initialize: %d %s", status, body)
	}
	// Without it the session would end after SessionInitTimeout, in the
	// middle of a long fuzzing run.
	if status, body := p.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); status != http.StatusAccepted {
		tb.Fatalf("notifications/initialized: %d %s", status, body)
	}
	p.drain()
	return p
}

func (p *inProcess) post(body string) (int, string) {
	req := httptest.NewRequest(http.MethodPost, "/messages/?session_id="+p.sess.id, strings.NewReader(body))
	req.Host = "127.0.0.1"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	p.h.servePOST(rec, req)
	return rec.Code, rec.Body.String()
}

func (p *inProcess) drain() [][]byte {
	msgs, _ := p.sess.stream.take()
	return msgs
}

// wait returns the next queued messages, waiting up to a second.
func (p *inProcess) wait() [][]byte {
	deadline := time.After(time.Second)
	for {
		if msgs := p.drain(); len(msgs) > 0 {
			return msgs
		}
		select {
		case <-p.sess.stream.notify:
		case <-deadline:
			return nil
		}
	}
}

// FuzzPOSTBody feeds arbitrary bodies to the message endpoint of an
// initialized session: the answer is 202 or a 400 with a JSON-RPC error,
// the server never panics, and whatever reaches the stream is JSON.
func FuzzPOSTBody(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":"a","method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":[]}}`,
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}`,
		`{"jsonrpc":"2.0","id":4,"result":{}}`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"x"}}`,
		`{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2024-11-05"}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`{"jsonrpc":"1.0","id":1,"method":"ping"}`,
		`{"jsonrpc":`, ``, `null`, `"x"`, "\xff\xfe",
	} {
		f.Add(s)
	}
	p := newInProcess(f, runtime.WithMaxBodyBytes(1<<16))
	f.Fuzz(func(t *testing.T, body string) {
		status, answer := p.post(body)
		switch status {
		case http.StatusAccepted:
		case http.StatusBadRequest:
			var m struct {
				Error *runtime.Error `json:"error"`
			}
			if err := json.Unmarshal([]byte(answer), &m); err != nil || m.Error == nil {
				t.Fatalf("400 body %q is not a JSON-RPC error: %v", answer, err)
			}
			if m.Error.Code != runtime.CodeParseError && m.Error.Code != runtime.CodeInvalidRequest {
				t.Fatalf("400 with code %d", m.Error.Code)
			}
		case http.StatusRequestEntityTooLarge:
			if len(body) <= 1<<16 {
				t.Fatalf("413 for %d bytes", len(body))
			}
		default:
			t.Fatalf("status %d for %q: %s", status, body, answer)
		}
		for _, m := range p.drain() {
			if !json.Valid(m) {
				t.Fatalf("invalid JSON on the stream: %q", m)
			}
		}
	})
}

func BenchmarkToolsCall(b *testing.B) {
	p := newInProcess(b)
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}`
	b.ReportAllocs()
	for b.Loop() {
		if status, _ := p.post(body); status != http.StatusAccepted {
			b.Fatalf("status %d", status)
		}
		if msgs := p.wait(); len(msgs) != 1 {
			b.Fatalf("%d messages", len(msgs))
		}
	}
}

func BenchmarkAppendEvent(b *testing.B) {
	msg := []byte(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hello"}]}}`)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendEvent(buf[:0], "message", msg)
	}
}
