package gen

import (
	"bytes"
	"fmt"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The typed client (-client): a package "client" in the client
// directory under the generated server package, with one method per tool,
// resource and prompt that takes and returns the scanned package's own
// Go types, on top of runtime/client.

const (
	clientPath = "github.com/mcpgen/mcpgen/runtime/client"
	// ClientDir and ClientFile name the typed client's file under the
	// server package's directory.
	ClientDir  = "client"
	ClientFile = "client.go"
)

// clientReserved are the generated methods' own names: a parameter of the
// user's function with one of them is renamed.
var clientReserved = map[string]bool{"ctx": true, "c": true, "opts": true, "args": true, "out": true, "res": true, "err": true, "in": true}

// clientMethods are the names the generated Client has already: its
// embedded *mcpclient.Client field and that type's methods
// (TestClientMethodsReserved keeps the list current).
var clientMethods = []string{
	"Client", "Call", "CallTool", "Close", "Complete", "GetPrompt", "Instructions",
	"ListPrompts", "ListResourceTemplates", "ListResources", "ListTools", "Ping",
	"ProtocolVersion", "ReadBlob", "ReadJSON", "ReadResource", "ReadText",
	"ServerCapabilities", "ServerInfo", "SetLogLevel", "Subscribe",
}

// clientNames gives every tool, resource and prompt its method name:
// the tool's identifier, Read+identifier, Prompt+identifier; a name
// already taken (by the runtime client or an earlier declaration) gets
// the kind appended, then a number.
type clientNames struct {
	used  map[string]bool
	names map[any]string
}

func (g *generator) clientNames() *clientNames {
	n := &clientNames{used: map[string]bool{}, names: map[any]string{}}
	for _, m := range clientMethods {
		n.used[m] = true
	}
	name := func(key any, base, kind string) {
		cand := base
		if n.used[cand] {
			cand = base + kind
		}
		for i := 2; n.used[cand]; i++ {
			cand = base + kind + itoa(i)
		}
		n.used[cand] = true
		n.names[key] = cand
	}
	for _, t := range g.tools {
		name(t, t.Ident, "Tool")
	}
	for _, r := range g.resources {
		name(r, "Read"+r.Ident, "Resource")
	}
	for _, p := range g.prompts {
		name(p, "Prompt"+p.Ident, "Prompt")
	}
	return n
}

func clientParam(name string) string {
	if clientReserved[name] {
		return name + "Arg"
	}
	return name
}

// emitClient writes the typed client.
func (g *generator) emitClient() (path string, src []byte, err error) {
	var f *jen.File
	if g.outPath != "" {
		f = jen.NewFilePathName(g.outPath+"/"+ClientDir, ClientDir)
	} else {
		f = jen.NewFile(ClientDir)
	}
	f.HeaderComment(strings.TrimPrefix(generatedHeader, "// "))
	f.PackageComment(fmt.Sprintf("Package client is a typed MCP client for the %s server.", g.server.Name))
	f.PackageComment("")
	f.PackageComment(fmt.Sprintf("It has one method per tool, resource and prompt of package %s,", g.pkg.PkgPath))
	f.PackageComment("taking and returning that package's own Go types, and works over every")
	f.PackageComment("transport of runtime/client: Streamable HTTP, legacy SSE, stdio, or in")
	f.PackageComment("process to the generated server (for tests).")
	f.PackageComment("Regenerate it (mcpgen -client, or go generate) with the server.")
	f.ImportName(g.pkg.PkgPath, g.pkg.Name)
	f.ImportAlias(clientPath, "mcpclient")
	f.ImportName(runtimePath, "runtime")
	mc := func(name string) *jen.Statement { return jen.Qual(clientPath, name) }

	f.Comment("The client runtime must support this generated code's feature level.")
	f.Const().Id("_").Op("=").Add(mc("SupportsGeneratedClient1"))

	f.Comment("Transports and options are runtime/client's.")
	f.Type().Defs(
		jen.Id("Transport").Op("=").Add(mc("Transport")),
		jen.Id("Options").Op("=").Add(mc("Options")),
		jen.Id("CallOption").Op("=").Add(mc("CallOption")),
		jen.Id("Progress").Op("=").Add(mc("Progress")),
		jen.Id("LogMessage").Op("=").Add(mc("LogMessage")),
		jen.Id("ElicitRequest").Op("=").Add(mc("ElicitRequest")),
		jen.Comment("ToolError is the error of a tool result with isError set."),
		jen.Id("ToolError").Op("=").Add(mc("ToolError")),
	)
	f.Var().Defs(
		jen.Id("HTTP").Op("=").Add(mc("HTTP")),
		jen.Id("SSE").Op("=").Add(mc("SSE")),
		jen.Id("Command").Op("=").Add(mc("Command")),
		jen.Id("InProcess").Op("=").Add(mc("InProcess")),
		jen.Id("WithProgress").Op("=").Add(mc("WithProgress")),
	)
	f.Commentf("Client calls the %s server. The embedded *mcpclient.Client offers the", g.server.Name)
	f.Comment("untyped calls (ListTools, CallTool, ...) and Close.")
	f.Type().Id("Client").Struct(jen.Op("*").Add(mc("Client")))
	f.Comment("Connect connects to the server over t (client.HTTP(url),")
	f.Comment("client.InProcess(srv), ...) and completes the handshake. opts may be nil.")
	f.Func().Id("Connect").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("t").Id("Transport"), jen.Id("opts").Op("*").Id("Options")).
		Params(jen.Op("*").Id("Client"), jen.Error()).Block(
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Add(mc("Connect")).Call(jen.Id("ctx"), jen.Id("t"), jen.Id("opts")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Op("&").Id("Client").Values(jen.Id("c")), jen.Nil()),
	)
	f.Comment("ConnectInProcess connects to srv (the generated mcpserver.New()) in")
	f.Comment("process, without a socket, through the server's full JSON-RPC path.")
	f.Func().Id("ConnectInProcess").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("srv").Op("*").Qual(runtimePath, "Server"), jen.Id("opts").Op("*").Id("Options")).
		Params(jen.Op("*").Id("Client"), jen.Error()).Block(
		jen.Return(jen.Id("Connect").Call(jen.Id("ctx"), jen.Id("InProcess").Call(jen.Id("srv")), jen.Id("opts"))),
	)

	names := g.clientNames()
	for _, t := range g.tools {
		g.emitClientTool(f, t, names.names[t])
	}
	for _, r := range g.resources {
		g.emitClientResource(f, r, names.names[r])
	}
	for _, p := range g.prompts {
		g.emitClientPrompt(f, p, names.names[p])
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return "", nil, fmt.Errorf("rendering %s/%s: %w", ClientDir, ClientFile, err)
	}
	return filepath.Join(g.outDir, ClientDir, ClientFile), groupImports(buf.Bytes()), nil
}

// convert converts the string s to t, a string type, when t is not
// string itself.
func (g *generator) convert(t types.Type, s jen.Code) jen.Code {
	if types.Identical(t, types.Typ[types.String]) {
		return s
	}
	return jen.Add(g.typeCode(t)).Call(s)
}

// docLines writes a method's doc comment: the first line, then the
// user's description.
func docLines(f *jen.File, first, desc string) {
	f.Comment(first)
	if desc = strings.TrimSpace(desc); desc != "" {
		f.Comment("")
		for _, l := range strings.Split(desc, "\n") {
			f.Comment(l)
		}
	}
}

func ctxParam() jen.Code { return jen.Id("ctx").Qual("context", "Context") }
func optsParam() jen.Code {
	return jen.Id("opts").Op("...").Id("CallOption")
}

// isPointer reports whether t is a pointer type.
func isPointer(t types.Type) bool {
	_, ok := types.Unalias(t).(*types.Pointer)
	return ok
}

// flatArgs builds `args := map[string]any{...}` from flat parameters,
// leaving out nil pointers.
func flatArgs(ps []param) []jen.Code {
	var lits []jen.Code
	var opt []jen.Code
	for _, p := range ps {
		v := jen.Id(clientParam(p.Name))
		if isPointer(p.Type) {
			opt = append(opt, jen.If(jen.Id(clientParam(p.Name)).Op("!=").Nil()).Block(
				jen.Id("args").Index(jen.Lit(p.Name)).Op("=").Id(clientParam(p.Name)),
			))
			continue
		}
		lits = append(lits, jen.Lit(p.Name).Op(":").Add(v))
	}
	return append([]jen.Code{jen.Id("args").Op(":=").Map(jen.String()).Any().Values(listItems(lits)...)}, opt...)
}

func (g *generator) emitClientTool(f *jen.File, t *tool, method string) {
	fn := t.fn
	params := []jen.Code{ctxParam()}
	var body []jen.Code
	var args jen.Code = jen.Nil()
	ps := fn.argParams()
	switch {
	case len(ps) == 0:
	case t.Struct:
		params = append(params, jen.Id("in").Add(g.typeCode(ps[0].Type)))
		args = jen.Id("in")
	default:
		for _, p := range ps {
			params = append(params, jen.Id(clientParam(p.Name)).Add(g.typeCode(p.Type)))
		}
		body = append(body, flatArgs(ps)...)
		args = jen.Id("args")
	}
	params = append(params, optsParam())
	call := jen.Id("c").Dot("Client").Dot("CallTool").Call(jen.Id("ctx"), jen.Lit(t.Name), args, jen.Id("opts").Op("..."))
	var results []jen.Code
	switch fn.ResultKind {
	case resNone:
		results = []jen.Code{jen.Error()}
		body = append(body,
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(call),
			jen.Return(jen.Err()),
		)
	case resToolResult:
		results = []jen.Code{jen.Op("*").Add(jen.Qual(clientPath, "ToolResult")), jen.Error()}
		body = append(body, jen.Return(call))
	case resContent, resContentSlice:
		results = []jen.Code{jen.Index().Qual(clientPath, "Content"), jen.Error()}
		body = append(body,
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(jen.Id("res").Dot("Content"), jen.Nil()),
		)
	default:
		rt := g.typeCode(fn.Result)
		results = []jen.Code{rt, jen.Error()}
		body = append(body,
			jen.Var().Id("out").Add(g.typeCode(fn.Result)),
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("out"), jen.Err())),
		)
		switch fn.ResultKind {
		case resText:
			body = append(body, jen.Return(g.convert(fn.Result, jen.Id("res").Dot("Text").Call()), jen.Nil()))
		case resWrapped:
			body = append(body,
				jen.Err().Op("=").Id("res").Dot("DecodeWrapped").Call(jen.Op("&").Id("out")),
				jen.Return(jen.Id("out"), jen.Err()))
		default: // resJSON
			body = append(body,
				jen.Err().Op("=").Id("res").Dot("Decode").Call(jen.Op("&").Id("out")),
				jen.Return(jen.Id("out"), jen.Err()))
		}
	}
	docLines(f, fmt.Sprintf("%s calls tool %s (%s.%s).", method, t.Name, g.pkg.Name, fn.Obj.Name()), fn.Desc)
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(method).Params(params...).Params(results...).Block(body...)
}

func (g *generator) emitClientResource(f *jen.File, r *resource, method string) {
	fn := r.fn
	params := []jen.Code{ctxParam()}
	var uri jen.Code = jen.Lit(r.URI)
	if len(r.Vars) > 0 {
		var vars []jen.Code
		for _, v := range r.Vars {
			params = append(params, jen.Id(clientParam(v)).String())
			vars = append(vars, jen.Lit(v).Op(":").Id(clientParam(v)))
		}
		uri = jen.Qual(clientPath, "ExpandURI").Call(jen.Lit(r.URI), jen.Map(jen.String()).String().Values(listItems(vars)...))
	}
	params = append(params, optsParam())
	cl := jen.Id("c").Dot("Client")
	var results []jen.Code
	var body []jen.Code
	switch fn.ResultKind {
	case resResourceContents:
		results = []jen.Code{jen.Index().Qual(clientPath, "ResourceContents"), jen.Error()}
		body = []jen.Code{jen.Return(cl.Dot("ReadResource").Call(jen.Id("ctx"), uri, jen.Id("opts").Op("...")))}
	case resBlob:
		results = []jen.Code{jen.Index().Byte(), jen.Error()}
		body = []jen.Code{jen.Return(cl.Dot("ReadBlob").Call(jen.Id("ctx"), uri, jen.Id("opts").Op("...")))}
	case resText:
		results = []jen.Code{g.typeCode(fn.Result), jen.Error()}
		body = []jen.Code{
			jen.List(jen.Id("s"), jen.Err()).Op(":=").Add(cl.Dot("ReadText").Call(jen.Id("ctx"), uri, jen.Id("opts").Op("..."))),
			jen.Return(g.convert(fn.Result, jen.Id("s")), jen.Err()),
		}
	default: // resJSON
		results = []jen.Code{g.typeCode(fn.Result), jen.Error()}
		body = []jen.Code{
			jen.Var().Id("out").Add(g.typeCode(fn.Result)),
			jen.Err().Op(":=").Add(cl.Dot("ReadJSON").Call(jen.Id("ctx"), uri, jen.Op("&").Id("out"), jen.Id("opts").Op("..."))),
			jen.Return(jen.Id("out"), jen.Err()),
		}
	}
	docLines(f, fmt.Sprintf("%s reads resource %s (%s.%s).", method, r.URI, g.pkg.Name, fn.Obj.Name()), fn.Desc)
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(method).Params(params...).Params(results...).Block(body...)
}

func (g *generator) emitClientPrompt(f *jen.File, p *prompt, method string) {
	fn := p.fn
	params := []jen.Code{ctxParam()}
	var body []jen.Code
	var args jen.Code = jen.Nil()
	if len(p.Args) > 0 {
		var lits, opt []jen.Code
		val := func(a promptArg, i int) *jen.Statement {
			if p.StructType != nil {
				return jen.Id("in").Dot(a.Field)
			}
			return jen.Id(clientParam(fn.argParams()[i].Name))
		}
		if p.StructType != nil {
			t := g.typeCode(p.StructType)
			if p.StructPtr {
				t = jen.Op("*").Add(t)
			}
			params = append(params, jen.Id("in").Add(t))
		} else {
			for _, a := range fn.argParams() {
				params = append(params, jen.Id(clientParam(a.Name)).Add(g.typeCode(a.Type)))
			}
		}
		for i, a := range p.Args {
			v := val(a, i)
			if a.Pointer {
				opt = append(opt, jen.If(v.Clone().Op("!=").Nil()).Block(
					jen.Id("args").Index(jen.Lit(a.Name)).Op("=").Op("*").Add(v.Clone())))
				continue
			}
			if !a.Required {
				// An optional argument left empty is not sent.
				opt = append(opt, jen.If(v.Clone().Op("!=").Lit("")).Block(
					jen.Id("args").Index(jen.Lit(a.Name)).Op("=").Add(g.convert(types.Typ[types.String], v.Clone()))))
				continue
			}
			lits = append(lits, jen.Lit(a.Name).Op(":").Add(g.convert(types.Typ[types.String], v)))
		}
		body = append(body, jen.Id("args").Op(":=").Map(jen.String()).String().Values(listItems(lits)...))
		body = append(body, opt...)
		args = jen.Id("args")
	}
	params = append(params, optsParam())
	body = append(body, jen.Return(jen.Id("c").Dot("Client").Dot("GetPrompt").Call(jen.Id("ctx"), jen.Lit(p.Name), args, jen.Id("opts").Op("..."))))
	docLines(f, fmt.Sprintf("%s gets prompt %s (%s.%s).", method, p.Name, g.pkg.Name, fn.Obj.Name()), fn.Desc)
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(method).Params(params...).
		Params(jen.Op("*").Qual(clientPath, "PromptResult"), jen.Error()).Block(body...)
}
