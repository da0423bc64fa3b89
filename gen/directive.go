package gen

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// directiveKinds are the known //mcp: directives and, for each, its keys
// and whether a key is a bare flag (a boolean that may also be written
// key=true|false) or needs a value.
var directiveKinds = map[string]map[string]keyKind{
	"server":   {"name": keyValue, "version": keyValue, "instructions": keyValue, "title": keyValue},
	"tool":     {"name": keyValue, "title": keyValue, "readonly": keyFlag, "destructive": keyFlag, "idempotent": keyFlag, "openworld": keyFlag, "scopes": keyValue, "task": keyValue},
	"resource": {"uri": keyValue, "name": keyValue, "title": keyValue, "mime": keyValue, "scopes": keyValue},
	"prompt":   {"name": keyValue, "title": keyValue, "scopes": keyValue},
	"complete": {"prompt": keyValue, "resource": keyValue, "arg": keyValue},
	"schema":   {"json": keyValue},
}

type keyKind int

const (
	keyValue keyKind = iota
	keyFlag
)

// directiveNames returns the known directive names, sorted.
func directiveNames() []string {
	var names []string
	for k := range directiveKinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// directive is one parsed //mcp:KIND line.
type directive struct {
	Kind string
	Pos  token.Pos // of the leading "//"
	Args []*dirArg
	// dropped is set when an argument was reported and left out (an
	// unknown or duplicate key, a bad value), so later checks do not
	// report it missing as well.
	dropped bool
}

// dirArg is one key or key=value of a directive.
type dirArg struct {
	Key      string
	Value    string
	HasValue bool
	Pos      token.Pos // of the key
	ValuePos token.Pos
	// Raw reports a `...` value, whose text is exactly what the comment
	// holds from ValuePos+1 on, so offsets into Value map to positions.
	Raw bool
}

// get returns the argument with key k, or nil.
func (d *directive) get(k string) *dirArg {
	for _, a := range d.Args {
		if a.Key == k {
			return a
		}
	}
	return nil
}

// str returns the value of key k, or "" when absent.
func (d *directive) str(k string) string {
	if a := d.get(k); a != nil {
		return a.Value
	}
	return ""
}

// tokenizeArgs splits a directive's argument text into key[=value]
// tokens separated by white space. A value may be a Go-quoted string
// ("..." or `...`) containing spaces; it is unquoted with strconv.Unquote.
// Problems are returned with the byte offset they occur at.
func tokenizeArgs(s string) (args []*dirArg, errOff int, err error) {
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return args, 0, nil
		}
		start := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '"' && s[i] != '`' {
			i++
		}
		a := &dirArg{Key: s[start:i]}
		keyOff := start
		if a.Key == "" {
			return args, start, fmt.Errorf("expected a key, found %q", string(s[start]))
		}
		if !isKey(a.Key) {
			return args, start, fmt.Errorf("invalid key %q: keys are letters, digits and _", a.Key)
		}
		setOff := func(a *dirArg, off int) { a.Pos, a.ValuePos = token.Pos(keyOff), token.Pos(off) }
		if i < len(s) && s[i] == '=' {
			i++
			vstart := i
			a.HasValue = true
			switch {
			case i < len(s) && (s[i] == '"' || s[i] == '`'):
				end, ok := quotedEnd(s, i)
				if !ok {
					return args, vstart, fmt.Errorf("unterminated quoted value for %s", a.Key)
				}
				v, uerr := strconv.Unquote(s[i:end])
				if uerr != nil {
					return args, vstart, fmt.Errorf("bad quoted value for %s: %s", a.Key, s[i:end])
				}
				a.Value = v
				a.Raw = s[i] == '`'
				i = end
				if i < len(s) && !isSpace(s[i]) {
					return args, i, fmt.Errorf("expected a space after the quoted value of %s", a.Key)
				}
			default:
				for i < len(s) && !isSpace(s[i]) {
					if s[i] == '"' || s[i] == '`' {
						return args, i, fmt.Errorf("quote inside the value of %s: quote the whole value", a.Key)
					}
					i++
				}
				a.Value = s[vstart:i]
			}
			setOff(a, vstart)
		} else {
			if i < len(s) && !isSpace(s[i]) {
				return args, i, fmt.Errorf("expected = or a space after %s", a.Key)
			}
			setOff(a, keyOff)
		}
		args = append(args, a)
	}
}

// quotedEnd returns the index just past the quoted string starting at
// s[i] (a " or ` quote).
func quotedEnd(s string, i int) (int, bool) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case q == '"' && s[j] == '\\':
			j++
		case s[j] == q:
			return j + 1, true
		}
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isKey(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			return false
		}
	}
	return s != ""
}

// commentDirective is what a // comment line says about directives.
type commentDirective int

const (
	notDirective    commentDirective = iota
	mcpDirective                     // //mcp:WORD ...
	spacedDirective                  // // mcp:WORD, a likely typo
)

// classifyComment reports whether c is an //mcp: directive, or a
// directive written with a space after // (which Go does not treat as a
// directive, so it would silently be part of the description).
func classifyComment(text string) commentDirective {
	if strings.HasPrefix(text, "//mcp:") {
		return mcpDirective
	}
	if !strings.HasPrefix(text, "//") {
		return notDirective
	}
	rest := strings.TrimLeft(text[2:], " \t")
	if len(rest) == len(text)-2 || !strings.HasPrefix(rest, "mcp:") {
		return notDirective
	}
	word := directiveWord(rest[len("mcp:"):])
	if _, ok := directiveKinds[word]; ok || closestName(word, directiveNames()) != "" {
		return spacedDirective
	}
	return notDirective
}

// directiveWord returns the leading word of s (up to white space).
func directiveWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// parseDirective parses one //mcp: comment and reports problems through
// d. It returns nil when the directive is unknown or malformed.
func parseDirective(d *diag, c *ast.Comment) *directive {
	text := c.Text[len("//mcp:"):]
	kind := directiveWord(text)
	keys, ok := directiveKinds[kind]
	if !ok {
		if s := closestName(kind, directiveNames()); s != "" {
			d.errorf(c.Slash, "unknown directive //mcp:%s; did you mean //mcp:%s?", kind, s)
		} else {
			d.errorf(c.Slash, "unknown directive //mcp:%s (known: //mcp:%s)", kind, strings.Join(directiveNames(), ", //mcp:"))
		}
		return nil
	}
	base := len("//mcp:") + len(kind)
	args, off, err := tokenizeArgs(c.Text[base:])
	if err != nil {
		d.errorf(c.Slash+token.Pos(base+off), "//mcp:%s: %v", kind, err)
		return nil
	}
	dir := &directive{Kind: kind, Pos: c.Slash}
	seen := map[string]bool{}
	for _, a := range args {
		a.Pos = c.Slash + token.Pos(base) + a.Pos
		a.ValuePos = c.Slash + token.Pos(base) + a.ValuePos
		kk, known := keys[a.Key]
		switch {
		case !known:
			hint := ""
			if s := closestName(a.Key, sortedKeys(keys)); s != "" {
				hint = "; did you mean " + s + "?"
			}
			d.errorf(a.Pos, "unknown key %q for //mcp:%s%s (valid keys: %s)", a.Key, kind, hint, strings.Join(sortedKeys(keys), ", "))
			dir.dropped = true
			continue
		case seen[a.Key]:
			d.errorf(a.Pos, "duplicate key %q in //mcp:%s", a.Key, kind)
			dir.dropped = true
			continue
		}
		seen[a.Key] = true
		switch kk {
		case keyValue:
			if !a.HasValue {
				d.errorf(a.Pos, "key %q of //mcp:%s needs a value (%s=...)", a.Key, kind, a.Key)
				dir.dropped = true
				continue
			}
		case keyFlag:
			if a.HasValue {
				b, err := strconv.ParseBool(a.Value)
				if err != nil {
					d.errorf(a.ValuePos, "bad value %q for flag %s: want true or false (or the bare flag)", a.Value, a.Key)
					dir.dropped = true
					continue
				}
				a.Value = strconv.FormatBool(b)
			} else {
				a.Value = "true"
			}
		}
		dir.Args = append(dir.Args, a)
	}
	// Even after a bad key the valid keys are kept, so that later checks
	// (names, duplicates) still run on what the user meant.
	return dir
}

func sortedKeys(m map[string]keyKind) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// closestName returns the candidate within edit distance 2 of s (and
// closer than the length of s), or "".
func closestName(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD && d < len(s) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
