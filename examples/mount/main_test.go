package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestServiceAndMCPSideBySide drives the service's own routes and the
// mounted MCP server through one listener.
func TestServiceAndMCPSideBySide(t *testing.T) {
	h, err := newHandler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()

	for path, want := range map[string]string{"/health": "ok\n", "/api/cities": "[\"Paris\",\"Tokyo\",\"Lima\"]\n"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != want {
			t.Errorf("GET %s = %d %q, want %q", path, resp.StatusCode, b, want)
		}
	}

	url := ts.URL + "/mcp-api/mcp"
	init, session := post(t, url, "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`)
	if session == "" || !strings.Contains(string(init), `"name":"weather"`) {
		t.Fatalf("initialize: session %q, %s", session, init)
	}
	post(t, url, session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	res, _ := post(t, url, session, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_forecast","arguments":{"city":"Lima","days":1}}}`)
	var msg struct {
		Result struct {
			StructuredContent struct {
				City string `json:"city"`
				Days []any  `json:"days"`
			} `json:"structuredContent"`
		} `json:"result"`
	}
	if err := json.Unmarshal(res, &msg); err != nil || msg.Result.StructuredContent.City != "Lima" || len(msg.Result.StructuredContent.Days) != 1 {
		t.Fatalf("tools/call: %s (%v)", res, err)
	}

	// Outside the mount, MCP is not served.
	resp, err := http.Post(ts.URL+"/mcp", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /mcp outside the mount: %d, want 404", resp.StatusCode)
	}
}

// post sends one JSON-RPC message and returns the response message (from
// a JSON body or the SSE stream) and the session id header.
func post(t *testing.T, url, session, body string) ([]byte, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusAccepted {
		return nil, ""
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST: HTTP %d %s", resp.StatusCode, b)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		return b, resp.Header.Get("Mcp-Session-Id")
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if d, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:")); ok && bytes.Contains(d, []byte(`"result"`)) {
			return bytes.TrimSpace(d), resp.Header.Get("Mcp-Session-Id")
		}
	}
	t.Fatal("no response on the stream")
	return nil, ""
}
