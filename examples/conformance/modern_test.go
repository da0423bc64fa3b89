package conformance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
)

// post2026 sends one 2026-07-28 request (headers and _meta as the
// conformance suite sends them) and returns the HTTP status and the
// decoded JSON-RPC response.
func post2026(t *testing.T, url, method, name string, params map[string]any, caps map[string]any) (int, map[string]any) {
	t.Helper()
	params["_meta"] = map[string]any{
		"io.modelcontextprotocol/protocolVersion":    "2026-07-28",
		"io.modelcontextprotocol/clientCapabilities": caps,
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
	req.Header.Set("Mcp-Method", method)
	if name != "" {
		req.Header.Set("Mcp-Name", name)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v in %s", method, err, b)
	}
	return resp.StatusCode, m
}

// TestInputRequiredFixtures runs each multi-round-trip fixture the way
// the 0.2.0-alpha suite does: the first call must ask for the named
// inputs, the retry with answers (and the echoed requestState) must
// complete with the expected text.
func TestInputRequiredFixtures(t *testing.T) {
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	url := hs.URL + "/mcp"
	all := map[string]any{"sampling": map[string]any{}, "elicitation": map[string]any{}, "roots": map[string]any{}}
	answers := map[string]any{
		"elicitation/create":     map[string]any{"action": "accept", "content": map[string]any{"name": "Alice", "ok": true, "context": "ctx"}},
		"sampling/createMessage": map[string]any{"role": "assistant", "content": map[string]any{"type": "text", "text": "Paris"}, "model": "m"},
		"roots/list":             map[string]any{"roots": []any{map[string]any{"uri": "file:///test/root", "name": "Test Root"}}},
	}
	tests := []struct {
		method, name string
		keys         []string
		want         string
	}{
		{"tools/call", "test_input_required_result_elicitation", []string{"user_name"}, "Hello, Alice!"},
		{"tools/call", "test_input_required_result_sampling", []string{"capital_question"}, "Paris"},
		{"tools/call", "test_input_required_result_list_roots", []string{"client_roots"}, "file:///test/root (Test Root)"},
		{"tools/call", "test_input_required_result_request_state", []string{"confirm"}, "state-ok"},
		{"tools/call", "test_input_required_result_multiple_inputs", []string{"client_roots", "greeting", "user_name"}, "name=Alice"},
		{"tools/call", "test_input_required_result_tampered_state", []string{"confirm"}, "Confirmed"},
		{"prompts/get", "test_input_required_result_prompt", []string{"user_context"}, "ctx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := func() map[string]any {
				p := map[string]any{"name": tt.name}
				if tt.method == "tools/call" {
					p["arguments"] = map[string]any{}
				}
				return p
			}
			_, m := post2026(t, url, tt.method, tt.name, params(), all)
			res, _ := m["result"].(map[string]any)
			reqs, _ := res["inputRequests"].(map[string]any)
			if res["resultType"] != "input_required" || len(reqs) != len(tt.keys) {
				t.Fatalf("round 1: %v", m)
			}
			responses := map[string]any{}
			for _, k := range tt.keys {
				r, ok := reqs[k].(map[string]any)
				if !ok {
					t.Fatalf("inputRequests lacks %q: %v", k, reqs)
				}
				responses[k] = answers[r["method"].(string)]
			}
			p := params()
			p["inputResponses"] = responses
			p["requestState"] = res["requestState"]
			_, m = post2026(t, url, tt.method, tt.name, p, all)
			b, _ := json.Marshal(m["result"])
			if res, _ := m["result"].(map[string]any); res["resultType"] != "complete" || !strings.Contains(string(b), tt.want) {
				t.Fatalf("round 2: %s, want %q", b, tt.want)
			}
		})
	}

	t.Run("capabilities decide what is asked", func(t *testing.T) {
		_, m := post2026(t, url, "tools/call", "test_input_required_result_capabilities",
			map[string]any{"name": "test_input_required_result_capabilities", "arguments": map[string]any{}},
			map[string]any{"sampling": map[string]any{}})
		reqs, _ := m["result"].(map[string]any)["inputRequests"].(map[string]any)
		if len(reqs) != 1 || reqs["greeting"] == nil {
			t.Fatalf("asked %v, want only sampling", reqs)
		}
	})
	t.Run("missing capability", func(t *testing.T) {
		status, m := post2026(t, url, "tools/call", "test_missing_capability",
			map[string]any{"name": "test_missing_capability", "arguments": map[string]any{}}, map[string]any{})
		e, _ := m["error"].(map[string]any)
		if status != 400 || e["code"] != -32021.0 {
			t.Fatalf("%d %v", status, m)
		}
	})
	t.Run("x-mcp-header", func(t *testing.T) {
		_, m := post2026(t, url, "tools/call", "test_x_mcp_header",
			map[string]any{"name": "test_x_mcp_header", "arguments": map[string]any{"region": "us"}}, map[string]any{})
		if e, _ := m["error"].(map[string]any); e["code"] != -32020.0 {
			t.Fatalf("region without Mcp-Param-Region accepted: %v", m)
		}
	})
}
