package runtime

import (
	"encoding/json"
	"testing"
)

func TestAppendToolResult(t *testing.T) {
	size := int64(3)
	tests := []struct {
		name    string
		r       *ToolResult
		want    string
		wantErr bool
	}{
		{"empty", &ToolResult{}, `{"content":[]}`, false},
		{"text", TextResult("hi \"there\"\n\t\x01 <&> é \u2028 \xff"), `{"content":[{"text":"hi \"there\"\n\t\u0001 <&> é \u2028 ` + "\ufffd" + `","type":"text"}]}`, false},
		{"json", mustJSON(JSONResult(map[string]int{"a": 1})), `{"content":[{"text":"{\"a\":1}","type":"text"}],"structuredContent":{"a":1}}`, false},
		{"json nil map", mustJSON(JSONResult(map[string]int(nil))), `{"content":[{"text":"{}","type":"text"}],"structuredContent":{}}`, false},
		{"json nil pointer", mustJSON(JSONResult((*struct{ X int })(nil))), `{"content":[{"text":"` + NoResult + `","type":"text"}],"isError":true}`, false},
		{"wrapped", mustJSON(WrappedResult([]int{1})), `{"content":[{"text":"[1]","type":"text"}],"structuredContent":{"result":[1]}}`, false},
		{"struct structured", &ToolResult{StructuredContent: struct{ X int }{2}}, `{"content":[],"structuredContent":{"X":2}}`, false},
		{"error with meta", &ToolResult{Content: []Content{&TextContent{Text: "x", Meta: map[string]any{"k": 1}}}, IsError: true, Meta: map[string]any{"m": true}},
			`{"_meta":{"m":true},"content":[{"_meta":{"k":1},"text":"x","type":"text"}],"isError":true}`, false},
		{"media", ContentResult(Image([]byte{1, 2}, "image/png"), &ResourceLink{URI: "x://a", Name: "a", Size: &size}),
			`{"content":[{"data":"AQI=","mimeType":"image/png","type":"image"},{"name":"a","size":3,"type":"resource_link","uri":"x://a"}]}`, false},
		{"bad raw", &ToolResult{StructuredContent: json.RawMessage(`{`)}, "", true},
		{"nil block", &ToolResult{Content: []Content{nil}}, "", true},
		{"bad meta", &ToolResult{Meta: map[string]any{"f": func() {}}}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := appendToolResult(nil, tt.r)
			if tt.wantErr {
				if err == nil {
					t.Errorf("want error, got %s", b)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Compare as normalized JSON: key order is not the point.
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatalf("invalid JSON %s: %v", b, err)
			}
			var w any
			if err := json.Unmarshal([]byte(tt.want), &w); err != nil {
				t.Fatal(err)
			}
			if got := jsonOf(v); got != jsonOf(w) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func mustJSON(r *ToolResult, err error) *ToolResult {
	if err != nil {
		panic(err)
	}
	return r
}
