package e2e_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	features "github.com/mcpgen/mcpgen/testdata/features/mcpserver"
	service "github.com/mcpgen/mcpgen/testdata/service/mcpserver"
)

// TestFeaturesServer drives the testdata/features golden server over
// HTTP: a resource returning a JSON array, types that marshal themselves
// with their schema declared on the type, pointer defaults and url.URL
// arguments, and the error text for a value a type's own method rejects.
func TestFeaturesServer(t *testing.T) {
	srv, err := features.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c := openSession(t, ts.URL+"/mcp")
	order := func(extra map[string]any) map[string]any {
		args := map[string]any{"item": "a", "priority": "high", "amount": "1.00", "home": "https://example.com/"}
		for k, v := range extra {
			args[k] = v
		}
		return map[string]any{"name": "place_order", "arguments": args}
	}
	tests := []struct {
		name   string
		method string
		params any
		want   []string // substrings of the result JSON
		not    []string
	}{
		{name: "slice resource as JSON", method: "resources/read", params: map[string]any{"uri": "catalog://items"},
			want: []string{`"mimeType":"application/json"`, `"text":"[{\"id\":\"a\",\"price\":1}]"`}},
		{name: "number resource as JSON", method: "resources/read", params: map[string]any{"uri": "catalog://count"},
			want: []string{`"mimeType":"application/json"`, `"text":"1"`}},
		{name: "schema declared on the type", method: "tools/list",
			want: []string{`"priority":{"type":"string","description":"Priority is an integer enum that travels by name.","enum":["low","high"]}`,
				`"pattern":"^[0-9]+\\.[0-9]{2}$"`, `"home":{"type":"string","format":"uri"}`, `"note":{"type":["string","null"]`}},
		{name: "text enum travels by name", method: "tools/call", params: order(nil), want: []string{`"structuredContent":{"priority":"high"`}},
		{name: "bad value of a self-decoding type: no Go error text", method: "tools/call", params: order(map[string]any{"priority": "urgent"}),
			want: []string{`"isError":true`, `priority: must be a valid features.Priority (its own decoding method rejected it)`},
			not:  []string{"unknown priority"}},
		{name: "field enum on a MarshalText type", method: "tools/call", params: order(map[string]any{"rush": "low"}),
			want: []string{`rush: must be one of \"high\" (enum)`}},
		{name: "url must be absolute", method: "tools/call", params: order(map[string]any{"home": "/x", "callback": "mailto:a@b.c"}),
			want: []string{`home: must be an absolute URI`}, not: []string{"callback"}},
		{name: "null pointer with a default", method: "tools/call", params: order(map[string]any{"note": nil, "quantity": nil}),
			not: []string{`"isError":true`}},
		{name: "pointer default still checked", method: "tools/call", params: order(map[string]any{"quantity": 0}),
			want: []string{`quantity: must be \u003e= 1 (minimum)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.call(tt.method, tt.params)
			if r.Error != nil {
				t.Fatalf("JSON-RPC error %+v", r.Error)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(r.Result), w) {
					t.Errorf("result lacks %s:\n%s", w, r.Result)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(string(r.Result), w) {
					t.Errorf("result has %s:\n%s", w, r.Result)
				}
			}
		})
	}
}

// TestServiceServer checks the 37-tool service: doc comments from its
// model package reach the schemas, tools share schemas and readers, and
// a nil pointer result is an error result rather than null.
func TestServiceServer(t *testing.T) {
	srv, err := service.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c := openSession(t, ts.URL+"/mcp")
	list := c.call("tools/list", nil)
	for _, w := range []string{`"description":"ID is the user's handle."`, `"description":"Reviewer checks the work before it is closed."`, `"enum":["","open","closed","wont_do"]`} {
		if !strings.Contains(string(list.Result), w) {
			t.Errorf("tools/list lacks %s", w)
		}
	}
	if n := strings.Count(string(list.Result), `"name":"`); n < 37 {
		t.Errorf("%d tools", n)
	}
	r := c.call("tools/call", map[string]any{"name": "get_task", "arguments": map[string]any{"id": "x"}})
	if !strings.Contains(string(r.Result), `"isError":true`) || strings.Contains(string(r.Result), "structuredContent") {
		t.Errorf("nil result: %s", r.Result)
	}
	r = c.call("tools/call", map[string]any{"name": "create_task", "arguments": map[string]any{"projectId": "p", "title": 123}})
	if !strings.Contains(string(r.Result), `title: expected string, got number"`) {
		t.Errorf("one error per field: %s", r.Result)
	}
	r = c.call("tools/call", map[string]any{"name": "health", "arguments": map[string]any{"x": 1}})
	if !strings.Contains(string(r.Result), `x: unknown field`) {
		t.Errorf("a tool without arguments took one: %s", r.Result)
	}
}

// openSession initializes a 2025-06-18 session.
func openSession(t *testing.T, url string) *client {
	c := &client{t: t, url: url}
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
	return c
}
