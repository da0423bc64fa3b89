package gen

// Encoders for structured tool results. A tool returning a struct used to
// go through runtime.JSONResult, which is encoding/json and its
// reflection on every call. For result types made only of members whose
// encoding is plain (booleans, strings, integers, floats, nested structs,
// pointers, slices, arrays and string-keyed maps of those) the generator
// writes an encoder that produces byte for byte what encoding/json.Marshal
// produces, and the handler returns runtime.Encoded(encodeT(&out)).
// Anything else (time.Time, json.Marshaler and TextMarshaler types, any,
// json.RawMessage, omitempty on a kind where omitempty and omitzero
// differ, fields promoted through embedded pointers or unexported structs)
// keeps runtime.JSONResult, so no result is ever encoded differently.
//
// The state lives beside the TypeSet, keyed by it, so this file is the
// whole feature apart from two calls in emit.go.

import (
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// encSets holds the encoders of each TypeSet being generated.
var encSets sync.Map // *TypeSet -> *encSet

// encSet is the encoders one generated package needs.
type encSet struct {
	ts      *typeSetImpl
	byKey   map[string]*encFunc // by typeKey of the struct type
	roots   map[string]string   // typeKey -> name of the encodeX entry point
	support map[string]bool     // memo of supported(), by typeKey
}

// encFunc is the appendX function of one struct type.
type encFunc struct {
	name string
	typ  types.Type
	si   *structInfo
}

func encSetOf(ts *TypeSet) *encSet {
	v, _ := encSets.LoadOrStore(ts, &encSet{ts: ts.impl, byKey: map[string]*encFunc{}, roots: map[string]string{}, support: map[string]bool{}})
	return v.(*encSet)
}

// OutputEncoder returns the name of a generated func(*T) ([]byte, error)
// that encodes a structured result of type t exactly as encoding/json
// would, or "" when t is not a struct the encoders handle (the caller
// then keeps runtime.JSONResult). EmitEncoders writes the functions.
func (ts *TypeSet) OutputEncoder(t types.Type) string {
	t = types.Unalias(t)
	if _, ok := t.Underlying().(*types.Struct); !ok || classifyType(t, true) != kStruct {
		return ""
	}
	s := encSetOf(ts)
	if !s.supported(t, map[string]bool{}) {
		return ""
	}
	key := typeKey(t)
	if name := s.roots[key]; name != "" {
		return name
	}
	fn := s.structFunc(t)
	name := "encode" + fn.name[len("append"):]
	s.roots[key] = name
	return name
}

// EmitEncoders writes the encoders OutputEncoder named, sorted by name so
// the output is deterministic.
func (ts *TypeSet) EmitEncoders(f *jen.File) {
	v, ok := encSets.LoadAndDelete(ts)
	if !ok {
		return
	}
	s := v.(*encSet)
	var roots []string
	for key := range s.roots {
		roots = append(roots, key)
	}
	sort.Slice(roots, func(i, j int) bool { return s.roots[roots[i]] < s.roots[roots[j]] })
	for _, key := range roots {
		fn := s.byKey[key]
		f.Commentf("%s encodes v as encoding/json.Marshal would, without reflection.", s.roots[key])
		f.Func().Id(s.roots[key]).Params(jen.Id("v").Op("*").Add(typeCode(fn.typ))).
			Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Id(fn.name).Call(jen.Make(jen.Index().Byte(), jen.Lit(0), jen.Lit(128)), jen.Id("v"))),
		)
		f.Line()
	}
	// structFunc may add functions while bodies are written (nested
	// types), so bodies are generated first and emitted in name order.
	bodies := map[string][]jen.Code{}
	for done := false; !done; {
		done = true
		for _, fn := range s.byKey {
			if _, ok := bodies[fn.name]; !ok {
				bodies[fn.name] = s.structBody(fn)
				done = false
			}
		}
	}
	var fns []*encFunc
	for _, fn := range s.byKey {
		fns = append(fns, fn)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].name < fns[j].name })
	for _, fn := range fns {
		f.Func().Id(fn.name).Params(jen.Id("b").Index().Byte(), jen.Id("v").Op("*").Add(typeCode(fn.typ))).
			Params(jen.Index().Byte(), jen.Error()).Block(bodies[fn.name]...)
		f.Line()
	}
}

// supported reports whether every member reachable from t has an encoding
// the generated encoder reproduces exactly. seen breaks recursion.
func (s *encSet) supported(t types.Type, seen map[string]bool) bool {
	t = types.Unalias(t)
	key := typeKey(t)
	if v, ok := s.support[key]; ok {
		return v
	}
	if seen[key] {
		return true // assumed while its members are checked
	}
	seen[key] = true
	ok := s.supportedKind(t, seen)
	s.support[key] = ok
	return ok
}

func (s *encSet) supportedKind(t types.Type, seen map[string]bool) bool {
	switch classifyType(t, true) {
	case kBool, kString, kInt, kUint, kFloat, kBytes:
		return true
	case kPointer:
		return s.supported(t.Underlying().(*types.Pointer).Elem(), seen)
	case kSlice:
		return s.supported(t.Underlying().(*types.Slice).Elem(), seen)
	case kArray:
		return s.supported(t.Underlying().(*types.Array).Elem(), seen)
	case kMap:
		m := t.Underlying().(*types.Map)
		return classifyType(m.Key(), true) == kString && nameable(m.Key()) && s.supported(m.Elem(), seen)
	case kStruct:
		ok := nameable(t)
		si := s.ts.structOf(t, true)
		if !si.ok {
			return false
		}
		for _, f := range si.fields {
			for _, st := range f.path {
				if st.ptr || !token.IsExported(st.name) {
					return false
				}
			}
			if f.omit && !omitSafe(f.typ) {
				return false
			}
			ok = ok && s.supported(f.typ, seen)
		}
		return ok
	}
	return false
}

// nameable reports whether the generated package can name t (the
// encoder's functions take it as a parameter type): an exported named
// type, a basic type, or a struct literal whose fields are all exported
// (unexported field names belong to their package).
func nameable(t types.Type) bool {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		if !u.Obj().Exported() && u.Obj().Pkg() != nil {
			return false
		}
		for i := 0; i < u.TypeArgs().Len(); i++ {
			if !nameable(u.TypeArgs().At(i)) {
				return false
			}
		}
		return true
	case *types.Basic:
		return true
	case *types.Pointer:
		return nameable(u.Elem())
	case *types.Slice:
		return nameable(u.Elem())
	case *types.Array:
		return nameable(u.Elem())
	case *types.Map:
		return nameable(u.Key()) && nameable(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !u.Field(i).Exported() || !nameable(u.Field(i).Type()) {
				return false
			}
		}
		return true
	}
	return false
}

// omitSafe reports whether omitempty and omitzero leave out the same
// values of t (the type layer records only that one of them was given):
// true for scalars and pointers without an IsZero method.
func omitSafe(t types.Type) bool {
	switch classifyType(t, true) {
	case kBool, kString, kInt, kUint, kFloat, kPointer:
	default:
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(t), false, nil, "IsZero")
	return obj == nil
}

// structFunc returns (registering on first use) the appendX function of a
// struct type.
func (s *encSet) structFunc(t types.Type) *encFunc {
	t = types.Unalias(t)
	key := typeKey(t)
	if fn := s.byKey[key]; fn != nil {
		return fn
	}
	si := s.ts.structOf(t, true)
	hint := si.hint
	if hint == "" {
		hint = "Struct"
	}
	name := "appendJSON" + upperFirst(hint)
	for n := 2; s.nameUsed(name); n++ {
		name = "appendJSON" + upperFirst(hint) + strconv.Itoa(n)
	}
	fn := &encFunc{name: name, typ: t, si: si}
	s.byKey[key] = fn
	return fn
}

func (s *encSet) nameUsed(name string) bool {
	for _, fn := range s.byKey {
		if fn.name == name {
			return true
		}
	}
	return false
}

// structBody is the body of an appendX function: members in declaration
// order. Without omitted members the separators are constants; with
// them, each member written goes after sep ('{' before the first, ','
// after).
func (s *encSet) structBody(fn *encFunc) []jen.Code {
	anyOmit := false
	for _, f := range fn.si.fields {
		anyOmit = anyOmit || f.omit
	}
	body := []jen.Code{jen.Var().Id("err").Error()}
	if anyOmit {
		body = append(body, jen.Id("sep").Op(":=").Id("byte").Call(jen.LitRune('{')))
	} else {
		body = append(body, jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('{')))
	}
	for i, f := range fn.si.fields {
		x := fieldExpr(f.path)
		key := string(jsonwire.AppendString(nil, f.name)) + ":"
		var member []jen.Code
		switch {
		case anyOmit:
			member = []jen.Code{
				jen.Id("b").Op("=").Append(jen.Id("b"), jen.Id("sep")),
				jen.Id("sep").Op("=").LitRune(','),
			}
		case i > 0:
			key = "," + key
		}
		member = append(member, jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit(key).Op("...")))
		member = append(member, s.value(f.typ, x, true, 0)...)
		if f.omit {
			body = append(body, jen.If(nonEmpty(f.typ, x())).Block(member...))
		} else {
			body = append(body, member...)
		}
	}
	if anyOmit {
		body = append(body, jen.If(jen.Id("sep").Op("==").LitRune('{')).Block(
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('{')),
		))
	}
	return append(body, jen.Return(jen.Append(jen.Id("b"), jen.LitRune('}')), jen.Id("err")))
}

// nonEmpty is the omitempty test of a scalar or pointer.
func nonEmpty(t types.Type, x *jen.Statement) jen.Code {
	switch classifyType(t, true) {
	case kBool:
		return x
	case kString:
		return x.Op("!=").Lit("")
	case kPointer:
		return x.Op("!=").Nil()
	}
	return x.Op("!=").Lit(0)
}

// value appends the encoding of x (of type t) to b. addr says whether x
// can have its address taken; depth names loop variables.
func (s *encSet) value(t types.Type, x func() *jen.Statement, addr bool, depth int) []jen.Code {
	b := func() *jen.Statement { return jen.Id("b") }
	appendTo := func(e jen.Code) jen.Code { return b().Op("=").Add(e) }
	null := appendTo(jen.Append(b(), jen.Lit("null").Op("...")))
	t = types.Unalias(t)
	switch classifyType(t, true) {
	case kBool:
		return []jen.Code{appendTo(jen.Qual("strconv", "AppendBool").Call(b(), jen.Bool().Call(x())))}
	case kString:
		return []jen.Code{appendTo(jen.Qual(jsonwirePath, "AppendString").Call(b(), jen.String().Call(x())))}
	case kInt:
		return []jen.Code{appendTo(jen.Qual("strconv", "AppendInt").Call(b(), jen.Int64().Call(x()), jen.Lit(10)))}
	case kUint:
		return []jen.Code{appendTo(jen.Qual("strconv", "AppendUint").Call(b(), jen.Uint64().Call(x()), jen.Lit(10)))}
	case kFloat:
		bits := 64
		if t.Underlying().(*types.Basic).Kind() == types.Float32 {
			bits = 32
		}
		return []jen.Code{
			jen.If(jen.List(b(), jen.Err()).Op("=").Qual(jsonwirePath, "AppendFloat").Call(b(), jen.Float64().Call(x()), jen.Lit(bits)), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
		}
	case kBytes:
		return []jen.Code{jen.If(x().Op("==").Nil()).Block(null).Else().Block(
			appendTo(jen.Append(b(), jen.LitRune('"'))),
			appendTo(jen.Qual("encoding/base64", "StdEncoding").Dot("AppendEncode").Call(b(), jen.Index().Byte().Call(x()))),
			appendTo(jen.Append(b(), jen.LitRune('"'))),
		)}
	case kPointer:
		elem := t.Underlying().(*types.Pointer).Elem()
		var inner []jen.Code
		if classifyType(elem, true) == kStruct {
			inner = s.callStruct(elem, x())
		} else {
			inner = s.value(elem, func() *jen.Statement { return jen.Parens(jen.Op("*").Add(x())) }, true, depth)
		}
		return []jen.Code{jen.If(x().Op("==").Nil()).Block(null).Else().Block(inner...)}
	case kStruct:
		if addr {
			return s.callStruct(t, jen.Op("&").Add(x()))
		}
		tmp := "e" + strconv.Itoa(depth)
		return append([]jen.Code{jen.Id(tmp).Op(":=").Add(x())}, s.callStruct(t, jen.Op("&").Id(tmp))...)
	case kSlice, kArray:
		var elem types.Type
		isSlice := false
		if sl, ok := t.Underlying().(*types.Slice); ok {
			elem, isSlice = sl.Elem(), true
		} else {
			elem = t.Underlying().(*types.Array).Elem()
		}
		i := "i" + strconv.Itoa(depth)
		loop := []jen.Code{
			appendTo(jen.Append(b(), jen.LitRune('['))),
			jen.For(jen.Id(i).Op(":=").Range().Add(x())).Block(
				append([]jen.Code{
					jen.If(jen.Id(i).Op(">").Lit(0)).Block(appendTo(jen.Append(b(), jen.LitRune(',')))),
				}, s.value(elem, func() *jen.Statement { return x().Index(jen.Id(i)) }, addr || isSlice, depth+1)...)...,
			),
			appendTo(jen.Append(b(), jen.LitRune(']'))),
		}
		if !isSlice {
			return loop
		}
		return []jen.Code{jen.If(x().Op("==").Nil()).Block(null).Else().Block(loop...)}
	case kMap:
		m := t.Underlying().(*types.Map)
		keys, k, i := "keys"+strconv.Itoa(depth), "k"+strconv.Itoa(depth), "i"+strconv.Itoa(depth)
		keyType := typeCode(m.Key())
		return []jen.Code{jen.If(x().Op("==").Nil()).Block(null).Else().Block(
			jen.Id(keys).Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Len(x())),
			jen.For(jen.Id(k).Op(":=").Range().Add(x())).Block(
				jen.Id(keys).Op("=").Append(jen.Id(keys), jen.String().Call(jen.Id(k))),
			),
			jen.Qual("sort", "Strings").Call(jen.Id(keys)),
			appendTo(jen.Append(b(), jen.LitRune('{'))),
			jen.For(jen.List(jen.Id(i), jen.Id(k)).Op(":=").Range().Id(keys)).Block(
				append([]jen.Code{
					jen.If(jen.Id(i).Op(">").Lit(0)).Block(appendTo(jen.Append(b(), jen.LitRune(',')))),
					appendTo(jen.Qual(jsonwirePath, "AppendString").Call(b(), jen.Id(k))),
					appendTo(jen.Append(b(), jen.LitRune(':'))),
				}, s.value(m.Elem(), func() *jen.Statement { return x().Index(jen.Add(keyType).Call(jen.Id(k))) }, false, depth+1)...)...,
			),
			appendTo(jen.Append(b(), jen.LitRune('}'))),
		)}
	}
	panic("gen: encoder for unsupported type " + t.String()) // supported() rules this out
}

// callStruct appends a struct through its appendX function; ptr is a
// pointer to it.
func (s *encSet) callStruct(t types.Type, ptr jen.Code) []jen.Code {
	fn := s.structFunc(t)
	return []jen.Code{
		jen.If(jen.List(jen.Id("b"), jen.Err()).Op("=").Id(fn.name).Call(jen.Id("b"), ptr), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
	}
}
