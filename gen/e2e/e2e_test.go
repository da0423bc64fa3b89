// Package e2e_test serves the golden generated package of
// testdata/basic over real HTTP and talks MCP to it, so the generator,
// the runtime core, the streamable transport and the type layer are
// tested together. It lives in its own package so that a broken golden
// file cannot stop `go test ./gen -update` from rewriting it.
package e2e_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/testdata/basic/mcpserver"
)

// client is a minimal Streamable HTTP client: it POSTs one JSON-RPC
// message and reads the response from a JSON body or an SSE stream.
type client struct {
	t       *testing.T
	url     string
	session string
	version string
	nextID  int
	// extra headers sent with every request.
	extra map[string]string
}

type rpcResponse struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call sends a request and returns its response.
func (c *client) call(method string, params any) rpcResponse {
	c.t.Helper()
	c.nextID++
	msg := map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method}
	if params != nil {
		msg["params"] = params
	}
	resp := c.post(msg)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("%s: HTTP %d: %s", method, resp.StatusCode, b)
	}
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		c.session = id
	}
	body := readMessage(c.t, resp)
	var r rpcResponse
	if err := json.Unmarshal(body, &r); err != nil {
		c.t.Fatalf("%s: bad response %s: %v", method, body, err)
	}
	return r
}

// notify sends a notification; the server answers 202.
func (c *client) notify(method string) {
	c.t.Helper()
	resp := c.post(map[string]any{"jsonrpc": "2.0", "method": method})
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		c.t.Fatalf("%s: HTTP %d, want 202", method, resp.StatusCode)
	}
}

func (c *client) post(msg any) *http.Response {
	c.t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
	}
	if c.version != "" {
		req.Header.Set("Mcp-Protocol-Version", c.version)
	}
	for k, v := range c.extra {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

// readMessage returns the JSON-RPC response in a JSON body or, for an SSE
// stream, the first event that carries a response (one with an id).
func readMessage(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "data:"):
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		case line == "" && data.Len() > 0:
			var probe struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			if json.Unmarshal([]byte(data.String()), &probe) == nil && probe.ID != nil && probe.Method == "" {
				return []byte(data.String())
			}
			data.Reset()
		}
	}
	t.Fatalf("SSE stream ended without a response (%v)", sc.Err())
	return nil
}

// toolResult is the part of a tools/call result the test looks at.
type toolResult struct {
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent"`
	IsError           bool            `json:"isError"`
}

func TestBasicServer(t *testing.T) {
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv) // listens on 127.0.0.1
	defer ts.Close()
	c := &client{t: t, url: ts.URL + "/mcp"}

	init := c.call("initialize", map[string]any{
		"protocolVersion": "2025-06-18",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "e2e", "version": "0"},
	})
	if init.Error != nil {
		t.Fatalf("initialize: %+v", init.Error)
	}
	var info struct {
		ProtocolVersion string `json:"protocolVersion"`
		ServerInfo      struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"serverInfo"`
		Instructions string `json:"instructions"`
	}
	if err := json.Unmarshal(init.Result, &info); err != nil {
		t.Fatal(err)
	}
	if info.ServerInfo.Name != "basic" || info.ServerInfo.Version != "1.0.0" || info.Instructions != "Small tools for tests." {
		t.Fatalf("initialize result: %s", init.Result)
	}
	c.version = info.ProtocolVersion
	c.notify("notifications/initialized")

	list := c.call("tools/list", nil)
	if list.Error != nil {
		t.Fatalf("tools/list: %+v", list.Error)
	}
	var tools struct {
		Tools []struct {
			Name         string          `json:"name"`
			Title        string          `json:"title"`
			Description  string          `json:"description"`
			InputSchema  json.RawMessage `json:"inputSchema"`
			OutputSchema json.RawMessage `json:"outputSchema"`
			Annotations  map[string]any  `json:"annotations"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(list.Result, &tools); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
	}
	if got := strings.Join(names, ","); got != "echo,add,greet,fail" {
		t.Fatalf("tools: %s, want echo,add,greet,fail (source order)", got)
	}
	echo := tools.Tools[0]
	if echo.Description != "Echo repeats a text." || echo.OutputSchema == nil || echo.Annotations["readOnlyHint"] != true {
		t.Fatalf("echo tool: %+v", echo)
	}

	tests := []struct {
		name       string
		tool       string
		args       any
		isError    bool
		text       string // substring of the first text block
		structured string // exact structuredContent, if set
		rpcCode    int    // JSON-RPC error code, if set
	}{
		{name: "struct form", tool: "echo", args: map[string]any{"text": "ab", "times": 2}, structured: `{"text":"abab"}`},
		{name: "default applied", tool: "echo", args: map[string]any{"text": "ab"}, structured: `{"text":"ab"}`},
		{name: "flat form wrapped result", tool: "add", args: map[string]any{"a": 2, "b": 3}, text: "5", structured: `{"result":5}`},
		{name: "flat optional", tool: "greet", args: map[string]any{"name": "Ada", "title": "Dr"}, text: "Hello, Dr Ada!"},
		{name: "missing required", tool: "echo", args: map[string]any{"times": 2}, isError: true, text: "text"},
		{name: "constraint", tool: "echo", args: map[string]any{"text": "x", "times": 9}, isError: true, text: "times"},
		{name: "unknown field", tool: "add", args: map[string]any{"a": 1, "b": 2, "c": 3}, isError: true, text: "c"},
		{name: "no args rejects unknown", tool: "fail", args: map[string]any{"x": 1}, isError: true, text: "x"},
		{name: "error result", tool: "fail", args: map[string]any{}, isError: true, text: "always fails"},
		{name: "unknown tool", tool: "nope", args: map[string]any{}, rpcCode: -32602},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.call("tools/call", map[string]any{"name": tt.tool, "arguments": tt.args})
			if tt.rpcCode != 0 {
				if r.Error == nil || r.Error.Code != tt.rpcCode {
					t.Fatalf("want JSON-RPC error %d, got %s / %+v", tt.rpcCode, r.Result, r.Error)
				}
				return
			}
			if r.Error != nil {
				t.Fatalf("JSON-RPC error %+v", r.Error)
			}
			var res toolResult
			if err := json.Unmarshal(r.Result, &res); err != nil {
				t.Fatal(err)
			}
			if res.IsError != tt.isError {
				t.Fatalf("isError = %v, want %v: %s", res.IsError, tt.isError, r.Result)
			}
			if tt.text != "" && (len(res.Content) == 0 || !strings.Contains(res.Content[0].Text, tt.text)) {
				t.Fatalf("text does not contain %q: %s", tt.text, r.Result)
			}
			if tt.structured != "" {
				var got, want any
				json.Unmarshal(res.StructuredContent, &got)
				json.Unmarshal([]byte(tt.structured), &want)
				gb, _ := json.Marshal(got)
				wb, _ := json.Marshal(want)
				if !bytes.Equal(gb, wb) {
					t.Fatalf("structuredContent = %s, want %s", res.StructuredContent, tt.structured)
				}
			}
		})
	}
}
