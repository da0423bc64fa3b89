package conformance

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"image/png"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
)

func TestMedia(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(redPixelPNG))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1 || b.Dy() != 1 {
		t.Errorf("PNG is %dx%d, want 1x1", b.Dx(), b.Dy())
	}
	if r, g, b, _ := img.At(0, 0).RGBA(); r != 0xffff || g != 0 || b != 0 {
		t.Errorf("PNG pixel = %x,%x,%x, want red", r, g, b)
	}

	w := silenceWAV
	if len(w) < 44 || string(w[0:4]) != "RIFF" || string(w[8:12]) != "WAVE" || string(w[36:40]) != "data" {
		t.Fatalf("WAV header malformed: % x", w[:min(len(w), 44)])
	}
	if got, want := binary.LittleEndian.Uint32(w[4:8]), uint32(len(w)-8); got != want {
		t.Errorf("RIFF size = %d, want %d", got, want)
	}
	if got, want := binary.LittleEndian.Uint32(w[40:44]), uint32(len(w)-44); got != want {
		t.Errorf("data size = %d, want %d", got, want)
	}
}

// TestSuiteTexts pins the texts and shapes the conformance suite checks,
// so an edit that would fail the suite fails here first.
func TestSuiteTexts(t *testing.T) {
	ctx := context.Background()
	text, _ := SimpleText(ctx)
	tmpl, _ := TemplateData(ctx, "123")
	tmplJSON, _ := json.Marshal(tmpl)
	withArgs, _ := PromptWithArguments(ctx, PromptArgs{Arg1: "testValue1", Arg2: "testValue2"})
	_, errHandling := ErrorHandling(ctx)
	schema, _ := JSONSchema202012(ctx, SchemaInput{Name: "n", Address: &Address{City: "Paris"}, Email: "n@example.com"})

	tests := []struct {
		name, got string
		want      []string
	}{
		{"test_simple_text", text, []string{"This is a simple text response for testing."}},
		{"test://template/{id}/data", string(tmplJSON), []string{`{"id":"123","templateTest":true,"data":"Data for ID: 123"}`}},
		{"test_prompt_with_arguments", withArgs, []string{"testValue1", "testValue2"}},
		{"test_error_handling", errString(errHandling), []string{"intentionally returns an error"}},
		{"json_schema_2020_12_tool", schema, []string{`"n"`, `"Paris"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(tc.got, w) {
					t.Errorf("got %q, want it to contain %q", tc.got, w)
				}
			}
		})
	}
}

// TestContactRules checks that JSONSchema202012 enforces the keywords its
// //mcp:schema directive only advertises (the decoder does not).
func TestContactRules(t *testing.T) {
	tests := []struct {
		in      SchemaInput
		wantErr string
	}{
		{SchemaInput{Email: "e"}, ""},
		{SchemaInput{ContactMethod: ContactPhone, Phone: "p"}, ""},
		{SchemaInput{ContactMethod: ContactEmail, Email: "e", Phone: "p"}, ""},
		{SchemaInput{}, "phone or email"},
		{SchemaInput{ContactMethod: ContactPhone, Email: "e"}, "give phone"},
		{SchemaInput{Phone: "p"}, "give email"},
		{SchemaInput{ContactMethod: ContactEmail, Phone: "p"}, "give email"},
	}
	for _, tc := range tests {
		_, err := JSONSchema202012(context.Background(), tc.in)
		if got := errString(err); (tc.wantErr == "") != (got == "") || !strings.Contains(got, tc.wantErr) {
			t.Errorf("%+v: error %q, want %q", tc.in, got, tc.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestContentTools(t *testing.T) {
	ctx := context.Background()
	img, _ := ImageContent(ctx)
	audio, _ := AudioContent(ctx)
	emb, _ := EmbeddedResource(ctx)
	mixed, _ := MultipleContentTypes(ctx)

	tests := []struct {
		name    string
		content []runtime.Content
		types   []string
	}{
		{"test_image_content", []runtime.Content{img}, []string{"image"}},
		{"test_audio_content", []runtime.Content{audio}, []string{"audio"}},
		{"test_embedded_resource", []runtime.Content{emb}, []string{"resource"}},
		{"test_multiple_content_types", mixed, []string{"text", "image", "resource"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range tc.content {
				got = append(got, c.ContentType())
				b, err := json.Marshal(c)
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := json.Unmarshal(b, &m); err != nil {
					t.Fatal(err)
				}
				switch c.ContentType() {
				case "image", "audio":
					if m["data"] == "" || m["mimeType"] == "" {
						t.Errorf("%s block lacks data or mimeType: %s", c.ContentType(), b)
					}
				case "resource":
					r, _ := m["resource"].(map[string]any)
					if r["uri"] == nil || r["mimeType"] == nil || r["text"] == nil {
						t.Errorf("resource block lacks uri, mimeType or text: %s", b)
					}
				}
			}
			if !reflect.DeepEqual(got, tc.types) {
				t.Errorf("content types = %v, want %v", got, tc.types)
			}
		})
	}
	if a := audio.(*runtime.AudioContent); a.MIMEType != "audio/wav" {
		t.Errorf("audio MIME type = %q, want audio/wav (the suite checks it)", a.MIMEType)
	}
}

func TestPromptsWithContent(t *testing.T) {
	ctx := context.Background()
	emb, _ := PromptWithEmbeddedResource(ctx, EmbeddedResourceArgs{ResourceURI: "test://example-resource"})
	img, _ := PromptWithImage(ctx)
	tests := []struct {
		name  string
		res   *runtime.PromptResult
		first string
		uri   string
	}{
		{"test_prompt_with_embedded_resource", emb, "resource", "test://example-resource"},
		{"test_prompt_with_image", img, "image", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.res.Messages) != 2 {
				t.Fatalf("got %d messages, want 2", len(tc.res.Messages))
			}
			if got := tc.res.Messages[0].Content.ContentType(); got != tc.first {
				t.Errorf("first block is %q, want %q", got, tc.first)
			}
			if tc.uri != "" {
				er := tc.res.Messages[0].Content.(*runtime.EmbeddedResource)
				if got := er.Resource.ResourceURI(); got != tc.uri {
					t.Errorf("embedded URI = %q, want %q", got, tc.uri)
				}
			}
		})
	}
}

func TestCompleteArg1(t *testing.T) {
	tests := []struct {
		value string
		want  []string
	}{
		{"par", []string{"paris", "park", "party"}},
		{"test", []string{"test", "testValue1", "testing"}},
		{"TEST", []string{"test", "testValue1", "testing"}},
		{"zzz", []string{}},
		{"", []string{"paris", "park", "party", "test", "testValue1", "testing"}},
	}
	for _, tc := range tests {
		got, err := CompleteArg1(context.Background(), tc.value)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("CompleteArg1(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestAddNumbers(t *testing.T) {
	tests := []struct{ a, b, sum float64 }{{1, 2, 3}, {-1.5, 0.5, -1}, {0, 0, 0}}
	for _, tc := range tests {
		out, err := AddNumbers(context.Background(), AddInput{A: tc.a, B: tc.b})
		if err != nil || out.Sum != tc.sum {
			t.Errorf("AddNumbers(%v, %v) = %v, %v; want %v", tc.a, tc.b, out.Sum, err, tc.sum)
		}
	}
}

// TestElicitationSchemas checks the requested schemas against what the
// suite's SEP-1034 and SEP-1330 scenarios inspect, through JSON as the
// client sees them.
func TestElicitationSchemas(t *testing.T) {
	props := func(schema map[string]any) map[string]map[string]any {
		b, err := json.Marshal(schema)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Properties map[string]map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		return s.Properties
	}

	d := props(defaultsSchema)
	defaults := []struct {
		field, typ string
		def        any
	}{
		{"name", "string", "John Doe"},
		{"age", "integer", 30.0},
		{"score", "number", 95.5},
		{"status", "string", "active"},
		{"verified", "boolean", true},
	}
	for _, tc := range defaults {
		p := d[tc.field]
		if p["type"] != tc.typ || p["default"] != tc.def {
			t.Errorf("defaults %s = %v, want type %s default %v", tc.field, p, tc.typ, tc.def)
		}
	}

	e := props(enumsSchema)
	enums := []struct {
		field, typ string
		has        []string // keys that must be present (dotted: items.x)
		not        []string // keys that must be absent
	}{
		{"untitledSingle", "string", []string{"enum"}, []string{"oneOf", "enumNames"}},
		{"titledSingle", "string", []string{"oneOf"}, []string{"enum"}},
		{"legacyEnum", "string", []string{"enum", "enumNames"}, nil},
		{"untitledMulti", "array", []string{"items.enum"}, []string{"items.anyOf"}},
		{"titledMulti", "array", []string{"items.anyOf"}, []string{"items.enum"}},
	}
	lookup := func(p map[string]any, key string) any {
		if k, ok := strings.CutPrefix(key, "items."); ok {
			items, _ := p["items"].(map[string]any)
			return items[k]
		}
		return p[key]
	}
	for _, tc := range enums {
		p := e[tc.field]
		if p["type"] != tc.typ {
			t.Errorf("enums %s type = %v, want %s", tc.field, p["type"], tc.typ)
		}
		for _, k := range tc.has {
			if lookup(p, k) == nil {
				t.Errorf("enums %s lacks %s", tc.field, k)
			}
		}
		for _, k := range tc.not {
			if lookup(p, k) != nil {
				t.Errorf("enums %s must not have %s", tc.field, k)
			}
		}
	}
}

func TestSamplingText(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`{"type":"text","text":"hi"}`, "hi"},
		{`{"type":"image","data":"AA==","mimeType":"image/png"}`, "[image content]"},
		{`[{"type":"text","text":"a"},{"type":"image"},{"type":"text","text":"b"}]`, "ab"},
		{`"odd"`, `"odd"`},
	}
	for _, tc := range tests {
		if got := samplingText(json.RawMessage(tc.raw)); got != tc.want {
			t.Errorf("samplingText(%s) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestDescribeElicitation(t *testing.T) {
	tests := []struct {
		res  runtime.ElicitResult
		want string
	}{
		{runtime.ElicitResult{Action: "accept", Content: map[string]any{"username": "u"}}, `action=accept, content={"username":"u"}`},
		{runtime.ElicitResult{Action: "decline"}, `action=decline, content={}`},
	}
	for _, tc := range tests {
		if got := describeElicitation(&tc.res); got != tc.want {
			t.Errorf("describeElicitation(%+v) = %q, want %q", tc.res, got, tc.want)
		}
	}
}

// FuzzSamplingText: the sampling content comes from the client, so its
// parser must survive anything.
func FuzzSamplingText(f *testing.F) {
	f.Add(`{"type":"text","text":"hi"}`)
	f.Add(`[{"type":"text","text":"a"}]`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, raw string) {
		got := samplingText(json.RawMessage(raw))
		if !json.Valid([]byte(raw)) && got != raw {
			t.Errorf("invalid JSON %q: got %q, want it echoed", raw, got)
		}
	})
}

func BenchmarkCompleteArg1(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		if _, err := CompleteArg1(ctx, "pa"); err != nil {
			b.Fatal(err)
		}
	}
}
