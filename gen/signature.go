package gen

import (
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// Import paths of the packages whose types are injected or returned.
const (
	runtimePath    = "github.com/mcpgen/mcpgen/runtime"
	authPath       = "github.com/mcpgen/mcpgen/runtime/auth"
	oauthproxyPath = "github.com/mcpgen/mcpgen/runtime/auth/oauthproxy"
	presetsPath    = "github.com/mcpgen/mcpgen/runtime/auth/presets"
	streamablePath = "github.com/mcpgen/mcpgen/runtime/streamable"
	ssePath        = "github.com/mcpgen/mcpgen/runtime/sse"
	stdioPath      = "github.com/mcpgen/mcpgen/runtime/stdio"
)

// namedIs reports whether t (after unaliasing) is the named type
// path.name.
func namedIs(t types.Type, path, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == path && o.Name() == name
}

// isPtrTo reports whether t is *path.name.
func isPtrTo(t types.Type, path, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && namedIs(p.Elem(), path, name)
}

// injectedKind classifies a parameter type: an injected kind, or
// paramArg. A non-empty hint means the type is a near miss of an injected
// kind (http.Request by value) and is an error.
func injectedKind(t types.Type) (kind paramKind, hint string) {
	switch {
	case namedIs(t, "context", "Context"):
		return paramContext, ""
	case namedIs(t, "net/http", "Header"):
		return paramHeader, ""
	case isPtrTo(t, "net/http", "Request"):
		return paramRequest, ""
	case isPtrTo(t, runtimePath, "Session"):
		return paramSession, ""
	case isPtrTo(t, authPath, "AccessToken"):
		return paramToken, ""
	case namedIs(t, "net/http", "Request"):
		return paramArg, "take *http.Request, not http.Request"
	case namedIs(t, runtimePath, "Session"):
		return paramArg, "take *runtime.Session, not runtime.Session"
	case namedIs(t, authPath, "AccessToken"):
		return paramArg, "take *auth.AccessToken, not auth.AccessToken"
	case isPtrTo(t, "context", "Context"):
		return paramArg, "take context.Context, not a pointer to it"
	}
	return paramArg, ""
}

// checkParams classifies the parameters of fn, reporting duplicate
// injected kinds, variadic parameters and types the generated package
// cannot name or the protocol cannot carry. what names the entry kind in
// messages.
func (g *generator) checkParams(fn *function, what string) bool {
	ok := true
	sig := fn.Sig
	seen := map[paramKind]bool{}
	for i := 0; i < sig.Params().Len(); i++ {
		v := sig.Params().At(i)
		p := param{Name: v.Name(), Type: v.Type(), Pos: v.Pos()}
		if !p.Pos.IsValid() {
			p.Pos = fn.Decl.Name.Pos()
		}
		if sig.Variadic() && i == sig.Params().Len()-1 {
			g.d.errorf(p.Pos, "variadic parameter %s is not supported in a %s function", paramLabel(p), what)
			ok = false
			continue
		}
		kind, hint := injectedKind(p.Type)
		if hint != "" {
			g.d.errorf(p.Pos, "unsupported parameter %s of type %s: %s", paramLabel(p), g.typeString(p.Type), hint)
			ok = false
			continue
		}
		p.Kind = kind
		if kind != paramArg {
			if seen[kind] {
				g.d.errorf(p.Pos, "second %s parameter in %s: each injected kind may appear at most once", injectedNames[kind], fn.Decl.Name.Name)
				ok = false
				continue
			}
			seen[kind] = true
		} else if msg := unsupportedArg(p.Type); msg != "" {
			g.d.errorf(p.Pos, "unsupported parameter %s of type %s: %s", paramLabel(p), g.typeString(p.Type), msg)
			ok = false
			continue
		} else if !g.nameable(p.Type) {
			g.d.errorf(p.Pos, "parameter %s has type %s, which the generated package cannot name; export the type", paramLabel(p), g.typeString(p.Type))
			ok = false
			continue
		}
		fn.Params = append(fn.Params, p)
	}
	return ok
}

func paramLabel(p param) string {
	if p.Name == "" || p.Name == "_" {
		return "(unnamed)"
	}
	return p.Name
}

// unsupportedArg says why a type can never be an argument, or "".
// Finer checks (field types, map keys) belong to the type layer.
func unsupportedArg(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Chan:
		return "channels cannot be sent as JSON"
	case *types.Signature:
		return "functions cannot be sent as JSON"
	case *types.Basic:
		switch {
		case u.Info()&types.IsComplex != 0:
			return "complex numbers have no JSON form"
		case u.Kind() == types.UnsafePointer || u.Kind() == types.Uintptr:
			return "pointers have no JSON form"
		}
	case *types.Interface:
		if !u.Empty() {
			return "interface arguments cannot be decoded (use a concrete type, or any)"
		}
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Pointer); ok {
			return "pointers to pointers are not supported"
		}
		return unsupportedArg(u.Elem())
	}
	return ""
}

// isStructArg reports whether t is a struct or a pointer to one: the
// argument-struct form. time.Time is a value, not a set of arguments.
func isStructArg(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if namedIs(t, "time", "Time") {
		return false
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// checkFlatArgs checks the flat form: every argument needs a name, which
// is also its JSON name.
func (g *generator) checkFlatArgs(args []param) bool {
	ok := true
	for _, p := range args {
		if p.Name == "" || p.Name == "_" {
			g.d.errorf(p.Pos, "argument parameter of type %s needs a name: the name is the argument's JSON name", g.typeString(p.Type))
			ok = false
		}
	}
	return ok
}

// results returns R of (R, error), or reports the signature. It sets
// fn.Result and returns ok.
func (g *generator) results(fn *function, want string) bool {
	res := fn.Sig.Results()
	errT := types.Universe.Lookup("error").Type()
	switch {
	case res.Len() == 1 && types.Identical(res.At(0).Type(), errT):
		return true
	case res.Len() == 2 && types.Identical(res.At(1).Type(), errT):
		fn.Result = res.At(0).Type()
		if !g.nameable(fn.Result) {
			g.d.errorf(g.resultPos(fn), "result type %s cannot be named by the generated package; export it", g.typeString(fn.Result))
			return false
		}
		return true
	}
	g.d.errorf(g.resultPos(fn), "%s must return %s; found %s", fn.Decl.Name.Name, want, g.resultsString(fn))
	return false
}

func (g *generator) resultPos(fn *function) token.Pos {
	if r := fn.Decl.Type.Results; r != nil {
		return r.Pos()
	}
	return fn.Decl.Name.Pos()
}

func (g *generator) resultsString(fn *function) string {
	res := fn.Sig.Results()
	if res.Len() == 0 {
		return "no results"
	}
	s := types.TypeString(res, g.qualifier)
	return s
}

// checkToolResult classifies R of a tool.
func (g *generator) checkToolResult(fn *function) bool {
	if !g.results(fn, "(R, error) or error") {
		return false
	}
	if fn.Result == nil {
		fn.ResultKind = resNone
		return true
	}
	t := fn.Result
	switch {
	case isPtrTo(t, runtimePath, "ToolResult"):
		fn.ResultKind = resToolResult
		return true
	case g.isContent(t):
		fn.ResultKind = resContent
		return true
	}
	if s, ok := types.Unalias(t).(*types.Slice); ok && namedIs(s.Elem(), runtimePath, "Content") {
		fn.ResultKind = resContentSlice
		return true
	}
	if namedIs(t, "time", "Time") {
		fn.ResultKind = resWrapped
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Struct, *types.Map:
		fn.ResultKind = resJSON
		return true
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Struct); ok {
			fn.ResultKind = resJSON
			return true
		}
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			fn.ResultKind = resText
			return true
		case u.Info()&(types.IsInteger|types.IsFloat|types.IsBoolean) != 0 && u.Kind() != types.Uintptr:
			fn.ResultKind = resWrapped
			return true
		}
	case *types.Slice, *types.Array:
		fn.ResultKind = resWrapped
		return true
	}
	g.d.errorf(g.resultPos(fn), "unsupported result type %s: return a struct, map, slice, string, number, bool, runtime.Content or *runtime.ToolResult", g.typeString(t))
	return false
}

// isContent reports whether t is runtime.Content or implements it.
func (g *generator) isContent(t types.Type) bool {
	if namedIs(t, runtimePath, "Content") {
		return true
	}
	if _, isIface := t.Underlying().(*types.Interface); isIface {
		return false
	}
	iface := g.lookupIface(runtimePath, "Content")
	return iface != nil && types.Implements(t, iface)
}

// lookupIface finds an interface type among the packages the scanned
// package imports (directly or not).
func (g *generator) lookupIface(path, name string) *types.Interface {
	var found *types.Interface
	seen := map[*types.Package]bool{}
	var walk func(p *types.Package)
	walk = func(p *types.Package) {
		if found != nil || seen[p] {
			return
		}
		seen[p] = true
		if p.Path() == path {
			if o := p.Scope().Lookup(name); o != nil {
				found, _ = o.Type().Underlying().(*types.Interface)
			}
			return
		}
		for _, q := range p.Imports() {
			walk(q)
		}
	}
	walk(g.pkg.Types)
	return found
}

func (g *generator) checkResourceResult(fn *function, r *resource) bool {
	if !g.results(fn, "(R, error) with R string, []byte, any JSON-encodable value, or []runtime.ResourceContents") {
		return false
	}
	t := fn.Result
	if t == nil {
		g.d.errorf(g.resultPos(fn), "resource %s must return contents: (string, error), ([]byte, error), (T, error) or ([]runtime.ResourceContents, error)", fn.Decl.Name.Name)
		return false
	}
	def := ""
	if s, ok := types.Unalias(t).(*types.Slice); ok {
		if namedIs(s.Elem(), runtimePath, "ResourceContents") {
			fn.ResultKind = resResourceContents
			return true
		}
		if b, ok := s.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Byte {
			fn.ResultKind, def = resBlob, "application/octet-stream"
		}
	}
	if fn.ResultKind == resNone {
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsString != 0 {
				fn.ResultKind, def = resText, "text/plain"
			}
			if u.Info()&(types.IsInteger|types.IsFloat|types.IsBoolean) != 0 && u.Kind() != types.Uintptr {
				fn.ResultKind, def = resJSON, "application/json"
			}
		case *types.Struct, *types.Map, *types.Slice, *types.Array:
			// any JSON-encodable value a tool may return, as JSON text
			fn.ResultKind, def = resJSON, "application/json"
		case *types.Pointer:
			if _, ok := u.Elem().Underlying().(*types.Struct); ok {
				fn.ResultKind, def = resJSON, "application/json"
			}
		}
	}
	if fn.ResultKind == resNone {
		g.d.errorf(g.resultPos(fn), "unsupported resource result type %s: return string, []byte, a struct, map, slice, array, number or bool (sent as JSON), or []runtime.ResourceContents", g.typeString(t))
		return false
	}
	if r.MIMEType == "" {
		r.MIMEType = def
	}
	return true
}

func (g *generator) checkPromptResult(fn *function) bool {
	if !g.results(fn, "(string, error), ([]runtime.PromptMessage, error) or (*runtime.PromptResult, error)") {
		return false
	}
	t := fn.Result
	switch {
	case t == nil:
	case isPtrTo(t, runtimePath, "PromptResult"):
		fn.ResultKind = resPromptResult
		return true
	case types.Identical(t.Underlying(), types.Typ[types.String]):
		fn.ResultKind = resText
		return true
	default:
		if s, ok := types.Unalias(t).(*types.Slice); ok && namedIs(s.Elem(), runtimePath, "PromptMessage") {
			fn.ResultKind = resMessages
			return true
		}
	}
	what := "no value"
	if t != nil {
		what = g.typeString(t)
	}
	g.d.errorf(g.resultPos(fn), "unsupported prompt result %s: return (string, error), ([]runtime.PromptMessage, error) or (*runtime.PromptResult, error)", what)
	return false
}

func (g *generator) checkCompletionResult(fn *function) bool {
	res := fn.Sig.Results()
	errT := types.Universe.Lookup("error").Type()
	if res.Len() == 2 && types.Identical(res.At(0).Type(), types.NewSlice(types.Typ[types.String])) && types.Identical(res.At(1).Type(), errT) {
		fn.Result = res.At(0).Type()
		fn.ResultKind = resCompletions
		return true
	}
	g.d.errorf(g.resultPos(fn), "completion function %s must return ([]string, error); found %s", fn.Decl.Name.Name, g.resultsString(fn))
	return false
}

// promptArgs reads the prompt's arguments: flat string parameters, or one
// struct of string fields.
func (g *generator) promptArgs(fn *function, p *prompt) bool {
	args := fn.argParams()
	ok := true
	if len(args) == 1 && isStructArg(args[0].Type) {
		t := args[0].Type
		if ptr, isPtr := types.Unalias(t).(*types.Pointer); isPtr {
			t, p.StructPtr = ptr.Elem(), true
		}
		p.StructType = t
		st := t.Underlying().(*types.Struct)
		docs := docLookup(g.fset, g.files)
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			name, omitempty, skip := jsonName(f.Name(), st.Tag(i))
			if skip || !f.Exported() {
				continue
			}
			if f.Embedded() {
				g.d.errorf(f.Pos(), "embedded field %s in prompt arguments is not supported; list the fields", f.Name())
				ok = false
				continue
			}
			a := promptArg{Name: name, Field: f.Name(), Desc: docs(f.Pos()), Required: !omitempty}
			switch {
			case types.Identical(f.Type(), types.Typ[types.String]):
			case types.Identical(f.Type(), types.NewPointer(types.Typ[types.String])):
				a.Pointer, a.Required = true, false
			default:
				g.d.errorf(f.Pos(), "prompt argument field %s has type %s; prompt arguments are strings (string or *string)", f.Name(), g.typeString(f.Type()))
				ok = false
				continue
			}
			p.Args = append(p.Args, a)
		}
		return ok
	}
	for _, a := range args {
		pa := promptArg{Name: a.Name, Required: true}
		switch {
		case a.Name == "" || a.Name == "_":
			g.d.errorf(a.Pos, "prompt argument parameter needs a name: the name is the argument's name")
			ok = false
			continue
		case types.Identical(a.Type, types.Typ[types.String]):
		case types.Identical(a.Type, types.NewPointer(types.Typ[types.String])):
			pa.Pointer, pa.Required = true, false
		default:
			g.d.errorf(a.Pos, "prompt argument %s has type %s; prompt arguments are strings (string or *string)", a.Name, g.typeString(a.Type))
			ok = false
			continue
		}
		p.Args = append(p.Args, pa)
	}
	return ok
}

// jsonName returns the JSON name of a struct field from its tag.
func jsonName(field, tag string) (name string, omitempty, skip bool) {
	v, ok := reflect.StructTag(tag).Lookup("json")
	if !ok {
		return field, false, false
	}
	if v == "-" {
		return "", false, true
	}
	parts := strings.Split(v, ",")
	name = parts[0]
	if name == "" {
		name = field
	}
	for _, o := range parts[1:] {
		if o == "omitempty" || o == "omitzero" {
			omitempty = true
		}
	}
	return name, omitempty, false
}

// nameable reports whether code in another package can spell t: every
// named type in it is exported and declared at package level.
func (g *generator) nameable(t types.Type) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if seen[t] {
			return true
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			o := t.Obj()
			if o.Pkg() != nil && (!o.Exported() || o.Parent() != o.Pkg().Scope()) {
				return walk(types.Unalias(t))
			}
			return true
		case *types.Named:
			o := t.Obj()
			if o.Pkg() != nil && (!o.Exported() || o.Parent() != o.Pkg().Scope()) {
				return false
			}
			if args := t.TypeArgs(); args != nil {
				for i := 0; i < args.Len(); i++ {
					if !walk(args.At(i)) {
						return false
					}
				}
			}
			return true
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Map:
			return walk(t.Key()) && walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				f := t.Field(i)
				if !f.Exported() && f.Pkg() != nil {
					return false
				}
				if !walk(f.Type()) {
					return false
				}
			}
			return true
		case *types.Signature:
			for i := 0; i < t.Params().Len(); i++ {
				if !walk(t.Params().At(i).Type()) {
					return false
				}
			}
			for i := 0; i < t.Results().Len(); i++ {
				if !walk(t.Results().At(i).Type()) {
					return false
				}
			}
			return true
		}
		return true
	}
	return walk(t)
}

// qualifier prints package-qualified names by package name, and the
// scanned package's own names by their package name too, as the user
// reads them in the generated file.
func (g *generator) qualifier(p *types.Package) string { return p.Name() }

func (g *generator) typeString(t types.Type) string { return types.TypeString(t, g.qualifier) }

// snakeCase turns a Go name into snake_case: GetForecast -> get_forecast,
// HTTPStatus -> http_status, ListURLs -> list_urls.
func snakeCase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			// "URLs": the s ends an acronym, not a word.
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower && !(i+2 == len(rs) && rs[i+1] == 's')) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// camelCase turns a name (get_forecast, users://{id}/profile) into an
// exported Go identifier stem (GetForecast, UsersIDProfile): letters and
// digits are kept, everything else splits words.
func camelCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if up {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(r)
			}
			up = false
		default:
			up = true
		}
	}
	out := b.String()
	if out != "" && unicode.IsDigit(rune(out[0])) {
		out = "X" + out
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
