package templates

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// ModulePath is the module path of mcpgen itself, which every scaffold
// requires.
const ModulePath = "github.com/mcpgen/mcpgen"

// LocalCheckout returns the root of the mcpgen source checkout this binary
// was built from, when there is one on this machine. A scaffold made by
// such a binary replaces mcpgen with that directory, so it builds offline
// and against exactly the code that wrote it.
//
// The answer comes from the compile-time path of this package's source:
// it is absent under -trimpath, points into the module cache (not a
// checkout) for `go install ...@version`, and may name a directory that
// no longer exists or holds something else; each of those cases answers
// false. The directory is accepted only when its go.mod declares
// ModulePath.
func LocalCheckout() (dir string, ok bool) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", false
	}
	return checkoutOf(file)
}

// checkoutOf is LocalCheckout for the source file path of this package.
func checkoutOf(file string) (string, bool) {
	if !filepath.IsAbs(file) {
		return "", false // -trimpath: paths are module-relative
	}
	root := filepath.Dir(filepath.Dir(file)) // .../templates/source.go -> ...
	if strings.Contains(filepath.Base(root), "@") {
		return "", false // module cache (mcpgen@v1.2.3): read-only, versioned
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || moduleLine(data) != ModulePath {
		return "", false
	}
	return root, true
}

// moduleLine returns the module path declared by go.mod content, or "".
func moduleLine(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if uq, err := strconv.Unquote(rest); err == nil {
			return uq
		}
		return rest
	}
	return ""
}

// BuildVersion returns the released version of mcpgen this binary was
// built from ("v1.2.3", or a pseudo-version), or "" when it has none: a
// development build of a checkout, or a build without module information.
// A scaffold made by a binary with no LocalCheckout requires this version.
func BuildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return versionOf(bi)
}

// versionOf is BuildVersion for the given build information.
func versionOf(bi *debug.BuildInfo) string {
	m := &bi.Main
	if m.Path != ModulePath {
		m = nil
		for _, d := range bi.Deps {
			if d.Path == ModulePath {
				m = d
				break
			}
		}
	}
	if m == nil || m.Replace != nil {
		return "" // a replaced mcpgen has no version a scaffold could fetch
	}
	v := m.Version
	if v == "" || v == "(devel)" || strings.HasSuffix(v, "+dirty") {
		return ""
	}
	return v
}
