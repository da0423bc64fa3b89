package gen

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"mime"
	"net/url"
	"regexp"
	"strings"
)

// found is one function carrying directives.
type found struct {
	decl *ast.FuncDecl
	dirs []*directive
}

// scan reads every directive of the package, checks where it stands and
// builds the model. Every problem is reported; nothing stops early.
func (g *generator) scan() {
	var funcs []*found
	var serverDirs []*directive
	for _, f := range g.files {
		owners := map[*ast.CommentGroup]ast.Node{}
		if f.Doc != nil {
			owners[f.Doc] = f
		}
		byGroup := map[*ast.CommentGroup]*found{}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Doc != nil {
					owners[decl.Doc] = decl
				}
			case *ast.GenDecl:
				if decl.Doc != nil {
					owners[decl.Doc] = decl
					if ts, ok := decl.Specs[0].(*ast.TypeSpec); ok && len(decl.Specs) == 1 && !decl.Lparen.IsValid() {
						// type T struct{...}: the doc comment is the type's
						owners[decl.Doc] = ts
					}
				}
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						if spec.Doc != nil {
							owners[spec.Doc] = spec
						}
					case *ast.ValueSpec:
						if spec.Doc != nil {
							owners[spec.Doc] = decl
						}
					}
				}
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				switch classifyComment(c.Text) {
				case spacedDirective:
					if owners[cg] == nil {
						// Not a doc comment: Go would not treat it as a
						// directive even without the space, so it is prose.
						continue
					}
					fixed := "//" + strings.TrimLeft(c.Text[2:], " \t")
					g.d.errorf(c.Slash, "directives must not have a space after //: write %s", directiveWord(fixed))
					continue
				case notDirective:
					continue
				}
				dir := parseDirective(g.d, c)
				if dir == nil {
					continue
				}
				owner := owners[cg]
				if dir.Kind == "schema" {
					g.placeSchema(owner, dir)
					continue
				}
				if dir.Kind == "server" {
					if _, ok := owner.(*ast.File); !ok {
						g.d.errorf(dir.Pos, "//mcp:server belongs in the package doc comment (just above the package clause)")
						continue
					}
					serverDirs = append(serverDirs, dir)
					continue
				}
				switch owner := owner.(type) {
				case *ast.FuncDecl:
					fd := byGroup[cg]
					if fd == nil {
						fd = &found{decl: owner}
						byGroup[cg] = fd
						funcs = append(funcs, fd)
					}
					fd.dirs = append(fd.dirs, dir)
				case *ast.File:
					g.d.errorf(dir.Pos, "//mcp:%s is in the package doc comment; put it in the doc comment of an exported function", dir.Kind)
				case *ast.GenDecl:
					g.d.errorf(dir.Pos, "//mcp:%s is on a %s declaration; it must be on an exported top-level function", dir.Kind, owner.Tok)
				case *ast.TypeSpec:
					g.d.errorf(dir.Pos, "//mcp:%s is on a type declaration; it must be on an exported top-level function (only //mcp:schema goes on a type)", dir.Kind)
				default:
					g.d.errorf(dir.Pos, "//mcp:%s is not in the doc comment of a function; it must be on an exported top-level function", dir.Kind)
				}
			}
		}
	}
	g.scanServer(serverDirs)
	g.scanSchemas()
	for _, fd := range funcs {
		g.scanFunc(fd)
	}
	if len(funcs) == 0 {
		g.d.warnf(g.files[0].Name.Pos(), "no //mcp:tool, //mcp:resource or //mcp:prompt directives in package %s; the server offers nothing", g.pkg.Name)
	}
	g.checkDuplicates()
	g.resolveCompletions()
	g.assignIdents()
}

// scanServer applies the //mcp:server directive and the -name/-version
// overrides.
func (g *generator) scanServer(dirs []*directive) {
	g.server = serverInfo{Name: g.pkg.Name, Version: "0.0.0"}
	for i, dir := range dirs {
		if i > 0 {
			g.d.errorf(dir.Pos, "second //mcp:server directive (the first is at %s)", g.d.at(dirs[0].Pos))
			continue
		}
		if a := dir.get("name"); a != nil {
			if a.Value == "" {
				g.d.errorf(a.ValuePos, "bad value for name: the server name must not be empty")
			}
			g.server.Name = a.Value
		}
		if a := dir.get("version"); a != nil {
			if a.Value == "" {
				g.d.errorf(a.ValuePos, "bad value for version: the server version must not be empty")
			}
			g.server.Version = a.Value
		}
		g.server.Title = dir.str("title")
		g.server.Instructions = dir.str("instructions")
	}
	if g.cfg.Name != "" {
		g.server.Name = g.cfg.Name
	}
	if g.cfg.Version != "" {
		g.server.Version = g.cfg.Version
	}
}

// scanFunc checks one annotated function and adds its model entry.
func (g *generator) scanFunc(fd *found) {
	decl := fd.decl
	kinds := fd.dirs[0]
	for _, dir := range fd.dirs[1:] {
		if dir.Kind == kinds.Kind {
			g.d.errorf(dir.Pos, "second //mcp:%s on %s", dir.Kind, decl.Name.Name)
		} else {
			g.d.errorf(dir.Pos, "%s has both //mcp:%s and //mcp:%s; a function can be only one of them", decl.Name.Name, kinds.Kind, dir.Kind)
		}
	}
	dir := fd.dirs[0]
	if decl.Recv != nil {
		g.d.errorf(dir.Pos, "//mcp:%s is on method %s; it must be on a top-level function (wrap the method in one)", dir.Kind, decl.Name.Name)
		return
	}
	if !decl.Name.IsExported() {
		g.d.errorf(dir.Pos, "//mcp:%s is on unexported function %s; export it so the generated package can call it", dir.Kind, decl.Name.Name)
		return
	}
	if decl.Type.TypeParams != nil && len(decl.Type.TypeParams.List) > 0 {
		g.d.errorf(dir.Pos, "//mcp:%s is on generic function %s; generic functions are not supported", dir.Kind, decl.Name.Name)
		return
	}
	obj, _ := g.pkg.TypesInfo.Defs[decl.Name].(*types.Func)
	if obj == nil {
		return // a type error already reported by the loader
	}
	fn := &function{Decl: decl, Obj: obj, Sig: obj.Type().(*types.Signature)}
	if decl.Doc != nil {
		fn.Desc = strings.TrimSpace(decl.Doc.Text())
	}
	switch dir.Kind {
	case "tool":
		g.scanTool(fn, dir)
	case "resource":
		g.scanResource(fn, dir)
	case "prompt":
		g.scanPrompt(fn, dir)
	case "complete":
		g.scanComplete(fn, dir)
	}
}

// toolNameRE is the spec's tool-name rule.
var toolNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)

func (g *generator) scanTool(fn *function, dir *directive) {
	t := &tool{fn: fn, dir: dir, Name: snakeCase(fn.Decl.Name.Name), Hints: map[string]bool{}}
	if a := dir.get("name"); a != nil {
		t.Name = a.Value
		if !toolNameRE.MatchString(a.Value) {
			g.d.errorf(a.ValuePos, "invalid tool name %q: use 1 to 128 characters of A-Z a-z 0-9 _ . -", a.Value)
		}
	}
	if len(t.Name) > 64 && len(t.Name) <= 128 {
		g.d.warnf(dir.Pos, "tool name %q is %d characters long; some clients truncate or reject names over 64", t.Name, len(t.Name))
	}
	g.declare("tool name", t.Name, dir.Pos)
	t.Title = dir.str("title")
	for _, h := range []string{"readonly", "destructive", "idempotent", "openworld"} {
		if a := dir.get(h); a != nil {
			t.Hints[h] = a.Value == "true"
		}
	}
	t.Scopes = g.scopes(dir)
	if a := dir.get("task"); a != nil {
		switch a.Value {
		case "optional", "required":
			t.Task = a.Value
		default:
			g.d.errorf(a.ValuePos, "bad value for task: %q; use task=optional (the client may call it as a task) or task=required (only as a task)%s", a.Value, suggest(a.Value, []string{"optional", "required"}))
		}
	}
	if fn.Desc == "" {
		g.d.warnf(dir.Pos, "tool %s has no description; add a doc comment (models choose tools by it)", t.Name)
	}
	ok := g.checkParams(fn, "tool")
	args := fn.argParams()
	if len(args) == 1 && isStructArg(args[0].Type) {
		t.Struct = true
	} else {
		ok = g.checkFlatArgs(args) && ok
	}
	ok = g.checkToolResult(fn) && ok
	if ok {
		g.tools = append(g.tools, t)
	}
}

func (g *generator) scopes(dir *directive) []string {
	a := dir.get("scopes")
	if a == nil {
		return nil
	}
	s := strings.Fields(a.Value)
	if len(s) == 0 {
		g.d.errorf(a.ValuePos, `bad value for scopes: list one or more scopes separated by spaces (scopes="read write")`)
	}
	return s
}

func (g *generator) scanResource(fn *function, dir *directive) {
	r := &resource{fn: fn, dir: dir, Name: snakeCase(fn.Decl.Name.Name), Title: dir.str("title"), Scopes: g.scopes(dir)}
	ok := true
	a := dir.get("uri")
	if a == nil {
		g.d.errorf(dir.Pos, `//mcp:resource needs uri=... (a URI such as file:///notes.txt, or a template such as users://{id}/profile)`)
		ok = false
	} else {
		r.URI = a.Value
		vars, err := parseURITemplate(a.Value)
		if err != "" {
			g.d.errorf(a.ValuePos, "bad value for uri %q: %s", a.Value, err)
			ok = false
		}
		r.Vars = vars
	}
	if a := dir.get("name"); a != nil {
		r.Name = a.Value
		if strings.TrimSpace(a.Value) == "" {
			g.d.errorf(a.ValuePos, "bad value for name: the resource name must not be empty")
		}
	}
	if a := dir.get("mime"); a != nil {
		if _, _, err := mime.ParseMediaType(a.Value); err != nil || !strings.Contains(a.Value, "/") {
			g.d.errorf(a.ValuePos, "bad value for mime %q: want a media type such as text/markdown", a.Value)
		}
		r.MIMEType = a.Value
	}
	g.declare("resource name", r.Name, dir.Pos)
	if r.URI != "" {
		g.declare("resource uri", r.URI, dir.Pos)
	}
	uriOK := ok
	ok = g.checkParams(fn, "resource") && ok
	if !uriOK {
		// Binding parameters to the variables of a URI that does not
		// parse would only add noise.
		return
	}
	// Template variables bind to string parameters of the same name.
	vars := map[string]bool{}
	for _, v := range r.Vars {
		vars[v] = true
	}
	params := map[string]bool{}
	for _, p := range fn.argParams() {
		params[p.Name] = true
		switch {
		case p.Name == "" || p.Name == "_":
			g.d.errorf(p.Pos, "resource parameters need names: each one binds the URI template variable of the same name")
			ok = false
		case !vars[p.Name] && len(r.Vars) == 0:
			g.d.errorf(p.Pos, "parameter %s has no matching variable: uri %q is not a template (write {%s} in it)", p.Name, r.URI, p.Name)
			ok = false
		case !vars[p.Name]:
			g.d.errorf(p.Pos, "parameter %s has no matching variable in the URI template %q", p.Name, r.URI)
			ok = false
		case !types.Identical(p.Type, types.Typ[types.String]):
			g.d.errorf(p.Pos, "parameter %s has type %s; template variables are strings", p.Name, g.typeString(p.Type))
			ok = false
		}
	}
	for _, v := range r.Vars {
		if !params[v] {
			g.d.errorf(a.ValuePos, "template variable {%s} has no matching parameter; add %s string to %s", v, v, fn.Decl.Name.Name)
			ok = false
		}
	}
	ok = g.checkResourceResult(fn, r) && ok
	if ok {
		g.resources = append(g.resources, r)
	}
}

func (g *generator) scanPrompt(fn *function, dir *directive) {
	p := &prompt{fn: fn, dir: dir, Name: snakeCase(fn.Decl.Name.Name), Title: dir.str("title"), Scopes: g.scopes(dir)}
	if a := dir.get("name"); a != nil {
		p.Name = a.Value
		if strings.TrimSpace(a.Value) == "" {
			g.d.errorf(a.ValuePos, "bad value for name: the prompt name must not be empty")
		}
	}
	g.declare("prompt name", p.Name, dir.Pos)
	ok := g.checkParams(fn, "prompt")
	ok = g.promptArgs(fn, p) && ok
	ok = g.checkPromptResult(fn) && ok
	if ok {
		g.prompts = append(g.prompts, p)
	}
}

func (g *generator) scanComplete(fn *function, dir *directive) {
	c := &completion{fn: fn, dir: dir, Prompt: dir.str("prompt"), Template: dir.str("resource"), Arg: dir.str("arg")}
	ok := true
	switch {
	case dir.get("prompt") != nil && dir.get("resource") != nil:
		g.d.errorf(dir.Pos, "//mcp:complete takes prompt=NAME or resource=TEMPLATE, not both")
		ok = false
	case dir.get("prompt") == nil && dir.get("resource") == nil:
		g.d.errorf(dir.Pos, "//mcp:complete needs prompt=NAME arg=ARG or resource=TEMPLATE arg=VAR")
		ok = false
	}
	if dir.get("arg") == nil {
		g.d.errorf(dir.Pos, "//mcp:complete needs arg=... (the prompt argument or template variable to complete)")
		ok = false
	}
	if c.Prompt != "" {
		g.declare("completion", fmt.Sprintf("for argument %q of prompt %q", c.Arg, c.Prompt), dir.Pos)
	} else if c.Template != "" {
		g.declare("completion", fmt.Sprintf("for variable {%s} of template %q", c.Arg, c.Template), dir.Pos)
	}
	ok = g.checkParams(fn, "completion") && ok
	args := fn.argParams()
	if len(args) != 1 || !types.Identical(args[0].Type, types.Typ[types.String]) {
		g.d.errorf(fn.Decl.Name.Pos(), "completion function %s must take the partial value as one string parameter: func(ctx context.Context, value string) ([]string, error)", fn.Decl.Name.Name)
		ok = false
	}
	ok = g.checkCompletionResult(fn) && ok
	if ok {
		g.completions = append(g.completions, c)
	}
}

// declare records a name or URI that must be unique in its kind, so
// checkDuplicates can report the second declaration naming the first. It
// is called before the entry's other checks, so duplicates show up even
// when the entries have other problems.
func (g *generator) declare(kind, name string, pos token.Pos) {
	g.decls = append(g.decls, decl{kind, name, pos})
}

// decl is one declared name (see declare).
type decl struct {
	kind, name string
	pos        token.Pos
}

// checkDuplicates reports names and URIs declared twice, at the second
// declaration, naming the first.
func (g *generator) checkDuplicates() {
	type key struct{ kind, name string }
	first := map[key]token.Pos{}
	for _, d := range g.decls {
		k := key{d.kind, d.name}
		if p, dup := first[k]; dup {
			what := fmt.Sprintf("%s %q", d.kind, d.name)
			if d.kind == "completion" {
				what = d.kind + " " + d.name
			}
			g.d.errorf(d.pos, "duplicate %s (also declared at %s)", what, g.d.at(p))
			continue
		}
		first[k] = d.pos
	}
}

// resolveCompletions checks that each completion names an existing prompt
// argument or template variable.
func (g *generator) resolveCompletions() {
	for _, c := range g.completions {
		if c.Prompt != "" {
			var p *prompt
			for _, q := range g.prompts {
				if q.Name == c.Prompt {
					p = q
				}
			}
			if p == nil {
				var names []string
				for _, q := range g.prompts {
					names = append(names, q.Name)
				}
				g.d.errorf(c.dir.get("prompt").ValuePos, "//mcp:complete: no prompt named %q%s", c.Prompt, suggest(c.Prompt, names))
				continue
			}
			var names []string
			found := false
			for _, a := range p.Args {
				names = append(names, a.Name)
				found = found || a.Name == c.Arg
			}
			if !found {
				g.d.errorf(c.dir.get("arg").ValuePos, "//mcp:complete: prompt %q has no argument %q (arguments: %s)", c.Prompt, c.Arg, strings.Join(names, ", "))
			}
			c.target = p.Name
			continue
		}
		var r *resource
		for _, q := range g.resources {
			if q.URI == c.Template && len(q.Vars) > 0 {
				r = q
			}
		}
		if r == nil {
			var names []string
			for _, q := range g.resources {
				if len(q.Vars) > 0 {
					names = append(names, q.URI)
				}
			}
			g.d.errorf(c.dir.get("resource").ValuePos, "//mcp:complete: no resource template %q%s", c.Template, suggest(c.Template, names))
			continue
		}
		if !contains(r.Vars, c.Arg) {
			g.d.errorf(c.dir.get("arg").ValuePos, "//mcp:complete: template %q has no variable {%s}", c.Template, c.Arg)
		}
		c.target = r.Name
	}
}

// suggest returns "; did you mean X?" for the candidate closest to s, or
// "" when none is close.
func suggest(s string, candidates []string) string {
	if c := closestName(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// assignIdents gives every entry a Go identifier stem that is unique in
// its kind, derived from its name.
func (g *generator) assignIdents() {
	used := map[string]bool{}
	unique := func(prefix, stem string) string {
		if stem == "" {
			stem = "X"
		}
		id := stem
		for i := 2; used[prefix+id]; i++ {
			id = stem + itoa(i)
		}
		used[prefix+id] = true
		return id
	}
	for _, t := range g.tools {
		t.Ident = unique("tool", camelCase(t.Name))
	}
	for _, r := range g.resources {
		r.Ident = unique("resource", camelCase(r.Name))
	}
	for _, p := range g.prompts {
		p.Ident = unique("prompt", camelCase(p.Name))
	}
	for _, c := range g.completions {
		c.Ident = unique("complete", camelCase(c.target)+camelCase(c.Arg))
	}
}

// parseURITemplate returns the variables of an RFC 6570 level-1 template
// (none for a plain URI), or a message saying what is wrong.
func parseURITemplate(s string) ([]string, string) {
	if strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return nil, "a URI cannot contain spaces or control characters (percent-encode them)"
	}
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !schemeRE.MatchString(s[:colon]) || strings.ContainsAny(s[:colon], "{}") {
		return nil, "a resource URI needs a scheme (file:///notes.txt, users://{id}/profile)"
	}
	var vars []string
	seen := map[string]bool{}
	rest := s
	for {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			break
		}
		if rest[open] == '}' {
			return nil, "unmatched }"
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] != '}' {
			return nil, "unterminated {"
		}
		name := rest[open+1 : open+1+end]
		switch {
		case name == "":
			return nil, "empty variable {}"
		case strings.ContainsAny(name[:1], "+#./;?&=,!@|"):
			return nil, "only level-1 templates ({name}) are supported, not {" + name + "}"
		case !varNameRE.MatchString(name):
			return nil, "bad variable name {" + name + "}: use letters, digits and _"
		case seen[name]:
			return nil, "variable {" + name + "} appears twice"
		}
		seen[name] = true
		vars = append(vars, name)
		rest = rest[open+1+end+1:]
	}
	if len(vars) == 0 {
		if _, err := url.Parse(s); err != nil {
			return nil, "not a valid URI"
		}
	}
	return vars, ""
}

var (
	schemeRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
	varNameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)
