package gen

// Decoder emission. For every input the generated file gets
//
//	func decodeX(data []byte, v *T) error   // one per tool input
//	func readT(d *jsonwire.Decoder, v *T)   // one per struct type, shared
//
// readT walks the object member by member with jsonwire, assigns each
// field with the typed reader for its tkind, and after the object checks
// required fields, applies defaults and validates the mcp tag constraints,
// naming the field and the rule in every error. No reflection is used at
// run time: encoding/json appears only for `any` fields.

import (
	"encoding/json"
	"go/types"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// Messages of the checks done by generated code.
const (
	msgDateTime = "must be a date-time such as 2006-01-02T15:04:05Z (format date-time)"
	msgDate     = "must be a date such as 2006-01-02 (format date)"
	msgDuration = "must be a duration such as 1h30m (format duration)"
	msgBase64   = "must be base64 (contentEncoding base64)"
)

// enforcedFormat reports whether generated decoders check strings of
// format name (jsonwire.Format); other formats are advertised only.
func enforcedFormat(name string) bool {
	for _, f := range jsonwire.Formats {
		if f == name {
			return true
		}
	}
	return false
}

// wireKind is the jsonwire.Kind constant of a type= tag, or "".
func wireKind(tag *mcpTag) string {
	if tag == nil {
		return ""
	}
	return map[string]string{"string": "String", "number": "Number", "integer": "Number", "boolean": "Bool", "object": "Object", "array": "Array", "null": "Null"}[tag.jsonType]
}

// characters is "1 character" or "N characters".
func characters(n int) string {
	if n == 1 {
		return "1 character"
	}
	return strconv.Itoa(n) + " characters"
}

// invalidSelf is the error text for a value that a type which decodes
// itself (UnmarshalJSON, UnmarshalText) rejected.
func invalidSelf(t types.Type) string {
	return "must be a valid " + shortType(t) + " (its own decoding method rejected it)"
}

// lval is an assignable Go expression in generated code.
type lval struct {
	val  func() *jen.Statement // the value, for reading and assigning
	addr func() *jen.Statement // a pointer to it
	recv func() *jen.Statement // the receiver of a method call
}

func varLval(name string) lval {
	return lval{
		val:  func() *jen.Statement { return jen.Id(name) },
		addr: func() *jen.Statement { return jen.Op("&").Id(name) },
		recv: func() *jen.Statement { return jen.Id(name) },
	}
}

func derefLval(ptr string) lval {
	return lval{
		val:  func() *jen.Statement { return jen.Op("*").Id(ptr) },
		addr: func() *jen.Statement { return jen.Id(ptr) },
		recv: func() *jen.Statement { return jen.Id(ptr) },
	}
}

func exprLval(e func() *jen.Statement) lval {
	return lval{
		val:  e,
		addr: func() *jen.Statement { return jen.Op("&").Add(e()) },
		recv: e,
	}
}

// fieldExpr is v.A.B for a field path.
func fieldExpr(path []pathStep) func() *jen.Statement {
	return func() *jen.Statement {
		s := jen.Id("v")
		for _, p := range path {
			s = s.Dot(p.name)
		}
		return s
	}
}

// decEmitter generates the decoders of one TypeSet.
type decEmitter struct {
	ts       *typeSetImpl
	readers  map[string]*structInfo // by key
	infos    []*structInfo          // the readers, sorted by hint
	patterns map[string]string      // pattern -> var name
	pats     []string               // the patterns, sorted
}

// prepare names the readers and patterns of every input registered so
// far, deterministically; it runs once, on the first Reader or Emit call,
// after which no input may be registered.
func (ts *typeSetImpl) prepare() *decEmitter {
	if ts.dec != nil {
		return ts.dec
	}
	e := &decEmitter{ts: ts, readers: map[string]*structInfo{}, patterns: map[string]string{}}
	ts.dec = e
	for _, in := range ts.inputs {
		e.collect(in.root)
	}
	for _, si := range e.readers {
		e.infos = append(e.infos, si)
	}
	sort.Slice(e.infos, func(i, j int) bool {
		if e.infos[i].hint != e.infos[j].hint {
			return e.infos[i].hint < e.infos[j].hint
		}
		return e.infos[i].key < e.infos[j].key
	})
	used := map[string]bool{}
	for _, si := range e.infos {
		name := "read" + si.hint
		for n := 2; used[name]; n++ {
			name = "read" + si.hint + strconv.Itoa(n)
		}
		used[name] = true
		si.reader = name
	}
	for p := range e.patterns {
		e.pats = append(e.pats, p)
	}
	sort.Strings(e.pats)
	for i, p := range e.pats {
		e.patterns[p] = "pattern" + strconv.Itoa(i+1)
	}
	return e
}

// emit writes every reader (and flat args struct): one per Go type,
// shared by every tool that takes it; the handlers call them through
// jsonwire.Arguments.
func (ts *typeSetImpl) emit(f *jen.File) {
	e := ts.prepare()
	infos := append([]*structInfo(nil), e.infos...)
	sort.Slice(infos, func(i, j int) bool { return infos[i].reader < infos[j].reader })
	for _, si := range infos {
		var vt jen.Code
		if si.flat != "" {
			var fields []jen.Code
			for _, fi := range si.fields {
				fields = append(fields, jen.Id(fi.path[0].name).Add(typeCode(fi.typ)))
			}
			f.Commentf("%s holds the arguments of a tool declared with plain parameters.", si.flat)
			f.Type().Id(si.flat).Struct(fields...)
			f.Line()
			vt = jen.Id(si.flat)
		} else {
			vt = typeCode(si.typ)
		}
		if si.flat == "" {
			f.Commentf("%s reads a %s object.", si.reader, shortType(si.typ))
		}
		f.Func().Id(si.reader).Params(jen.Id("d").Op("*").Qual(jsonwirePath, "Decoder"), jen.Id("v").Op("*").Add(vt)).Block(e.structBody(si)...)
		f.Line()
	}
	if len(e.pats) > 0 {
		f.Var().DefsFunc(func(g *jen.Group) {
			for _, p := range e.pats {
				g.Id(e.patterns[p]).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p))
			}
		})
	}
}

// collect finds the struct readers and patterns reachable from si.
func (e *decEmitter) collect(si *structInfo) {
	if si.named != nil || si.flat != "" {
		if e.readers[si.key] != nil {
			return
		}
		e.readers[si.key] = si
	}
	for _, f := range si.fields {
		if f.tag != nil && f.tag.pattern != "" {
			e.patterns[f.tag.pattern] = ""
		}
		e.collectType(f.typ)
	}
}

func (e *decEmitter) collectType(t types.Type) {
	t = types.Unalias(t)
	switch classifyType(t, false) {
	case kPointer:
		e.collectType(t.Underlying().(*types.Pointer).Elem())
	case kSlice:
		e.collectType(t.Underlying().(*types.Slice).Elem())
	case kArray:
		e.collectType(t.Underlying().(*types.Array).Elem())
	case kMap:
		e.collectType(t.Underlying().(*types.Map).Elem())
	case kStruct:
		e.collect(e.ts.structOf(t, false))
	}
}

// structBody reads the object into v (a pointer to the struct) and then
// runs the per-field checks.
func (e *decEmitter) structBody(si *structInfo) []jen.Code {
	hasNames := make([]string, len(si.fields))
	usedHas := map[string]bool{}
	var hasDecl []jen.Code
	for i, f := range si.fields {
		if !e.needsHas(f) {
			continue
		}
		n := "has" + f.path[len(f.path)-1].name
		for k := 2; usedHas[n]; k++ {
			n = "has" + f.path[len(f.path)-1].name + strconv.Itoa(k)
		}
		usedHas[n] = true
		hasNames[i] = n
		hasDecl = append(hasDecl, jen.Id(n))
	}
	var body []jen.Code
	if len(hasDecl) > 0 {
		body = append(body, jen.Var().List(hasDecl...).Bool())
	}
	var cases []jen.Code
	for i, f := range si.fields {
		var stmts []jen.Code
		stmts = append(stmts, e.ensure(f.path)...)
		rt := readFormat(f.tag)
		if f.tag != nil && f.tag.hasDef && classifyType(f.typ, false) == kPointer {
			if rt == nil {
				rt = newMCPTag()
			}
			rt.hasDef = true // read tells null from a value (see kPointer)
		}
		stmts = append(stmts, e.read(f.typ, exprLval(fieldExpr(f.path)), 1, false, rt, jen.Lit(f.name))...)
		if hasNames[i] != "" {
			stmts = append(stmts, jen.Id(hasNames[i]).Op("=").True())
		}
		cases = append(cases, jen.Case(jen.Lit(f.name)).Block(stmts...))
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("UnknownField").Call(jen.Id("name"))))
	body = append(body, jen.For(
		jen.List(jen.Id("name"), jen.Id("ok")).Op(":=").Id("d").Dot("Field").Call(),
		jen.Id("ok"),
		jen.List(jen.Id("name"), jen.Id("ok")).Op("=").Id("d").Dot("Field").Call(),
	).Block(jen.Switch(jen.Id("name")).Block(cases...)))
	for i, f := range si.fields {
		if hasNames[i] != "" {
			body = append(body, e.after(f, hasNames[i])...)
		}
	}
	return body
}

// ensure allocates the embedded pointers on the way to a promoted field.
func (e *decEmitter) ensure(path []pathStep) []jen.Code {
	var out []jen.Code
	for i, p := range path[:len(path)-1] {
		if p.ptr {
			x := fieldExpr(path[:i+1])
			out = append(out, jen.If(x().Op("==").Nil()).Block(x().Op("=").New(typeCode(p.elem))))
		}
	}
	return out
}

// needsHas reports whether a field needs work after the object is read.
func (e *decEmitter) needsHas(f *fieldInfo) bool {
	return f.required || (f.tag != nil && f.tag.hasDef) || len(e.checks(f, nil)) > 0
}

// after is the code run once the object is read: the required check or
// the default, then the constraints.
func (e *decEmitter) after(f *fieldInfo, has string) []jen.Code {
	base := types.Unalias(f.typ)
	isPtr := classifyType(base, false) == kPointer
	var val func() *jen.Statement
	if isPtr {
		base = types.Unalias(base.Underlying().(*types.Pointer).Elem())
		val = func() *jen.Statement { return jen.Op("*").Add(fieldExpr(f.path)()) }
	} else {
		val = fieldExpr(f.path)
	}
	checks := e.checks(f, val)
	var absent []jen.Code
	switch {
	case f.required:
		absent = append(absent, jen.Id("d").Dot("Missing").Call(jen.Lit(f.name)))
	case f.tag != nil && f.tag.hasDef:
		absent = append(absent, e.ensure(f.path)...)
		lit := defaultLit(f.tag, base)
		if isPtr {
			absent = append(absent,
				jen.Var().Id("dflt").Add(typeCode(base)).Op("=").Add(lit),
				fieldExpr(f.path)().Op("=").Op("&").Id("dflt"))
		} else {
			absent = append(absent, fieldExpr(f.path)().Op("=").Add(lit))
		}
	}
	present := jen.Id(has)
	if isPtr {
		present = present.Op("&&").Add(fieldExpr(f.path)()).Op("!=").Nil()
	}
	switch {
	case len(absent) > 0 && len(checks) > 0:
		if isPtr {
			return []jen.Code{
				jen.If(jen.Op("!").Id(has)).Block(absent...),
				jen.If(present).Block(checks...),
			}
		}
		return []jen.Code{jen.If(jen.Op("!").Id(has)).Block(absent...).Else().Block(checks...)}
	case len(absent) > 0:
		return []jen.Code{jen.If(jen.Op("!").Id(has)).Block(absent...)}
	case len(checks) > 0:
		return []jen.Code{jen.If(present).Block(checks...)}
	}
	return nil
}

// defaultLit is the Go literal of a field's default.
func defaultLit(tag *mcpTag, t types.Type) jen.Code {
	switch classifyType(t, false) {
	case kString:
		var s string
		_ = json.Unmarshal([]byte(tag.def), &s) // checked when the tag was parsed
		return jen.Lit(s)
	case kDuration:
		if tag.format == "duration" {
			var s string
			_ = json.Unmarshal([]byte(tag.def), &s)
			d, _ := time.ParseDuration(s)
			return jen.Id(strconv.FormatInt(int64(d), 10)).Comment(s)
		}
	}
	return jen.Id(tag.def)
}

// checks returns the constraint checks of a field on val (nil: only
// count them).
func (e *decEmitter) checks(f *fieldInfo, val func() *jen.Statement) []jen.Code {
	base := elemBase(f.typ, false)
	k := classifyType(base, false)
	tag := f.tag
	if tag == nil {
		tag = newMCPTag()
	}
	var out []jen.Code
	fail := func(msg string) jen.Code { return jen.Id("d").Dot("Fail").Call(jen.Lit(f.name), jen.Lit(msg)) }
	cond := func(c func() *jen.Statement, msg string) {
		if val == nil {
			out = append(out, jen.Null())
			return
		}
		out = append(out, jen.If(c()).Block(fail(msg)))
	}
	str := func() *jen.Statement {
		if b, ok := base.(*types.Basic); ok && b.Kind() == types.String {
			return val()
		}
		return jen.String().Call(val())
	}
	if k == kInt || k == kUint || k == kFloat {
		_, _, minJS, maxJS := intRangeOf(base)
		if k == kFloat {
			minJS, maxJS = "", ""
		}
		if tag.min != "" && (minJS == "" || compareNum(tag.min, minJS) > 0) {
			lit := tag.min
			cond(func() *jen.Statement { return val().Op("<").Id(lit) }, "must be >= "+lit+" (minimum)")
		}
		if tag.max != "" && (maxJS == "" || compareNum(tag.max, maxJS) < 0) {
			lit := tag.max
			cond(func() *jen.Statement { return val().Op(">").Id(lit) }, "must be <= "+lit+" (maximum)")
		}
	}
	if k == kString {
		if tag.minLength > 0 {
			n := tag.minLength
			cond(func() *jen.Statement {
				return jen.Qual("unicode/utf8", "RuneCountInString").Call(str()).Op("<").Lit(n)
			}, "must be at least "+characters(n)+" long (minLength)")
		}
		if tag.maxLength >= 0 {
			n := tag.maxLength
			cond(func() *jen.Statement {
				return jen.Qual("unicode/utf8", "RuneCountInString").Call(str()).Op(">").Lit(n)
			}, "must be at most "+characters(n)+" long (maxLength)")
		}
		if tag.pattern != "" {
			p := tag.pattern
			cond(func() *jen.Statement {
				return jen.Op("!").Id(e.patterns[p]).Dot("MatchString").Call(str())
			}, "must match "+p+" (pattern)")
		}
		if enforcedFormat(tag.format) {
			name := tag.format
			cond(func() *jen.Statement {
				return jen.Op("!").Qual(jsonwirePath, "Format").Call(jen.Lit(name), str())
			}, jsonwire.FormatMessage(name))
		}
	}
	if k == kText && tag.hasEnum {
		// a type that marshals as a string: its text must be one of them
		var allowed []jen.Code
		for _, js := range tag.enum {
			allowed = append(allowed, jen.Id(js))
		}
		if val == nil {
			out = append(out, jen.Null())
		} else {
			out = append(out, jen.If(
				jen.List(jen.Id("text"), jen.Id("err")).Op(":=").Add(val()).Dot("MarshalText").Call(),
				jen.Id("err").Op("==").Nil(),
			).Block(jen.Switch(jen.String().Call(jen.Id("text"))).Block(
				jen.Case(allowed...),
				jen.Default().Block(fail("must be one of "+strings.Join(tag.enum, ", ")+" (enum)")),
			)))
		}
	}
	if k == kString || k == kInt || k == kUint || k == kFloat {
		var allowed []jen.Code
		var shown []string
		if tag.hasEnum {
			for _, js := range tag.enum {
				allowed = append(allowed, jen.Id(js))
				shown = append(shown, js)
			}
		} else if en := e.ts.enumOf(base); en != nil {
			for _, v := range en.values {
				allowed = append(allowed, v.goID)
				shown = append(shown, v.json)
			}
		}
		if len(allowed) > 0 {
			if val == nil {
				out = append(out, jen.Null())
			} else {
				out = append(out, jen.Switch(val()).Block(
					jen.Case(allowed...),
					jen.Default().Block(fail("must be one of "+strings.Join(shown, ", ")+" (enum)")),
				))
			}
		}
	}
	return out
}

func tsContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// read returns statements reading the next JSON value into lv, of type t.
// where is the name argument of d.Fail for errors about this value: the
// member name inside an object's Field loop (jsonwire's Fail is relative
// to the object there), the map key variable, or "" for array elements.
// depth numbers temporaries so nested loops do not shadow them. elem:
// lv is inside a container, so checks that belong to the type (enums)
// run here rather than after the object.
func (e *decEmitter) read(t types.Type, lv lval, depth int, elem bool, tag *mcpTag, where jen.Code) []jen.Code {
	t = types.Unalias(t)
	n := strconv.Itoa(depth)
	d := func() *jen.Statement { return jen.Id("d") }
	fail := func(msg jen.Code) jen.Code { return d().Dot("Fail").Call(where, msg) }
	assign := func(x jen.Code) []jen.Code { return []jen.Code{lv.val().Op("=").Add(x)} }
	switch classifyType(t, false) {
	case kBool, kString, kInt, kUint, kFloat:
		return e.scalar(t, lv, e.valueExpr(t, tag), elem, where)
	case kURL:
		return []jen.Code{jen.If(
			jen.List(jen.Id("u"+n), jen.Id("ok")).Op(":=").Qual(jsonwirePath, "URL").Call(d().Dot("String").Call()),
			jen.Id("ok"),
		).Block(lv.val().Op("=").Op("*").Id("u" + n)).Else().Block(fail(jen.Lit(jsonwire.FormatMessage("uri"))))}
	case kTime:
		if tag != nil && tag.format == "date" {
			return []jen.Code{jen.If(
				jen.List(jen.Id("t"+n), jen.Id("err")).Op(":=").Qual("time", "Parse").Call(jen.Qual("time", "DateOnly"), d().Dot("String").Call()),
				jen.Id("err").Op("==").Nil(),
			).Block(lv.val().Op("=").Id("t" + n)).Else().Block(fail(jen.Lit(msgDate)))}
		}
		return []jen.Code{jen.If(
			jen.List(jen.Id("t"+n), jen.Id("ok")).Op(":=").Qual(jsonwirePath, "DateTime").Call(d().Dot("String").Call()),
			jen.Id("ok"),
		).Block(lv.val().Op("=").Id("t" + n)).Else().Block(fail(jen.Lit(msgDateTime)))}
	case kDuration:
		if tag != nil && tag.format == "duration" {
			return []jen.Code{jen.If(
				jen.List(jen.Id("t"+n), jen.Id("err")).Op(":=").Qual("time", "ParseDuration").Call(d().Dot("String").Call()),
				jen.Id("err").Op("==").Nil(),
			).Block(lv.val().Op("=").Id("t" + n)).Else().Block(fail(jen.Lit(msgDuration)))}
		}
		return assign(e.valueExpr(t, tag))
	case kBytes:
		var x jen.Code = jen.Id("b" + n)
		if _, named := t.(*types.Named); named {
			x = typeStmt(t).Call(jen.Id("b" + n))
		}
		return []jen.Code{jen.If(
			jen.List(jen.Id("b"+n), jen.Id("err")).Op(":=").Qual("encoding/base64", "StdEncoding").Dot("DecodeString").Call(d().Dot("String").Call()),
			jen.Id("err").Op("==").Nil(),
		).Block(lv.val().Op("=").Add(x)).Else().Block(fail(jen.Lit(msgBase64)))}
	case kRaw:
		return assign(e.valueExpr(t, tag))
	case kNumber:
		return []jen.Code{jen.If(d().Dot("Peek").Call().Op("==").Qual(jsonwirePath, "Number")).Block(
			lv.val().Op("=").Add(typeStmt(t)).Call(d().Dot("Raw").Call()),
		).Else().Block(fail(jen.Lit("expected number")), d().Dot("Skip").Call())}
	case kAny:
		return []jen.Code{jen.If(
			jen.Id("err").Op(":=").Qual("encoding/json", "Unmarshal").Call(d().Dot("Raw").Call(), lv.addr()),
			jen.Id("err").Op("!=").Nil(),
		).Block(fail(jen.Id("err").Dot("Error").Call()))}
	case kUnmarshal:
		// the method's error is Go text ("json: cannot unmarshal number
		// into Go value of type string"), not for a model to read
		if kind := wireKind(tag); kind != "" {
			// the schema states the JSON type (type=): other kinds,
			// null included, are refused before the method sees them
			return []jen.Code{jen.If(jen.Id("k").Op(":=").Add(d().Dot("Peek").Call()), jen.Id("k").Op("!=").Qual(jsonwirePath, kind)).Block(
				d().Dot("Fail").Call(where, jen.Lit("expected "+tag.jsonType+", got ").Op("+").Id("k").Dot("String").Call()),
				d().Dot("Skip").Call(),
			).Else().If(
				jen.Id("err").Op(":=").Add(lv.recv()).Dot("UnmarshalJSON").Call(d().Dot("Raw").Call()),
				jen.Id("err").Op("!=").Nil(),
			).Block(fail(jen.Lit(invalidSelf(t))))}
		}
		return []jen.Code{jen.If(
			jen.Id("err").Op(":=").Add(lv.recv()).Dot("UnmarshalJSON").Call(d().Dot("Raw").Call()),
			jen.Id("err").Op("!=").Nil(),
		).Block(fail(jen.Lit(invalidSelf(t))))}
	case kText:
		return []jen.Code{jen.If(
			jen.Id("err").Op(":=").Add(lv.recv()).Dot("UnmarshalText").Call(jen.Index().Byte().Call(d().Dot("String").Call())),
			jen.Id("err").Op("!=").Nil(),
		).Block(fail(jen.Lit(invalidSelf(t))))}
	case kPointer:
		el := t.Underlying().(*types.Pointer).Elem()
		p := "p" + n
		inner := []jen.Code{jen.Id(p).Op(":=").New(typeCode(el))}
		inner = append(inner, e.read(el, derefLval(p), depth+1, elem, tag, where)...)
		inner = append(inner, lv.val().Op("=").Id(p))
		if elem || depth > 1 {
			// null is accepted only for a member that may be left out;
			// an element or map value must be a value
			return inner
		}
		if tag != nil && tag.hasDef {
			// null leaves a pointer with a default unset: it gets the default
			return append([]jen.Code{jen.If(d().Dot("Null").Call()).Block(jen.Break())}, inner...)
		}
		return []jen.Code{jen.If(d().Dot("Null").Call()).Block(lv.val().Op("=").Nil()).Else().Block(inner...)}
	case kSlice:
		el := t.Underlying().(*types.Slice).Elem()
		x := "e" + n
		var body []jen.Code
		if expr := e.simple(el, tag); expr != nil {
			body = []jen.Code{lv.val().Op("=").Append(lv.val(), expr)}
		} else if expr := e.valueExpr(el, tag); expr != nil {
			body = []jen.Code{jen.Id(x).Op(":=").Add(expr)}
			body = append(body, e.enumCheck(types.Unalias(el), varLval(x), jen.Lit(""))...)
			body = append(body, lv.val().Op("=").Append(lv.val(), jen.Id(x)))
		} else {
			body = []jen.Code{jen.Var().Id(x).Add(typeCode(el))}
			body = append(body, e.read(el, varLval(x), depth+1, true, tag, jen.Lit(""))...)
			body = append(body, lv.val().Op("=").Append(lv.val(), jen.Id(x)))
		}
		return []jen.Code{
			lv.val().Op("=").Add(typeCode(t)).Values(),
			jen.For(
				jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("d").Dot("Elem").Call(),
				jen.Id("ok"),
				jen.List(jen.Id("_"), jen.Id("ok")).Op("=").Id("d").Dot("Elem").Call(),
			).Block(body...),
		}
	case kArray:
		a := t.Underlying().(*types.Array)
		i, cnt := "i"+n, "n"+n
		elLv := exprLval(func() *jen.Statement { return lv.val().Index(jen.Id(i)) })
		return []jen.Code{
			jen.Id(cnt).Op(":=").Lit(0),
			jen.For(
				jen.List(jen.Id(i), jen.Id("ok")).Op(":=").Id("d").Dot("Elem").Call(),
				jen.Id("ok"),
				jen.List(jen.Id(i), jen.Id("ok")).Op("=").Id("d").Dot("Elem").Call(),
			).Block(
				jen.If(jen.Id(i).Op("<").Lit(int(a.Len()))).Block(e.read(a.Elem(), elLv, depth+1, true, tag, jen.Lit(""))...).Else().Block(d().Dot("Skip").Call()),
				jen.Id(cnt).Op("=").Id(i).Op("+").Lit(1),
			),
			jen.If(jen.Id(cnt).Op("!=").Lit(int(a.Len()))).Block(fail(jen.Lit("must have exactly " + strconv.FormatInt(a.Len(), 10) + " items (minItems, maxItems)"))),
		}
	case kMap:
		m := t.Underlying().(*types.Map)
		k, x := "k"+n, "e"+n
		var key jen.Code = jen.Id(k)
		if b, ok := types.Unalias(m.Key()).(*types.Basic); !ok || b.Kind() != types.String {
			key = typeStmt(m.Key()).Call(jen.Id(k))
		}
		var body []jen.Code
		if expr := e.simple(m.Elem(), tag); expr != nil {
			body = []jen.Code{lv.val().Index(key).Op("=").Add(expr)}
		} else if expr := e.valueExpr(m.Elem(), tag); expr != nil {
			body = []jen.Code{jen.Id(x).Op(":=").Add(expr)}
			body = append(body, e.enumCheck(types.Unalias(m.Elem()), varLval(x), jen.Id(k))...)
			body = append(body, lv.val().Index(key).Op("=").Id(x))
		} else {
			body = []jen.Code{jen.Var().Id(x).Add(typeCode(m.Elem()))}
			body = append(body, e.read(m.Elem(), varLval(x), depth+1, true, tag, jen.Id(k))...)
			body = append(body, lv.val().Index(key).Op("=").Id(x))
		}
		return []jen.Code{
			lv.val().Op("=").Add(typeCode(t)).Values(),
			jen.For(
				jen.List(jen.Id(k), jen.Id("ok")).Op(":=").Id("d").Dot("Field").Call(),
				jen.Id("ok"),
				jen.List(jen.Id(k), jen.Id("ok")).Op("=").Id("d").Dot("Field").Call(),
			).Block(body...),
		}
	case kStruct:
		si := e.ts.structOf(t, false)
		if si.reader != "" {
			return []jen.Code{jen.Id(si.reader).Call(d(), lv.addr())}
		}
		// an anonymous struct is read in place: its type cannot be spelled
		// reliably (struct tags), so it gets no reader of its own
		block := []jen.Code{jen.Id("v").Op(":=").Add(lv.addr())}
		block = append(block, e.structBody(si)...)
		return []jen.Code{jen.Block(block...)}
	}
	return []jen.Code{d().Dot("Skip").Call()}
}

// simple returns the expression reading a value of type t when one
// expression does it all (no check, no error branch), or nil.
func (e *decEmitter) simple(t types.Type, tag *mcpTag) jen.Code {
	t = types.Unalias(t)
	if e.ts.enumOf(t) != nil {
		return nil
	}
	return e.valueExpr(t, tag)
}

// valueExpr is the expression reading a scalar of type t (bool, string,
// number, json.RawMessage, time.Duration as nanoseconds), or nil.
func (e *decEmitter) valueExpr(t types.Type, tag *mcpTag) jen.Code {
	t = types.Unalias(t)
	d := func() *jen.Statement { return jen.Id("d") }
	conv := func(got types.BasicKind, call *jen.Statement) jen.Code {
		if b, ok := t.(*types.Basic); ok && b.Kind() == got {
			return call
		}
		return typeStmt(t).Call(call)
	}
	switch classifyType(t, false) {
	case kBool:
		return conv(types.Bool, d().Dot("Bool").Call())
	case kString:
		return conv(types.String, d().Dot("String").Call())
	case kInt:
		minGo, maxGo, _, _ := intRange(t)
		return conv(types.Int64, d().Dot("Int").Call(jen.Qual("math", minGo), jen.Qual("math", maxGo)))
	case kUint:
		_, maxGo, _, _ := intRange(t)
		return conv(types.Uint64, d().Dot("Uint").Call(jen.Qual("math", maxGo)))
	case kFloat:
		if t.Underlying().(*types.Basic).Kind() == types.Float32 {
			return conv(types.Float64, d().Dot("Float").Call(jen.Lit(32)))
		}
		return conv(types.Float64, d().Dot("Float").Call(jen.Lit(64)))
	case kRaw:
		// copied: the decoder's input may be reused after the call
		return jen.Append(typeStmt(t).Call(jen.Nil()), d().Dot("Raw").Call().Op("..."))
	case kDuration:
		if tag == nil || tag.format != "duration" {
			return jen.Qual("time", "Duration").Call(d().Dot("Int").Call(jen.Qual("math", "MinInt64"), jen.Qual("math", "MaxInt64")))
		}
	}
	return nil
}

// scalar assigns a bool, string or number read by call, converting to t
// when t is not the type jsonwire returns; in containers it also checks
// the enum of t.
func (e *decEmitter) scalar(t types.Type, lv lval, x jen.Code, elem bool, where jen.Code) []jen.Code {
	out := []jen.Code{lv.val().Op("=").Add(x)}
	if elem {
		out = append(out, e.enumCheck(t, lv, where)...)
	}
	return out
}

// enumCheck checks lv against the typed constants of t, if it has any.
func (e *decEmitter) enumCheck(t types.Type, lv lval, where jen.Code) []jen.Code {
	var out []jen.Code
	if en := e.ts.enumOf(t); en != nil {
		var allowed []jen.Code
		var shown []string
		for _, v := range en.values {
			allowed = append(allowed, v.goID)
			shown = append(shown, v.json)
		}
		out = append(out, jen.Switch(lv.val()).Block(
			jen.Case(allowed...),
			jen.Default().Block(jen.Id("d").Dot("Fail").Call(where, jen.Lit("must be one of "+strings.Join(shown, ", ")+" (enum)"))),
		))
	}
	return out
}

// typeCode names t from another package.
func typeCode(t types.Type) jen.Code { return typeStmt(t) }

// typeStmt is typeCode as a statement that can be extended (called, indexed).
func typeStmt(t types.Type) *jen.Statement {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		obj := u.Obj()
		var s *jen.Statement
		if obj.Pkg() == nil {
			s = jen.Id(obj.Name())
		} else {
			s = jen.Qual(obj.Pkg().Path(), obj.Name())
		}
		if u.TypeArgs().Len() > 0 {
			var args []jen.Code
			for i := 0; i < u.TypeArgs().Len(); i++ {
				args = append(args, typeCode(u.TypeArgs().At(i)))
			}
			s = s.Types(args...)
		}
		return s
	case *types.Basic:
		return jen.Id(u.Name())
	case *types.Pointer:
		return jen.Op("*").Add(typeCode(u.Elem()))
	case *types.Slice:
		return jen.Index().Add(typeCode(u.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(u.Len()))).Add(typeCode(u.Elem()))
	case *types.Map:
		return jen.Map(typeCode(u.Key())).Add(typeCode(u.Elem()))
	case *types.Interface:
		if u.Empty() {
			return jen.Any()
		}
	case *types.Struct:
		var fields []jen.Code
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			var fc *jen.Statement
			if f.Embedded() {
				fc = jen.Add(typeCode(f.Type()))
			} else {
				fc = jen.Id(f.Name()).Add(typeCode(f.Type()))
			}
			if tag := u.Tag(i); tag != "" {
				// written as is: jen.Tag would reorder the keys, and the
				// tag is part of the type's identity
				if strings.Contains(tag, "`") {
					fc = fc.Op(strconv.Quote(tag))
				} else {
					fc = fc.Op("`" + tag + "`")
				}
			}
			fields = append(fields, fc)
		}
		return jen.Struct(fields...)
	}
	return jen.Id(types.TypeString(t, func(p *types.Package) string { return p.Name() }))
}
