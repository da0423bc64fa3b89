package streamable

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}}`

// modernHdr returns the headers of a 2026 request.
func modernHdr(method, name string) map[string]string {
	h := map[string]string{headerProtocolVersion: "2026-07-28", "Mcp-Method": method}
	if name != "" {
		h["Mcp-Name"] = name
	}
	return h
}

func modernCall(id int, tool, extra string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{},%s%s}}`, id, tool, modernMeta, extra)
}

// TestModernOverHTTP serves 2026 requests beside a 2025 session on the
// same endpoint and checks what the transport adds: statuses, framing,
// no session ids.
func TestModernOverHTTP(t *testing.T) {
	_, url := newServer(t, nil)
	legacy := &client{t: t, url: url}
	legacy.initialize()
	c := &client{t: t, url: url}

	tests := []struct {
		name   string
		body   string
		hdr    map[string]string
		status int
		code   int    // JSON-RPC error code; 0 = a result
		ctype  string // response Content-Type prefix
	}{
		{"discover", `{"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover","params":{` + modernMeta + `}}`, modernHdr("server/discover", ""), 200, 0, "application/json"},
		{"plain call answers JSON", modernCall(2, "hello", ""), modernHdr("tools/call", "hello"), 200, 0, "application/json"},
		{"nothing streamed: JSON", modernCall(3, "chatty", ""), modernHdr("tools/call", "chatty"), 200, 0, "application/json"},
		{"header mismatch", modernCall(4, "hello", ""), modernHdr("tools/call", "other"), 400, runtime.CodeHeaderMismatch, "application/json"},
		{"lower-case header names", modernCall(5, "hello", ""), map[string]string{"mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "hello"}, 200, 0, "application/json"},
		{"missing meta", `{"jsonrpc":"2.0","id":6,"method":"tools/list","params":{}}`, modernHdr("tools/list", ""), 400, runtime.CodeInvalidParams, "application/json"},
		{"unsupported version", `{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}}`, map[string]string{headerProtocolVersion: "v999.0.0", "Mcp-Method": "tools/list"}, 400, runtime.CodeUnsupportedProtocolVersion, "application/json"},
		{"removed ping", `{"jsonrpc":"2.0","id":8,"method":"ping","params":{` + modernMeta + `}}`, modernHdr("ping", ""), 404, runtime.CodeMethodNotFound, "application/json"},
		{"modern initialize", `{"jsonrpc":"2.0","id":9,"method":"initialize","params":{"protocolVersion":"2026-07-28",` + modernMeta + `}}`, modernHdr("initialize", ""), 404, runtime.CodeMethodNotFound, "application/json"},
		{"elicitation is input_required", modernCall(10, "ask", ""), modernHdr("tools/call", "ask"), 200, 0, "application/json"},
		{"a session id is ignored", modernCall(11, "hello", ""), func() map[string]string {
			h := modernHdr("tools/call", "hello")
			h[headerSessionID] = "0123456789abcdef0123456789abcdef"
			return h
		}(), 200, 0, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPost, tt.body, tt.hdr)
			if r.status != tt.status || !strings.HasPrefix(r.header.Get("Content-Type"), tt.ctype) {
				t.Fatalf("%d %q: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			if r.header.Get(headerSessionID) != "" {
				t.Fatalf("a 2026 response carries Mcp-Session-Id")
			}
			m := r.last(t)
			if got := errorCode(m); got != tt.code {
				t.Fatalf("code %d, want %d: %s", got, tt.code, r.body)
			}
			if tt.code == 0 {
				res := m["result"].(map[string]any)
				if res["resultType"] == nil {
					t.Fatalf("result without resultType: %s", r.body)
				}
			}
		})
	}

	t.Run("progress and logs stream as SSE without ids", func(t *testing.T) {
		body := `{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"name":"chatty","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"info","progressToken":"p"}}}`
		r := c.do(http.MethodPost, body, modernHdr("tools/call", "chatty"))
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var methods []string
		for _, e := range r.events {
			if e.ID != "" || e.Retry != "" {
				t.Fatalf("2026 stream event with id/retry: %+v", e)
			}
		}
		for _, m := range r.msgs {
			if s, ok := m["method"].(string); ok {
				methods = append(methods, s)
			}
		}
		if strings.Join(methods, ",") != "notifications/message,notifications/progress,notifications/progress" || text(t, r.last(t)) != "done" {
			t.Fatalf("stream: %s", r.body)
		}
	})
	t.Run("no logs without logLevel", func(t *testing.T) {
		r := c.do(http.MethodPost, modernCall(21, "chatty", ""), modernHdr("tools/call", "chatty"))
		if strings.Contains(string(r.body), "notifications/message") {
			t.Fatalf("log sent without logLevel: %s", r.body)
		}
	})
	t.Run("GET and DELETE are 405 in 2026", func(t *testing.T) {
		for _, m := range []string{http.MethodGet, http.MethodDelete} {
			if r := c.do(m, "", map[string]string{headerProtocolVersion: "2026-07-28"}); r.status != 405 {
				t.Fatalf("%s: %d", m, r.status)
			}
		}
	})
	t.Run("the 2025 session still works", func(t *testing.T) {
		r := legacy.post(callBody(30, "hello"))
		if r.status != 200 || text(t, r.last(t)) != "hello" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if res := r.last(t)["result"].(map[string]any); res["resultType"] != nil {
			t.Fatalf("a 2025 result carries resultType: %s", r.body)
		}
	})
}

func TestModernListenOverHTTP(t *testing.T) {
	srv, url := newServer(t, nil)
	c := &client{t: t, url: url}
	body := `{"jsonrpc":"2.0","id":5,"method":"subscriptions/listen","params":{` + modernMeta + `,"notifications":{"toolsListChanged":true}}}`
	resp := c.request(http.MethodPost, body, modernHdr("subscriptions/listen", ""))
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	e, err := er.next(t, 5*time.Second)
	if err != nil || !strings.Contains(e.Data, `"notifications/subscriptions/acknowledged"`) || !strings.Contains(e.Data, `"io.modelcontextprotocol/subscriptionId":5`) {
		t.Fatalf("first event %+v %v", e, err)
	}
	srv.NotifyPromptListChanged()
	srv.NotifyToolListChanged()
	e, err = er.next(t, 5*time.Second)
	if err != nil || !strings.Contains(e.Data, `"notifications/tools/list_changed"`) || !strings.Contains(e.Data, `/subscriptionId":5`) {
		t.Fatalf("second event %+v %v", e, err)
	}
}

func FuzzModernPOST(f *testing.F) {
	for _, s := range []struct{ method, body string }{
		{"server/discover", `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{` + modernMeta + `}}`},
		{"tools/call", modernCall(2, "ask", `,"inputResponses":{"elicitation-1":{"action":"accept","content":{"name":"A"}}}`)},
		{"tools/call", modernCall(3, "ask", `,"requestState":"AAAA","inputResponses":null`)},
		{"tools/call", modernCall(4, "chatty", "")},
		{"subscriptions/listen", `{"jsonrpc":"2.0","id":5,"method":"subscriptions/listen","params":{` + modernMeta + `,"notifications":{"toolsListChanged":true}}}`},
		{"ping", `{"jsonrpc":"2.0","id":6,"method":"ping","params":{` + modernMeta + `}}`},
		{"tools/list", `{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`},
		{"tools/list", `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{` + modernMeta + `}}`},
	} {
		f.Add(s.method, s.body)
	}
	srv, _ := recorderServer(f)
	f.Fuzz(func(t *testing.T, method, body string) {
		w := httptest.NewRecorder()
		r := newPOST("", body)
		r.Header.Set(headerProtocolVersion, "2026-07-28")
		r.Header.Set("Mcp-Method", method)
		ctx, cancel := context.WithTimeout(r.Context(), 50*time.Millisecond) // ends listen streams
		defer cancel()
		srv.ServeHTTP(w, r.WithContext(ctx))
		if w.Header().Get(headerSessionID) != "" {
			t.Fatal("2026 response with a session id")
		}
		switch w.Code {
		case 200:
			if strings.HasPrefix(w.Header().Get("Content-Type"), "text/event-stream") {
				for _, e := range parseSSE(w.Body.Bytes()) {
					if e.Data != "" && !json.Valid([]byte(e.Data)) {
						t.Fatalf("invalid JSON event %q", e.Data)
					}
				}
			} else if w.Body.Len() > 0 && !json.Valid(w.Body.Bytes()) {
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
