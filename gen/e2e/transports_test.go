package e2e_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/testdata/transports/mcpserver"
)

// headersSeen is the structured result of the headers tool.
type headersSeen struct {
	Value string   `json:"value"`
	Names []string `json:"names"`
}

// TestTransportsSeeRequestHeaders serves one generated server over
// Streamable HTTP and legacy SSE at once, at the root and mounted under a
// prefix in a parent mux, and checks that a tool taking http.Header sees
// the custom header of the HTTP request that carried the tools/call (the
// POST, under both transports) and never Authorization.
func TestTransportsSeeRequestHeaders(t *testing.T) {
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.Handle("/mcp-api/", http.StripPrefix("/mcp-api", srv))
	mux.Handle("/", srv)
	ts := httptest.NewServer(mux)
	defer ts.Close()

	for _, prefix := range []string{"", "/mcp-api"} {
		t.Run("streamable"+prefix, func(t *testing.T) {
			c := &client{t: t, url: ts.URL + prefix + "/mcp"}
			if r := c.call("initialize", map[string]any{
				"protocolVersion": "2025-11-25", "capabilities": map[string]any{},
				"clientInfo": map[string]any{"name": "e2e", "version": "0"},
			}); r.Error != nil {
				t.Fatalf("initialize: %+v", r.Error)
			}
			c.version = "2025-11-25"
			c.notify("notifications/initialized")
			c.extra = map[string]string{"X-Custom": "streamable-post", "Authorization": "Bearer secret-token"}
			r := c.call("tools/call", map[string]any{"name": "headers", "arguments": map[string]any{"name": "X-Custom"}})
			checkHeaders(t, r.Result, "streamable-post")
		})
		t.Run("sse"+prefix, func(t *testing.T) {
			s := openSSE(t, ts.URL, prefix)
			defer s.close()
			if want := prefix + "/messages/?session_id="; !strings.HasPrefix(s.endpoint, want) {
				t.Fatalf("endpoint event %q, want it to start with %q", s.endpoint, want)
			}
			s.post(t, map[string]string{"X-Custom": "sse-init"}, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"e2e","version":"0"}}}`)
			if msg := s.next(t); !bytes.Contains(msg, []byte(`"protocolVersion":"2024-11-05"`)) {
				t.Fatalf("initialize response: %s", msg)
			}
			s.post(t, nil, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			s.post(t, map[string]string{"X-Custom": "sse-post", "Authorization": "Bearer secret-token"},
				`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"headers","arguments":{"name":"X-Custom"}}}`)
			var resp struct {
				Result json.RawMessage `json:"result"`
			}
			if err := json.Unmarshal(s.next(t), &resp); err != nil {
				t.Fatal(err)
			}
			checkHeaders(t, resp.Result, "sse-post")
		})
	}

	// The parent's own routes keep working beside the mounted server.
	resp, err := http.Get(ts.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Fatalf("/health = %q", b)
	}
}

func checkHeaders(t *testing.T, result json.RawMessage, want string) {
	t.Helper()
	var res struct {
		StructuredContent headersSeen `json:"structuredContent"`
		IsError           bool        `json:"isError"`
	}
	if err := json.Unmarshal(result, &res); err != nil || res.IsError {
		t.Fatalf("tools/call result %s: %v", result, err)
	}
	if res.StructuredContent.Value != want {
		t.Errorf("tool saw X-Custom %q, want %q (the POST's header)", res.StructuredContent.Value, want)
	}
	if slices.Contains(res.StructuredContent.Names, "authorization") {
		t.Errorf("Authorization reached the tool: %v", res.StructuredContent.Names)
	}
}

// sseClient is a minimal legacy HTTP+SSE client.
type sseClient struct {
	base     string
	endpoint string
	resp     *http.Response
	events   chan []byte
}

func openSSE(t *testing.T, base, prefix string) *sseClient {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+prefix+"/sse", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("X-Custom", "sse-get") // must not be what tools see
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /sse: HTTP %d", resp.StatusCode)
	}
	s := &sseClient{base: base, resp: resp, events: make(chan []byte, 16)}
	endpoint := make(chan string, 1)
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var event string
		var data strings.Builder
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
			case line == "":
				if event == "endpoint" {
					endpoint <- data.String()
				} else if data.Len() > 0 {
					s.events <- []byte(data.String())
				}
				event = ""
				data.Reset()
			}
		}
	}()
	select {
	case s.endpoint = <-endpoint:
	case <-time.After(5 * time.Second):
		t.Fatal("no endpoint event")
	}
	return s
}

func (s *sseClient) post(t *testing.T, hdr map[string]string, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+s.endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST %s: HTTP %d, want 202", s.endpoint, resp.StatusCode)
	}
}

func (s *sseClient) next(t *testing.T) []byte {
	t.Helper()
	select {
	case msg, ok := <-s.events:
		if !ok {
			t.Fatal("SSE stream closed")
		}
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("no message on the SSE stream")
	}
	return nil
}

func (s *sseClient) close() { s.resp.Body.Close() }
