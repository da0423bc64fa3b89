package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/testdata/basic/mcpserver"
)

// TestBadInputKeepsServing sends the generated server each kind of bad
// input that docs/reference.md names under Wire behaviour, checks the
// exact error, and checks after each one that a good call still works.
func TestBadInputKeepsServing(t *testing.T) {
	srv, err := mcpserver.New() // default body limit: 4 MiB
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c := &client{t: t, url: ts.URL + "/mcp"}
	if r := c.call("initialize", map[string]any{
		"protocolVersion": "2025-11-25",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "e2e", "version": "0"},
	}); r.Error != nil {
		t.Fatalf("initialize: %+v", r.Error)
	}
	c.version = "2025-11-25"
	c.notify("notifications/initialized")

	raw := func(body []byte) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", c.session)
		req.Header.Set("Mcp-Protocol-Version", c.version)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return resp.StatusCode, readMessage(t, resp)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	stillServing := func() {
		t.Helper()
		r := c.call("tools/call", map[string]any{"name": "add", "arguments": map[string]any{"a": 2, "b": 3}})
		var res toolResult
		if r.Error != nil || json.Unmarshal(r.Result, &res) != nil || res.IsError || res.Content[0].Text != "5" {
			t.Fatalf("server no longer serving: %+v %s", r.Error, r.Result)
		}
	}

	huge := []byte(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":"` +
		strings.Repeat("x", 4<<20) + `"}}}`)
	tests := []struct {
		name   string
		body   []byte
		status int
		code   int    // JSON-RPC error code, or 0 for a tool result
		isErr  string // for tool results: text the isError result must contain
	}{
		{"malformed JSON", []byte(`{"jsonrpc":"2.0","id":1,"method":`), 400, -32700, ""},
		{"wrong jsonrpc field", []byte(`{"jsonrpc":"1.0","id":2,"method":"tools/list"}`), 400, -32600, ""},
		{"missing jsonrpc field", []byte(`{"id":3,"method":"tools/list"}`), 400, -32600, ""},
		{"unknown method", []byte(`{"jsonrpc":"2.0","id":4,"method":"tools/frobnicate"}`), 200, -32601, ""},
		{"unknown tool", []byte(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"nope"}}`), 200, -32602, ""},
		{"wrong argument type", []byte(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"add","arguments":{"a":"two","b":3}}}`), 200, 0, "a: expected integer, got string"},
		{"missing argument", []byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":1}}}`), 200, 0, "b: required"},
		{"constraint", []byte(`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x","times":9}}}`), 200, 0, "times: must be <= 5"},
		{"oversized body", huge, 413, -32000, ""}, // transport-level errors carry -32000, as the TypeScript SDK does
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := raw(tt.body)
			if status != tt.status {
				t.Fatalf("HTTP %d, want %d: %.200s", status, tt.status, body)
			}
			var msg struct {
				Error *struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
				Result *toolResult `json:"result"`
			}
			if err := json.Unmarshal(body, &msg); err != nil {
				t.Fatalf("body is not JSON-RPC: %.200s", body)
			}
			switch {
			case tt.code != 0:
				if msg.Error == nil || msg.Error.Code != tt.code || msg.Error.Message == "" {
					t.Fatalf("want JSON-RPC error %d with a message, got %.300s", tt.code, body)
				}
			default:
				if msg.Result == nil || !msg.Result.IsError || !strings.Contains(msg.Result.Content[0].Text, tt.isErr) {
					t.Fatalf("want isError result containing %q, got %.300s", tt.isErr, body)
				}
			}
			stillServing()
		})
	}
}
