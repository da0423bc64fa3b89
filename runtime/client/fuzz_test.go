package client

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
)

func TestReadEvents(t *testing.T) {
	in := ": comment\nevent: endpoint\ndata: /messages?s=1\n\nid: 7\nretry: 250\n\ndata: {\"a\":\ndata: 1}\r\n\r\n"
	var got []event
	if err := readEvents(strings.NewReader(in), func(ev event) bool { got = append(got, ev); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].name != "endpoint" || string(got[0].data) != "/messages?s=1" ||
		got[1].name != "" || got[1].id != "7" || got[1].retry.Milliseconds() != 250 ||
		got[2].name != "message" || string(got[2].data) != "{\"a\":\n1}" {
		t.Fatalf("events = %+v", got)
	}
}

// FuzzReadEvents feeds arbitrary streams to the event parser: it must
// not panic, and every event it returns has data no larger than the
// input.
func FuzzReadEvents(f *testing.F) {
	f.Add([]byte("event: endpoint\ndata: /m\n\n"))
	f.Add([]byte("data: x\r\ndata: y\n\nid: 1\nretry: -5\n\n:"))
	f.Add([]byte("data"))
	f.Fuzz(func(t *testing.T, in []byte) {
		_ = readEvents(bytes.NewReader(in), func(ev event) bool {
			if len(ev.data) > len(in) {
				t.Fatalf("event data %d bytes from %d bytes of input", len(ev.data), len(in))
			}
			return true
		})
	})
}

func TestExpandURI(t *testing.T) {
	for _, tt := range []struct {
		tmpl string
		vars map[string]string
		want string
	}{
		{"users://{id}/profile", map[string]string{"id": "42"}, "users://42/profile"},
		{"docs://{space}/{name}", map[string]string{"space": "a b", "name": "x/y?z#é"}, "docs://a%20b/x%2Fy%3Fz%23%C3%A9"},
		{"test://{id}", nil, "test://"},
		{"plain://no-vars", nil, "plain://no-vars"},
		{"broken://{id", map[string]string{"id": "1"}, "broken://{id"},
	} {
		if got := ExpandURI(tt.tmpl, tt.vars); got != tt.want {
			t.Errorf("ExpandURI(%q, %v) = %q, want %q", tt.tmpl, tt.vars, got, tt.want)
		}
	}
}

// FuzzReceive feeds arbitrary server messages to a client: it must
// neither panic nor hang (a server request it answers is waited for by
// Close).
func FuzzReceive(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p1","progress":"x"}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":"a","method":"elicitation/create","params":{"message":1}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"notifications/message","params":null}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		sent := make(chan []byte, 16)
		c := &Client{t: &recorder{sent: sent}, pending: map[string]chan *runtime.Message{}, progress: map[string]func(Progress){}, done: make(chan struct{})}
		c.baseCtx, c.stop = context.WithCancel(context.Background())
		c.opts.OnLog = func(LogMessage) {}
		c.opts.OnNotification = func(string, json.RawMessage) {}
		c.progress["p1"] = func(Progress) {}
		c.receive(msg)
		c.Close()
	})
}

// recorder is a Transport that keeps what the client sends.
type recorder struct{ sent chan []byte }

func (r *recorder) start(context.Context, *Options, func([]byte), func(error)) error { return nil }
func (r *recorder) send(_ context.Context, msg []byte, _ sendInfo) error {
	select {
	case r.sent <- msg:
	default:
	}
	return nil
}
func (r *recorder) close() error                    { return nil }
func (r *recorder) modernCapable() bool             { return false }
func (r *recorder) synchronous() bool               { return false }
func (r *recorder) wantsHeaders() bool              { return false }
func (r *recorder) setSession(string, bool, string) {}
func (r *recorder) hasSession() bool                { return false }
