package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestDocLookup(t *testing.T) {
	const src = `package p

// Units is a unit.
type Units string

const (
	// Celsius degrees.
	Celsius Units = "c"
	Fahrenheit Units = "f" // Fahrenheit degrees.
)

// Single has its doc on the declaration.
type Single struct {
	// City name.
	City string
	Days int // number of days
	Bare int
	A, B int // shared
	Embedded // embedded doc
	*Ptr // pointer embed
	Nested struct {
		// Deep field.
		Deep string
	}
}

type (
	// Grouped is documented on its spec.
	Grouped int
	Undocumented int
)

type Embedded struct{}
type Ptr struct{}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := docLookup(fset, []*ast.File{f})
	// pos finds the n-th identifier named name.
	pos := func(name string, n int) token.Pos {
		var found token.Pos
		ast.Inspect(f, func(x ast.Node) bool {
			if id, ok := x.(*ast.Ident); ok && id.Name == name {
				if n == 0 && found == token.NoPos {
					found = id.Pos()
				}
				n--
			}
			return true
		})
		return found
	}
	tests := []struct {
		name string
		n    int
		want string
	}{
		{"Units", 0, "Units is a unit."},
		{"Celsius", 0, "Celsius degrees."},
		{"Fahrenheit", 0, "Fahrenheit degrees."},
		{"Single", 0, "Single has its doc on the declaration."},
		{"City", 0, "City name."},
		{"Days", 0, "number of days"},
		{"Bare", 0, ""},
		{"A", 0, "shared"},
		{"B", 0, "shared"},
		{"Embedded", 0, "embedded doc"},
		{"Ptr", 0, "pointer embed"},
		{"Deep", 0, "Deep field."},
		{"Grouped", 0, "Grouped is documented on its spec."},
		{"Undocumented", 0, ""},
	}
	for _, tt := range tests {
		if got := docs(pos(tt.name, tt.n)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Config{Dir: "../testdata/full"}); err != nil {
			b.Fatal(err)
		}
	}
}
