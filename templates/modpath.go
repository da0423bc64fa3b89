package templates

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// checkModulePath reports why p cannot be the path of a new module, or
// nil. It follows the go command's rules for import paths (what `go mod
// init` accepts): slash-separated non-empty elements of ASCII letters,
// digits and "-._~+", no element that is only dots or ends in a dot, no
// leading dot or dash, and no Windows-reserved or short (8.3) file names,
// which could not be checked out everywhere. Unlike a path that `go get`
// can fetch, the first element need not contain a dot: "myserver" is a
// fine module for a local project.
func checkModulePath(p string) error {
	if p == "" {
		return errors.New("empty module path")
	}
	if !utf8.ValidString(p) {
		return errors.New("module path is not valid UTF-8")
	}
	if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		return errors.New("module path has an empty element (leading, trailing or double slash)")
	}
	if p[0] == '-' {
		return errors.New("module path must not begin with a dash")
	}
	for elem := range strings.SplitSeq(p, "/") {
		if err := checkPathElem(elem); err != nil {
			return fmt.Errorf("element %q: %w", elem, err)
		}
	}
	return nil
}

// checkPathElem checks one slash-free element of a module path.
func checkPathElem(elem string) error {
	for _, r := range elem {
		if !pathRuneOK(r) {
			return fmt.Errorf("invalid character %q (use letters, digits and -._~+)", r)
		}
	}
	if strings.Trim(elem, ".") == "" {
		return errors.New("element made only of dots")
	}
	if elem[0] == '.' {
		return errors.New("leading dot")
	}
	if elem[len(elem)-1] == '.' {
		return errors.New("trailing dot")
	}
	short, _, _ := strings.Cut(elem, ".")
	for _, bad := range windowsReserved {
		if strings.EqualFold(short, bad) {
			return fmt.Errorf("%q is a reserved file name on Windows", short)
		}
	}
	// 8.3 short names such as PROGRA~1 alias other files on Windows.
	if i := strings.LastIndexByte(short, '~'); i >= 0 && i < len(short)-1 {
		digits := short[i+1:]
		if strings.Trim(digits, "0123456789") == "" && digits[0] != '0' {
			return errors.New("looks like a Windows short file name (NAME~N)")
		}
	}
	return nil
}

// pathRuneOK reports whether r may appear in an element of a module path.
func pathRuneOK(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		r == '-' || r == '.' || r == '_' || r == '~' || r == '+'
}

// windowsReserved are the device names Windows does not allow as file
// names, with or without an extension.
var windowsReserved = []string{
	"CON", "PRN", "AUX", "NUL",
	"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
	"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
}

// serverName is the name a module's server and binary get: the last
// element of the module path, skipping a major-version suffix (/v2), as
// `go build` does when it names the binary.
func serverName(module string) string {
	elems := strings.Split(module, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorSuffix(name) {
		name = elems[len(elems)-2]
	}
	return name
}

// isMajorSuffix reports whether elem is a major-version suffix: v2, v3, ...
func isMajorSuffix(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' || elem[1] == '0' || elem == "v1" {
		return false
	}
	return strings.Trim(elem[1:], "0123456789") == ""
}
