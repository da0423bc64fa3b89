package streamable

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

func TestAccepts(t *testing.T) {
	tests := []struct {
		accept    string
		json, sse bool
	}{
		{"application/json, text/event-stream", true, true},
		{"text/event-stream, application/json;q=0.9", true, true},
		{"application/json", true, false},
		{"text/event-stream", false, true},
		{"*/*", true, true},
		{"application/*, text/*", true, true},
		{"application/json;q=0, text/event-stream", false, true},
		{"", false, false},
		{"garbage;;;", false, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		r.Header.Set("Accept", tt.accept)
		if j, s := accepts(r); j != tt.json || s != tt.sse {
			t.Errorf("accepts(%q) = %v %v, want %v %v", tt.accept, j, s, tt.json, tt.sse)
		}
	}
}

func TestSSEFraming(t *testing.T) {
	tests := []struct {
		id, data string
		want     sseEvent
	}{
		{"1", `{"a":1}`, sseEvent{ID: "1", Event: "message", Data: `{"a":1}`}},
		{"", "x\ny\r\nz\rw", sseEvent{Event: "message", Data: "x\ny\nz\nw"}},
		{"7", "", sseEvent{ID: "7", Event: "message", Data: ""}},
	}
	for _, tt := range tests {
		evs := parseSSE(appendEvent(nil, tt.id, []byte(tt.data)))
		if len(evs) != 1 || evs[0] != tt.want {
			t.Errorf("appendEvent(%q, %q) parsed back as %+v", tt.id, tt.data, evs)
		}
	}
	p := parseSSE(appendPriming(nil, "s#1", 1500*time.Millisecond))
	if len(p) != 1 || p[0].ID != "s#1" || p[0].Retry != "1500" || p[0].Data != "" {
		t.Fatalf("priming parsed as %+v", p)
	}
}

func FuzzSSEFraming(f *testing.F) {
	f.Add("1", []byte(`{"jsonrpc":"2.0"}`))
	f.Add("", []byte("a\r\n\r\nb"))
	f.Add("x#2", []byte("\n"))
	f.Fuzz(func(t *testing.T, id string, data []byte) {
		if _, err := checkEventID(id); err != nil {
			return // the store never issues such ids
		}
		evs := parseSSE(appendEvent(nil, id, data))
		if len(evs) != 1 {
			t.Fatalf("one event became %d: %+v", len(evs), evs)
		}
		norm := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(data))
		if evs[0].ID != id || evs[0].Data != norm {
			t.Fatalf("round trip of %q %q gave %+v", id, data, evs[0])
		}
	})
}

func FuzzLastEventID(f *testing.F) {
	for _, s := range []string{"abc#1", " padded#2 ", "", "with\nnewline", strings.Repeat("x", 1100), "nul\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest(http.MethodGet, "/mcp", nil)
		r.Header["Last-Event-Id"] = []string{v}
		id, err := parseLastEventID(r)
		if err != nil {
			return
		}
		if len(id) > 1024 || strings.ContainsAny(id, "\r\n\x00") || id != strings.TrimSpace(id) {
			t.Fatalf("accepted %q as %q", v, id)
		}
		// An accepted id must survive SSE framing as itself.
		if id != "" {
			if evs := parseSSE(appendEvent(nil, id, []byte("{}"))); len(evs) != 1 || evs[0].ID != id {
				t.Fatalf("id %q does not round-trip: %+v", id, evs)
			}
		}
	})
}

// recorderServer is a server driven through httptest.NewRecorder, with a
// session already initialized.
func recorderServer(tb testing.TB, opts ...runtime.Option) (*runtime.Server, string) {
	tb.Helper()
	all := append([]runtime.Option{
		runtime.WithLogger(quietLogger()),
		runtime.WithTransport(New()),
		func(c *runtime.Config) { c.RequestTimeout = 200 * time.Millisecond },
	}, opts...)
	srv, err := runtime.NewServer(testDef(), all...)
	if err != nil {
		tb.Fatal(err)
	}
	w := serve(srv, "", initBody)
	if w.Code != 200 {
		tb.Fatalf("initialize: %d %s", w.Code, w.Body)
	}
	sid := w.Header().Get(headerSessionID)
	serve(srv, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return srv, sid
}

func newPOST(sid, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(body))
	r.Host = "localhost"
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json, text/event-stream")
	if sid != "" {
		r.Header.Set(headerSessionID, sid)
	}
	return r
}

func serve(h http.Handler, sid, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, newPOST(sid, body))
	return w
}

func FuzzPOSTBody(f *testing.F) {
	for _, s := range []string{
		initBody,
		callBody(1, "hello"),
		callBody(2, "chatty"),
		callBody(3, "ask"),
		callBody(4, "test_reconnection"),
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"nope"}}`,
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`,
		`{"jsonrpc":"2.0","id":9,"result":{}}`,
		`{"jsonrpc":"2.0","id":null,"method":"ping"}`,
		`[]`, `{}`, `null`, `"x"`, `{"jsonrpc":"2.0","id":{},"method":"ping"}`,
		// 2026-07-28 bodies; without the MCP-Protocol-Version header they
		// are header mismatches (FuzzModernPOST sends the headers).
		`{"jsonrpc":"2.0","id":10,"method":"server/discover","params":{` + modernMeta + `}}`,
		modernCall(11, "ask", `,"inputResponses":{"elicitation-1":{"action":"accept"}},"requestState":"x"`),
		`{"jsonrpc":"2.0","id":12,"method":"subscriptions/listen","params":{` + modernMeta + `,"notifications":{"toolsListChanged":true}}}`,
	} {
		f.Add(s)
	}
	srv, sid := recorderServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		w := serve(srv, sid, body)
		switch w.Code {
		case 200:
			if strings.HasPrefix(w.Header().Get("Content-Type"), "text/event-stream") {
				for _, e := range parseSSE(w.Body.Bytes()) {
					if e.Data != "" && !json.Valid([]byte(e.Data)) {
						t.Fatalf("invalid JSON event %q", e.Data)
					}
				}
			} else if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("invalid JSON body %q", w.Body)
			}
		case 202:
			if w.Body.Len() != 0 {
				t.Fatalf("202 with a body %q", w.Body)
			}
		case 400, 404, 413:
			var m struct {
				Error *runtime.Error `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || m.Error == nil || m.Error.Message == "" {
				t.Fatalf("%d without a JSON-RPC error: %q", w.Code, w.Body)
			}
		default:
			t.Fatalf("status %d for %q: %q", w.Code, body, w.Body)
		}
	})
}

func benchmarkCall(b *testing.B, opts ...runtime.Option) {
	srv, sid := recorderServer(b, opts...)
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}}`)
	want := []byte(`"hello"`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		r := newPOST(sid, "")
		r.Body = http.NoBody
		r.Body = nopCloser{bytes.NewReader(body)}
		r.ContentLength = int64(len(body))
		srv.ServeHTTP(w, r)
		if w.Code != 200 || !bytes.Contains(w.Body.Bytes(), want) {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func BenchmarkToolsCallJSON(b *testing.B) { benchmarkCall(b, runtime.WithJSONResponse(true)) }
func BenchmarkToolsCallSSE(b *testing.B)  { benchmarkCall(b) }
