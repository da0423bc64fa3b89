package e2e_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/testdata/full/mcpserver"
)

// TestFullServer drives the resources, prompts, completions and injected
// parameters of the testdata/full golden server.
func TestFullServer(t *testing.T) {
	srv, err := mcpserver.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c := &client{t: t, url: ts.URL + "/mcp", extra: map[string]string{"X-User": "ada"}}
	init := c.call("initialize", map[string]any{
		"protocolVersion": "2025-06-18",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "e2e", "version": "0"},
	})
	if init.Error != nil {
		t.Fatalf("initialize: %+v", init.Error)
	}
	c.version = "2025-06-18"
	c.notify("notifications/initialized")

	tests := []struct {
		name    string
		method  string
		params  any
		want    []string // substrings of the result JSON
		rpcCode int
	}{
		{name: "injected header", method: "tools/call", params: map[string]any{"name": "whoami", "arguments": map[string]any{"prefix": "user="}},
			want: []string{`"text":"user=ada"`}},
		{name: "content result", method: "tools/call", params: map[string]any{"name": "logo"}, want: []string{`"type":"image"`, `"mimeType":"image/png"`}},
		{name: "content slice", method: "tools/call", params: map[string]any{"name": "parts"}, want: []string{`"text":"a"`, `"text":"b"`}},
		{name: "map result", method: "tools/call", params: map[string]any{"name": "counts"}, want: []string{`"structuredContent":{"a":1}`}},
		{name: "slice result wrapped", method: "tools/call", params: map[string]any{"name": "tags", "arguments": map[string]any{"id": "z"}},
			want: []string{`"structuredContent":{"result":["a","z"]}`}},
		{name: "pointer struct args", method: "tools/call", params: map[string]any{"name": "search", "arguments": map[string]any{"q": "go"}},
			want: []string{`"title":"go"`}},
		{name: "error only result", method: "tools/call", params: map[string]any{"name": "reindex"}, want: []string{`"content":[]`}},
		{name: "resources list", method: "resources/list", want: []string{`"uri":"file:///README.md"`, `"mimeType":"text/markdown"`, `"name":"icon"`}},
		{name: "templates list", method: "resources/templates/list", want: []string{`"uriTemplate":"users://{id}/profile"`, `"uriTemplate":"docs://{space}/{name}"`}},
		{name: "text resource", method: "resources/read", params: map[string]any{"uri": "file:///README.md"}, want: []string{`"text":"# Full"`}},
		{name: "blob resource", method: "resources/read", params: map[string]any{"uri": "file:///icon.png"}, want: []string{`"blob":"AQID"`}},
		{name: "template variable", method: "resources/read", params: map[string]any{"uri": "users://42/profile"},
			want: []string{`"uri":"users://42/profile"`, `"mimeType":"application/json"`, `\"title\":\"42\"`}},
		{name: "two variables", method: "resources/read", params: map[string]any{"uri": "docs://eng/guide"}, want: []string{`"uri":"docs://eng/guide"`}},
		{name: "prompts list", method: "prompts/list", want: []string{`"name":"review"`, `"description":"Code to review."`, `"required":true`}},
		{name: "struct prompt", method: "prompts/get", params: map[string]any{"name": "review", "arguments": map[string]any{"code": "x := 1"}},
			want: []string{`"role":"user"`, `Review x := 1`}},
		{name: "flat prompt", method: "prompts/get", params: map[string]any{"name": "translate", "arguments": map[string]any{"text": "bonjour", "lang": "en"}},
			want: []string{`"text":"bonjour"`}},
		{name: "missing prompt argument", method: "prompts/get", params: map[string]any{"name": "review", "arguments": map[string]any{}}, rpcCode: -32602},
		{name: "prompt completion", method: "completion/complete",
			params: map[string]any{"ref": map[string]any{"type": "ref/prompt", "name": "translate"}, "argument": map[string]any{"name": "lang", "value": ""}},
			want:   []string{`"values":["en","fr"]`}},
		{name: "template completion", method: "completion/complete",
			params: map[string]any{"ref": map[string]any{"type": "ref/resource", "uri": "users://{id}/profile"}, "argument": map[string]any{"name": "id", "value": ""}},
			want:   []string{`"values":["1"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.call(tt.method, tt.params)
			if tt.rpcCode != 0 {
				if r.Error == nil || r.Error.Code != tt.rpcCode {
					t.Fatalf("want JSON-RPC error %d, got %s / %+v", tt.rpcCode, r.Result, r.Error)
				}
				return
			}
			if r.Error != nil {
				t.Fatalf("JSON-RPC error %+v", r.Error)
			}
			var compact json.RawMessage = r.Result
			for _, w := range tt.want {
				if !strings.Contains(string(compact), w) {
					t.Errorf("result lacks %s:\n%s", w, compact)
				}
			}
		})
	}
}
