package gen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// manyTools is the number of tools in the scale test and benchmark.
const manyTools = 500

// writeManyTools writes a module with one package of n tools (struct
// input with constraints and a struct result, as real tools have) that
// depends on this checkout through a replace directive.
func writeManyTools(t testing.TB, n int) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(self))
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	mod := "module example.com/many\n\ngo 1.26\n\nrequire github.com/mcpgen/mcpgen v0.0.0\n\nreplace github.com/mcpgen/mcpgen => " + root + "\n"
	var src strings.Builder
	src.WriteString("// Package tools has many tools.\n//\n//mcp:server name=many version=1.0.0\npackage tools\n\nimport \"context\"\n")
	for i := range n {
		fmt.Fprintf(&src, `
// In%[1]d is the input of tool %[1]d.
type In%[1]d struct {
	// Query to run.
	Query string `+"`json:\"query\" mcp:\"minLength=1,maxLength=200\"`"+`
	Limit int    `+"`json:\"limit,omitempty\" mcp:\"min=1,max=100,default=10\"`"+`
	Tags  []string `+"`json:\"tags,omitempty\"`"+`
}

// Out%[1]d is the result of tool %[1]d.
type Out%[1]d struct {
	Items []string `+"`json:\"items\"`"+`
	Total int      `+"`json:\"total\"`"+`
}

// Tool%[1]d is tool number %[1]d.
//
//mcp:tool readonly
func Tool%[1]d(ctx context.Context, in In%[1]d) (Out%[1]d, error) {
	return Out%[1]d{Items: []string{in.Query}, Total: 1}, nil
}
`, i)
	}
	files := map[string]string{
		"go.mod":         mod,
		"go.sum":         string(sum),
		"tools/tools.go": src.String(),
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestManyToolsCompile generates a package of 500 tools and builds it: the
// generated code for a large server compiles and vets. The time the
// generation takes is reported (a figure for the README), not asserted;
// BenchmarkGenerateManyTools measures it properly.
func TestManyToolsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 500-tool server; skipped with -short")
	}
	dir := writeManyTools(t, manyTools)
	start := time.Now()
	files, err := Generate(Config{Dir: filepath.Join(dir, "tools")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d tools in %v", manyTools, time.Since(start))
	for name, body := range files {
		p := filepath.Join(dir, "tools", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet of the generated 500-tool server: %v\n%s", err, out)
	}
}

// BenchmarkGenerateManyTools measures mcpgen on a package of 500 tools,
// loading included (go/packages runs `go list`):
//
//	go test ./gen -run '^$' -bench GenerateManyTools -benchtime 5x
func BenchmarkGenerateManyTools(b *testing.B) {
	dir := writeManyTools(b, manyTools)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Config{Dir: filepath.Join(dir, "tools")}); err != nil {
			b.Fatal(err)
		}
	}
}
