package gen

import (
	"bytes"
	"fmt"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"
)

// emptyObjectSchema is the input schema of a tool without arguments.
const emptyObjectSchema = `{"type":"object","properties":{},"additionalProperties":false}`

// buildSchemas asks the type layer for every input and output schema.
// Errors it finds are reported through g.d.
func (g *generator) buildSchemas() {
	for _, t := range g.tools {
		args := t.fn.argParams()
		switch {
		case len(args) == 0:
			// no arguments: no type, no reader, jsonwire.NoArguments
			t.InSchema = []byte(emptyObjectSchema)
		case t.Struct:
			t.Input = g.ts.InputStruct(t.Ident+"Args", args[0].Type, args[0].Pos)
		default:
			ps := make([]Param, len(args))
			for i, a := range args {
				ps[i] = Param{Name: a.Name, Type: a.Type, Pos: a.Pos}
			}
			t.Input = g.ts.InputFlat(flatName(t, args), ps)
		}
		if t.Input != nil {
			t.InSchema = t.Input.Schema()
		}
		switch t.fn.ResultKind {
		case resJSON:
			t.OutSchema = g.ts.OutputSchema(t.fn.Result, g.resultPos(t.fn), false)
		case resWrapped:
			t.OutSchema = g.ts.OutputSchema(t.fn.Result, g.resultPos(t.fn), true)
		}
	}
}

// checkResourceTypes asks the type layer whether every JSON resource
// result can be encoded (it reports channels, funcs and the like at the
// result), as it does for tool results.
func (g *generator) checkResourceTypes() {
	for _, r := range g.resources {
		if r.fn.ResultKind == resJSON {
			g.ts.OutputSchema(r.fn.Result, g.resultPos(r.fn), true)
		}
	}
}

// emit writes the generated file.
func (g *generator) emit() ([]byte, error) {
	var f *jen.File
	if g.outPath != "" {
		f = jen.NewFilePathName(g.outPath, g.outPkg)
	} else {
		f = jen.NewFile(g.outPkg)
	}
	f.HeaderComment(strings.TrimPrefix(generatedHeader, "// "))
	f.PackageComment(fmt.Sprintf("Package %s serves the tools, resources and prompts of package %s over MCP.", g.outPkg, g.pkg.PkgPath))
	f.PackageComment("Regenerate it (mcpgen, or go generate) after changing their signatures or //mcp: directives.")
	f.ImportName(g.pkg.PkgPath, g.pkg.Name)
	f.ImportName(runtimePath, "runtime")
	f.ImportName(streamablePath, "streamable")
	f.ImportName(ssePath, "sse")
	f.ImportName(stdioPath, "stdio")
	f.ImportName(authPath, "auth")
	f.ImportName(runtimePath+"/jsonwire", "jsonwire")

	f.Comment("The runtime must support the generated code's feature level: an older")
	f.Comment("runtime fails to compile here rather than misbehave at run time.")
	f.Const().Id("_").Op("=").Qual(runtimePath, "SupportsGeneratedCode1")

	g.emitGuards(f)

	transports, _ := g.cfg.transports() // checked before loading
	var wire []jen.Code
	for _, t := range transports {
		pkg := map[string]string{"streamable": streamablePath, "sse": ssePath}[t]
		wire = append(wire, jen.Qual(runtimePath, "WithTransport").Call(jen.Qual(pkg, "New").Call()))
	}
	f.Commentf("New returns the %s MCP server. Options override MCPGEN_* settings.", g.server.Name)
	newBody := []jen.Code{jen.Return(jen.Qual(runtimePath, "NewServer").Call(
		jen.Op("&").Id("definition"),
		jen.Append(
			jen.Index().Qual(runtimePath, "Option").Values(wire...),
			jen.Id("opts").Op("..."),
		).Op("..."),
	))}
	if mode := g.cfg.Auth; mode != "" && mode != "none" {
		if contains(proxyAuth, mode) {
			// The OAuth proxy registers its modes with runtime/auth, the
			// provider presets register themselves with the proxy.
			f.Anon(oauthproxyPath)
			if mode != "oidc" {
				f.Anon(presetsPath)
			}
		}
		// The auth options go before the caller's, so that a caller's
		// auth.ServerOptions(p) replaces the MCPGEN_AUTH_* provider.
		newBody = []jen.Code{
			jen.Id("base").Op(":=").Index().Qual(runtimePath, "Option").Values(wire...),
			jen.Comment("Bearer-token auth (-auth " + mode + ") from the MCPGEN_AUTH_* settings; opts come last and may replace it."),
			jen.Id("base").Op("=").Append(jen.Id("base"), jen.Qual(authPath, "EnvOptions").Call(jen.Lit(mode)).Op("...")),
			jen.Return(jen.Qual(runtimePath, "NewServer").Call(
				jen.Op("&").Id("definition"),
				jen.Append(jen.Id("base"), jen.Id("opts").Op("...")).Op("..."),
			)),
		}
	}
	f.Func().Id("New").Params(jen.Id("opts").Op("...").Qual(runtimePath, "Option")).
		Params(jen.Op("*").Qual(runtimePath, "Server"), jen.Error()).Block(newBody...)

	f.Comment("ServeStdio serves the server over standard input and output (one")
	f.Comment("JSON-RPC message per line) until ctx ends or stdin closes, for clients")
	f.Comment("that start it as a subprocess. Logs go to standard error.")
	f.Func().Id("ServeStdio").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("opts").Op("...").Qual(runtimePath, "Option")).
		Error().Block(
		jen.List(jen.Id("srv"), jen.Err()).Op(":=").Id("New").Call(jen.Id("opts").Op("...")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Qual(stdioPath, "Serve").Call(jen.Id("ctx"), jen.Id("srv"), jen.Qual("os", "Stdin"), jen.Qual("os", "Stdout"))),
	)

	g.nameSchemas()
	g.emitDefinition(f)
	g.emitSchemas(f)
	for _, t := range g.tools {
		g.emitTool(f, t)
	}
	for _, r := range g.resources {
		g.emitResource(f, r)
	}
	for _, p := range g.prompts {
		g.emitPrompt(f, p)
	}
	for _, c := range g.completions {
		g.emitCompletion(f, c)
	}
	g.ts.Emit(f)
	g.ts.EmitEncoders(f)

	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", OutputFile, err)
	}
	return groupImports(buf.Bytes()), nil
}

// groupImports puts the standard library's imports first and the others
// after a blank line, as goimports does (jennifer writes one sorted
// block); gofmt keeps the groups.
func groupImports(src []byte) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	start += len("\nimport (\n")
	end := bytes.Index(src[start:], []byte("\n)\n"))
	if end < 0 {
		return src
	}
	var std, other []string
	for _, line := range strings.Split(string(src[start:start+end]), "\n") {
		path := strings.Trim(line[strings.LastIndexByte(line, ' ')+1:], "\t\"")
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src
	}
	var out bytes.Buffer
	out.Write(src[:start])
	out.WriteString(strings.Join(std, "\n") + "\n\n" + strings.Join(other, "\n"))
	out.Write(src[start+end:])
	return out.Bytes()
}

// fields renders a composite literal with one key: value per line, in
// the order given (jen.Dict would sort the keys). Null values are
// skipped so optional fields can be passed as nil.
func fields(kv ...jen.Code) *jen.Statement {
	var items []jen.Code
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			continue
		}
		items = append(items, jen.Line().Add(kv[i]).Op(":").Add(kv[i+1]))
	}
	if len(items) > 0 {
		items = append(items, jen.Line())
	}
	return jen.Values(items...)
}

// optStr returns a string literal, or nil (omitted) for "".
func optStr(s string) jen.Code {
	if s == "" {
		return nil
	}
	return jen.Lit(s)
}

// taskSupport returns the runtime constant for a task= value, or nil.
func taskSupport(v string) jen.Code {
	switch v {
	case "optional":
		return jen.Qual(runtimePath, "TaskOptional")
	case "required":
		return jen.Qual(runtimePath, "TaskRequired")
	}
	return nil
}

// strSlice returns a []string literal, or nil for an empty list.
func strSlice(ss []string) jen.Code {
	if len(ss) == 0 {
		return nil
	}
	var items []jen.Code
	for _, s := range ss {
		items = append(items, jen.Lit(s))
	}
	return jen.Index().String().Values(items...)
}

// emitGuards writes one compile-time assertion per annotated function:
// if the user changes a signature without regenerating, the generated
// package stops compiling at a line that says which function changed.
func (g *generator) emitGuards(f *jen.File) {
	var fns []*function
	for _, t := range g.tools {
		fns = append(fns, t.fn)
	}
	for _, r := range g.resources {
		fns = append(fns, r.fn)
	}
	for _, p := range g.prompts {
		fns = append(fns, p.fn)
	}
	for _, c := range g.completions {
		fns = append(fns, c.fn)
	}
	sort.SliceStable(fns, func(i, j int) bool { return g.before(fns[i].Decl.Pos(), fns[j].Decl.Pos()) })
	if len(fns) == 0 {
		return
	}
	var defs []jen.Code
	for _, fn := range fns {
		defs = append(defs, jen.Id("_").Add(g.funcType(fn.Sig)).Op("=").Qual(g.pkg.PkgPath, fn.Obj.Name()))
	}
	f.Comment("The functions still have the signatures this file was generated for.")
	f.Var().Defs(defs...)
}

// before orders positions by file name, then offset: source order with
// files sorted by name.
func (g *generator) before(a, b token.Pos) bool {
	pa, pb := g.fset.Position(a), g.fset.Position(b)
	if pa.Filename != pb.Filename {
		return pa.Filename < pb.Filename
	}
	return pa.Offset < pb.Offset
}

// funcType renders the type of a function signature.
func (g *generator) funcType(sig *types.Signature) *jen.Statement {
	var params, results []jen.Code
	for i := 0; i < sig.Params().Len(); i++ {
		params = append(params, g.typeCode(sig.Params().At(i).Type()))
	}
	for i := 0; i < sig.Results().Len(); i++ {
		results = append(results, g.typeCode(sig.Results().At(i).Type()))
	}
	s := jen.Func().Params(params...)
	switch len(results) {
	case 0:
	case 1:
		s.Add(results[0])
	default:
		s.Params(results...)
	}
	return s
}

// typeCode names t in the generated package; error is spelled here so the
// type layer only sees types it must understand anyway.
func (g *generator) typeCode(t types.Type) jen.Code {
	if types.Identical(t, types.Universe.Lookup("error").Type()) {
		return jen.Error()
	}
	return TypeCode(t)
}

func (g *generator) emitDefinition(f *jen.File) {
	rt := func(name string) *jen.Statement { return jen.Qual(runtimePath, name) }
	var tools, res, tmpls, prompts, comps []jen.Code
	for _, t := range g.tools {
		var out jen.Code
		if t.OutSchema != nil {
			out = jen.Qual("encoding/json", "RawMessage").Call(jen.Id(t.outConst))
		}
		tools = append(tools, fields(
			jen.Id("Name"), jen.Lit(t.Name),
			jen.Id("Title"), optStr(t.Title),
			jen.Id("Description"), optStr(t.fn.Desc),
			jen.Id("InputSchema"), jen.Qual("encoding/json", "RawMessage").Call(jen.Id(t.inConst)),
			jen.Id("OutputSchema"), out,
			jen.Id("Annotations"), g.annotations(t),
			jen.Id("Scopes"), strSlice(t.Scopes),
			jen.Id("TaskSupport"), taskSupport(t.Task),
			jen.Id("Handler"), jen.Id("tool"+t.Ident),
		))
	}
	for _, r := range g.resources {
		uriKey := "URI"
		if len(r.Vars) > 0 {
			uriKey = "URITemplate"
		}
		lit := fields(
			jen.Id(uriKey), jen.Lit(r.URI),
			jen.Id("Name"), jen.Lit(r.Name),
			jen.Id("Title"), optStr(r.Title),
			jen.Id("Description"), optStr(r.fn.Desc),
			jen.Id("MIMEType"), optStr(r.MIMEType),
			jen.Id("Scopes"), strSlice(r.Scopes),
			jen.Id("Handler"), jen.Id("resource"+r.Ident),
		)
		if len(r.Vars) > 0 {
			tmpls = append(tmpls, lit)
		} else {
			res = append(res, lit)
		}
	}
	for _, p := range g.prompts {
		var args jen.Code
		if len(p.Args) > 0 {
			var items []jen.Code
			for _, a := range p.Args {
				var req jen.Code
				if a.Required {
					req = jen.True()
				}
				items = append(items, fields(
					jen.Id("Name"), jen.Lit(a.Name),
					jen.Id("Description"), optStr(a.Desc),
					jen.Id("Required"), req,
				))
			}
			args = jen.Index().Add(rt("PromptArgument")).Values(listItems(items)...)
		}
		prompts = append(prompts, fields(
			jen.Id("Name"), jen.Lit(p.Name),
			jen.Id("Title"), optStr(p.Title),
			jen.Id("Description"), optStr(p.fn.Desc),
			jen.Id("Arguments"), args,
			jen.Id("Scopes"), strSlice(p.Scopes),
			jen.Id("Handler"), jen.Id("prompt"+p.Ident),
		))
	}
	for _, c := range g.completions {
		comps = append(comps, fields(
			jen.Id("Prompt"), optStr(c.Prompt),
			jen.Id("URITemplate"), optStr(c.Template),
			jen.Id("Argument"), jen.Lit(c.Arg),
			jen.Id("Handler"), jen.Id("complete"+c.Ident),
		))
	}
	list := func(elem string, items []jen.Code) jen.Code {
		if len(items) == 0 {
			return nil
		}
		return jen.Index().Op("*").Add(rt(elem)).Values(listItems(items)...)
	}
	f.Comment("definition is everything the server offers; New hands it to the runtime.")
	f.Var().Id("definition").Op("=").Add(rt("Definition")).Add(fields(
		jen.Id("Name"), jen.Lit(g.server.Name),
		jen.Id("Version"), jen.Lit(g.server.Version),
		jen.Id("Title"), optStr(g.server.Title),
		jen.Id("Instructions"), optStr(g.server.Instructions),
		jen.Id("Tools"), list("Tool", tools),
		jen.Id("Resources"), list("Resource", res),
		jen.Id("ResourceTemplates"), list("ResourceTemplate", tmpls),
		jen.Id("Prompts"), list("Prompt", prompts),
		jen.Id("Completions"), list("Completion", comps),
	))
}

// listItems puts each element of a composite literal on its own line.
func listItems(items []jen.Code) []jen.Code {
	var out []jen.Code
	for _, it := range items {
		out = append(out, jen.Line().Add(it))
	}
	return append(out, jen.Line())
}

// annotations returns the ToolAnnotations literal, or nil when the tool
// sets no hint.
func (g *generator) annotations(t *tool) jen.Code {
	if len(t.Hints) == 0 {
		return nil
	}
	hint := func(k string) jen.Code {
		v, ok := t.Hints[k]
		if !ok {
			return nil
		}
		return jen.Qual(runtimePath, "Bool").Call(jen.Lit(v))
	}
	return jen.Op("&").Qual(runtimePath, "ToolAnnotations").Add(fields(
		jen.Id("ReadOnlyHint"), hint("readonly"),
		jen.Id("DestructiveHint"), hint("destructive"),
		jen.Id("IdempotentHint"), hint("idempotent"),
		jen.Id("OpenWorldHint"), hint("openworld"),
	))
}

// flatName names the args struct of a tool with plain parameters after
// them (idTagArgs), so tools with the same parameters share one struct
// and reader; with more than three, after the tool (createTaskArgs).
func flatName(t *tool, args []param) string {
	if len(args) > 3 {
		return lowerFirst(t.Ident) + "Args"
	}
	var b strings.Builder
	for i, a := range args {
		n := camelCase(a.Name)
		if i == 0 {
			n = lowerFirst(n)
		}
		b.WriteString(n)
	}
	if b.Len() == 0 {
		return lowerFirst(t.Ident) + "Args"
	}
	return b.String() + "Args"
}

// nameSchemas gives every distinct schema one constant, named after the
// Go type it describes (schemaTaskRef, schemaTaskResult), so tools that
// take or return the same type share it; a tool's own flat arguments or
// wrapped result are named after the tool.
func (g *generator) nameSchemas() {
	g.schemaOrder = nil
	byText := map[string]string{}
	taken := map[string]bool{}
	name := func(schema []byte, base string) string {
		if n, ok := byText[string(schema)]; ok {
			return n
		}
		n := base
		for i := 2; taken[n]; i++ {
			n = base + itoa(i)
		}
		taken[n] = true
		byText[string(schema)] = n
		g.schemaOrder = append(g.schemaOrder, namedConst{n, schema})
		return n
	}
	for _, t := range g.tools {
		args := t.fn.argParams()
		switch {
		case len(args) == 0:
			t.inConst = name(t.InSchema, "schemaNoArguments")
		case t.Struct:
			t.inConst = name(t.InSchema, "schema"+typeName(args[0].Type, t.Ident+"Args"))
		case t.Input != nil:
			t.inConst = name(t.InSchema, "schema"+upperFirst(t.Input.Name()))
		default:
			t.inConst = name(t.InSchema, "schema"+t.Ident+"Args")
		}
		if t.OutSchema != nil {
			t.outConst = name(t.OutSchema, "schema"+resultName(t.fn.Result, t.Ident)+"Result")
		}
	}
}

// namedConst is one schema constant.
type namedConst struct {
	name   string
	schema []byte
}

// typeName is the name of a named type (through one pointer), or def.
func typeName(t types.Type, def string) string {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	if n, ok := t.(*types.Named); ok && n.TypeArgs().Len() == 0 {
		return upperFirst(n.Obj().Name())
	}
	return def
}

// resultName names a result type for its schema constant: Task, Int,
// Comments, LevelMap; def when it has no short name.
func resultName(t types.Type, def string) string {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		return typeName(u, def)
	case *types.Basic:
		return upperFirst(u.Name())
	case *types.Pointer:
		return resultName(u.Elem(), def)
	case *types.Slice:
		return plural(resultName(u.Elem(), def))
	case *types.Array:
		return plural(resultName(u.Elem(), def))
	case *types.Map:
		return resultName(u.Elem(), def) + "Map"
	}
	return def
}

// plural is name+"s", or name+"List" when name already ends in s.
func plural(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "List"
	}
	return name + "s"
}

// emitSchemas writes the schema constants in one block.
func (g *generator) emitSchemas(f *jen.File) {
	if len(g.schemaOrder) == 0 {
		return
	}
	var defs []jen.Code
	for _, c := range g.schemaOrder {
		defs = append(defs, jen.Id(c.name).Op("=").Add(schemaLit(c.schema)))
	}
	f.Comment("The JSON Schemas of the tools' arguments and results, one per Go type:")
	f.Comment("tools that take or return the same type share it.")
	f.Const().Defs(defs...)
}

// schemaLit renders a schema as a raw string literal when it can (it is
// easier to read in review), else as an interpreted one.
func schemaLit(b []byte) jen.Code {
	s := string(b)
	if !strings.Contains(s, "`") && !strings.Contains(s, "\r") {
		return jen.Op("`" + s + "`")
	}
	return jen.Lit(s)
}

// callArgs returns the arguments of the call to fn: injected values and,
// for argument parameters, what arg(i, p) returns for the i-th one.
func (g *generator) callArgs(fn *function, arg func(i int, p param) jen.Code) []jen.Code {
	var out []jen.Code
	i := 0
	for _, p := range fn.Params {
		switch p.Kind {
		case paramContext:
			out = append(out, jen.Id("ctx"))
		case paramHeader:
			out = append(out, jen.Id("c").Dot("Header").Call())
		case paramRequest:
			out = append(out, jen.Id("c").Dot("Request"))
		case paramSession:
			out = append(out, jen.Id("c").Dot("Session"))
		case paramToken:
			out = append(out, jen.Qual(authPath, "TokenFromContext").Call(jen.Id("ctx")))
		default:
			out = append(out, arg(i, p))
			i++
		}
	}
	return out
}

// handlerParams is (ctx context.Context, c *runtime.Call).
func handlerParams() []jen.Code {
	return []jen.Code{jen.Id("ctx").Qual("context", "Context"), jen.Id("c").Op("*").Qual(runtimePath, "Call")}
}

// callAndCheck returns `out, err := call` and the error check; how the
// handler turns out into its result is up to the caller.
func callAndCheck(call jen.Code) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("out"), jen.Err()).Op(":=").Add(call),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
	}
}

// asString converts out to string when R is a named string type.
func asString(t types.Type) jen.Code {
	if types.Identical(t, types.Typ[types.String]) {
		return jen.Id("out")
	}
	return jen.String().Call(jen.Id("out"))
}

func (g *generator) emitTool(f *jen.File, t *tool) {
	fn := t.fn
	var body []jen.Code
	invalid := jen.Return(jen.Qual(runtimePath, "InvalidArguments").Call(jen.Err()), jen.Nil())
	if t.Input == nil {
		body = append(body,
			jen.If(jen.Err().Op(":=").Qual(jsonwirePath, "NoArguments").Call(jen.Id("c").Dot("Arguments")), jen.Err().Op("!=").Nil()).Block(invalid),
		)
	} else {
		body = append(body,
			jen.Var().Id("in").Add(t.Input.GoType()),
			jen.Id("d").Op(":=").Qual(jsonwirePath, "Arguments").Call(jen.Id("c").Dot("Arguments")),
			jen.Id(t.Input.Reader()).Call(jen.Id("d"), jen.Op("&").Id("in")),
			jen.If(jen.Err().Op(":=").Id("d").Dot("Finish").Call(), jen.Err().Op("!=").Nil()).Block(invalid),
		)
	}
	call := jen.Qual(g.pkg.PkgPath, fn.Obj.Name()).Call(g.callArgs(fn, func(i int, p param) jen.Code {
		if t.Struct {
			if _, ptr := types.Unalias(p.Type).(*types.Pointer); ptr {
				return jen.Op("&").Id("in")
			}
			return jen.Id("in")
		}
		return jen.Id("in").Dot(t.Input.FlatField(i))
	})...)
	rt := func(name string) *jen.Statement { return jen.Qual(runtimePath, name) }
	switch fn.ResultKind {
	case resNone:
		body = append(body,
			jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(rt("ContentResult").Call(), jen.Nil()),
		)
	case resToolResult:
		body = append(body, jen.Return(call))
	default:
		body = append(body, callAndCheck(call)...)
		switch fn.ResultKind {
		case resJSON:
			if enc := g.ts.OutputEncoder(fn.Result); enc != "" { // typeset_encode.go
				body = append(body, jen.Return(rt("Encoded").Call(jen.Id(enc).Call(jen.Op("&").Id("out")))))
			} else {
				body = append(body, jen.Return(rt("JSONResult").Call(jen.Id("out"))))
			}
		case resWrapped:
			body = append(body, jen.Return(rt("WrappedResult").Call(jen.Id("out"))))
		case resText:
			body = append(body, jen.Return(rt("TextResult").Call(asString(fn.Result)), jen.Nil()))
		case resContent:
			body = append(body, jen.Return(rt("ContentResult").Call(jen.Id("out")), jen.Nil()))
		case resContentSlice:
			body = append(body, jen.Return(rt("ContentResult").Call(jen.Id("out").Op("...")), jen.Nil()))
		}
	}
	f.Commentf("tool%s calls %s for tool %s.", t.Ident, fn.Obj.Name(), t.Name)
	f.Func().Id("tool"+t.Ident).Params(handlerParams()...).
		Params(jen.Op("*").Add(rt("ToolResult")), jen.Error()).Block(body...)
}

func (g *generator) emitResource(f *jen.File, r *resource) {
	fn := r.fn
	rt := func(name string) *jen.Statement { return jen.Qual(runtimePath, name) }
	call := jen.Qual(g.pkg.PkgPath, fn.Obj.Name()).Call(g.callArgs(fn, func(i int, p param) jen.Code {
		return jen.Id("c").Dot("Params").Index(jen.Lit(p.Name))
	})...)
	var body []jen.Code
	if fn.ResultKind == resResourceContents {
		body = append(body, jen.Return(call))
	} else {
		body = append(body, callAndCheck(call)...)
		uri, mt := jen.Id("c").Dot("URI"), jen.Lit(r.MIMEType)
		switch fn.ResultKind {
		case resText:
			body = append(body, jen.Return(rt("TextResource").Call(uri, mt, asString(fn.Result)), jen.Nil()))
		case resBlob:
			var out jen.Code = jen.Id("out")
			if !types.Identical(fn.Result, types.NewSlice(types.Typ[types.Byte])) {
				out = jen.Index().Byte().Call(jen.Id("out"))
			}
			body = append(body, jen.Return(rt("BlobResource").Call(uri, mt, out), jen.Nil()))
		case resJSON:
			body = append(body, jen.Return(rt("JSONResource").Call(uri, mt, jen.Id("out"))))
		}
	}
	f.Commentf("resource%s calls %s for resource %s.", r.Ident, fn.Obj.Name(), r.URI)
	f.Func().Id("resource"+r.Ident).Params(handlerParams()...).
		Params(jen.Index().Add(rt("ResourceContents")), jen.Error()).Block(body...)
}

func (g *generator) emitPrompt(f *jen.File, p *prompt) {
	fn := p.fn
	rt := func(name string) *jen.Statement { return jen.Qual(runtimePath, name) }
	paramOf := func(name string) *jen.Statement { return jen.Id("c").Dot("Params").Index(jen.Lit(name)) }
	// optional sets dst to a pointer to the argument when the client sent it.
	optional := func(dst *jen.Statement, name string) jen.Code {
		return jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Add(paramOf(name)), jen.Id("ok")).Block(
			dst.Op("=").Op("&").Id("v"),
		)
	}
	var body []jen.Code
	var arg func(i int, pr param) jen.Code
	if p.StructType != nil {
		body = append(body, jen.Var().Id("in").Add(g.typeCode(p.StructType)))
		for _, a := range p.Args {
			if a.Pointer {
				body = append(body, optional(jen.Id("in").Dot(a.Field), a.Name))
			} else {
				body = append(body, jen.Id("in").Dot(a.Field).Op("=").Add(paramOf(a.Name)))
			}
		}
		arg = func(int, param) jen.Code {
			if p.StructPtr {
				return jen.Op("&").Id("in")
			}
			return jen.Id("in")
		}
	} else {
		// Optional arguments go through a local *string, named after the
		// argument and made unique (aB and AB are distinct Go names).
		vars := map[int]string{}
		used := map[string]bool{}
		for i, a := range p.Args {
			if !a.Pointer {
				continue
			}
			v := "arg" + camelCase(a.Name)
			for n := 2; used[v]; n++ {
				v = "arg" + camelCase(a.Name) + itoa(n)
			}
			used[v], vars[i] = true, v
			body = append(body, jen.Var().Id(v).Op("*").String(), optional(jen.Id(v), a.Name))
		}
		arg = func(i int, _ param) jen.Code {
			if v, ok := vars[i]; ok {
				return jen.Id(v)
			}
			return paramOf(p.Args[i].Name)
		}
	}
	call := jen.Qual(g.pkg.PkgPath, fn.Obj.Name()).Call(g.callArgs(fn, arg)...)
	if fn.ResultKind == resPromptResult {
		body = append(body, jen.Return(call))
	} else {
		body = append(body, callAndCheck(call)...)
		switch fn.ResultKind {
		case resText:
			body = append(body, jen.Return(rt("UserPrompt").Call(asString(fn.Result)), jen.Nil()))
		case resMessages:
			body = append(body, jen.Return(jen.Op("&").Add(rt("PromptResult")).Values(jen.Id("Messages").Op(":").Id("out")), jen.Nil()))
		}
	}
	f.Commentf("prompt%s calls %s for prompt %s.", p.Ident, fn.Obj.Name(), p.Name)
	f.Func().Id("prompt"+p.Ident).Params(handlerParams()...).
		Params(jen.Op("*").Add(rt("PromptResult")), jen.Error()).Block(body...)
}

func (g *generator) emitCompletion(f *jen.File, c *completion) {
	fn := c.fn
	call := jen.Qual(g.pkg.PkgPath, fn.Obj.Name()).Call(g.callArgs(fn, func(int, param) jen.Code { return jen.Id("value") })...)
	target := "prompt " + c.Prompt
	if c.Prompt == "" {
		target = "resource " + c.Template
	}
	f.Commentf("complete%s calls %s to complete %s of %s.", c.Ident, fn.Obj.Name(), c.Arg, target)
	f.Func().Id("complete"+c.Ident).Params(append(handlerParams(), jen.Id("value").String())...).
		Params(jen.Index().String(), jen.Error()).Block(jen.Return(call))
}
