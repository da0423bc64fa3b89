package gen

import (
	"fmt"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
)

// PosError is one user error (or warning) with its position.
type PosError struct {
	Pos token.Position // Filename is already relative when possible
	Msg string
}

// String formats the error as file.go:LINE:COL: message, the form editors
// and CI annotations understand.
func (e PosError) String() string {
	if !e.Pos.IsValid() {
		if e.Pos.Filename != "" {
			return e.Pos.Filename + ": " + e.Msg
		}
		return e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Msg)
}

// ErrorList is every user error found in one run, sorted by position. It
// is the error Generate returns when the scanned package needs fixing (as
// opposed to an operational failure such as an unreadable directory).
type ErrorList []PosError

// Error returns one line per error.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.String())
	}
	return b.String()
}

func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// diag collects errors and warnings of one run and turns token positions
// into positions relative to the base directory, so that output does not
// depend on where the checkout lives.
type diag struct {
	fset     *token.FileSet
	base     string // absolute directory paths are made relative to
	errs     ErrorList
	warnings ErrorList
	seen     map[string]bool // drops exact duplicates
}

func newDiag(fset *token.FileSet, base string) *diag {
	return &diag{fset: fset, base: base, seen: map[string]bool{}}
}

// position returns the relative position of pos.
func (d *diag) position(pos token.Pos) token.Position {
	p := d.fset.Position(pos)
	p.Filename = d.rel(p.Filename)
	return p
}

// rel returns name relative to the base directory when it lies below it
// (or close to it); otherwise name unchanged.
func (d *diag) rel(name string) string {
	if name == "" || !filepath.IsAbs(name) || d.base == "" {
		return name
	}
	r, err := filepath.Rel(d.base, name)
	if err != nil || strings.HasPrefix(r, ".."+string(filepath.Separator)+"..") {
		return name
	}
	return filepath.ToSlash(r)
}

// at formats pos for use inside a message ("also declared at x.go:3:1").
func (d *diag) at(pos token.Pos) string {
	p := d.position(pos)
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// errorf records a user error. It has the Reporter signature so the type
// layer reports through it too.
func (d *diag) errorf(pos token.Pos, format string, args ...any) {
	d.add(&d.errs, d.position(pos), fmt.Sprintf(format, args...))
}

// warnf records a warning: printed, but the run still succeeds.
func (d *diag) warnf(pos token.Pos, format string, args ...any) {
	d.add(&d.warnings, d.position(pos), "warning: "+fmt.Sprintf(format, args...))
}

func (d *diag) add(l *ErrorList, p token.Position, msg string) {
	e := PosError{Pos: p, Msg: msg}
	if k := e.String(); !d.seen[k] {
		d.seen[k] = true
		*l = append(*l, e)
	}
}
