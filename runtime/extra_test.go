package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProgressTokenOf(t *testing.T) {
	tests := []struct{ params, want string }{
		{`{"_meta":{"progressToken":"a"}}`, `"a"`},
		{`{"_meta":{"progressToken":12}}`, `12`},
		{`{"_meta":{"progressToken":-1}}`, `-1`},
		{`{"_meta":{"progressToken":null}}`, ``},
		{`{"_meta":{"progressToken":{"x":1}}}`, ``},
		{`{"_meta":{"progressToken":true}}`, ``},
		{`{"_meta":{}}`, ``},
		{`[1]`, ``},
		{`{`, ``},
	}
	for _, tt := range tests {
		if got := string(progressTokenOf(json.RawMessage(tt.params))); got != tt.want {
			t.Errorf("progressTokenOf(%s) = %q, want %q", tt.params, got, tt.want)
		}
	}
}

// TestMethodsWithoutParams checks that every method copes with absent
// params (JSON-RPC allows leaving them out) and answers with a JSON-RPC
// error or a result, never a panic.
func TestMethodsWithoutParams(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	for method := range methods {
		if method == "initialize" {
			continue
		}
		t.Run(method, func(t *testing.T) {
			m := request(t, s, c, nil, method, method, "")
			if m["result"] == nil && m["error"] == nil {
				t.Errorf("neither result nor error: %v", m)
			}
			m = request(t, s, c, nil, method+"-arr", method, "[]")
			if errCode(m) != CodeInvalidParams {
				t.Errorf("array params: %v", m)
			}
		})
	}
}

func TestHandlerFailures(t *testing.T) {
	def := &Definition{
		Name: "f",
		Resources: []*Resource{
			{URI: "x://panic", Handler: func(context.Context, *Call) ([]ResourceContents, error) { panic("r") }},
			{URI: "x://err", Handler: func(context.Context, *Call) ([]ResourceContents, error) { return nil, errors.New("disk gone") }},
			{URI: "x://nilblock", Handler: func(context.Context, *Call) ([]ResourceContents, error) { return []ResourceContents{nil}, nil }},
			{URI: "x://empty", Handler: func(context.Context, *Call) ([]ResourceContents, error) { return nil, nil }},
			{URI: "x://blob", MIMEType: "image/png", Handler: func(ctx context.Context, c *Call) ([]ResourceContents, error) {
				return []ResourceContents{&BlobResourceContents{Blob: []byte{1}}}, nil
			}},
			{URI: "x://shared", Handler: func(context.Context, *Call) ([]ResourceContents, error) { return shared, nil }},
			{URI: "x://helpers", Handler: func(ctx context.Context, c *Call) ([]ResourceContents, error) {
				return append(TextResource(c.URI, "", "t"), BlobResource(c.URI, "", []byte("b"))...), nil
			}},
		},
		Prompts: []*Prompt{
			{Name: "panic", Handler: func(context.Context, *Call) (*PromptResult, error) { panic("p") }},
			{Name: "err", Handler: func(context.Context, *Call) (*PromptResult, error) { return nil, errors.New("no template") }},
			{Name: "proto", Handler: func(context.Context, *Call) (*PromptResult, error) { return nil, NewError(-32099, "custom") }},
			{Name: "nil", Handler: func(context.Context, *Call) (*PromptResult, error) { return nil, nil }},
			{Name: "empty", Handler: func(context.Context, *Call) (*PromptResult, error) { return &PromptResult{Description: "d"}, nil }},
			{Name: "rich", Handler: func(context.Context, *Call) (*PromptResult, error) {
				return &PromptResult{Messages: []PromptMessage{
					{Role: "user", Content: Audio([]byte{7}, "audio/wav")},
					{Role: "assistant", Content: Embed(TextResource("x://e", "", "embedded")[0])},
				}}, nil
			}},
		},
		Completions: nil,
	}
	s, err := NewServer(def, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	c := initConn(t, s, `{}`)
	tests := []struct {
		method, params string
		wantCode       int
		want           string
	}{
		{"resources/read", `{"uri":"x://panic"}`, CodeInternalError, ""},
		{"resources/read", `{"uri":"x://err"}`, CodeInternalError, ""},
		{"resources/read", `{"uri":"x://nilblock"}`, CodeInternalError, ""},
		{"resources/read", `{"uri":"x://empty"}`, 0, `{"contents":[]}`},
		{"resources/read", `{"uri":"x://blob"}`, 0, `{"contents":[{"blob":"AQ==","mimeType":"image/png","uri":"x://blob"}]}`},
		{"resources/read", `{"uri":"x://shared"}`, 0, `{"contents":[{"text":"s","uri":"x://shared"}]}`},
		{"resources/read", `{"uri":"x://helpers"}`, 0, `{"contents":[{"mimeType":"text/plain","text":"t","uri":"x://helpers"},{"blob":"Yg==","mimeType":"application/octet-stream","uri":"x://helpers"}]}`},
		{"prompts/get", `{"name":"panic"}`, CodeInternalError, ""},
		{"prompts/get", `{"name":"err"}`, CodeInternalError, ""},
		{"prompts/get", `{"name":"proto"}`, -32099, ""},
		{"prompts/get", `{"name":"nil"}`, CodeInternalError, ""},
		{"prompts/get", `{"name":"empty"}`, 0, `{"description":"d","messages":[]}`},
		{"prompts/get", `{"name":"rich"}`, 0, `{"messages":[{"content":{"data":"Bw==","mimeType":"audio/wav","type":"audio"},"role":"user"},{"content":{"resource":{"mimeType":"text/plain","text":"embedded","uri":"x://e"},"type":"resource"},"role":"assistant"}]}`},
		{"completion/complete", `{"ref":{"type":"ref/resource","uri":"x://blob"},"argument":{"name":"a","value":""}}`, 0, `{"completion":{"hasMore":false,"total":0,"values":[]}}`},
	}
	for i, tt := range tests {
		t.Run(tt.method+" "+tt.params, func(t *testing.T) {
			m := request(t, s, c, nil, i, tt.method, tt.params)
			if got := errCode(m); got != tt.wantCode {
				t.Fatalf("code %d, want %d (%v)", got, tt.wantCode, m)
			}
			if tt.want != "" {
				if got := jsonOf(result(t, m)); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			}
		})
	}
	if shared[0].(*TextResourceContents).URI != "" {
		t.Error("the core modified contents a handler shares")
	}
}

var shared = []ResourceContents{&TextResourceContents{Text: "s"}}

func TestHeadersAndSession(t *testing.T) {
	req := httptest.NewRequest("POST", "/mcp", nil)
	req.Header.Set("Authorization", "Bearer x")
	req.Header.Set("Mcp-Session-Id", "s")
	req.Header.Set("Proxy-Authorization", "p")
	req.Header.Set("X-Trace", "t1")
	def := &Definition{Name: "h", Tools: []*Tool{{Name: "h", Handler: func(ctx context.Context, c *Call) (*ToolResult, error) {
		h := c.Header()
		caps := string(c.Session.ClientCapabilities())
		return TextResult(strings.Join([]string{h.Get("X-Trace"), h.Get("Authorization"), h.Get("Mcp-Session-Id"), h.Get("Proxy-Authorization"), HTTPHeaders(ctx).Get("X-Trace"), c.Session.ID(), caps}, "|")), nil
	}}}}
	s, err := NewServer(def, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	c := initConn(t, s, `{"roots":{}}`)
	ctx := WithHTTPRequest(context.Background(), req)
	if got := textOf(result(t, requestCtx(ctx, t, s, c, nil, 1, "tools/call", `{"name":"h"}`))); got != `t1||||t1|sess-1|{"roots":{}}` {
		t.Errorf("got %q", got)
	}
	if h := HTTPHeaders(context.Background()); h == nil || len(h) != 0 {
		t.Errorf("HTTPHeaders outside a request: %v", h)
	}
	if _, err := HTTPRequest(context.Background()); !errors.Is(err, ErrNoHTTPRequest) {
		t.Errorf("HTTPRequest outside a request: %v", err)
	}
	if !s.NewConn(ConnConfig{Stateless: true}).Stateless() || s.Definition() != def {
		t.Error("accessors")
	}
}
