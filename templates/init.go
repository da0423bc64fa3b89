package templates

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"
)

// scaffold holds the starter files. "all:" keeps .gitignore and .github,
// which embed would otherwise skip.
//
//go:embed all:scaffold
var scaffold embed.FS

// Options describe a new server module.
type Options struct {
	// Dir is the directory to write; it is created when missing and must
	// be empty unless Force is set.
	Dir string
	// Module is the module path; default: the base name of Dir.
	Module string
	// Transport is the -transport flag: "" or "streamable" today.
	Transport string
	// Auth is the -auth flag: "" or "none", or "github" for a server that
	// is its own OAuth authorization server in front of GitHub sign-in
	// (the scaffold then adds a whoami tool and documents the settings).
	Auth string
	// Force writes into a non-empty Dir, overwriting files of the same
	// names and leaving the others alone.
	Force bool
	// MCPGenReplace, when set, is a local mcpgen checkout the scaffold
	// replaces mcpgen with (see LocalCheckout), so it builds offline.
	MCPGenReplace string
	// MCPGenVersion is the mcpgen version the scaffold requires when
	// MCPGenReplace is empty (see BuildVersion). When both are empty, go
	// mod tidy picks the latest release.
	MCPGenVersion string
	// Name and Version go into the //mcp:server directive; defaults: the
	// last element of the module path (as `go build` names the binary)
	// and 0.1.0.
	Name, Version string
}

// Pkg is the directory (and package name) of the scaffold's annotated
// package: the functions mcpgen turns into tools, resources and prompts.
const Pkg = "tools"

// goVersion is the go line of scaffolded modules, the Go release mcpgen
// itself needs.
const goVersion = "1.26.0"

// replacedVersion is the version a scaffold requires when a replace
// directive supplies mcpgen: the go command's own placeholder.
const replacedVersion = "v0.0.0-00010101000000-000000000000"

// Transports and auth modes that mcpgen names (docs/reference.md), and the subset that
// works today. Keeping the full lists lets Init tell "not yet supported"
// apart from a typo.
var (
	knownTransports     = []string{"streamable", "sse"}
	supportedTransports = []string{"streamable"}
	knownAuth           = []string{"none", "static", "jwt", "remote", "github", "google", "azure", "workos", "authkit", "oidc"}
	supportedAuth       = []string{"none", "github"}
)

// Init writes a new server module into opts.Dir and runs `go mod tidy`
// there so that the module has a go.sum. It returns the files it wrote,
// relative to Dir with forward slashes, sorted. Nothing is written when
// the options are invalid or Dir is not empty (without Force). When only
// `go mod tidy` fails, the files stay and the error says how to finish by
// hand.
//
// The scaffold's generated package (tools/mcpserver) does not exist until
// the user runs `go generate ./...`; NextSteps says so.
func Init(opts Options) ([]string, error) {
	d, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if err := checkDir(d.dir, opts.Force); err != nil {
		return nil, err
	}
	files, err := render(d)
	if err != nil {
		return nil, err
	}
	written := make([]string, 0, len(files)+1)
	for _, f := range files {
		dst := filepath.Join(d.dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(dst, f.data, 0o644); err != nil {
			return written, err
		}
		written = append(written, f.name)
	}
	if err := tidy(d); err != nil {
		return written, fmt.Errorf("%w\nthe files are written; fix the problem, then run `go mod tidy` in %s", err, d.dir)
	}
	if _, err := os.Stat(filepath.Join(d.dir, "go.sum")); err == nil {
		written = append(written, "go.sum")
		slices.Sort(written)
	}
	return written, nil
}

// NextSteps is what to tell a user after Init(Dir: dir) succeeded.
func NextSteps(dir string) string {
	return fmt.Sprintf("next:\n\tcd %s\n\tgo generate ./...   # writes %s/mcpserver, the generated server\n\tgo run .            # serves on http://127.0.0.1:8000/mcp\n\tgo test ./...\n", dir, Pkg)
}

// data is what the templates see.
type data struct {
	dir string

	Module    string // module path
	Name      string // server name
	NameArg   string // Name as a directive argument value (quoted if needed)
	Version   string // server version
	Binary    string // what `go build` names the binary
	Pkg       string // annotated package directory and name
	PkgImport string // its import path
	GoVersion string

	MCPGenModule  string
	MCPGenVersion string // required version; "" for none (tidy picks one)
	Replace       string // replacement directory as go.mod spells it; "" for none

	GenerateArgs string // mcpgen flags of the go:generate line
	Transport    string
	Auth         string
}

// resolve validates opts and fills defaults.
func resolve(opts Options) (*data, error) {
	if opts.Dir == "" {
		return nil, errors.New("mcpgen init: missing DIR (the directory of the new module)")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	module := opts.Module
	if module == "" {
		module = filepath.Base(dir)
		if err := checkModulePath(module); err != nil {
			return nil, fmt.Errorf("mcpgen init: the directory name %q is not a valid module path (%v); pass -module PATH", module, err)
		}
	} else if err := checkModulePath(module); err != nil {
		return nil, fmt.Errorf("mcpgen init: -module %q: %v", module, err)
	}
	transport, err := checkChoice("-transport", opts.Transport, "streamable", knownTransports, supportedTransports, true)
	if err != nil {
		return nil, err
	}
	auth, err := checkChoice("-auth", opts.Auth, "none", knownAuth, supportedAuth, false)
	if err != nil {
		return nil, err
	}
	d := &data{
		dir:          dir,
		Module:       module,
		Name:         cmp.Or(opts.Name, serverName(module)),
		Version:      cmp.Or(opts.Version, "0.1.0"),
		Pkg:          Pkg,
		PkgImport:    module + "/" + Pkg,
		GoVersion:    goVersion,
		MCPGenModule: ModulePath,
		Transport:    transport,
		Auth:         auth,
	}
	d.NameArg = directiveValue(d.Name)
	d.Binary = serverName(module)
	if strings.ContainsAny(d.Name+d.Version, "\n\r") || d.Name == "" {
		return nil, fmt.Errorf("mcpgen init: -name %q / -version %q: want a non-empty single line", d.Name, d.Version)
	}
	switch {
	case opts.MCPGenReplace != "":
		rep, err := filepath.Abs(opts.MCPGenReplace)
		if err != nil {
			return nil, err
		}
		d.Replace = modFileString(rep)
		d.MCPGenVersion = replacedVersion
	case opts.MCPGenVersion != "":
		if !strings.HasPrefix(opts.MCPGenVersion, "v") || strings.ContainsAny(opts.MCPGenVersion, " \t\n\"") {
			return nil, fmt.Errorf("mcpgen init: mcpgen version %q is not a module version such as v1.2.3", opts.MCPGenVersion)
		}
		d.MCPGenVersion = opts.MCPGenVersion
	}
	args := []string{"-client", "-out ./mcpserver"}
	if transport != "streamable" {
		args = append(args, "-transport "+transport)
	}
	if auth != "none" {
		args = append(args, "-auth "+auth)
	}
	d.GenerateArgs = strings.Join(args, " ") + " ."
	return d, nil
}

// checkChoice validates a flag value against the values mcpgen names
// (known) and those implemented today (supported); list allows a
// comma-separated combination ("streamable,sse"). It returns the value
// with the default applied.
func checkChoice(flag, v, def string, known, supported []string, list bool) (string, error) {
	if v == "" {
		return def, nil
	}
	parts := []string{v}
	if list {
		parts = strings.Split(v, ",")
	}
	for _, p := range parts {
		if !slices.Contains(known, p) {
			return "", fmt.Errorf("mcpgen init: unknown %s %q: want one of %s", flag, v, strings.Join(known, ", "))
		}
	}
	if len(parts) != 1 || !slices.Contains(supported, v) {
		return "", fmt.Errorf("mcpgen init: %s %s is not yet supported by mcpgen init; use %s %s (and switch later with the go:generate flags)", flag, v, flag, strings.Join(supported, " or "))
	}
	return v, nil
}

// checkDir refuses a path that is not a directory, and a non-empty
// directory unless force.
func checkDir(dir string, force bool) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &usageError{fmt.Sprintf("mcpgen init: %s exists and is not a directory", dir)}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return &usageError{fmt.Sprintf("mcpgen init: %s is not empty; pass -force to write the scaffold into it anyway (files with the same names are overwritten)", dir)}
	}
	return nil
}

// usageError is a refusal the user fixes by changing the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// file is one rendered scaffold file.
type file struct {
	name string // relative, forward slashes
	data []byte
}

// render executes every template of the scaffold, in name order. Go
// files are gofmt-ed, which also catches a template that renders broken
// Go.
func render(d *data) ([]file, error) {
	var files []file
	err := fs.WalkDir(scaffold, "scaffold", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		src, err := scaffold.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "scaffold/"), ".tmpl")
		// A template that renders to nothing is a file this
		// configuration does not need (whoami.go without -auth).
		t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("scaffold template %s: %w", p, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, d); err != nil {
			return fmt.Errorf("scaffold template %s: %w", p, err)
		}
		out := buf.Bytes()
		if len(bytes.TrimSpace(out)) == 0 {
			return nil
		}
		if path.Ext(name) == ".go" {
			if out, err = format.Source(out); err != nil {
				return fmt.Errorf("scaffold template %s renders invalid Go: %w", p, err)
			}
		}
		files = append(files, file{name, out})
		return nil
	})
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })
	return files, err
}

// funcs are the template functions of the scaffold.
var funcs = template.FuncMap{"directive": directiveValue}

// bareValue matches directive values that need no quoting.
var bareValue = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// directiveValue spells s as an //mcp: directive argument value.
func directiveValue(s string) string {
	if bareValue.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}

// modFileString spells s as a go.mod token, quoting it when go.mod would
// otherwise split or misread it (spaces, quotes, brackets, comment
// markers, unprintable runes), as the go command itself does.
func modFileString(s string) string {
	need := s == "" || strings.Contains(s, "//") || strings.Contains(s, "/*")
	for _, r := range s {
		if strings.ContainsRune(" \"'`()[]{},", r) || !unicode.IsPrint(r) {
			need = true
		}
	}
	if need {
		return strconv.Quote(s)
	}
	return s
}

// tidyStub is a throw-away file in the generated package's directory that
// imports what generated code imports (docs/DESIGN.md), so that go mod
// tidy records every module the server will need before the user has run
// go generate. Without it the go.sum would lack, for example, the router
// the transport uses, and the first build after generating would fail.
const tidyStub = "zz_mcpgen_init_tidy.go"

// tidy runs `go mod tidy` in the new module. With a local checkout it
// first tries offline (GOPROXY=off; the module cache already holds what
// mcpgen was built with) and falls back to the configured proxy.
func tidy(d *data) error {
	gen := filepath.Join(d.dir, Pkg, "mcpserver")
	_, statErr := os.Stat(gen)
	madeDir := errors.Is(statErr, fs.ErrNotExist)
	imports := []string{ModulePath + "/runtime", ModulePath + "/runtime/jsonwire", ModulePath + "/runtime/" + d.Transport}
	if d.Auth != "none" {
		imports = append(imports, ModulePath+"/runtime/auth")
	}
	if d.Auth == "github" {
		imports = append(imports, ModulePath+"/runtime/auth/oauthproxy", ModulePath+"/runtime/auth/presets")
	}
	var stub strings.Builder
	stub.WriteString("// Temporary file of mcpgen init; delete it.\n\npackage mcpserver\n\nimport (\n")
	for _, imp := range imports {
		fmt.Fprintf(&stub, "\t_ %q\n", imp)
	}
	stub.WriteString(")\n")
	// The typed client (-client), which the scaffold's test imports.
	genClient := filepath.Join(gen, "client")
	if err := os.MkdirAll(genClient, 0o755); err != nil {
		return err
	}
	stubPath := filepath.Join(gen, tidyStub)
	clientStub := filepath.Join(genClient, tidyStub)
	if err := os.WriteFile(stubPath, []byte(stub.String()), 0o644); err != nil {
		return err
	}
	defer func() {
		os.Remove(stubPath)
		os.Remove(clientStub)
		os.Remove(genClient) // only if empty
		if madeDir {
			os.Remove(gen) // only if empty
		}
	}()
	if err := os.WriteFile(clientStub, []byte("// Temporary file of mcpgen init; delete it.\n\npackage client\n\nimport _ \""+ModulePath+"/runtime/client\"\n"), 0o644); err != nil {
		return err
	}

	env := append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	if d.Replace != "" {
		// Seed go.sum with the checkout's: every module the scaffold needs
		// is one mcpgen itself depends on, so an offline tidy can verify
		// them without the checksum database (which GOPROXY=off cannot
		// reach); tidy then drops the lines the scaffold does not need.
		if sum, err := os.ReadFile(filepath.Join(d.Replace, "go.sum")); err == nil {
			if err := os.WriteFile(filepath.Join(d.dir, "go.sum"), sum, 0o644); err != nil {
				return err
			}
		}
		out, err := goCmd(d.dir, append(env, "GOPROXY=off"), "mod", "tidy")
		if err == nil {
			return nil
		}
		if !bytes.Contains(out, []byte("GOPROXY=off")) {
			return fmt.Errorf("go mod tidy (offline, against %s): %v\n%s", d.Replace, err, out)
		}
		// Something is missing from the module cache: fetch it.
		if out, err := goCmd(d.dir, env, "mod", "tidy"); err != nil {
			return fmt.Errorf("go mod tidy: %v\n%s", err, out)
		}
		return nil
	}
	if out, err := goCmd(d.dir, env, "mod", "tidy"); err != nil {
		return fmt.Errorf("go mod tidy: %v\n%s", err, out)
	}
	return nil
}

// goCmd runs the go command in dir and returns its combined output.
func goCmd(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd.CombinedOutput()
}
