package conformance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
)

// TestServesSuiteFixtures serves the generated package over real HTTP and
// checks that it offers every name the conformance suite 0.1.16 asks for,
// each with a description, so a rename or a lost directive shows up in
// `go test` without Node.
func TestServesSuiteFixtures(t *testing.T) {
	srv, err := mcpserver.New(runtime.WithJSONResponse(true))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := &rpcClient{t: t, url: hs.URL + "/mcp"}
	c.call("initialize", map[string]any{
		"protocolVersion": "2025-11-25",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "test", "version": "1"},
	})
	if c.session == "" {
		t.Fatal("initialize returned no Mcp-Session-Id")
	}
	c.notify("notifications/initialized")

	tests := []struct {
		method, list, key string
		want              []string
	}{
		{"tools/list", "tools", "name", []string{
			"test_simple_text", "test_image_content", "test_audio_content", "test_embedded_resource",
			"test_multiple_content_types", "test_tool_with_logging", "test_error_handling",
			"test_tool_with_progress", "test_sampling", "test_elicitation",
			"test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums",
			"json_schema_2020_12_tool", "test_reconnection", "add_numbers",
			// 2026-07-28 (conformance 0.2.0-alpha).
			"test_missing_capability", "test_streaming_elicitation", "test_logging_tool",
			"test_trigger_tool_change", "test_trigger_prompt_change",
			"test_input_required_result_elicitation", "test_input_required_result_sampling",
			"test_input_required_result_list_roots", "test_input_required_result_request_state",
			"test_input_required_result_multiple_inputs", "test_input_required_result_multi_round",
			"test_input_required_result_tampered_state", "test_input_required_result_capabilities",
			"test_x_mcp_header",
			// Notifies subscribers of test://watched-resource (interop/browser).
			"test_touch_watched_resource",
		}},
		{"resources/list", "resources", "uri", []string{"test://static-text", "test://static-binary", "test://watched-resource"}},
		{"resources/templates/list", "resourceTemplates", "uriTemplate", []string{"test://template/{id}/data"}},
		{"prompts/list", "prompts", "name", []string{
			"test_simple_prompt", "test_prompt_with_arguments", "test_prompt_with_embedded_resource", "test_prompt_with_image",
			"test_input_required_result_prompt",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			var res map[string][]map[string]any
			if err := json.Unmarshal(c.call(tc.method, map[string]any{}), &res); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, item := range res[tc.list] {
				name, _ := item[tc.key].(string)
				got = append(got, name)
				if d, _ := item["description"].(string); d == "" {
					t.Errorf("%s %q has no description", tc.list, name)
				}
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%s lacks %q; got %v", tc.list, w, got)
				}
			}
		})
	}
}

type rpcClient struct {
	t       *testing.T
	url     string
	session string
	id      int
}

func (c *rpcClient) post(msg map[string]any) *http.Response {
	c.t.Helper()
	body, _ := json.Marshal(msg)
	req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

// call sends a request and returns its result, failing the test on a
// JSON-RPC error.
func (c *rpcClient) call(method string, params any) json.RawMessage {
	c.t.Helper()
	c.id++
	resp := c.post(map[string]any{"jsonrpc": "2.0", "id": c.id, "method": method, "params": params})
	defer resp.Body.Close()
	if s := resp.Header.Get("Mcp-Session-Id"); s != "" {
		c.session = s
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d: %s", method, resp.StatusCode, b)
	}
	var msg struct {
		Result json.RawMessage `json:"result"`
		Error  *runtime.Error  `json:"error"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		c.t.Fatalf("%s: %v in %s", method, err, b)
	}
	if msg.Error != nil {
		c.t.Fatalf("%s: %v", method, msg.Error)
	}
	return msg.Result
}

func (c *rpcClient) notify(method string) {
	c.t.Helper()
	resp := c.post(map[string]any{"jsonrpc": "2.0", "method": method})
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		c.t.Fatalf("%s: HTTP %d, want 202", method, resp.StatusCode)
	}
}
