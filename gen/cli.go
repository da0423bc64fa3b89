package gen

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
)

// Exit statuses of the mcpgen command.
const (
	ExitOK    = 0
	ExitFail  = 1 // user errors (generate) or stale code (check)
	ExitUsage = 2 // bad flags, or any error in check
)

const usage = `usage:
  mcpgen [generate] [flags] [PACKAGE]   generate the MCP server package (PACKAGE defaults to .)
  mcpgen check [flags] [PACKAGE]        exit 0 when the generated code is current, 1 with a diff when stale, 2 on error
  mcpgen init [flags] DIR               scaffold a new server module
  mcpgen version                        print the version

PACKAGE may be a pattern such as ./...: every package under it that has
//mcp: directives, each with its own output directory. Without flags, a
package's own //go:generate line that runs mcpgen gives them, so check
compares with what go generate writes.

flags (generate and check):
`

// Main runs the mcpgen command with args (without the program name) and
// returns the exit status. cmd/mcpgen is a one-line wrapper so the whole
// command is testable in process.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := "generate"
	if len(args) > 0 {
		switch args[0] {
		case "generate", "check", "init", "version", "help":
			cmd, args = args[0], args[1:]
		case "-h", "-help", "--help":
			cmd, args = "help", nil
		}
	}
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
		fs, _ := newFlagSet("generate", stdout)
		fs.PrintDefaults()
		return ExitOK
	case "version":
		fmt.Fprintln(stdout, "mcpgen", moduleVersion())
		return ExitOK
	case "init":
		// cmd/mcpgen routes init to package templates before calling Main.
		fmt.Fprintln(stderr, "mcpgen init: run it through the mcpgen command (cmd/mcpgen)")
		return ExitUsage
	}
	fs, cfg := newFlagSet(cmd, stderr)
	// Flags may also follow the package (mcpgen . -out x), as with go
	// commands: parse, take one positional argument, parse the rest.
	var pkgs []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pkgs = append(pkgs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch len(pkgs) {
	case 0:
	case 1:
		cfg.Pattern = pkgs[0]
	default:
		fmt.Fprintf(stderr, "mcpgen %s: one package at a time (got %s)\n", cmd, strings.Join(pkgs, " "))
		return ExitUsage
	}
	cfg.Warnings = stderr
	ts, err := targets(fs, cfg)
	if err != nil {
		report(stderr, cmd, err)
		return ExitUsage
	}
	status := ExitOK
	for _, t := range ts {
		var code int
		if cmd == "check" {
			code = runCheck(t, stdout, stderr)
		} else {
			code = runGenerate(&t.cfg, stderr)
		}
		// check: an error (2) outweighs stale code (1)
		status = max(status, code)
	}
	return status
}

// newFlagSet declares the flags of generate and check.
func newFlagSet(cmd string, out io.Writer) (*flag.FlagSet, *Config) {
	cfg := &Config{}
	fs := flag.NewFlagSet("mcpgen "+cmd, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.Out, "out", "", "output directory of the generated package (default ./mcpserver under the scanned package)")
	fs.StringVar(&cfg.Pkg, "pkg", "", "name of the generated package (default: the output directory's base name)")
	fs.StringVar(&cfg.Transport, "transport", "streamable", "transports, comma-separated: streamable, sse, stdio (ServeStdio is always generated)")
	fs.StringVar(&cfg.Auth, "auth", "none", "auth provider: none, static, jwt, remote, github, google, azure, workos, authkit or oidc")
	fs.BoolVar(&cfg.Client, "client", false, "also generate a typed client: package client in the client directory under the output directory")
	fs.StringVar(&cfg.Name, "name", "", "server name (overrides //mcp:server name=; default: the package name)")
	fs.StringVar(&cfg.Version, "version", "", "server version (overrides //mcp:server version=; default 0.0.0)")
	fs.Usage = func() {
		fmt.Fprint(out, usage)
		fs.PrintDefaults()
	}
	return fs, cfg
}

// report prints err: positioned user errors one per line, others prefixed
// with the command.
func report(stderr io.Writer, cmd string, err error) {
	var l ErrorList
	if errors.As(err, &l) {
		fmt.Fprintln(stderr, l.Error())
		return
	}
	fmt.Fprintf(stderr, "mcpgen %s: %v\n", cmd, err)
}

func runGenerate(cfg *Config, stderr io.Writer) int {
	files, err := Generate(*cfg)
	if err != nil {
		report(stderr, "generate", err)
		var ce *ConfigError
		if errors.As(err, &ce) {
			return ExitUsage
		}
		return ExitFail
	}
	for _, name := range sortedFileNames(files) {
		if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, files[name]) {
			continue // leave the mtime alone so builds stay cached
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			report(stderr, "generate", err)
			return ExitFail
		}
		if err := os.WriteFile(name, files[name], 0o644); err != nil {
			report(stderr, "generate", err)
			return ExitFail
		}
	}
	return ExitOK
}

// runCheck regenerates in memory and compares with the files on disk.
func runCheck(t target, stdout, stderr io.Writer) int {
	cfg := &t.cfg
	files, err := Generate(*cfg)
	if err != nil {
		report(stderr, "check", err)
		return ExitUsage
	}
	base, err := cfg.baseDir()
	if err != nil {
		report(stderr, "check", err)
		return ExitUsage
	}
	stale := false
	for _, name := range sortedFileNames(files) {
		old, err := os.ReadFile(name)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			report(stderr, "check", err)
			return ExitUsage
		}
		rel := name
		if r, err := filepath.Rel(base, name); err == nil && !strings.HasPrefix(r, "..") {
			rel = filepath.ToSlash(r)
		}
		from, to := "a/"+rel, "b/"+rel
		if filepath.IsAbs(rel) {
			from, to = rel, rel
		}
		if d := UnifiedDiff(from, to, old, files[name]); d != "" {
			if old == nil {
				fmt.Fprintf(stdout, "%s is missing\n", rel)
			}
			fmt.Fprint(stdout, d)
			stale = true
		}
	}
	// Files mcpgen once wrote into the output directories that it no
	// longer writes (a renamed output, an older layout) are stale too:
	// they would still compile into the package.
	for _, name := range orphans(files) {
		rel := name
		if r, err := filepath.Rel(base, name); err == nil && !strings.HasPrefix(r, "..") {
			rel = filepath.ToSlash(r)
		}
		fmt.Fprintf(stdout, "%s was generated by mcpgen but is no longer produced; delete it\n", rel)
		stale = true
	}
	if !stale {
		return ExitOK
	}
	fmt.Fprintf(stdout, "generated code is stale; run: %s\n", t.fix)
	return ExitFail
}

// generatedHeader starts every file mcpgen writes.
const generatedHeader = "// Code generated by mcpgen. DO NOT EDIT."

// orphans lists the .go files in the directories of files that start with
// mcpgen's generated-code header but are not among files, sorted.
func orphans(files map[string][]byte) []string {
	dirs := map[string]bool{}
	for name := range files {
		dirs[filepath.Dir(name)] = true
	}
	var out []string
	for dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || files[p] != nil {
				continue
			}
			if b, err := os.ReadFile(p); err == nil && bytes.HasPrefix(b, []byte(generatedHeader)) {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// fixCommand spells the generate command with the flags check was given.
func fixCommand(fs *flag.FlagSet, cfg *Config) string {
	parts := []string{"mcpgen", "generate"}
	fs.Visit(func(f *flag.Flag) {
		parts = append(parts, "-"+f.Name+"="+quoteArg(f.Value.String()))
	})
	if cfg.Pattern != "" {
		parts = append(parts, quoteArg(cfg.Pattern))
	}
	return strings.Join(parts, " ")
}

// quoteArg quotes s for a POSIX shell when it needs it.
func quoteArg(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sortedFileNames(files map[string][]byte) []string {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// moduleVersion is the version of the mcpgen module this binary was built
// from: a tag or pseudo-version for `go install ...@v`, "(devel)" for a
// local build.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	if info.Main.Path == "github.com/mcpgen/mcpgen" && info.Main.Version != "" {
		return info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == "github.com/mcpgen/mcpgen" && d.Version != "" {
			return d.Version
		}
	}
	return "(devel)"
}
