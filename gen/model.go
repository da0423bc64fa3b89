package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// The model is what the scanner found and the signature checks accepted:
// one entry per directive, in source order, ready to emit.

// serverInfo is the //mcp:server directive (after flag overrides).
type serverInfo struct {
	Name, Version, Title, Instructions string
}

// paramKind says how the generated glue fills one function parameter.
type paramKind int

const (
	paramArg     paramKind = iota // from the model's arguments
	paramContext                  // context.Context: the handler's ctx
	paramHeader                   // http.Header: c.Header()
	paramRequest                  // *http.Request: c.Request
	paramSession                  // *runtime.Session: c.Session
	paramToken                    // *auth.AccessToken: auth.TokenFromContext(ctx)
)

// injectedNames names the injected kinds in messages.
var injectedNames = map[paramKind]string{
	paramContext: "context.Context",
	paramHeader:  "http.Header",
	paramRequest: "*http.Request",
	paramSession: "*runtime.Session",
	paramToken:   "*auth.AccessToken",
}

// param is one parameter of a user function.
type param struct {
	Name string
	Type types.Type
	Pos  token.Pos
	Kind paramKind
}

// resultKind says how the generated glue turns a function's result into
// a protocol result.
type resultKind int

const (
	resNone             resultKind = iota // only error
	resJSON                               // struct, *struct, map: JSONResult / JSONResource
	resText                               // string: TextResult / TextResource / UserPrompt
	resWrapped                            // numbers, bools, slices: WrappedResult
	resContent                            // a runtime.Content value
	resContentSlice                       // []runtime.Content
	resToolResult                         // *runtime.ToolResult
	resBlob                               // []byte resource
	resResourceContents                   // []runtime.ResourceContents
	resMessages                           // []runtime.PromptMessage
	resPromptResult                       // *runtime.PromptResult
	resCompletions                        // []string completion values
)

// function is one annotated function with its checked signature.
type function struct {
	Decl   *ast.FuncDecl
	Obj    *types.Func
	Sig    *types.Signature
	Params []param
	// Result is R of (R, error); nil for a bare error.
	Result     types.Type
	ResultKind resultKind
	Desc       string
}

// argParams returns the parameters filled from arguments, in order.
func (f *function) argParams() []param {
	var ps []param
	for _, p := range f.Params {
		if p.Kind == paramArg {
			ps = append(ps, p)
		}
	}
	return ps
}

// tool is one //mcp:tool.
type tool struct {
	fn     *function
	dir    *directive
	Name   string
	Title  string
	Ident  string // Go identifier stem, unique among tools
	Hints  map[string]bool
	Scopes []string
	// Task is the task= key: "", "optional" or "required".
	Task string
	// Struct is true for the argument-struct form (one struct or *struct
	// argument parameter).
	Struct    bool
	Input     *Input // nil for a tool without arguments
	InSchema  []byte
	OutSchema []byte
	inConst   string // names of the schema constants (nameSchemas)
	outConst  string
}

// resource is one //mcp:resource, fixed or templated.
type resource struct {
	fn       *function
	dir      *directive
	URI      string
	Vars     []string // template variables; empty for a fixed URI
	Name     string
	Title    string
	MIMEType string
	Scopes   []string
	Ident    string
}

// promptArg is one prompt argument: a flat parameter or a struct field.
type promptArg struct {
	Name     string // wire name
	Field    string // Go field name (struct form)
	Desc     string
	Required bool // false for pointers (and omitempty fields)
	Pointer  bool // the Go type is *string
}

// prompt is one //mcp:prompt.
type prompt struct {
	fn     *function
	dir    *directive
	Name   string
	Title  string
	Scopes []string
	Ident  string
	Args   []promptArg
	// StructType is the argument struct (struct form), nil for flat form;
	// StructPtr is true when the function takes a pointer to it.
	StructType types.Type
	StructPtr  bool
}

// completion is one //mcp:complete.
type completion struct {
	fn       *function
	dir      *directive
	Prompt   string
	Template string
	Arg      string
	Ident    string
	target   string // name of the prompt or resource template, for Ident
}
