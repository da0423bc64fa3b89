package gen

import (
	"go/ast"
	"go/token"
	"strings"
	"testing"
)

func TestTokenizeArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    string // key[=value] joined by |
		wantErr string
		errOff  int
	}{
		{in: "", want: ""},
		{in: "  readonly  ", want: "readonly"},
		{in: "name=get_forecast readonly", want: "name=get_forecast|readonly"},
		{in: `title="Weather forecast" openworld`, want: "title=Weather forecast|openworld"},
		{in: "title=`raw \\n text`", want: `title=raw \n text`},
		{in: `instructions="say \"hi\"\tthen go"`, want: "instructions=say \"hi\"\tthen go"},
		{in: `scopes="a b"`, want: "scopes=a b"},
		{in: "uri=users://{id}/profile", want: "uri=users://{id}/profile"},
		{in: "name=", want: "name="},
		{in: `name=""`, want: "name="},
		{in: `title="open`, wantErr: "unterminated", errOff: 6},
		{in: `title="a"b`, wantErr: "expected a space", errOff: 9},
		{in: `title=a"b"`, wantErr: "quote inside", errOff: 7},
		{in: `=x`, wantErr: "expected a key", errOff: 0},
		{in: `a "b"`, wantErr: "expected a key", errOff: 2},
		{in: `na.me=x`, wantErr: "invalid key", errOff: 0},
		{in: `title="\q"`, wantErr: "bad quoted value", errOff: 6},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			args, off, err := tokenizeArgs(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || off != tt.errOff {
					t.Fatalf("got err %v at %d, want %q at %d", err, off, tt.wantErr, tt.errOff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, a := range args {
				if a.HasValue {
					parts = append(parts, a.Key+"="+a.Value)
				} else {
					parts = append(parts, a.Key)
				}
			}
			if got := strings.Join(parts, "|"); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzTokenizeArgs checks that the tokenizer never panics, reports
// offsets inside the input, and that keys are always non-empty.
func FuzzTokenizeArgs(f *testing.F) {
	for _, s := range []string{"name=x readonly", `title="a b" x`, "a=`b`", `t="\"`, "=", "a=b=c", "\t\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args, off, err := tokenizeArgs(s)
		if err != nil {
			if off < 0 || off > len(s) {
				t.Fatalf("error offset %d outside input of %d bytes", off, len(s))
			}
			return
		}
		for _, a := range args {
			if a.Key == "" || int(a.Pos) >= len(s) {
				t.Fatalf("bad arg %+v", a)
			}
		}
	})
}

func BenchmarkTokenizeArgs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := tokenizeArgs(` name=get_forecast title="Weather forecast" readonly openworld scopes="a b"`); err != nil {
			b.Fatal(err)
		}
	}
}

func TestClassifyComment(t *testing.T) {
	tests := []struct {
		in   string
		want commentDirective
	}{
		{"//mcp:tool", mcpDirective},
		{"//mcp:tol", mcpDirective},
		{"// mcp:tool", spacedDirective},
		{"//  mcp:resource uri=x", spacedDirective},
		{"//\tmcp:prompt", spacedDirective},
		{"// mcp:tol", spacedDirective},
		{"// mcp:toolbox is prose", notDirective},
		{"// see mcp:tool", notDirective},
		{"//go:generate x", notDirective},
		{"/* mcp:tool */", notDirective},
		{"// Plain text.", notDirective},
	}
	for _, tt := range tests {
		if got := classifyComment(tt.in); got != tt.want {
			t.Errorf("classifyComment(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDirective(t *testing.T) {
	tests := []struct {
		text    string
		want    string // kind:key=value,...
		wantErr string
	}{
		{text: "//mcp:tool", want: "tool:"},
		{text: "//mcp:tool readonly destructive=false", want: "tool:readonly=true,destructive=false"},
		{text: "//mcp:tool readonly=TRUE", want: "tool:readonly=true"},
		{text: `//mcp:resource uri=file:///a mime="text/markdown"`, want: "resource:uri=file:///a,mime=text/markdown"},
		{text: "//mcp:tol", wantErr: "did you mean //mcp:tool?"},
		{text: "//mcp:frobnicate", wantErr: "(known: //mcp:complete"},
		{text: "//mcp:tool nmae=x", wantErr: `unknown key "nmae" for //mcp:tool; did you mean name?`},
		{text: "//mcp:tool title", wantErr: "needs a value"},
		{text: "//mcp:tool readonly=maybe", wantErr: `bad value "maybe" for flag readonly`},
		{text: "//mcp:tool name=a name=b", wantErr: `duplicate key "name"`},
		{text: `//mcp:tool title="x`, wantErr: "unterminated"},
		{text: "//mcp:schema json=`{\"a\": [1, 2]}`", want: `schema:json={"a": [1, 2]}`},
		{text: "//mcp:schema jsn=`{}`", wantErr: `unknown key "jsn" for //mcp:schema; did you mean json?`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			fset := token.NewFileSet()
			fset.AddFile("x.go", -1, 1000)
			d := newDiag(fset, "")
			dir := parseDirective(d, &ast.Comment{Slash: token.Pos(1), Text: tt.text})
			if tt.wantErr != "" {
				if len(d.errs) == 0 || !strings.Contains(d.errs.Error(), tt.wantErr) {
					t.Fatalf("errors %q, want one containing %q", d.errs.Error(), tt.wantErr)
				}
				return
			}
			if len(d.errs) > 0 {
				t.Fatal(d.errs)
			}
			var kv []string
			for _, a := range dir.Args {
				kv = append(kv, a.Key+"="+a.Value)
			}
			if got := dir.Kind + ":" + strings.Join(kv, ","); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDirectivePositions(t *testing.T) {
	fset := token.NewFileSet()
	fset.AddFile("x.go", -1, 1000).SetLinesForContent([]byte("//mcp:tool title=a readonly=maybe\n"))
	d := newDiag(fset, "")
	parseDirective(d, &ast.Comment{Slash: token.Pos(1), Text: "//mcp:tool title=a readonly=maybe"})
	// readonly=maybe: the value starts at byte 28, column 29.
	if got := d.errs.Error(); !strings.HasPrefix(got, "x.go:1:29: ") {
		t.Fatalf("got %q, want column 29", got)
	}
}

func TestNames(t *testing.T) {
	snake := map[string]string{
		"GetForecast": "get_forecast",
		"Echo":        "echo",
		"HTTPStatus":  "http_status",
		"ListURLs":    "list_urls",
		"V2Search":    "v2_search",
		"Search2":     "search2",
		"ID":          "id",
		"UserID":      "user_id",
	}
	for in, want := range snake {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
	camel := map[string]string{
		"get_forecast":         "GetForecast",
		"users://{id}/profile": "UsersIdProfile",
		"a.b-c":                "ABC",
		"2fa":                  "X2fa",
		"héllo":                "HLlo",
		"":                     "",
	}
	for in, want := range camel {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
	if got := closestName("tol", directiveNames()); got != "tool" {
		t.Errorf("closestName(tol) = %q", got)
	}
	if got := closestName("x", directiveNames()); got != "" {
		t.Errorf("closestName(x) = %q, want none", got)
	}
}

func TestParseURITemplate(t *testing.T) {
	tests := []struct {
		in      string
		vars    string
		wantErr string
	}{
		{in: "file:///README.md"},
		{in: "users://{id}/profile", vars: "id"},
		{in: "docs://{space}/{name}.md", vars: "space,name"},
		{in: "x:{a}{b}", vars: "a,b"},
		{in: "/etc/motd", wantErr: "needs a scheme"},
		{in: "{scheme}://x", wantErr: "needs a scheme"},
		{in: "files://{+path}", wantErr: "level-1"},
		{in: "files://{#frag}", wantErr: "level-1"},
		{in: "users://{id", wantErr: "unterminated"},
		{in: "users://id}", wantErr: "unmatched"},
		{in: "users://{}", wantErr: "empty"},
		{in: "users://{a-b}", wantErr: "bad variable name"},
		{in: "users://{id}/{id}", wantErr: "twice"},
		{in: "users://{a{b}}", wantErr: "unterminated"},
		{in: "file:///my notes.txt", wantErr: "spaces"},
		{in: "file:///a\nb", wantErr: "control"},
	}
	for _, tt := range tests {
		vars, err := parseURITemplate(tt.in)
		if tt.wantErr != "" {
			if !strings.Contains(err, tt.wantErr) {
				t.Errorf("%q: error %q, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != "" || strings.Join(vars, ",") != tt.vars {
			t.Errorf("%q: got %v %q, want %q", tt.in, vars, err, tt.vars)
		}
	}
}

// FuzzParseURITemplate checks that every variable returned is a plain
// name that appears in braces in the template.
func FuzzParseURITemplate(f *testing.F) {
	for _, s := range []string{"users://{id}/profile", "x:{", "a:{}}", "file:///x", "s:{+x}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vars, err := parseURITemplate(s)
		if err != "" {
			return
		}
		for _, v := range vars {
			if !varNameRE.MatchString(v) || !strings.Contains(s, "{"+v+"}") {
				t.Fatalf("%q: bad variable %q", s, v)
			}
		}
	})
}
