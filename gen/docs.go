package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
)

// docLookup indexes the doc comments of the scanned files by position:
// struct fields (doc comment, else trailing line comment) under each
// field name's position (or the embedded type's name), named types under
// their name, and constants and variables under each name. Positions are
// what go/types reports as the objects' Pos, so the type layer can ask
// for the doc of a *types.Var or *types.TypeName directly.
func docLookup(fset *token.FileSet, files []*ast.File) DocLookup {
	docs := map[token.Pos]string{}
	for _, f := range files {
		indexDocs(f, func(pos token.Pos, doc string) { docs[pos] = doc })
	}
	return func(pos token.Pos) string { return docs[pos] }
}

// moduleDocLookup is docLookup that also finds the doc comments of types
// and fields declared in other packages of the module in dir (a shared
// model package). Their types come from export data, whose positions keep
// the file and line but not the column, so those files are parsed on
// first use and their docs indexed by file and line; a line that declares
// two documented names is ambiguous and gives none. Packages outside the
// module (the standard library) give none either: their docs are written
// for Go programmers, not for a schema.
func moduleDocLookup(fset *token.FileSet, files []*ast.File, dir string) DocLookup {
	local := docLookup(fset, files)
	if dir == "" {
		return local
	}
	dir = filepath.Clean(dir) + string(filepath.Separator)
	type lineKey struct {
		file string
		line int
	}
	byLine := map[lineKey]string{}
	parsed := map[string]bool{}
	for _, f := range files {
		parsed[fset.Position(f.Pos()).Filename] = true
	}
	return func(pos token.Pos) string {
		if d := local(pos); d != "" || !pos.IsValid() {
			return d
		}
		p := fset.Position(pos)
		if p.Filename == "" || !strings.HasPrefix(p.Filename, dir) {
			return ""
		}
		if !parsed[p.Filename] {
			parsed[p.Filename] = true
			own := token.NewFileSet()
			if f, err := parser.ParseFile(own, p.Filename, nil, parser.ParseComments|parser.SkipObjectResolution); err == nil {
				seen := map[lineKey]bool{}
				indexDocs(f, func(at token.Pos, doc string) {
					k := lineKey{p.Filename, own.Position(at).Line}
					if seen[k] {
						byLine[k] = "" // two names on one line: ambiguous
						return
					}
					seen[k] = true
					byLine[k] = doc
				})
			}
		}
		return byLine[lineKey{p.Filename, p.Line}]
	}
}

// indexDocs calls add for every documented struct field (doc comment,
// else trailing line comment) at each field name's position (or the
// embedded type's name), every named type at its name, and every
// constant and variable at each name.
func indexDocs(f *ast.File, add func(pos token.Pos, doc string)) {
	text := func(groups ...*ast.CommentGroup) string {
		for _, g := range groups {
			if g == nil {
				continue
			}
			if s := strings.TrimSpace(g.Text()); s != "" {
				return s
			}
		}
		return ""
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			for _, spec := range n.Specs {
				var declDoc *ast.CommentGroup
				if len(n.Specs) == 1 || !n.Lparen.IsValid() {
					declDoc = n.Doc
				}
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					if s := text(spec.Doc, declDoc, spec.Comment); s != "" {
						add(spec.Name.Pos(), s)
					}
				case *ast.ValueSpec:
					if s := text(spec.Doc, declDoc, spec.Comment); s != "" {
						for _, name := range spec.Names {
							add(name.Pos(), s)
						}
					}
				}
			}
		case *ast.StructType:
			for _, field := range n.Fields.List {
				s := text(field.Doc, field.Comment)
				if s == "" {
					continue
				}
				if len(field.Names) == 0 {
					add(embeddedNamePos(field.Type), s)
					continue
				}
				for _, name := range field.Names {
					add(name.Pos(), s)
				}
			}
		}
		return true
	})
}

// embeddedNamePos returns the position go/types gives an embedded field:
// that of the type's name (Foo in *pkg.Foo[T]).
func embeddedNamePos(x ast.Expr) token.Pos {
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.SelectorExpr:
			return t.Sel.Pos()
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		default:
			return x.Pos()
		}
	}
}
