package gen

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Config is one generator run.
type Config struct {
	// Dir is the directory the package pattern, Out and printed paths are
	// relative to; "" means the current directory.
	Dir string
	// Pattern names the package to scan (a directory or import path);
	// "" means ".".
	Pattern string
	// Out is the output directory; "" means ./mcpserver under the scanned
	// package's directory.
	Out string
	// Pkg is the generated package's name; "" means the base name of Out.
	Pkg string
	// Transport is a comma-separated list of "streamable" (the default),
	// "sse" (legacy HTTP+SSE) and "stdio" (no HTTP transport: the server
	// is meant for ServeStdio, which every generated package has).
	Transport string
	// Auth is the auth provider; "" and "none" mean no auth.
	Auth string
	// Name and Version override the //mcp:server values.
	Name, Version string
	// Client also emits the typed client: package client in
	// Out/client (the -client flag).
	Client bool
	// Warnings receives warnings (one per line); nil discards them.
	Warnings io.Writer
}

// OutputFile is the name of the one file Generate writes.
const OutputFile = "mcpserver.go"

// Transports and auth providers the CLI accepts (some not yet built).
var (
	knownTransports = []string{"streamable", "sse", "stdio"}
	knownAuth       = []string{"none", "static", "jwt", "remote", "github", "google", "azure", "workos", "authkit", "oidc"}
	// proxyAuth are the modes served by the OAuth proxy
	// (runtime/auth/oauthproxy, which generated code imports for them);
	// runtime/auth serves the others itself.
	proxyAuth = []string{"github", "google", "azure", "workos", "oidc"}
)

// ConfigError is an invalid Config value (a bad flag), as opposed to a
// problem in the scanned package.
type ConfigError struct{ Msg string }

// Error returns the message, which names the flag.
func (e *ConfigError) Error() string { return e.Msg }

// Generate scans the package cfg names and returns the generated files
// (absolute path -> contents). A problem in the scanned package is
// returned as an ErrorList listing every one found; bad configuration as
// a *ConfigError; anything else (the go command failing) as a plain
// error.
func Generate(cfg Config) (map[string][]byte, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	base, err := cfg.baseDir()
	if err != nil {
		return nil, err
	}
	pkg, err := load(base, cfg.pattern())
	if err != nil {
		return nil, err
	}
	g := newGenerator(cfg, base, pkg)
	out, err := g.run()
	g.flushWarnings()
	return out, err
}

func (cfg *Config) pattern() string {
	if cfg.Pattern == "" {
		return "."
	}
	return cfg.Pattern
}

func (cfg *Config) baseDir() (string, error) {
	if cfg.Dir == "" {
		return os.Getwd()
	}
	return filepath.Abs(cfg.Dir)
}

// transports returns the HTTP transports New wires, in a fixed order
// (streamable before sse), from the comma-separated -transport value.
func (cfg *Config) transports() ([]string, error) {
	if cfg.Transport == "" {
		return []string{"streamable"}, nil
	}
	seen := map[string]bool{}
	for _, t := range strings.Split(cfg.Transport, ",") {
		t = strings.TrimSpace(t)
		if !contains(knownTransports, t) {
			return nil, &ConfigError{fmt.Sprintf("-transport %s: unknown transport %q (want a comma-separated list of %s)", cfg.Transport, t, strings.Join(knownTransports, ", "))}
		}
		if seen[t] {
			return nil, &ConfigError{fmt.Sprintf("-transport %s: %s given twice", cfg.Transport, t)}
		}
		seen[t] = true
	}
	var out []string
	for _, t := range []string{"streamable", "sse"} {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

// check validates the flag-like settings before anything is loaded.
func (cfg *Config) check() error {
	if _, err := cfg.transports(); err != nil {
		return err
	}
	switch {
	case cfg.Auth == "" || cfg.Auth == "none":
	case contains(knownAuth, cfg.Auth):
	default:
		return &ConfigError{fmt.Sprintf("-auth %s: unknown auth provider (want one of %s)", cfg.Auth, strings.Join(knownAuth, ", "))}
	}
	if cfg.Pkg != "" && !token.IsIdentifier(cfg.Pkg) {
		return &ConfigError{fmt.Sprintf("-pkg %q: not a Go identifier", cfg.Pkg)}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// loadMode asks (go/packages parses with comments by default: they hold
// the directives) for syntax and types of the scanned package; the types of
// its dependencies come from export data.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo |
	packages.NeedImports | packages.NeedModule

// load loads exactly one package and turns its load and type errors into
// an ErrorList.
func load(dir, pattern string) (*packages.Package, error) {
	fset := token.NewFileSet()
	pkgs, err := packages.Load(&packages.Config{Mode: loadMode, Dir: dir, Fset: fset}, pattern)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", pattern, err)
	}
	if len(pkgs) != 1 {
		var names []string
		for _, p := range pkgs {
			names = append(names, p.PkgPath)
		}
		return nil, &ConfigError{fmt.Sprintf("%s matches %d packages (%s); mcpgen generates one package at a time", pattern, len(pkgs), strings.Join(names, ", "))}
	}
	pkg := pkgs[0]
	if len(pkg.Errors) > 0 {
		d := newDiag(fset, dir)
		positioned := false
		for _, e := range pkg.Errors {
			positioned = positioned || e.Pos != ""
		}
		for _, e := range pkg.Errors {
			// go list -export repeats the compiler's output as one
			// unpositioned "# pkg" error; the type checker's positioned
			// errors say the same thing, so keep only those.
			if positioned && e.Pos == "" && strings.HasPrefix(e.Msg, "# ") {
				continue
			}
			d.add(&d.errs, parsePos(d, e.Pos), e.Msg)
		}
		d.errs.sort()
		return nil, d.errs
	}
	if pkg.Name == "main" {
		return nil, &ConfigError{fmt.Sprintf("%s is package main, which the generated package cannot import; put the annotated functions in their own package", pattern)}
	}
	if len(pkg.Syntax) == 0 {
		return nil, &ConfigError{fmt.Sprintf("%s: no Go files", pattern)}
	}
	return pkg, nil
}

// parsePos turns a go/packages "file:line:col" position into a relative
// token.Position.
func parsePos(d *diag, s string) token.Position {
	var p token.Position
	if s == "" || s == "-" {
		return p
	}
	parts := strings.Split(s, ":")
	// The file name may itself contain colons (Windows drive letters).
	nums := []int{}
	for len(parts) > 1 && len(nums) < 2 {
		var n int
		if _, err := fmt.Sscanf(parts[len(parts)-1], "%d", &n); err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		parts = parts[:len(parts)-1]
	}
	p.Filename = d.rel(strings.Join(parts, ":"))
	if len(nums) > 0 {
		p.Line = nums[0]
	}
	if len(nums) > 1 {
		p.Column = nums[1]
	}
	return p
}

// generator is the state of one run.
type generator struct {
	cfg  Config
	base string
	pkg  *packages.Package
	fset *token.FileSet
	d    *diag
	ts   *TypeSet

	files       []*ast.File  // sorted by file name
	schemaOrder []namedConst // the schema constants, in first-use order
	server      serverInfo
	tools       []*tool
	resources   []*resource
	prompts     []*prompt
	completions []*completion
	decls       []decl
	schemaDirs  []schemaDir                        // //mcp:schema directives, in source order
	keywords    map[*types.TypeName][]SchemaMember // what they add, by struct type

	outDir, outPath, outPkg string
}

func newGenerator(cfg Config, base string, pkg *packages.Package) *generator {
	g := &generator{cfg: cfg, base: base, pkg: pkg, fset: pkg.Fset}
	g.d = newDiag(g.fset, base)
	g.files = append(g.files, pkg.Syntax...)
	sort.SliceStable(g.files, func(i, j int) bool {
		return g.fset.File(g.files[i].Pos()).Name() < g.fset.File(g.files[j].Pos()).Name()
	})
	return g
}

// run scans, checks and emits. Entries with directive or signature
// errors are dropped before the type layer sees them, so type errors are
// only reported for functions whose shape is right.
func (g *generator) run() (map[string][]byte, error) {
	if err := g.resolveOutput(); err != nil {
		return nil, err
	}
	g.scan()
	// The type layer runs even after directive or signature errors, on
	// the entries that passed, so one run reports every problem.
	pkgs := []*types.Package{g.pkg.Types}
	imps := append([]*types.Package(nil), g.pkg.Types.Imports()...)
	sort.Slice(imps, func(i, j int) bool { return imps[i].Path() < imps[j].Path() })
	pkgs = append(pkgs, imps...)
	modDir := ""
	if g.pkg.Module != nil {
		modDir = g.pkg.Module.Dir
	}
	g.ts = NewTypeSet(g.fset, pkgs, moduleDocLookup(g.fset, g.files, modDir), g.d.errorf)
	for obj, members := range g.keywords {
		g.ts.AddSchemaMembers(obj, members) // order-free: one entry per type
	}
	g.buildSchemas()
	g.checkResourceTypes()
	if len(g.d.errs) > 0 {
		return nil, g.errors()
	}
	src, err := g.emit()
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{filepath.Join(g.outDir, OutputFile): src}
	if g.cfg.Client {
		path, csrc, err := g.emitClient()
		if err != nil {
			return nil, err
		}
		out[path] = csrc
	}
	return out, nil
}

func (g *generator) errors() error {
	g.d.errs.sort()
	return g.d.errs
}

func (g *generator) flushWarnings() {
	if g.cfg.Warnings == nil || len(g.d.warnings) == 0 {
		return
	}
	g.d.warnings.sort()
	fmt.Fprintln(g.cfg.Warnings, g.d.warnings.Error())
}

// resolveOutput fixes the output directory, its import path and the
// generated package's name.
func (g *generator) resolveOutput() error {
	pkgDir := ""
	if len(g.pkg.GoFiles) > 0 {
		pkgDir = filepath.Dir(g.pkg.GoFiles[0])
	} else {
		pkgDir = filepath.Dir(g.fset.File(g.files[0].Pos()).Name())
	}
	switch {
	case g.cfg.Out == "":
		g.outDir = filepath.Join(pkgDir, "mcpserver")
	case filepath.IsAbs(g.cfg.Out):
		g.outDir = filepath.Clean(g.cfg.Out)
	default:
		g.outDir = filepath.Join(g.base, g.cfg.Out)
	}
	if g.outDir == pkgDir {
		return &ConfigError{fmt.Sprintf("-out %s: the generated package must not be the scanned package's directory", g.cfg.Out)}
	}
	g.outPkg = g.cfg.Pkg
	if g.outPkg == "" {
		g.outPkg = filepath.Base(g.outDir)
		if !token.IsIdentifier(g.outPkg) || g.outPkg == "main" {
			return &ConfigError{fmt.Sprintf("output directory %s is not a valid package name; set -pkg", g.outPkg)}
		}
	}
	// The import path of the output, so that jennifer never imports the
	// package into itself; "" when it lies outside the module.
	if m := g.pkg.Module; m != nil && m.Dir != "" {
		if r, err := filepath.Rel(m.Dir, g.outDir); err == nil && !strings.HasPrefix(r, "..") {
			g.outPath = strings.TrimSuffix(m.Path+"/"+filepath.ToSlash(r), "/.")
		}
	} else if r, err := filepath.Rel(pkgDir, g.outDir); err == nil && !strings.HasPrefix(r, "..") {
		g.outPath = g.pkg.PkgPath + "/" + filepath.ToSlash(r)
	}
	if g.outPath == g.pkg.PkgPath {
		return &ConfigError{"the generated package must not be the scanned package"}
	}
	return nil
}

// IsUserError reports whether err lists problems in the scanned package
// (exit status 1) rather than a usage or operational failure.
func IsUserError(err error) bool {
	var l ErrorList
	return errors.As(err, &l)
}
