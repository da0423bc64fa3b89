package gen

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A target is one package check or generate works on, with the settings
// to use and the command that regenerates it.
type target struct {
	cfg Config
	fix string // the command a stale check tells the user to run
}

// targets turns the command line into the packages to work on.
//
// A pattern with "..." stands for every package under it that has //mcp:
// directives, each generated into its own output directory. For each
// package, the flags of its //go:generate line that runs mcpgen are used
// unless flags were given on the command line: `mcpgen check ./pkg`
// checks what `go generate ./pkg` writes.
func targets(fs *flag.FlagSet, cfg *Config) ([]target, error) {
	base, err := cfg.baseDir()
	if err != nil {
		return nil, err
	}
	explicit := fs.NFlag() > 0
	pattern := cfg.pattern()
	var dirs []string // package directories, when they can be known
	if strings.Contains(pattern, "...") {
		dirs, err = directiveDirs(base, pattern)
		if err != nil {
			return nil, err
		}
		if len(dirs) == 0 {
			return nil, &ConfigError{fmt.Sprintf("%s: no package has //mcp: directives", pattern)}
		}
		if cfg.Out != "" && len(dirs) > 1 {
			return nil, &ConfigError{fmt.Sprintf("-out %s: %s matches %d packages, which cannot share one output directory; leave -out unset (each package gets its own, from its go:generate line or ./mcpserver beside it)", cfg.Out, pattern, len(dirs))}
		}
	} else if isLocalPath(pattern) {
		dirs = []string{filepath.Join(base, filepath.FromSlash(pattern))}
	} else {
		// An import path: the go command knows where it is.
		dirs, err = packageDirs(base, pattern)
		if err != nil || len(dirs) != 1 {
			// Let Generate report it with its own message.
			return []target{{cfg: *cfg, fix: fixCommand(fs, cfg)}}, nil
		}
	}
	var out []target
	for _, dir := range dirs {
		rel := relPattern(base, dir)
		t := target{cfg: *cfg}
		t.cfg.Pattern = rel
		if len(dirs) == 1 {
			t.cfg.Pattern = cfg.Pattern // keep the user's spelling in messages
		}
		if !explicit {
			line, err := generateLine(dir)
			if err != nil {
				return nil, err
			}
			if line != nil {
				lc, err := line.config(base, dir)
				if err != nil {
					return nil, err
				}
				lc.Warnings = cfg.Warnings
				out = append(out, target{cfg: lc, fix: "go generate " + rel})
				continue
			}
		}
		t.fix = fixCommand(fs, &t.cfg)
		out = append(out, t)
	}
	return out, nil
}

// isLocalPath reports whether a package pattern is a directory path (as
// the go command reads it) rather than an import path.
func isLocalPath(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)
}

// relPattern spells dir as a package pattern relative to base: "." or
// "./a/b" (or an absolute path outside base).
func relPattern(base, dir string) string {
	r, err := filepath.Rel(base, dir)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return dir
	}
	if r == "." {
		return "."
	}
	return "./" + filepath.ToSlash(r)
}

// packageDirs lists the directories of the packages a pattern matches.
func packageDirs(base, pattern string) ([]string, error) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles, Dir: base}, pattern)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", pattern, err)
	}
	var dirs []string
	for _, p := range pkgs {
		if len(p.GoFiles) > 0 {
			dirs = append(dirs, filepath.Dir(p.GoFiles[0]))
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

// directiveDirs lists the directories of the packages a pattern matches
// that have at least one //mcp: directive.
func directiveDirs(base, pattern string) ([]string, error) {
	all, err := packageDirs(base, pattern)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, dir := range all {
		ok, err := hasDirectives(dir)
		if err != nil {
			return nil, err
		}
		if ok {
			dirs = append(dirs, dir)
		}
	}
	return dirs, nil
}

// hasDirectives reports whether a non-test Go file in dir has a comment
// that is an //mcp: directive. Files that do not parse count as having
// one, so that generating them reports the syntax error.
func hasDirectives(dir string) (bool, error) {
	names, err := goFiles(dir)
	if err != nil {
		return false, err
	}
	fset := token.NewFileSet()
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return true, nil
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				if strings.HasPrefix(c.Text, "//mcp:") {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// goFiles lists the non-test Go files of dir, sorted.
func goFiles(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range names {
		if !strings.HasSuffix(name, "_test.go") {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// eachGoLine calls fn with every line of the non-test Go files of dir, in
// file name order, until fn returns false.
func eachGoLine(dir string, fn func(file, line string) bool) error {
	names, err := goFiles(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, len(b)+1)
		for sc.Scan() {
			if !fn(name, sc.Text()) {
				return nil
			}
		}
	}
	return nil
}

// A genLine is a //go:generate line that runs mcpgen.
type genLine struct {
	pos  string   // file:line, for errors
	args []string // mcpgen's arguments
}

// generateLine finds the first //go:generate line of the package in dir
// that runs mcpgen (go run .../cmd/mcpgen, go tool mcpgen, or an mcpgen
// binary); nil when there is none.
func generateLine(dir string) (*genLine, error) {
	var found *genLine
	n := map[string]int{}
	err := eachGoLine(dir, func(file, line string) bool {
		n[file]++
		rest, ok := strings.CutPrefix(line, "//go:generate ")
		if !ok {
			return true
		}
		words, err := splitGenerate(rest)
		if err != nil {
			return true // go generate reports it
		}
		for i, w := range words {
			if isMCPGen(w) {
				found = &genLine{pos: fmt.Sprintf("%s:%d", filepath.Base(file), n[file]), args: words[i+1:]}
				return false
			}
		}
		return true
	})
	return found, err
}

// isMCPGen reports whether a word of a go:generate line names the mcpgen
// command: mcpgen, a path ending in /mcpgen or /cmd/mcpgen, with an
// optional @version.
func isMCPGen(w string) bool {
	w, _, _ = strings.Cut(w, "@")
	return path.Base(filepath.ToSlash(w)) == "mcpgen"
}

// splitGenerate splits a go:generate command line as the go command
// does: on spaces and tabs, with double-quoted Go strings as one word.
func splitGenerate(s string) ([]string, error) {
	var words []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return words, nil
		}
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, err
			}
			w, _ := strconv.Unquote(q)
			words = append(words, w)
			s = s[len(q):]
			continue
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			i = len(s)
		}
		words = append(words, s[:i])
		s = s[i:]
	}
}

// config parses the line's arguments as go generate would run them in
// dir, and expresses the result relative to base.
func (l *genLine) config(base, dir string) (Config, error) {
	args := l.args
	if len(args) > 0 && args[0] == "generate" {
		args = args[1:]
	}
	fs, cfg := newFlagSet("generate", io.Discard)
	var pkgs []string
	for {
		if err := fs.Parse(args); err != nil {
			return Config{}, &ConfigError{fmt.Sprintf("%s: the go:generate line's mcpgen flags: %v", l.pos, err)}
		}
		if fs.NArg() == 0 {
			break
		}
		pkgs = append(pkgs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pkgs) > 1 {
		return Config{}, &ConfigError{fmt.Sprintf("%s: the go:generate line names %d packages; mcpgen takes one", l.pos, len(pkgs))}
	}
	pattern := "."
	if len(pkgs) == 1 {
		pattern = pkgs[0]
	}
	if isLocalPath(pattern) {
		pattern = relPattern(base, filepath.Join(dir, filepath.FromSlash(pattern)))
	}
	cfg.Pattern = pattern
	if cfg.Out != "" && !filepath.IsAbs(cfg.Out) {
		cfg.Out = relPattern(base, filepath.Join(dir, filepath.FromSlash(cfg.Out)))
	}
	cfg.Dir = base
	return *cfg, nil
}
