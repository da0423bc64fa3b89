package gen

// The //mcp:schema directive: JSON Schema keywords that Go types cannot
// say (cross-field rules such as allOf/anyOf/oneOf/not, if/then/else,
// dependentRequired; $anchor, examples, $comment...), written on a struct
// type and added to that type's schema wherever it appears:
//
//	// ContactInput is how to reach someone.
//	//
//	//mcp:schema json=`{"anyOf":[{"required":["phone"]},{"required":["email"]}]}`
//	type ContactInput struct { ... }
//
// The members are written after the generated ones, in the order given,
// from the user's own JSON text (compacted), never through a Go map. The
// generated decoder does not enforce them: they tell the model what is
// expected, and the function itself must still check what it relies on.
// Several //mcp:schema lines on one type add up, in order.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"unicode/utf8"
)

// ownedSelfKeys are the keywords an //mcp:schema directive on a type
// that marshals itself may not set: everything else (type, enum, format,
// pattern, properties...) describes what its methods read and write.
var ownedSelfKeys = map[string]string{
	"description": "mcpgen writes it from the type's doc comment",
	"$ref":        "mcpgen writes it for ref= tags and recursive types",
	"$defs":       "mcpgen writes it at the root, for ref= tags and recursive types",
	"$schema":     "mcpgen writes it on roots that have $defs",
	"$id":         "it would change the base URI that the generated \"#/$defs/...\" references resolve against",
}

// selfCoding reports whether values of t are written and read by its own
// methods (MarshalJSON or MarshalText, UnmarshalJSON or UnmarshalText).
func selfCoding(t types.Type) bool {
	k, kIn := classifyType(t, true), classifyType(t, false)
	return k == kUnmarshal || k == kText || kIn == kUnmarshal || kIn == kText
}

// schemaDir is one //mcp:schema directive and the type it is on.
type schemaDir struct {
	spec *ast.TypeSpec
	dir  *directive
}

// placeSchema checks where an //mcp:schema directive stands and keeps it
// when it is on a type declaration; whether the type is a struct is
// checked with the type information in scanSchemas.
func (g *generator) placeSchema(owner ast.Node, dir *directive) {
	const want = "it must be in the doc comment of a type declaration (a struct, or a type that marshals itself)"
	switch owner := owner.(type) {
	case *ast.TypeSpec:
		g.schemaDirs = append(g.schemaDirs, schemaDir{spec: owner, dir: dir})
	case *ast.File:
		g.d.errorf(dir.Pos, "//mcp:schema is in the package doc comment; %s", want)
	case *ast.FuncDecl:
		g.d.errorf(dir.Pos, "//mcp:schema is on function %s; %s", owner.Name.Name, want)
	case *ast.GenDecl:
		if owner.Tok == token.TYPE {
			g.d.errorf(dir.Pos, "//mcp:schema is on a group of type declarations; put it in the doc comment of one type inside the group")
		} else {
			g.d.errorf(dir.Pos, "//mcp:schema is on a %s declaration; %s", owner.Tok, want)
		}
	default:
		g.d.errorf(dir.Pos, "//mcp:schema is not in a doc comment; %s", want)
	}
}

// scanSchemas checks every //mcp:schema directive and records what it adds
// in g.keywords.
func (g *generator) scanSchemas() {
	type seenKey struct {
		obj *types.TypeName
		key string
	}
	first := map[seenKey]token.Pos{}
	for _, sd := range g.schemaDirs {
		name := sd.spec.Name.Name
		obj, _ := g.pkg.TypesInfo.Defs[sd.spec.Name].(*types.TypeName)
		if obj == nil {
			continue // a type error the loader reported
		}
		ok := true
		self := false // a type that marshals itself: the keywords are its whole schema
		switch {
		case obj.IsAlias():
			g.d.errorf(sd.dir.Pos, "//mcp:schema is on alias %s; put it on the struct type declaration the alias names", name)
			ok = false
		default:
			_, isStruct := obj.Type().Underlying().(*types.Struct)
			self = !isStruct && selfCoding(obj.Type())
			if !isStruct && !self {
				g.d.errorf(sd.dir.Pos, "//mcp:schema is on type %s, which is neither a struct nor a type that marshals itself (MarshalJSON, MarshalText); its schema comes from its Go type: use mcp tags on the fields of this type, or typed constants for an enum", name)
				ok = false
			}
		}
		a := sd.dir.get("json")
		if a == nil {
			if sd.dir.dropped {
				continue // a misspelt key, already reported
			}
			g.d.errorf(sd.dir.Pos, "//mcp:schema needs json=`{...}`: a JSON object of schema keywords, such as json=`{\"$comment\":\"...\"}`")
			continue
		}
		// at maps an offset into the value to a position: exact for a
		// `...` value, the value's start for a "..." one (escapes move
		// the offsets).
		at := func(off int) token.Pos {
			if a.Raw {
				return a.ValuePos + 1 + token.Pos(off)
			}
			return a.ValuePos
		}
		members, err := splitObject([]byte(a.Value))
		if err != nil {
			var oe *objectError
			errors.As(err, &oe)
			g.d.errorf(at(oe.Off), "//mcp:schema on %s: json %s", name, oe.Msg)
			continue
		}
		var kept []SchemaMember
		for _, m := range members {
			why, owned := OwnedStructKeyword(m.Key)
			if self {
				why, owned = ownedSelfKeys[m.Key]
			}
			if owned {
				g.d.errorf(at(m.Off), "//mcp:schema on %s: remove %q: %s", name, m.Key, why)
				ok = false
				continue
			}
			k := seenKey{obj, m.Key}
			if p, dup := first[k]; dup {
				g.d.errorf(at(m.Off), "//mcp:schema on %s: duplicate key %q (also at %s)", name, m.Key, g.d.at(p))
				ok = false
				continue
			}
			first[k] = at(m.Off)
			kept = append(kept, SchemaMember{Key: m.Key, Value: m.Value, Pos: at(m.Off)})
		}
		if ok {
			if g.keywords == nil {
				g.keywords = map[*types.TypeName][]SchemaMember{}
			}
			g.keywords[obj] = append(g.keywords[obj], kept...)
		}
	}
}

// objectMember is one member of a JSON object: its key (unquoted), its
// value as compact JSON, and the byte offset of the key in the text.
type objectMember struct {
	Key   string
	Value []byte
	Off   int
}

// objectError is a problem with a JSON object's text at byte offset Off.
type objectError struct {
	Off int
	Msg string
}

func (e *objectError) Error() string { return fmt.Sprintf("offset %d: %s", e.Off, e.Msg) }

// splitObject returns the members of the JSON object in data in the order
// they are written, each value compacted. It fails (with an *objectError)
// on invalid UTF-8, invalid JSON, a value that is not an object, and a key
// given twice (which JSON Schema tools resolve differently).
func splitObject(data []byte) ([]objectMember, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, &objectError{off, "is not valid UTF-8"}
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		off := len(data)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = max(int(se.Offset)-1, 0)
		}
		return nil, &objectError{off, "is not valid JSON: " + err.Error()}
	}
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return nil, &objectError{i, fmt.Sprintf("must be a JSON object of schema keywords ({\"keyword\": value, ...}), not %s", jsonKind(data[i]))}
	}
	var members []objectMember
	seen := map[string]bool{}
	i = skipSpace(data, i+1)
	for data[i] != '}' {
		// The text is valid JSON, so the shape is known: "key" : value [,]
		kEnd := stringEnd(data, i)
		var key string
		_ = json.Unmarshal(data[i:kEnd], &key) // a valid JSON string
		if seen[key] {
			return nil, &objectError{i, fmt.Sprintf("has the key %q twice", key)}
		}
		seen[key] = true
		v := skipSpace(data, skipSpace(data, kEnd)+1) // past the colon
		vEnd := valueEnd(data, v)
		var buf bytes.Buffer
		_ = json.Compact(&buf, data[v:vEnd]) // a valid JSON value
		members = append(members, objectMember{Key: key, Value: buf.Bytes(), Off: i})
		i = skipSpace(data, vEnd)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return members, nil
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string starting at
// data[i] (a '"').
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// valueEnd returns the index just past the valid JSON value starting at
// data[i].
func valueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = stringEnd(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	j := i // a number, true, false or null runs to the next delimiter
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j
		}
		j++
	}
	return j
}
