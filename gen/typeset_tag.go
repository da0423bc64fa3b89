package gen

// Parsing and checking of `mcp:"..."` field tags. A tag is a
// comma-separated list of key=value pairs; a value that contains a comma
// (a pattern such as ^a{1,3}$, a title) is written between single quotes:
// `mcp:"pattern='^a{1,3}$',title='Size, in cm'"`.

import (
	"go/types"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// knownFormats are the JSON Schema 2020-12 format names accepted on strings.
var knownFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "duration": true,
	"email": true, "idn-email": true, "hostname": true, "idn-hostname": true,
	"ipv4": true, "ipv6": true, "uri": true, "uri-reference": true,
	"iri": true, "iri-reference": true, "uuid": true, "uri-template": true,
	"json-pointer": true, "relative-json-pointer": true, "regex": true,
}

const tagKeys = "enum, min, max, minLength, maxLength, pattern, format, default, title, description, header, type, ref"

// validDefName is what a ref=NAME may be: a plain $defs key, so that
// "#/$defs/NAME" needs no JSON Pointer escaping.
var validDefName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// tagItem is one key=value of an mcp tag; bare is a key without '='.
type tagItem struct {
	key, val string
	bare     bool
}

// splitTag splits a tag into items, honouring single-quoted values.
func splitTag(raw string) ([]tagItem, string) {
	var items []tagItem
	for raw != "" {
		i := strings.IndexAny(raw, "=,")
		if i < 0 || raw[i] == ',' {
			if i < 0 {
				i = len(raw)
			}
			key := strings.TrimSpace(raw[:i])
			if key == "" {
				return nil, "empty item"
			}
			items = append(items, tagItem{key: key, bare: true})
			raw = raw[min(i+1, len(raw)):]
			continue
		}
		key, rest := strings.TrimSpace(raw[:i]), raw[i+1:]
		if strings.HasPrefix(rest, "'") {
			end := strings.IndexByte(rest[1:], '\'')
			if end < 0 {
				return nil, "unterminated quote in the value of " + key
			}
			val := rest[1 : end+1]
			rest = rest[end+2:]
			if rest != "" && rest[0] != ',' {
				return nil, "want a comma after the quoted value of " + key
			}
			items = append(items, tagItem{key: key, val: val})
			raw = strings.TrimPrefix(rest, ",")
			continue
		}
		val, r, _ := strings.Cut(rest, ",")
		items = append(items, tagItem{key: key, val: val})
		raw = r
	}
	return items, ""
}

// elemBase strips pointers, and with containers also slices, arrays and
// maps, to find the type a tag's constraints are about.
func elemBase(t types.Type, containers bool) types.Type {
	for {
		t = types.Unalias(t)
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			if classifyType(t, false) == kPointer {
				t = u.Elem()
				continue
			}
		case *types.Slice:
			if containers && !isByteType(u.Elem()) {
				t = u.Elem()
				continue
			}
		case *types.Array:
			if containers {
				t = u.Elem()
				continue
			}
		case *types.Map:
			if containers {
				t = u.Elem()
				continue
			}
		}
		return t
	}
}

// parseTag parses and checks the mcp tag of field f.
func (ts *typeSetImpl) parseTag(raw string, f *fieldInfo, label string, ok *bool) *mcpTag {
	tag := newMCPTag()
	bad := func(format string, args ...any) {
		*ok = ts.errorf(f.pos, label+": mcp tag: "+format, args...) && *ok
	}
	items, msg := splitTag(raw)
	if msg != "" {
		bad("%s", msg)
		return tag
	}
	base := elemBase(f.typ, false)
	k := classifyType(base, false)
	numeric := k == kInt || k == kUint || k == kFloat
	seen := map[string]bool{}
	for _, it := range items {
		key, val := it.key, it.val
		if it.bare {
			bad("%s: want key=value (known keys: %s)", key, tagKeys)
			continue
		}
		if seen[key] {
			bad("duplicate key %s", key)
			continue
		}
		seen[key] = true
		switch key {
		case "enum":
			text := k == kText && hasMethod(base, true, "MarshalText", false)
			if !numeric && k != kString && !text {
				bad("enum applies to strings, numbers and types that marshal as strings (MarshalText), not %s", f.typ)
				continue
			}
			lk := k
			if text {
				lk = kString // the values are the texts its methods read and write
			}
			tag.hasEnum = true
			for _, v := range strings.Split(val, "|") {
				js, err := literalFor(base, lk, v)
				if err != "" {
					bad("enum value %q: %s", v, err)
					continue
				}
				tag.enum = append(tag.enum, js)
			}
			if e := ts.enumOf(base); e != nil && !text {
				for _, js := range tag.enum {
					if !e.has(js) {
						bad("enum value %s is not a constant of %s", js, base)
					}
				}
			}
		case "min", "max":
			if !numeric {
				bad("%s applies to numbers, not %s (use minLength/maxLength for strings)", key, f.typ)
				continue
			}
			js, err := literalFor(base, k, val)
			if err != "" {
				bad("%s=%s: %s", key, val, err)
				continue
			}
			if key == "min" {
				tag.min = js
			} else {
				tag.max = js
			}
		case "minLength", "maxLength":
			if k != kString {
				bad("%s applies to strings, not %s", key, f.typ)
				continue
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				bad("%s=%s: want a non-negative integer", key, val)
				continue
			}
			if key == "minLength" {
				tag.minLength = n
			} else {
				tag.maxLength = n
			}
		case "pattern":
			if k != kString {
				bad("pattern applies to strings, not %s", f.typ)
				continue
			}
			if _, err := regexp.Compile(val); err != nil {
				bad("pattern %s does not compile: %v", val, err)
				continue
			}
			tag.pattern = val
		case "format":
			inner := classifyType(elemBase(f.typ, true), false)
			switch {
			case inner == kDuration:
				if val != "duration" && val != "nanoseconds" {
					bad("format=%s: time.Duration takes format=duration (a Go duration string) or format=nanoseconds (an integer)", val)
					continue
				}
			case inner == kTime:
				if val != "date-time" && val != "date" {
					bad("format=%s: time.Time is written as a date-time or, with format=date, a date", val)
					continue
				}
			case k == kString || k == kUnmarshal || k == kText || k == kAny:
				if !knownFormats[val] {
					bad("unknown format %q (want a JSON Schema format such as date-time, date, email, uri, uuid)", val)
					continue
				}
			default:
				bad("format applies to strings, not %s", f.typ)
				continue
			}
			tag.format = val
		case "default":
			tag.def, tag.hasDef = val, true
		case "title":
			tag.title = val
		case "description":
			tag.desc = val
		case "header":
			if !validHeaderName(val) {
				bad("header=%q is not a valid HTTP header name", val)
				continue
			}
			tag.header = val
		case "ref":
			if k != kStruct {
				bad("ref applies to struct fields (or pointers to structs), not %s", f.typ)
				continue
			}
			if !validDefName.MatchString(val) {
				bad("ref=%q: want a name of letters, digits, _ . and -", val)
				continue
			}
			tag.ref = val
		case "type":
			if k != kUnmarshal && k != kText && k != kAny {
				bad("type applies to types that decode themselves (json.Unmarshaler) and any, not %s", f.typ)
				continue
			}
			switch val {
			case "string", "number", "integer", "boolean", "object", "array", "null":
			default:
				bad("type=%s: want string, number, integer, boolean, object, array or null", val)
				continue
			}
			tag.jsonType = val
		default:
			if s := closestName(key, strings.Split(tagKeys, ", ")); s != "" {
				bad("unknown key %q; did you mean %s? (known: %s)", key, s, tagKeys)
			} else {
				bad("unknown key %q (known: %s)", key, tagKeys)
			}
		}
	}
	if tag.hasDef {
		ts.checkDefault(tag, f, base, k, bad)
	}
	if tag.min != "" && tag.max != "" && compareNum(tag.min, tag.max) > 0 {
		bad("min %s is greater than max %s", tag.min, tag.max)
	}
	if tag.minLength >= 0 && tag.maxLength >= 0 && tag.minLength > tag.maxLength {
		bad("minLength %d is greater than maxLength %d", tag.minLength, tag.maxLength)
	}
	return tag
}

// checkDefault turns tag.def into a JSON literal of the field's type and
// checks it against the field's other constraints.
func (ts *typeSetImpl) checkDefault(tag *mcpTag, f *fieldInfo, base types.Type, k tkind, bad func(string, ...any)) {
	raw := tag.def
	switch k {
	case kBool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			bad("default=%s: want true or false", raw)
			return
		}
		tag.def = strconv.FormatBool(b)
	case kString, kInt, kUint, kFloat:
		js, err := literalFor(base, k, raw)
		if err != "" {
			bad("default=%s: %s", raw, err)
			return
		}
		tag.def = js
	case kDuration:
		switch tag.format {
		case "duration":
			if _, err := time.ParseDuration(raw); err != nil {
				bad("default=%s: want a Go duration such as 1h30m", raw)
				return
			}
			tag.def = jsonQuote(raw)
		case "nanoseconds":
			js, err := literalFor(base, kInt, raw)
			if err != "" {
				bad("default=%s: %s", raw, err)
				return
			}
			tag.def = js
		}
		return
	default:
		bad("default applies to strings, numbers, booleans and durations, not %s", f.typ)
		tag.hasDef = false
		return
	}
	if tag.min != "" && compareNum(tag.def, tag.min) < 0 || tag.max != "" && compareNum(tag.def, tag.max) > 0 {
		bad("default %s is outside [min, max]", tag.def)
	}
	if k == kString {
		n := utf8.RuneCountInString(raw)
		if tag.minLength >= 0 && n < tag.minLength || tag.maxLength >= 0 && n > tag.maxLength {
			bad("default %s does not fit minLength/maxLength", tag.def)
		}
		if re, err := regexp.Compile(tag.pattern); tag.pattern != "" && err == nil && !re.MatchString(raw) {
			bad("default %s does not match the pattern %s", tag.def, tag.pattern)
		}
	}
	allowed := tag.enum
	if !tag.hasEnum {
		if e := ts.enumOf(base); e != nil {
			for _, v := range e.values {
				allowed = append(allowed, v.json)
			}
		}
	}
	if len(allowed) > 0 {
		found := false
		for _, a := range allowed {
			found = found || a == tag.def
		}
		if !found {
			bad("default %s is not one of the enum values", tag.def)
		}
	}
}

func (e *enumInfo) has(js string) bool {
	for _, v := range e.values {
		if v.json == js {
			return true
		}
	}
	return false
}

// literalFor parses s as a value of the string or numeric type t and
// returns its JSON literal, or an error text.
func literalFor(t types.Type, k tkind, s string) (string, string) {
	switch k {
	case kString:
		return jsonQuote(s), ""
	case kInt, kUint:
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return "", "want an integer"
		}
		_, _, minJS, maxJS := intRangeOf(t)
		if minJS != "" && n.Cmp(bigOf(minJS)) < 0 || maxJS != "" && n.Cmp(bigOf(maxJS)) > 0 {
			return "", "out of range for " + types.TypeString(t, nil)
		}
		return n.String(), ""
	case kFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", "want a number"
		}
		return strconv.FormatFloat(f, 'g', -1, 64), ""
	}
	return "", "not a string or number type"
}

// intRangeOf is intRange with the full bounds of int and int64 (used for
// checking tag values, not for the schema).
func intRangeOf(t types.Type) (string, string, string, string) {
	minGo, maxGo, minJS, maxJS := intRange(t)
	switch maxGo {
	case "MaxInt64", "MaxInt":
		minJS, maxJS = "-9223372036854775808", "9223372036854775807"
	case "MaxUint64", "MaxUint":
		maxJS = "18446744073709551615"
	}
	return minGo, maxGo, minJS, maxJS
}

func bigOf(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 10)
	return n
}

// compareNum compares two JSON number literals.
func compareNum(a, b string) int {
	x, _, errA := big.ParseFloat(a, 10, 200, big.ToNearestEven)
	y, _, errB := big.ParseFloat(b, 10, 200, big.ToNearestEven)
	if errA != nil || errB != nil {
		return 0
	}
	return x.Cmp(y)
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(isLetterOrDigit(c) && c < 128) && !strings.ContainsRune("!#$%&'*+-.^_`|~", c) {
			return false
		}
	}
	return true
}
