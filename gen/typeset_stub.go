package gen

// Placeholder implementation; replaced by typeset.go.

import (
	"go/token"
	"go/types"

	"github.com/dave/jennifer/jen"
)

type inputImpl struct{}

func (*inputImpl) schema() []byte       { panic("TODO(typeset)") }
func (*inputImpl) goType() jen.Code     { panic("TODO(typeset)") }
func (*inputImpl) decodeFunc() string   { panic("TODO(typeset)") }
func (*inputImpl) flatField(int) string { panic("TODO(typeset)") }

type typeSetImpl struct{}

func newTypeSetImpl(*token.FileSet, []*types.Package, DocLookup, Reporter) *typeSetImpl {
	return &typeSetImpl{}
}
func (*typeSetImpl) inputStruct(string, types.Type, token.Pos) *Input { panic("TODO(typeset)") }
func (*typeSetImpl) inputFlat(string, []Param) *Input                 { panic("TODO(typeset)") }
func (*typeSetImpl) outputSchema(types.Type, token.Pos, bool) []byte  { panic("TODO(typeset)") }
func (*typeSetImpl) emit(*jen.File)                                   { panic("TODO(typeset)") }
func typeCode(types.Type) jen.Code                                    { panic("TODO(typeset)") }
