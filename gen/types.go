package gen

// This file is the boundary between the generator's core (scanner,
// directives, signatures, emitter: gen/*.go) and its type layer
// (typeset*.go: JSON Schema and reflection-free decoders derived from
// go/types). The core asks the TypeSet for one Input per tool or prompt
// and one output schema per structured result, then asks it to emit the
// decoders into the generated file.

import (
	"go/token"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// Reporter records a user error at a position; every error is collected
// and printed as file.go:LINE:COL: message.
type Reporter func(pos token.Pos, format string, args ...any)

// Param is one plain (flat-form) argument of a function.
type Param struct {
	Name string     // the Go parameter name, which is also the JSON name
	Type types.Type // required unless a pointer
	Pos  token.Pos
}

// Input is the argument shape of one tool (or prompt): the JSON Schema of
// its arguments object and a generated decoder that fills a Go value.
type Input struct {
	impl *inputImpl
}

// Schema returns the canonical JSON (2020-12, deterministic key order) of
// the arguments object.
func (in *Input) Schema() []byte { return in.impl.schema() }

// GoType is the type the decoder fills: the user's struct type (struct
// form, never a pointer) or a generated unexported struct (flat form).
func (in *Input) GoType() jen.Code { return in.impl.goType() }

// Reader is the name of the generated func(*jsonwire.Decoder, *GoType)
// that reads the arguments object from jsonwire.Arguments(data); the
// Decoder's Finish returns a *jsonwire.Errors listing every problem, or
// nil. Readers are
// shared: every input of the same Go type has the same one. Register
// every input before asking for a reader.
func (in *Input) Reader() string { return in.impl.reader() }

// Name is the Go name of the generated args struct (flat form) or the
// name the input was registered under (struct form).
func (in *Input) Name() string { return in.impl.name }

// FlatField returns the Go field name of the i-th flat parameter in the
// generated args struct (flat form only).
func (in *Input) FlatField(i int) string { return in.impl.flatField(i) }

// TypeSet collects the types of one generated package.
type TypeSet struct {
	impl *typeSetImpl
}

// NewTypeSet returns a TypeSet whose errors go to report. pkgPath is the
// import path of the scanned package (for doc comments and enums) and
// fset its file set.
func NewTypeSet(fset *token.FileSet, pkgs []*types.Package, docs DocLookup, report Reporter) *TypeSet {
	return &TypeSet{impl: newTypeSetImpl(fset, pkgs, docs, report)}
}

// DocLookup returns the doc comment (or trailing line comment) of a struct
// field or a named type's declaration, found by position; "" if none.
type DocLookup func(pos token.Pos) string

// InputStruct registers the struct form: t is a struct type or a pointer
// to one. name is a Go identifier unique in the generated package, used to
// name the decoder. Returns nil after reporting errors.
func (ts *TypeSet) InputStruct(name string, t types.Type, pos token.Pos) *Input {
	return ts.impl.inputStruct(name, t, pos)
}

// InputFlat registers the flat form. name names the generated args struct
// and its reader; inputs with the same parameters (names and types) share
// them, and a name already taken by other parameters gets a number
// (Input.Name is the one used).
func (ts *TypeSet) InputFlat(name string, params []Param) *Input {
	return ts.impl.inputFlat(name, params)
}

// OutputSchema returns the output schema of a structured result of type t
// (struct, pointer to struct, map[string]T) or, when wrap is true (numbers,
// booleans, slices), the schema of the object {"result": t}. Returns nil
// after reporting errors.
func (ts *TypeSet) OutputSchema(t types.Type, pos token.Pos, wrap bool) []byte {
	return ts.impl.outputSchema(t, pos, wrap)
}

// SchemaMember is one JSON Schema keyword that an //mcp:schema directive
// adds to a struct type's schema: the keyword and its value as compact
// JSON. The generated decoders do not enforce it; it is advertised only.
type SchemaMember struct {
	Key   string
	Value []byte
	Pos   token.Pos // of the key in the directive, for errors
}

// AddSchemaMembers appends members, in order, to the schema of the struct
// type obj wherever that type is written as a schema of its own (a root, a
// $defs entry, an inline property), after the generated members. Call it
// before registering inputs and outputs. The keys must not be ones the
// type layer writes for a struct (see OwnedStructKeyword).
func (ts *TypeSet) AddSchemaMembers(obj *types.TypeName, members []SchemaMember) {
	ts.impl.keywords[obj] = append(ts.impl.keywords[obj], members...)
}

// OwnedStructKeyword reports whether the type layer writes key itself on
// the schema of a struct type, so that an //mcp:schema directive must not
// set it, and if so why (for the error message).
func OwnedStructKeyword(key string) (why string, owned bool) {
	why, owned = ownedStructKeys[key]
	return why, owned
}

// Emit writes into f every decoder (and flat args struct) registered so
// far, in a deterministic order.
func (ts *TypeSet) Emit(f *jen.File) { ts.impl.emit(f) }

// TypeCode returns the jennifer code naming t from the generated package
// (qualified identifiers, pointers, slices, maps).
func TypeCode(t types.Type) jen.Code { return typeCode(t) }
