package templates

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// wantFiles is every file Init writes, go.sum included.
var wantFiles = []string{
	".github/workflows/ci.yml",
	".gitignore",
	"README.md",
	"go.mod",
	"go.sum",
	"main.go",
	"main_test.go",
	"tools/doc.go",
	"tools/tools.go",
	"tools/tools_test.go",
}

// localOptions are Options for a scaffold of this checkout, built offline.
func localOptions(t *testing.T, dir string) Options {
	t.Helper()
	root, ok := LocalCheckout()
	if !ok {
		t.Fatal("LocalCheckout: the test binary was built from a checkout, want ok")
	}
	return Options{Dir: dir, MCPGenReplace: root}
}

func TestInitWritesScaffold(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wordsrv")
	opts := localOptions(t, dir)
	opts.Module = "example.com/acme/wordsrv/v2"
	files, err := Init(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(files, wantFiles) {
		t.Errorf("Init wrote\n%q\nwant\n%q", files, wantFiles)
	}
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tools", "mcpserver")); err == nil {
		t.Error("tools/mcpserver exists; the tidy stub directory must be removed")
	}
	// What each file must say, checked as substrings.
	tests := []struct {
		file string
		want []string
	}{
		{"go.mod", []string{
			"module example.com/acme/wordsrv/v2\n",
			"\ngo 1.26",
			"require github.com/mcpgen/mcpgen v0.0.0-00010101000000-000000000000",
			"tool github.com/mcpgen/mcpgen/cmd/mcpgen\n",
			"replace github.com/mcpgen/mcpgen => " + opts.MCPGenReplace,
			"go mod edit -dropreplace=github.com/mcpgen/mcpgen",
		}},
		{"go.sum", []string{"github.com/dave/jennifer", "github.com/julienschmidt/httprouter"}},
		{"tools/doc.go", []string{
			"//mcp:server name=wordsrv version=0.1.0",
			"\npackage tools\n",
			"//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -client -out ./mcpserver .\n",
		}},
		{"tools/tools.go", []string{"//mcp:tool name=count_words", "//mcp:resource uri=text://stopwords", "//mcp:prompt name=summarize", "`json:\"text\" mcp:\"minLength=1\"`"}},
		{"main.go", []string{`"example.com/acme/wordsrv/v2/tools/mcpserver"`, "signal.NotifyContext", `srv.ListenAndServe(ctx, "")`}},
		{"main_test.go", []string{"mcpserver.New()", "client.ConnectInProcess(ctx, srv, nil)", "c.CountWords(ctx, tt.in)", "*client.ToolError", `"wordsrv"`}},
		{".github/workflows/ci.yml", []string{"go tool mcpgen check ./tools", "go generate ./...", "go test -race ./..."}},
		{".gitignore", []string{"/wordsrv\n"}},
		{"README.md", []string{"# wordsrv", "go generate ./...", "does not exist until", "Before you publish"}},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, w := range tt.want {
			if !bytes.Contains(data, []byte(w)) {
				t.Errorf("%s does not contain %q:\n%s", tt.file, w, data)
			}
		}
	}
}

func TestInitVersionedRequire(t *testing.T) {
	// Rendering only: a released version is required and nothing replaced.
	d, err := resolve(Options{Dir: "x", Module: "example.com/x", MCPGenVersion: "v1.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := render(d)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(files, func(f file) bool { return f.name == "go.mod" })
	got := string(files[i].data)
	if !strings.Contains(got, "require github.com/mcpgen/mcpgen v1.4.0\n") || strings.Contains(got, "replace") {
		t.Errorf("go.mod =\n%s\nwant a require of v1.4.0 and no replace", got)
	}
	readme := slices.IndexFunc(files, func(f file) bool { return f.name == "README.md" })
	if bytes.Contains(files[readme].data, []byte("Before you publish")) {
		t.Error("README.md tells how to drop a replace directive that is not there")
	}
}

func TestInitRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := localOptions(t, dir)
	opts.Module = "example.com/notes"
	_, err := Init(opts)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("Init into a non-empty dir: err = %v, want a refusal naming -force", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("Init wrote %d entries into the refused directory", len(entries)-1)
	}

	opts.Force = true
	files, err := Init(opts)
	if err != nil {
		t.Fatalf("Init with Force: %v", err)
	}
	if !slices.Contains(files, "go.mod") {
		t.Errorf("Init with Force wrote %q, want go.mod among them", files)
	}
	if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
		t.Errorf("Force clobbered an unrelated file: %q, %v", data, err)
	}
}

func TestInitRefusesFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(Options{Dir: f, Module: "example.com/a", Force: true}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Init onto a file: err = %v, want 'not a directory'", err)
	}
}

func TestInitBadOptions(t *testing.T) {
	tmp := t.TempDir()
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"no dir", Options{}, "missing DIR"},
		{"space in module", Options{Dir: tmp, Module: "example.com/my server"}, `-module "example.com/my server"`},
		{"double slash", Options{Dir: tmp, Module: "example.com//x"}, "empty element"},
		{"trailing dot", Options{Dir: tmp, Module: "example.com/x."}, "trailing dot"},
		{"at sign", Options{Dir: tmp, Module: "example.com/x@v1"}, "invalid character"},
		{"bad dir name as module", Options{Dir: filepath.Join(tmp, "My Server")}, "pass -module"},
		{"sse not yet", Options{Dir: tmp, Module: "a", Transport: "sse"}, "-transport sse is not yet supported"},
		{"both transports not yet", Options{Dir: tmp, Module: "a", Transport: "streamable,sse"}, "not yet supported"},
		{"unknown transport", Options{Dir: tmp, Module: "a", Transport: "grpc"}, `unknown -transport "grpc"`},
		{"jwt not yet", Options{Dir: tmp, Module: "a", Auth: "jwt"}, "-auth jwt is not yet supported"},
		{"google not yet", Options{Dir: tmp, Module: "a", Auth: "google"}, "use -auth none or github"},
		{"unknown auth", Options{Dir: tmp, Module: "a", Auth: "basic"}, `unknown -auth "basic"`},
		{"bad version", Options{Dir: tmp, Module: "a", MCPGenVersion: "latest"}, "not a module version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Init(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Init(%+v) = %q, %v; want an error containing %q", tt.opts, files, err, tt.wantErr)
			}
			if len(files) != 0 {
				t.Errorf("Init wrote %q despite invalid options", files)
			}
		})
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("invalid options left %d entries in %s", len(entries), tmp)
	}
}

func TestCheckModulePath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"myserver", true},
		{"example.com/acme/server", true},
		{"github.com/a-b/c_d.e~f/v2", true},
		{"gopkg.in/yaml.v3", true},
		{"g++", true},
		{"", false},
		{"/abs", false},
		{"a/", false},
		{"a//b", false},
		{"-a", false},
		{".hidden", false},
		{"a/.b", false},
		{"a/b.", false},
		{"a/..", false},
		{"a b", false},
		{"a@v1", false},
		{"ünï", false},
		{"a\\b", false},
		{"example.com/con", false},
		{"example.com/LPT1.txt", false},
		{"example.com/PROGRA~1", false},
		{"example.com/a~b", true},
		{"example.com/a~01", true},
		{"a:b", false},
	}
	for _, tt := range tests {
		err := checkModulePath(tt.path)
		if (err == nil) != tt.ok {
			t.Errorf("checkModulePath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
		}
	}
}

func FuzzCheckModulePath(f *testing.F) {
	for _, s := range []string{"example.com/x", "a//b", "a/v2", "x.", "CON", "a~1", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if checkModulePath(p) != nil {
			return
		}
		// Whatever is accepted is safe to put in go.mod and import paths
		// unquoted and yields a usable server name.
		if strings.ContainsAny(p, " \t\n\"'`\\:@") || strings.Contains(p, "//") || strings.HasPrefix(p, "/") {
			t.Fatalf("accepted %q", p)
		}
		if modFileString(p) != p {
			t.Fatalf("accepted %q, which go.mod would need quoted", p)
		}
		if name := serverName(p); name == "" || strings.Contains(name, "/") {
			t.Fatalf("serverName(%q) = %q", p, name)
		}
	})
}

func TestServerName(t *testing.T) {
	tests := []struct{ module, want string }{
		{"wordsrv", "wordsrv"},
		{"example.com/acme/wordsrv", "wordsrv"},
		{"example.com/acme/wordsrv/v2", "wordsrv"},
		{"v2", "v2"},
		{"example.com/v1", "v1"},
		{"example.com/x/v0", "v0"},
	}
	for _, tt := range tests {
		if got := serverName(tt.module); got != tt.want {
			t.Errorf("serverName(%q) = %q, want %q", tt.module, got, tt.want)
		}
	}
}

func TestDirectiveAndModFileQuoting(t *testing.T) {
	tests := []struct{ in, directive, modfile string }{
		{"wordsrv", "wordsrv", "wordsrv"},
		{"a~b", `"a~b"`, "a~b"},
		{"/src/me/my src/mcpgen", `"/src/me/my src/mcpgen"`, `"/src/me/my src/mcpgen"`},
		{"/srv//x", `"/srv//x"`, `"/srv//x"`},
		{`C:\src\mcpgen`, `"C:\\src\\mcpgen"`, `C:\src\mcpgen`},
	}
	for _, tt := range tests {
		if got := directiveValue(tt.in); got != tt.directive {
			t.Errorf("directiveValue(%q) = %s, want %s", tt.in, got, tt.directive)
		}
		if got := modFileString(tt.in); got != tt.modfile {
			t.Errorf("modFileString(%q) = %s, want %s", tt.in, got, tt.modfile)
		}
	}
}

func TestLocalCheckout(t *testing.T) {
	root, ok := LocalCheckout()
	if !ok {
		t.Fatal("LocalCheckout() not ok in a test of the checkout")
	}
	if _, err := os.Stat(filepath.Join(root, "templates", "source.go")); err != nil {
		t.Errorf("LocalCheckout() = %s, which does not hold templates/source.go", root)
	}

	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(other, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/fork\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "mcpgen@v1.0.0")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cache, "go.mod"), []byte("module github.com/mcpgen/mcpgen\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
	}{
		{"trimpath", "github.com/mcpgen/mcpgen/templates/source.go"},
		{"other module", filepath.Join(other, "templates", "source.go")},
		{"module cache", filepath.Join(cache, "templates", "source.go")},
		{"gone", filepath.Join(other, "nope", "templates", "source.go")},
	}
	for _, tt := range tests {
		if dir, ok := checkoutOf(tt.file); ok {
			t.Errorf("%s: checkoutOf(%s) = %s, true; want false", tt.name, tt.file, dir)
		}
	}
}

func TestModuleLine(t *testing.T) {
	tests := []struct{ gomod, want string }{
		{"module github.com/mcpgen/mcpgen\n\ngo 1.26\n", "github.com/mcpgen/mcpgen"},
		{"// comment\nmodule \"example.com/q\" // trailing\n", "example.com/q"},
		{"modulex foo\n", ""},
		{"go 1.26\n", ""},
	}
	for _, tt := range tests {
		if got := moduleLine([]byte(tt.gomod)); got != tt.want {
			t.Errorf("moduleLine(%q) = %q, want %q", tt.gomod, got, tt.want)
		}
	}
}

func TestVersionOf(t *testing.T) {
	mod := func(path, version string, replace *debug.Module) debug.Module {
		return debug.Module{Path: path, Version: version, Replace: replace}
	}
	dep := func(m debug.Module) *debug.BuildInfo {
		return &debug.BuildInfo{Main: mod("example.com/user", "(devel)", nil), Deps: []*debug.Module{&m}}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"go install @version", &debug.BuildInfo{Main: mod(ModulePath, "v1.2.3", nil)}, "v1.2.3"},
		{"checkout build", &debug.BuildInfo{Main: mod(ModulePath, "(devel)", nil)}, ""},
		{"dirty VCS stamp", &debug.BuildInfo{Main: mod(ModulePath, "v0.0.0-20260101000000-abcdefabcdef+dirty", nil)}, ""},
		{"go tool in a user module", dep(mod(ModulePath, "v1.5.0", nil)), "v1.5.0"},
		{"replaced dependency", dep(mod(ModulePath, "v0.0.0-00010101000000-000000000000", &debug.Module{Path: "/src/mcpgen"})), ""},
		{"no mcpgen at all", dep(mod("example.com/other", "v1.0.0", nil)), ""},
	}
	for _, tt := range tests {
		if got := versionOf(tt.bi); got != tt.want {
			t.Errorf("%s: versionOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRenderIsGofmtAndDeterministic(t *testing.T) {
	d, err := resolve(Options{Dir: "x", Module: "example.com/x", MCPGenReplace: "/src/mcpgen"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := render(d)
	if err != nil {
		t.Fatal(err)
	}
	b, err := render(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(wantFiles)-1 { // go.sum comes from go mod tidy
		t.Errorf("render gave %d files, want %d", len(a), len(wantFiles)-1)
	}
	for i := range a {
		if a[i].name != b[i].name || !bytes.Equal(a[i].data, b[i].data) {
			t.Errorf("%s renders differently twice", a[i].name)
		}
		if bytes.Contains(a[i].data, []byte("<no value>")) {
			t.Errorf("%s contains <no value>", a[i].name)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	d, err := resolve(Options{Dir: "x", Module: "example.com/x", MCPGenReplace: "/src/mcpgen"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render(d); err != nil {
			b.Fatal(err)
		}
	}
}
