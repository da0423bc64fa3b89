package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/client"
)

// TestClientMethodsReserved: clientMethods lists exactly the embedded
// field and the methods of *client.Client, so no generated method
// shadows one of them.
func TestClientMethodsReserved(t *testing.T) {
	want := []string{"Client"}
	typ := reflect.TypeFor[*client.Client]()
	for i := range typ.NumMethod() {
		want = append(want, typ.Method(i).Name)
	}
	got := slices.Clone(clientMethods)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("clientMethods = %v\nwant %v", got, want)
	}
}

// TestClientNames: a declaration whose method name is taken gets its
// kind appended, then a number.
func TestClientNames(t *testing.T) {
	g := &generator{
		tools:     []*tool{{Ident: "Close"}, {Ident: "ReadDoc"}, {Ident: "Echo"}, {Ident: "PromptX"}},
		resources: []*resource{{Ident: "Doc"}, {Ident: "Text"}},
		prompts:   []*prompt{{Ident: "X"}},
	}
	n := g.clientNames()
	got := []string{
		n.names[g.tools[0]], n.names[g.tools[1]], n.names[g.tools[2]], n.names[g.tools[3]],
		n.names[g.resources[0]], n.names[g.resources[1]], n.names[g.prompts[0]],
	}
	want := []string{"CloseTool", "ReadDoc", "Echo", "PromptX", "ReadDocResource", "ReadTextResource", "PromptXPrompt"}
	if !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
}

// TestClientResourceMethodName: a resource whose Read method name is
// taken (here by a tool) is emitted under the name clientNames gave it,
// so the generated client has no duplicate method.
func TestClientResourceMethodName(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/clash\n\ngo 1.26\n")
	write("clash.go", `package clash

// ReadDoc is a tool whose name is the resource's default method name.
//
//mcp:tool
func ReadDoc(s string) (string, error) { return s, nil }

// Doc is a resource.
//
//mcp:resource uri=doc://x
func Doc() (string, error) { return "x", nil }
`)
	files, err := Generate(Config{Dir: dir, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	var src []byte
	for name, b := range files {
		if filepath.Base(filepath.Dir(name)) == ClientDir && filepath.Base(name) == ClientFile {
			src = b
		}
	}
	if src == nil {
		t.Fatalf("no client among %d files", len(files))
	}
	f, err := parser.ParseFile(token.NewFileSet(), "client.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
			methods = append(methods, fd.Name.Name)
		}
	}
	slices.Sort(methods)
	if want := []string{"ReadDoc", "ReadDocResource"}; !slices.Equal(methods, want) {
		t.Errorf("client methods = %v, want %v", methods, want)
	}
}
