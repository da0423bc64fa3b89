package gen

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitObject(t *testing.T) {
	tests := []struct {
		in      string
		want    string // key=value|key=value, values compacted
		wantOff int
		wantErr string
	}{
		{in: `{}`, want: ``},
		{in: ` { } `, want: ``},
		{in: `{"b":1,"a":2}`, want: `b=1|a=2`}, // order written, not sorted
		{in: `{ "allOf" : [ {"anyOf": [ {"required": ["x"]} ]} ] , "if" : { } }`, want: `allOf=[{"anyOf":[{"required":["x"]}]}]|if={}`},
		{in: `{"$comment":"a } ] \" , {","n":-1.5e3,"t":true,"z":null}`, want: `$comment="a } ] \" , {"|n=-1.5e3|t=true|z=null`},
		{in: `{"\u0041":"<&>"}`, want: `A="<&>"`}, // key unescaped, value kept as written
		{in: "{\"k\":\n\t\"v\"\r\n}", want: `k="v"`},
		{in: `[1]`, wantOff: 0, wantErr: "not an array"},
		{in: `  "s"`, wantOff: 2, wantErr: "not a string"},
		{in: `3`, wantErr: "not a number"},
		{in: `null`, wantErr: "not null"},
		{in: `false`, wantErr: "not a boolean"},
		{in: `{"a":1,}`, wantOff: 7, wantErr: "not valid JSON: invalid character '}'"},
		{in: `{"a":1`, wantOff: 5, wantErr: "unexpected end of JSON input"},
		{in: ``, wantOff: 0, wantErr: "unexpected end of JSON input"},
		{in: `{"a":1} x`, wantOff: 8, wantErr: "invalid character 'x' after top-level value"},
		{in: `{"a":1,"b":2,"a":3}`, wantOff: 13, wantErr: `has the key "a" twice`},
		{in: `{"a":1,"\u0061":3}`, wantOff: 7, wantErr: `has the key "a" twice`},
		{in: "{\"a\":\"\xff\"}", wantOff: 6, wantErr: "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			members, err := splitObject([]byte(tt.in))
			if tt.wantErr != "" {
				oe, ok := err.(*objectError)
				if !ok {
					t.Fatalf("error %v (%T), want an *objectError containing %q", err, err, tt.wantErr)
				}
				if !strings.Contains(oe.Msg, tt.wantErr) || oe.Off != tt.wantOff {
					t.Fatalf("error at %d %q, want at %d containing %q", oe.Off, oe.Msg, tt.wantOff, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, m := range members {
				parts = append(parts, m.Key+"="+string(m.Value))
				if tt.in[m.Off] != '"' {
					t.Errorf("member %s: offset %d is not at its key", m.Key, m.Off)
				}
			}
			if got := strings.Join(parts, "|"); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzSplitObject checks splitObject against encoding/json: it accepts
// exactly the UTF-8 JSON objects without repeated keys, returns their members
// in the order written (as json.Decoder streams them), and the members
// written back make an object that decodes to the same value.
func FuzzSplitObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[1,{"c":"}"}]}`, `{"a":"\"\\"}`, ` {"x" : true } `, `[]`, `{"a":1,"a":2}`, `{"a"}`, `"\ud800"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		members, err := splitObject([]byte(s))
		wantOK := utf8.ValidString(s) && json.Valid([]byte(s)) && strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "{")
		var keys []string
		if wantOK {
			keys = topLevelKeys(t, s)
			seen := map[string]bool{}
			for _, k := range keys {
				wantOK = wantOK && !seen[k]
				seen[k] = true
			}
		}
		if err != nil {
			oe, ok := err.(*objectError)
			if !ok || oe.Off < 0 || oe.Off > len(s) {
				t.Fatalf("bad error %#v for %q", err, s)
			}
			if wantOK {
				t.Fatalf("rejected %q: %v", s, err)
			}
			return
		}
		if !wantOK {
			t.Fatalf("accepted %q", s)
		}
		var buf bytes.Buffer
		buf.WriteByte('{')
		for i, m := range members {
			if m.Key != keys[i] {
				t.Fatalf("member %d is %q, want %q", i, m.Key, keys[i])
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(jsonQuote(m.Key) + ":")
			buf.Write(m.Value)
		}
		buf.WriteByte('}')
		if len(members) != len(keys) {
			t.Fatalf("%d members, want %d", len(members), len(keys))
		}
		var got, want any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("written back as invalid JSON %s: %v", buf.Bytes(), err)
		}
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("written back as %s, which differs from %q", buf.Bytes(), s)
		}
	})
}

// topLevelKeys streams the keys of the JSON object s in order.
func topLevelKeys(t *testing.T, s string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func BenchmarkSplitObject(b *testing.B) {
	in := []byte(`{"allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],"if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},"then":{"required":["phone"]},"else":{"required":["email"]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := splitObject(in); err != nil {
			b.Fatal(err)
		}
	}
}

// generateSource runs Generate on a one-file package p made of the
// imports of context and src, returning the generated file or the
// printed errors.
func generateSource(t *testing.T, src string) (out, errs string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/p\n\ngo 1.26\n",
		"p.go":   "package p\n\nimport \"context\"\n\n" + src,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Generate(Config{Dir: dir})
	if err != nil {
		if !IsUserError(err) {
			t.Fatalf("Generate: %v", err)
		}
		return "", err.Error()
	}
	for _, b := range res {
		return string(b), ""
	}
	t.Fatal("no file generated")
	return "", ""
}

// tool is the source of a tool taking In and returning Out, for the
// directive tests.
const schemaTestTool = `
// Run runs.
//
//mcp:tool
func Run(ctx context.Context, in In) (Out, error) { return Out{}, nil }
`

func TestSchemaDirective(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want lists substrings of the generated file, in the order
		// they must appear; wantErrs the exact errors, one per line.
		want     []string
		wantErrs string
	}{
		{
			name: "root, after the generated members, in the order written",
			src: "//mcp:schema json=`{\"z\":1, \"allOf\": [{\"anyOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}]}`\n" +
				"//mcp:schema json=\"{\\\"if\\\":{\\\"required\\\":[\\\"a\\\"]},\\\"then\\\":{},\\\"else\\\":{}}\"\n" +
				"type In struct {\n\tA string `json:\"a,omitempty\"`\n\tB string `json:\"b,omitempty\"`\n}\n\ntype Out struct{}\n",
			want: []string{`schemaIn        = ` + "`" + `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false,"z":1,"allOf":[{"anyOf":[{"required":["a"]},{"required":["b"]}]}],"if":{"required":["a"]},"then":{},"else":{}}` + "`"},
		},
		{
			name: "in $defs through ref=, once, and not on the $ref",
			src: "// Addr is an address.\n//\n//mcp:schema json=`{\"$anchor\":\"addr\"}`\ntype Addr struct {\n\tCity string `json:\"city\"`\n}\n\n" +
				"type In struct {\n\tHome *Addr `json:\"home,omitempty\" mcp:\"ref=address\"`\n\tWork *Addr `json:\"work,omitempty\" mcp:\"ref=address\"`\n}\n\ntype Out struct{}\n",
			want: []string{
				`"home":{"anyOf":[{"$ref":"#/$defs/address"},{"type":"null"}]},"work":{"anyOf":[{"$ref":"#/$defs/address"},{"type":"null"}]}}`,
				`"$defs":{"address":{"type":"object","description":"Addr is an address.","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false,"$anchor":"addr"}}}`,
			},
		},
		{
			name: "inline property and output schema",
			src: "//mcp:schema json=`{\"minProperties\":1}`\ntype Part struct {\n\tX string `json:\"x,omitempty\"`\n}\n\n" +
				"type In struct {\n\tP Part `json:\"p\"`\n}\n\ntype Out struct {\n\tP []Part `json:\"p\"`\n}\n",
			want: []string{
				`schemaIn        = ` + "`" + `{"type":"object","properties":{"p":{"type":"object","properties":{"x":{"type":"string"}},"additionalProperties":false,"minProperties":1}}`,
				`schemaOutResult = ` + "`" + `{"type":"object","properties":{"p":{"type":["array","null"],"items":{"type":"object","properties":{"x":{"type":"string"}},"additionalProperties":false,"minProperties":1}}}`,
			},
		},
		{
			name: "description excludes the directive line",
			src:  "// In is the input.\n//\n//mcp:schema json=`{\"$comment\":\"c\"}`\ntype In struct {\n\tIn2 *In `json:\"in2,omitempty\"`\n}\n\ntype Out struct{}\n",
			want: []string{`"In":{"type":"object","description":"In is the input.","properties"`, `"$comment":"c"}}`},
		},
		{
			// column 20 holds the value's first byte, offset 0
			name:     "errors at the offending byte of a raw value",
			src:      "//mcp:schema json=`{\"a\":1,\"type\":\"object\",\"b\":[}`\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:48: //mcp:schema on In: json is not valid JSON: invalid character '}' looking for beginning of value",
		},
		{
			name:     "owned key at its position",
			src:      "//mcp:schema json=`{\"a\":1,\"type\":\"object\"}`\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:27: //mcp:schema on In: remove \"type\": mcpgen writes it from the Go type",
		},
		{
			name:     "owned key in a quoted value: at the value",
			src:      "//mcp:schema json=\"{\\\"$ref\\\":\\\"#x\\\"}\"\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:19: //mcp:schema on In: remove \"$ref\": mcpgen writes it for ref= tags and recursive types",
		},
		{
			name:     "an anchored type inlined twice",
			src:      "//mcp:schema json=`{\"$anchor\":\"a\"}`\ntype A struct{}\n\ntype In struct {\n\tX A `json:\"x\"`\n\tY []A `json:\"y\"`\n}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:21: //mcp:schema on A: $anchor must be unique in a schema, and A appears in one more than once; tag the fields that use it with mcp:\"ref=NAME\" to write it once, in $defs",
		},
		{
			// input and output schemas are the same text: one constant
			name: "an anchored type once per schema, in input and output",
			src:  "//mcp:schema json=`{\"$dynamicAnchor\":\"a\"}`\ntype A struct{}\n\ntype In struct {\n\tX A `json:\"x\"`\n}\n\ntype Out struct {\n\tX A `json:\"x\"`\n}\n",
			want: []string{"InputSchema:  json.RawMessage(schemaIn)", "OutputSchema: json.RawMessage(schemaIn)", `"additionalProperties":false,"$dynamicAnchor":"a"}`},
		},
		{
			name:     "not an object",
			src:      "//mcp:schema json=`  true`\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:22: //mcp:schema on In: json must be a JSON object of schema keywords ({\"keyword\": value, ...}), not a boolean",
		},
		{
			name:     "duplicate across lines",
			src:      "//mcp:schema json=`{\"a\":1}`\n//mcp:schema json=`{\"b\":1, \"a\":2}`\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:6:28: //mcp:schema on In: duplicate key \"a\" (also at p.go:5:21)",
		},
		{
			name:     "unknown key",
			src:      "//mcp:schema json=`{}` strict\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:24: unknown key \"strict\" for //mcp:schema (valid keys: json)",
		},
		{
			name:     "quote inside an unquoted value",
			src:      "//mcp:schema json={\"a\":1}\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:20: //mcp:schema: quote inside the value of json: quote the whole value",
		},
		{
			name:     "on a non-struct type",
			src:      "//mcp:schema json=`{}`\ntype ID int\n\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:1: //mcp:schema is on type ID, which is neither a struct nor a type that marshals itself (MarshalJSON, MarshalText); its schema comes from its Go type: use mcp tags on the fields of this type, or typed constants for an enum",
		},
		{
			name:     "on an alias",
			src:      "type In struct{}\n\n//mcp:schema json=`{}`\ntype A = In\n\ntype Out struct{}\n",
			wantErrs: "p.go:7:1: //mcp:schema is on alias A; put it on the struct type declaration the alias names",
		},
		{
			name:     "on the tool function",
			src:      "type In struct{}\n\ntype Out struct{}\n\n// F runs.\n//\n//mcp:schema json=`{}`\n//mcp:tool\nfunc F(ctx context.Context, in In) (Out, error) { return Out{}, nil }\n",
			wantErrs: "p.go:11:1: //mcp:schema is on function F; it must be in the doc comment of a type declaration (a struct, or a type that marshals itself)",
		},
		{
			name:     "a tool directive on a type",
			src:      "//mcp:tool\ntype In struct{}\n\ntype Out struct{}\n",
			wantErrs: "p.go:5:1: //mcp:tool is on a type declaration; it must be on an exported top-level function (only //mcp:schema goes on a type)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs := generateSource(t, tt.src+schemaTestTool)
			if errs != tt.wantErrs {
				t.Fatalf("errors:\n%s\nwant:\n%s", errs, tt.wantErrs)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("generated file lacks (after the previous match)\n%s\nschemas:\n%s", w, schemaLines(out))
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// TestSchemaDirectiveInPackageDoc covers the one placement the table's
// shared prelude cannot: the package doc comment.
func TestSchemaDirectiveInPackageDoc(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"go.mod": "module example.com/p\n\ngo 1.26\n",
		"p.go":   "// Package p is a test.\n//\n//mcp:schema json=`{}`\npackage p\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Generate(Config{Dir: dir})
	want := "p.go:3:1: //mcp:schema is in the package doc comment; it must be in the doc comment of a type declaration (a struct, or a type that marshals itself)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

// schemaLines returns the schema constants of a generated file, for
// failure messages.
func schemaLines(src string) string {
	var out []string
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "schema") && strings.Contains(l, "`") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}
