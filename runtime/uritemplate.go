package runtime

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// uriTemplate is a compiled RFC 6570 level-1 template: literal text and
// simple {var} expressions. Matching is the inverse of expansion: each
// variable matches one or more characters other than '/', and its value
// is percent-decoded.
type uriTemplate struct {
	raw  string
	vars []string
	re   *regexp.Regexp
}

// compileURITemplate checks that raw is a level-1 template (no operators
// such as {+x} or {?x}, no modifiers, no nested or unbalanced braces, no
// repeated variable, no two variables side by side, which could not be
// told apart when matching) and compiles its matcher.
func compileURITemplate(raw string) (*uriTemplate, error) {
	if raw == "" {
		return nil, fmt.Errorf("empty URI template")
	}
	if !utf8.ValidString(raw) {
		return nil, fmt.Errorf("URI template %q is not valid UTF-8", raw)
	}
	t := &uriTemplate{raw: raw}
	var re strings.Builder
	re.WriteString("^")
	seen := map[string]bool{}
	lastWasVar := false
	for i := 0; i < len(raw); {
		switch c := raw[i]; c {
		case '{':
			end := strings.IndexByte(raw[i+1:], '}')
			if end < 0 {
				return nil, fmt.Errorf("URI template %q: unclosed '{' at offset %d", raw, i)
			}
			name := raw[i+1 : i+1+end]
			if err := checkVarName(name); err != nil {
				return nil, fmt.Errorf("URI template %q: %v (only level-1 {name} expressions are supported)", raw, err)
			}
			if seen[name] {
				return nil, fmt.Errorf("URI template %q: variable %q appears twice", raw, name)
			}
			if lastWasVar {
				return nil, fmt.Errorf("URI template %q: variables {%s} and the one before it need literal text between them", raw, name)
			}
			seen[name] = true
			t.vars = append(t.vars, name)
			re.WriteString("([^/]+)")
			lastWasVar = true
			i += end + 2
		case '}':
			return nil, fmt.Errorf("URI template %q: unmatched '}' at offset %d", raw, i)
		default:
			j := i
			for ; j < len(raw) && raw[j] != '{' && raw[j] != '}'; j++ {
				if c := raw[j]; c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '|' || c == 0x7f {
					return nil, fmt.Errorf("URI template %q: character %q is not allowed in a URI template", raw, c)
				}
			}
			re.WriteString(regexp.QuoteMeta(raw[i:j]))
			lastWasVar = false
			i = j
		}
	}
	if len(t.vars) == 0 {
		return nil, fmt.Errorf("URI template %q has no {variable}; declare it as a Resource", raw)
	}
	re.WriteString("$")
	var err error
	if t.re, err = regexp.Compile(re.String()); err != nil {
		return nil, fmt.Errorf("URI template %q: %v", raw, err)
	}
	return t, nil
}

// checkVarName applies RFC 6570's varname rule: ALPHA / DIGIT / "_" /
// pct-encoded, with "." between characters.
func checkVarName(name string) error {
	if name == "" {
		return fmt.Errorf("empty variable name")
	}
	if strings.ContainsAny(name[:1], "+#./;?&=,!@|") {
		return fmt.Errorf("operator %q in {%s}", name[:1], name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case c == '.' && i > 0 && i < len(name)-1 && name[i-1] != '.':
		case c == '%' && i+2 < len(name) && isHex(name[i+1]) && isHex(name[i+2]):
			i += 2
		case c == '*' || c == ':':
			return fmt.Errorf("modifier in {%s}", name)
		case c == ',':
			return fmt.Errorf("variable list in {%s}", name)
		default:
			return fmt.Errorf("invalid character %q in variable name {%s}", c, name)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// match returns the variables of uri, or ok=false when uri is not an
// expansion of the template (including a value whose percent-encoding is
// broken).
func (t *uriTemplate) match(uri string) (vars map[string]string, ok bool) {
	m := t.re.FindStringSubmatch(uri)
	if m == nil {
		return nil, false
	}
	vars = make(map[string]string, len(t.vars))
	for i, name := range t.vars {
		v, err := url.PathUnescape(m[i+1])
		if err != nil {
			return nil, false
		}
		vars[name] = v
	}
	return vars, true
}
