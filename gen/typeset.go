package gen

// The type layer: it turns the go/types of tool arguments and results into
// JSON Schema (typeset_schema.go) and reflection-free decoders
// (typeset_decode.go). This file holds the shared model: how a Go type is
// classified, how struct fields map to JSON members (encoding/json rules),
// and how `mcp:"..."` tags are read. Everything is computed once per type
// and cached, so a struct used by several tools is checked, reported and
// emitted once.

import (
	"go/constant"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// Import paths used by generated decoders.
const (
	jsonwirePath = "github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// tkind is how a Go type travels as JSON.
type tkind int

const (
	kInvalid tkind = iota
	kBool
	kString
	kInt
	kUint
	kFloat
	kTime      // time.Time: RFC 3339 string
	kURL       // url.URL argument: an absolute URI string (results keep encoding/json's object)
	kDuration  // time.Duration: needs an mcp format
	kBytes     // []byte: base64 string
	kRaw       // json.RawMessage
	kNumber    // json.Number: any JSON number, kept as text
	kAny       // empty interface
	kUnmarshal // implements json.Unmarshaler (input) / json.Marshaler (output)
	kText      // implements encoding.TextUnmarshaler (input) / TextMarshaler (output)
	kPointer
	kSlice
	kArray
	kMap
	kStruct
)

// typeSetImpl is the TypeSet behind the exported boundary in types.go.
type typeSetImpl struct {
	fset   *token.FileSet
	pkgs   []*types.Package
	docs   DocLookup
	report Reporter

	structs  map[string]*structInfo // by typeKey
	recur    map[string]bool        // recursive(): by typeKey, "out:" for outputs
	enums    map[string]*enumInfo   // by typeKey; nil value: not an enum
	inputs   []*inputImpl
	reported map[string]bool                    // "pos|msg" already reported
	keywords map[*types.TypeName][]SchemaMember // from //mcp:schema, by struct type
	dec      *decEmitter                        // set once readers are named (prepare)
	flats    map[string]*inputImpl              // flat inputs by struct name
}

func newTypeSetImpl(fset *token.FileSet, pkgs []*types.Package, docs DocLookup, report Reporter) *typeSetImpl {
	if docs == nil {
		docs = func(token.Pos) string { return "" }
	}
	return &typeSetImpl{
		fset:     fset,
		pkgs:     pkgs,
		docs:     docs,
		report:   report,
		structs:  map[string]*structInfo{},
		recur:    map[string]bool{},
		enums:    map[string]*enumInfo{},
		reported: map[string]bool{},
		keywords: map[*types.TypeName][]SchemaMember{},
		flats:    map[string]*inputImpl{},
	}
}

// errorf reports once per position and message, so a bad type shared by
// several tools is one error, and returns false for use in checks.
func (ts *typeSetImpl) errorf(pos token.Pos, format string, args ...any) bool {
	key := strconv.Itoa(int(pos)) + "|" + format
	for _, a := range args {
		key += "|" + typeArgString(a)
	}
	if ts.reported[key] {
		return false
	}
	ts.reported[key] = true
	if ts.report != nil {
		for i, a := range args {
			if t, ok := a.(types.Type); ok {
				args[i] = shortType(t)
			}
		}
		ts.report(pos, format, args...)
	}
	return false
}

// shortType spells t with package names rather than import paths, as
// users write it.
func shortType(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

func typeArgString(a any) string {
	switch a := a.(type) {
	case string:
		return a
	case types.Type:
		return types.TypeString(a, nil)
	case int:
		return strconv.Itoa(a)
	}
	return "?"
}

// inputImpl is one registered tool input.
type inputImpl struct {
	ts       *typeSetImpl
	sig      string // flat form: the parameters' names and types
	name     string // decoder name suffix, from the core
	root     *structInfo
	flat     bool
	fields   []string // Go field names of the flat args struct
	goTyp    jen.Code
	schemaJS []byte
}

func (in *inputImpl) schema() []byte   { return in.schemaJS }
func (in *inputImpl) goType() jen.Code { return in.goTyp }
func (in *inputImpl) reader() string {
	in.ts.prepare()
	return in.root.reader
}
func (in *inputImpl) flatField(i int) string {
	if !in.flat || i < 0 || i >= len(in.fields) {
		return ""
	}
	return in.fields[i]
}

// structInfo is the JSON view of one struct type.
type structInfo struct {
	key    string
	typ    types.Type   // the struct type: *types.Named, or *types.Struct for anonymous ones
	named  *types.Named // nil for anonymous and flat structs
	flat   string       // name of the generated args struct (flat form)
	fields []*fieldInfo
	ok     bool
	reader string
	hint   string // base for the reader name
}

// fieldInfo is one JSON member of a struct.
type fieldInfo struct {
	name     string     // JSON name
	path     []pathStep // Go selectors from the struct value
	typ      types.Type // the field's Go type
	pos      token.Pos  // for errors
	doc      string     // description
	required bool
	omit     bool // omitempty or omitzero: an empty value is left out
	tag      *mcpTag
}

// pathStep is one selector on the way to a (possibly promoted) field;
// ptr marks an embedded pointer that must be allocated before writing
// through it, with elem the struct type it points to.
type pathStep struct {
	name string
	ptr  bool
	elem types.Type
}

// mcpTag is the parsed `mcp:"..."` tag of a field.
type mcpTag struct {
	enum                 []string
	hasEnum              bool
	min, max             string // number literals, "" if unset
	minLength, maxLength int    // -1 if unset
	pattern              string
	format               string
	def                  string
	hasDef               bool
	title, header, desc  string
	jsonType             string // type=... for types that read themselves
	ref                  string // ref=NAME: the struct goes into $defs under NAME
}

func newMCPTag() *mcpTag { return &mcpTag{minLength: -1, maxLength: -1} }

// enumInfo is the set of typed constants of a named string or integer type.
type enumInfo struct {
	values []enumValue
}

type enumValue struct {
	json string // JSON literal: "c" or 3
	goID jen.Code
}

// typeKey identifies a type across the whole generation run.
func typeKey(t types.Type) string { return types.TypeString(t, nil) }

// isNamed reports whether t is the named type pkgPath.name.
func isNamedType(t types.Type, pkgPath, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == pkgPath && obj.Name() == name
}

// hasMethod reports whether the method set of t (or *t when ptr) has a
// method name with signature func(param) error or func() (result, error).
func hasMethod(t types.Type, ptr bool, name string, in bool) bool {
	if ptr {
		t = types.NewPointer(t)
	}
	obj, _, _ := types.LookupFieldOrMethod(t, false, nil, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if in {
		if sig.Params().Len() != 1 || sig.Results().Len() != 1 {
			return false
		}
		s, ok := sig.Params().At(0).Type().Underlying().(*types.Slice)
		return ok && isByteType(s.Elem()) && isErrorType(sig.Results().At(0).Type())
	}
	if sig.Params().Len() != 0 || sig.Results().Len() != 2 {
		return false
	}
	s, ok := sig.Results().At(0).Type().Underlying().(*types.Slice)
	return ok && isByteType(s.Elem()) && isErrorType(sig.Results().At(1).Type())
}

func isByteType(t types.Type) bool {
	b, ok := types.Unalias(t).Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

func isErrorType(t types.Type) bool { return types.Identical(t, types.Universe.Lookup("error").Type()) }

// classify returns how t travels as JSON. output selects the marshalling
// direction (json.Marshaler rather than json.Unmarshaler).
func classifyType(t types.Type, output bool) tkind {
	t = types.Unalias(t)
	switch {
	case isNamedType(t, "time", "Time"):
		return kTime
	case isNamedType(t, "time", "Duration"):
		return kDuration
	case !output && isNamedType(t, "net/url", "URL"):
		return kURL
	case isNamedType(t, "encoding/json", "RawMessage"):
		return kRaw
	case isNamedType(t, "encoding/json", "Number"):
		return kNumber
	}
	if _, ok := t.Underlying().(*types.Pointer); ok {
		return kPointer
	}
	if _, ok := t.Underlying().(*types.Interface); !ok {
		if output {
			if hasMethod(t, true, "MarshalJSON", false) {
				return kUnmarshal
			}
			if hasMethod(t, true, "MarshalText", false) {
				return kText
			}
		} else {
			if hasMethod(t, true, "UnmarshalJSON", true) {
				return kUnmarshal
			}
			if hasMethod(t, true, "UnmarshalText", true) {
				return kText
			}
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.Bool:
			return kBool
		case u.Kind() == types.String:
			return kString
		case u.Kind() == types.Uintptr:
			return kInvalid
		case u.Info()&types.IsInteger != 0 && u.Info()&types.IsUnsigned != 0:
			return kUint
		case u.Info()&types.IsInteger != 0:
			return kInt
		case u.Info()&types.IsFloat != 0:
			return kFloat
		}
	case *types.Slice:
		if isByteType(u.Elem()) {
			return kBytes
		}
		return kSlice
	case *types.Array:
		return kArray
	case *types.Map:
		return kMap
	case *types.Struct:
		return kStruct
	case *types.Interface:
		if u.NumMethods() == 0 && u.IsMethodSet() {
			return kAny
		}
	}
	return kInvalid
}

// unsupportedReason says why t cannot be an argument or result.
func unsupportedReason(t types.Type) string {
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Chan:
		return "channels are not supported"
	case *types.Signature:
		return "funcs are not supported"
	case *types.Basic:
		switch {
		case u.Info()&types.IsComplex != 0:
			return "complex numbers are not supported"
		case u.Kind() == types.UnsafePointer:
			return "unsafe.Pointer is not supported"
		case u.Kind() == types.Uintptr:
			return "uintptr is not supported"
		}
	case *types.Interface:
		return "interfaces with methods are not supported (only any)"
	case *types.TypeParam:
		return "type parameters are not supported"
	}
	return "this type is not supported"
}

const supportedTypes = "use bool, strings, numbers, time.Time, []byte, slices, arrays, maps with string keys, structs, pointers, any or json.RawMessage"

// intRange returns the Go constant names bounding an integer tkind, for
// jsonwire.Decoder.Int / Uint, and the JSON literal bounds to put in the
// schema ("" for int and int64, which stay unbounded, and for uint64's max).
func intRange(t types.Type) (minGo, maxGo, minJS, maxJS string) {
	b := types.Unalias(t).Underlying().(*types.Basic)
	switch b.Kind() {
	case types.Int8:
		return "MinInt8", "MaxInt8", "-128", "127"
	case types.Int16:
		return "MinInt16", "MaxInt16", "-32768", "32767"
	case types.Int32:
		return "MinInt32", "MaxInt32", "-2147483648", "2147483647"
	case types.Int64:
		return "MinInt64", "MaxInt64", "", ""
	case types.Int:
		return "MinInt", "MaxInt", "", ""
	case types.Uint8:
		return "", "MaxUint8", "0", "255"
	case types.Uint16:
		return "", "MaxUint16", "0", "65535"
	case types.Uint32:
		return "", "MaxUint32", "0", "4294967295"
	case types.Uint64:
		return "", "MaxUint64", "0", ""
	default: // uint
		return "", "MaxUint", "0", ""
	}
}

// enumOf returns the typed constants of a named string or integer type
// declared in its package, in declaration order, or nil.
func (ts *typeSetImpl) enumOf(t types.Type) *enumInfo {
	t = types.Unalias(t)
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil
	}
	b, ok := n.Underlying().(*types.Basic)
	if !ok || (b.Info()&types.IsString == 0 && b.Info()&types.IsInteger == 0) {
		return nil
	}
	key := typeKey(t)
	if e, ok := ts.enums[key]; ok {
		return e
	}
	scope := n.Obj().Pkg().Scope()
	var consts []*types.Const
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if ok && types.Identical(c.Type(), t) {
			consts = append(consts, c)
		}
	}
	sort.SliceStable(consts, func(i, j int) bool { return consts[i].Pos() < consts[j].Pos() })
	var e *enumInfo
	seen := map[string]bool{}
	for _, c := range consts {
		js := constJSON(c)
		if js == "" || seen[js] {
			continue
		}
		seen[js] = true
		if e == nil {
			e = &enumInfo{}
		}
		v := enumValue{json: js}
		if c.Exported() {
			v.goID = jen.Qual(c.Pkg().Path(), c.Name())
		} else {
			v.goID = jen.Id(js)
		}
		e.values = append(e.values, v)
	}
	ts.enums[key] = e
	return e
}

// constJSON returns the JSON literal of a string or integer constant.
func constJSON(c *types.Const) string {
	v := c.Val()
	switch v.Kind() {
	case constant.String:
		return jsonQuote(constant.StringVal(v))
	case constant.Int:
		return v.ExactString()
	}
	return ""
}

// nameable reports whether the generated package can spell t; when it
// cannot, it reports why at pos.
func (ts *typeSetImpl) nameable(t types.Type, pos token.Pos, field string) bool {
	t = types.Unalias(t)
	switch u := t.(type) {
	case *types.Named:
		obj := u.Obj()
		if obj.Pkg() == nil {
			return true // error and other predeclared types
		}
		if !obj.Exported() || obj.Parent() != obj.Pkg().Scope() {
			return ts.errorf(pos, "%s: type %s is not exported (or is local to a function), so the generated package cannot name it; export it", field, t)
		}
		ok := true
		for i := 0; i < u.TypeArgs().Len(); i++ {
			ok = ts.nameable(u.TypeArgs().At(i), pos, field) && ok
		}
		return ok
	case *types.Pointer:
		return ts.nameable(u.Elem(), pos, field)
	case *types.Slice:
		return ts.nameable(u.Elem(), pos, field)
	case *types.Array:
		return ts.nameable(u.Elem(), pos, field)
	case *types.Map:
		return ts.nameable(u.Key(), pos, field) && ts.nameable(u.Elem(), pos, field)
	}
	return true
}

// check walks t (the type of field, at pos) and reports everything that
// cannot be turned into a schema and a decoder. tag applies to t itself
// (after pointers). output: t is a result, only its schema is needed.
func (ts *typeSetImpl) check(t types.Type, pos token.Pos, field string, tag *mcpTag, output bool, direct bool) bool {
	t = types.Unalias(t)
	k := classifyType(t, output)
	ok := true
	if !output && k != kStruct {
		ok = ts.nameable(t, pos, field)
	}
	switch k {
	case kInvalid:
		return ts.errorf(pos, "%s has type %s: %s; %s", field, t, unsupportedReason(t), supportedTypes)
	case kDuration:
		if !output && (tag == nil || (tag.format != "duration" && tag.format != "nanoseconds")) {
			return ts.errorf(pos, "%s has type time.Duration: say how it is written with `mcp:\"format=duration\"` (a Go duration string such as \"1h30m\") or `mcp:\"format=nanoseconds\"` (an integer)", field)
		}
	case kPointer:
		return ts.check(t.Underlying().(*types.Pointer).Elem(), pos, field, tag, output, direct) && ok
	case kSlice:
		return ts.check(t.Underlying().(*types.Slice).Elem(), pos, field+" element", readFormat(tag), output, false) && ok
	case kArray:
		return ts.check(t.Underlying().(*types.Array).Elem(), pos, field+" element", readFormat(tag), output, false) && ok
	case kMap:
		m := t.Underlying().(*types.Map)
		if b, isBasic := m.Key().Underlying().(*types.Basic); !isBasic || b.Kind() != types.String {
			return ts.errorf(pos, "%s has type %s: map keys must be strings (or named string types); %s", field, t, supportedTypes)
		}
		return ts.check(m.Elem(), pos, field+" element", readFormat(tag), output, false) && ok
	case kStruct:
		if st, isStruct := t.(*types.Struct); isStruct && !direct && !output {
			// spelled out in the generated code (new, var): only possible
			// when every field can be named from another package
			for i := 0; i < st.NumFields(); i++ {
				if !st.Field(i).Exported() || !ts.nameable(st.Field(i).Type(), pos, field) {
					return ts.errorf(pos, "%s has type %s: an anonymous struct with unexported fields can only be a direct field; declare a named type", field, t)
				}
			}
		}
		if !output && !ts.nameable(t, pos, field) {
			// unnamed structs are spelled inline; named ones must be exported
			return false
		}
		si := ts.structOf(t, output)
		return si.ok && ok
	}
	return ok
}

// readFormat keeps the part of a field's tag that says how values are
// written (a duration format, or date for time.Time), which applies to
// the elements of containers too; the other constraints are the field's.
func readFormat(tag *mcpTag) *mcpTag {
	if tag == nil || (tag.format != "duration" && tag.format != "nanoseconds" && tag.format != "date" && tag.jsonType == "") {
		return nil
	}
	t := newMCPTag()
	if tag.format == "duration" || tag.format == "nanoseconds" || tag.format == "date" {
		t.format = tag.format
	}
	t.jsonType = tag.jsonType
	return t
}

// structOf returns the JSON view of a struct type, computing and checking
// it on first use.
func (ts *typeSetImpl) structOf(t types.Type, output bool) *structInfo {
	t = types.Unalias(t)
	key := typeKey(t)
	if output {
		key = "out:" + key
	}
	if si, ok := ts.structs[key]; ok {
		return si
	}
	si := &structInfo{key: key, typ: t, ok: true}
	if n, ok := t.(*types.Named); ok {
		si.named = n
		si.hint = n.Obj().Name()
		for i := 0; i < n.TypeArgs().Len(); i++ {
			si.hint += upperFirst(typeHint(n.TypeArgs().At(i)))
		}
	}
	ts.structs[key] = si
	si.fields = ts.jsonFields(t, output, &si.ok)
	return si
}

// typeHint turns a type into identifier characters for names.
func typeHint(t types.Type) string {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		return u.Obj().Name()
	case *types.Basic:
		return u.Name()
	case *types.Pointer:
		return "Ptr" + upperFirst(typeHint(u.Elem()))
	case *types.Slice:
		return "Slice" + upperFirst(typeHint(u.Elem()))
	case *types.Map:
		return "Map" + upperFirst(typeHint(u.Elem()))
	}
	return "T"
}

// fieldCandidate is a field while the encoding/json dominance rules run.
type fieldCandidate struct {
	name   string
	tagged bool
	index  []int
	path   []pathStep
	v      *types.Var
	tagStr string
	opts   string
}

// jsonFields lists the JSON members of struct t per encoding/json:
// exported fields, json names, `-` skipped, embedded structs flattened
// with the shallowest (then tagged) field winning and conflicts dropped.
func (ts *typeSetImpl) jsonFields(t types.Type, output bool, ok *bool) []*fieldInfo {
	type level struct {
		typ   types.Type
		index []int
		path  []pathStep
	}
	var found []fieldCandidate
	next := []level{{typ: t}}
	visited := map[string]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count := map[string]int{}
		nextCount := map[string]int{}
		for _, lv := range current {
			count[typeKey(lv.typ)]++
		}
		for _, lv := range current {
			k := typeKey(lv.typ)
			if visited[k] {
				continue
			}
			visited[k] = true
			st := types.Unalias(lv.typ).Underlying().(*types.Struct)
			for i := 0; i < st.NumFields(); i++ {
				sf := st.Field(i)
				stag := reflectTag(st.Tag(i), "json")
				ft := types.Unalias(sf.Type())
				isPtr := false
				if p, isP := ft.(*types.Pointer); isP {
					ft = types.Unalias(p.Elem())
					isPtr = true
				}
				_, isStruct := ft.Underlying().(*types.Struct)
				if sf.Embedded() {
					if !sf.Exported() && !isStruct {
						continue
					}
				} else if !sf.Exported() {
					continue
				}
				if stag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(stag, ",")
				if !validJSONName(name) {
					name = ""
				}
				index := append(append([]int(nil), lv.index...), i)
				path := append(append([]pathStep(nil), lv.path...), pathStep{name: sf.Name()})
				if name != "" || !sf.Embedded() || !isStruct {
					c := fieldCandidate{name: name, tagged: name != "", index: index, path: path, v: sf, tagStr: st.Tag(i), opts: opts}
					if c.name == "" {
						c.name = sf.Name()
					}
					found = append(found, c)
					if count[k] > 1 {
						found = append(found, c) // annihilated by the duplicate, as encoding/json does
					}
					continue
				}
				if isPtr {
					path[len(path)-1].ptr = true
					path[len(path)-1].elem = ft
				}
				fk := typeKey(ft)
				nextCount[fk]++
				if nextCount[fk] == 1 {
					next = append(next, level{typ: ft, index: index, path: path})
				}
			}
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if len(a.index) != len(b.index) {
			return len(a.index) < len(b.index)
		}
		if a.tagged != b.tagged {
			return a.tagged
		}
		return lessIndex(a.index, b.index)
	})
	var kept []fieldCandidate
	for i := 0; i < len(found); {
		j := i + 1
		for j < len(found) && found[j].name == found[i].name {
			j++
		}
		group := found[i:j]
		i = j
		if len(group) == 1 {
			kept = append(kept, group[0])
			continue
		}
		// dominant field: shallowest, then the only tagged one
		if len(group[0].index) == len(group[1].index) && group[0].tagged == group[1].tagged {
			continue
		}
		kept = append(kept, group[0])
	}
	sort.Slice(kept, func(i, j int) bool { return lessIndex(kept[i].index, kept[j].index) })

	var fields []*fieldInfo
	for _, c := range kept {
		f := &fieldInfo{name: c.name, path: c.path, typ: c.v.Type(), pos: c.v.Pos()}
		label := "field " + c.v.Name()
		omit := false
		for _, o := range strings.Split(c.opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				omit = true
			case "string":
				*ok = ts.errorf(f.pos, "%s: the json \",string\" option is not supported; use a string field", label) && *ok
			}
		}
		_, isPtr := types.Unalias(f.typ).(*types.Pointer)
		f.required = !omit && !isPtr
		f.omit = omit
		f.doc = strings.TrimSpace(ts.docs(c.v.Pos()))
		if raw, has := lookupTag(c.tagStr, "mcp"); has {
			// tags are checked with input semantics in both directions, so
			// a struct used both ways gets the same (deduplicated) errors
			f.tag = ts.parseTag(raw, f, label, ok)
		}
		if f.tag != nil && f.tag.hasDef {
			f.required = false
		}
		if output {
			for _, st := range f.path[:len(f.path)-1] {
				// encoding/json leaves out the fields of a nil embedded pointer
				f.required = f.required && !st.ptr
			}
		}
		hidden := false
		for _, st := range f.path[:len(f.path)-1] {
			if st.ptr && !output {
				n, named := types.Unalias(st.elem).(*types.Named)
				if !named || !n.Obj().Exported() {
					*ok = ts.errorf(f.pos, "%s is promoted through an embedded pointer to unexported type %s, which the decoder cannot allocate; embed the struct by value or export it", label, st.elem) && *ok
				}
			}
			hidden = hidden || !token.IsExported(st.name)
		}
		if hidden && !output {
			// v.base.X cannot be written outside the package; the
			// promoted v.X can, when Go resolves it to the same field
			obj, index, _ := types.LookupFieldOrMethod(t, true, c.v.Pkg(), c.v.Name())
			if obj != c.v || !equalIndex(index, c.index) {
				*ok = ts.errorf(f.pos, "%s is promoted through an unexported embedded struct and Go cannot select it as .%s; export the embedded type or rename the field", label, c.v.Name()) && *ok
			}
			f.path = []pathStep{{name: c.v.Name()}}
		}
		if !ts.check(f.typ, f.pos, label, f.tag, output, true) {
			*ok = false
		}
		fields = append(fields, f)
	}
	return fields
}

func equalIndex(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func lessIndex(a, b []int) bool {
	for k := range a {
		if k >= len(b) {
			return false
		}
		if a[k] != b[k] {
			return a[k] < b[k]
		}
	}
	return len(a) < len(b)
}

// validJSONName mirrors encoding/json's isValidTag.
func validJSONName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !isLetterOrDigit(c):
			return false
		}
	}
	return true
}

func isLetterOrDigit(c rune) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c > 127
}

// reflectTag is reflect.StructTag.Get for a raw tag string.
func reflectTag(tag, key string) string {
	v, _ := lookupTag(tag, key)
	return v
}

// lookupTag is reflect.StructTag.Lookup without importing reflect's
// run-time machinery into the model.
func lookupTag(tag, key string) (string, bool) {
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		if tag == "" {
			break
		}
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		name := tag[:i]
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			break
		}
		qvalue := tag[:i+1]
		tag = tag[i+1:]
		if key == name {
			value, err := strconv.Unquote(qvalue)
			if err != nil {
				break
			}
			return value, true
		}
	}
	return "", false
}

// lowerFirst makes an identifier unexported.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'A' && r[0] <= 'Z' {
		r[0] += 'a' - 'A'
	}
	return string(r)
}

// upperFirst makes s usable as the tail of an exported-looking name.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// inputStruct registers the struct form of a tool's arguments.
func (ts *typeSetImpl) inputStruct(name string, t types.Type, pos token.Pos) *Input {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	n, named := t.(*types.Named)
	if _, isStruct := t.Underlying().(*types.Struct); !isStruct || !named {
		ts.errorf(pos, "arguments of type %s: want a named struct type (or a pointer to one)", t)
		return nil
	}
	if !ts.nameable(n, pos, "arguments") {
		return nil
	}
	si := ts.structOf(t, false)
	if !si.ok {
		return nil
	}
	if ts.dec != nil {
		panic("gen: input registered after the readers were named")
	}
	in := &inputImpl{ts: ts, name: name, root: si, goTyp: typeCode(t)}
	in.schemaJS = ts.rootSchema(si, false).json()
	ts.inputs = append(ts.inputs, in)
	return &Input{impl: in}
}

// inputFlat registers the flat form: the parameters become the fields of
// a generated unexported struct.
func (ts *typeSetImpl) inputFlat(name string, params []Param) *Input {
	if ts.dec != nil {
		panic("gen: input registered after the readers were named")
	}
	// tools with the same parameters (names and types) share one struct
	// and one reader; a name taken by other parameters gets a number
	sig := ""
	for _, p := range params {
		sig += p.Name + " " + typeKey(p.Type) + ";"
	}
	base := name
	for n := 2; ts.flats[name] != nil; n++ {
		if prev := ts.flats[name]; prev.sig == sig {
			return &Input{impl: prev}
		}
		name = base + strconv.Itoa(n)
	}
	si := &structInfo{key: "flat:" + name, flat: name, ok: true, hint: upperFirst(name)}
	in := &inputImpl{ts: ts, name: name, root: si, flat: true, goTyp: jen.Id(name)}
	used := map[string]bool{}
	seen := map[string]bool{}
	for i, p := range params {
		if p.Name == "" || p.Name == "_" {
			si.ok = ts.errorf(p.Pos, "parameter %d must be named: its name is the argument's name", i+1) && si.ok
			in.fields = append(in.fields, "")
			continue
		}
		if seen[p.Name] {
			si.ok = ts.errorf(p.Pos, "duplicate parameter %s", p.Name) && si.ok
		}
		seen[p.Name] = true
		goName := upperFirst(p.Name)
		if !token.IsExported(goName) {
			goName = "F" + goName
		}
		for used[goName] {
			goName += strconv.Itoa(i)
		}
		used[goName] = true
		in.fields = append(in.fields, goName)
		_, isPtr := types.Unalias(p.Type).(*types.Pointer)
		f := &fieldInfo{name: p.Name, path: []pathStep{{name: goName}}, typ: p.Type, pos: p.Pos, required: !isPtr}
		if !ts.check(p.Type, p.Pos, "parameter "+p.Name, nil, false, false) {
			si.ok = false
		}
		si.fields = append(si.fields, f)
	}
	if !si.ok {
		return nil
	}
	ts.structs[si.key] = si
	in.sig = sig
	ts.flats[name] = in
	in.schemaJS = ts.rootSchema(si, false).json()
	ts.inputs = append(ts.inputs, in)
	return &Input{impl: in}
}

// outputSchema returns the schema of a structured result.
func (ts *typeSetImpl) outputSchema(t types.Type, pos token.Pos, wrap bool) []byte {
	t = types.Unalias(t)
	if !ts.check(t, pos, "result", nil, true, true) {
		return nil
	}
	b := newSchemaBuilder(ts, true)
	if wrap {
		s := b.build(t, nil)
		root := newSchema("object")
		root.hasProps = true
		root.props = []namedSchema{{"result", s}}
		root.required = []string{"result"}
		b.finish(root)
		return root.json()
	}
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	var root *schemaNode
	if _, isStruct := t.Underlying().(*types.Struct); isStruct {
		root = b.structSchema(ts.structOf(t, true))
	} else {
		root = b.build(t, nil)
		root.nullable = false // the result itself is an object, never null
		if root.typ == "" && root.ref == nil {
			root.typ = "object" // a type that marshals itself: MCP wants an object schema
		}
	}
	b.finish(root)
	return root.json()
}
