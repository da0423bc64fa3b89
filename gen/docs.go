package gen

import (
	"go/ast"
	"go/token"
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
	for _, f := range files {
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
							docs[spec.Name.Pos()] = s
						}
					case *ast.ValueSpec:
						if s := text(spec.Doc, declDoc, spec.Comment); s != "" {
							for _, name := range spec.Names {
								docs[name.Pos()] = s
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
						docs[embeddedNamePos(field.Type)] = s
						continue
					}
					for _, name := range field.Names {
						docs[name.Pos()] = s
					}
				}
			}
			return true
		})
	}
	return func(pos token.Pos) string { return docs[pos] }
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
