package gen

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// fixture is one loaded test package.
type fixture struct {
	fset *token.FileSet
	pkg  *types.Package
	docs DocLookup
	errs []string // reported errors as file:line:col: message
}

// loadFixture loads a package under testdata/typeset with its syntax, so
// doc comments can be looked up by position as the core does.
func loadFixture(t *testing.T, dir string) *fixture {
	t.Helper()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedFiles}
	pkgs, err := packages.Load(cfg, "./testdata/typeset/"+dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("loading %s: %v", dir, pkgs[0].Errors)
	}
	p := pkgs[0]
	docs := map[token.Pos]string{}
	for _, f := range p.Syntax {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				for _, s := range n.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						doc := ts.Doc
						if doc == nil && len(n.Specs) == 1 {
							doc = n.Doc
						}
						docs[ts.Name.Pos()] = doc.Text()
					}
				}
			case *ast.Field:
				doc := n.Doc
				if doc == nil {
					doc = n.Comment
				}
				pos := n.Type.Pos()
				if len(n.Names) > 0 {
					pos = n.Names[0].Pos()
				}
				docs[pos] = doc.Text()
			}
			return true
		})
	}
	return &fixture{fset: p.Fset, pkg: p.Types, docs: func(pos token.Pos) string { return docs[pos] }}
}

// typeSet returns a TypeSet whose errors are collected in fx.errs.
func (fx *fixture) typeSet() *TypeSet {
	fx.errs = nil
	return NewTypeSet(fx.fset, []*types.Package{fx.pkg}, fx.docs, func(pos token.Pos, format string, args ...any) {
		p := fx.fset.Position(pos)
		name := p.Filename[strings.LastIndex(p.Filename, "/")+1:]
		fx.errs = append(fx.errs, name+":"+itoaTest(p.Line)+":"+itoaTest(p.Column)+": "+sprintf(format, args...))
	})
}

// lookup returns the named type name of the fixture package.
func (fx *fixture) lookup(t *testing.T, name string) types.Type {
	t.Helper()
	obj := fx.pkg.Scope().Lookup(name)
	if obj == nil {
		t.Fatalf("no type %s in fixture", name)
	}
	return obj.Type()
}

func itoaTest(n int) string { return strconv.Itoa(n) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
