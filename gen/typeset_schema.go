package gen

// JSON Schema (2020-12) from go/types. Schemas are built as a small tree
// and written by hand in a fixed key order, so the output is byte-identical
// across runs; nothing here ranges over a map while writing.

import (
	"bytes"
	"encoding/json"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// goDurationPattern matches what time.ParseDuration accepts.
const goDurationPattern = `^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// schema is one JSON Schema node. Fields are written in the order below.
type schemaNode struct {
	ref             *defEntry
	typ             string
	nullable        bool // the value may be null (output: nil; input: an optional member left unset)
	zeroEnum        bool // output: the zero value was added to enum (see build)
	title           string
	desc            string
	format          string
	contentEncoding string
	hasProps        bool
	props           []namedSchema
	required        []string
	closed          bool        // additionalProperties: false
	addl            *schemaNode // additionalProperties: schema
	items           *schemaNode
	minItems        int // -1 unset
	maxItems        int
	enum            []string // JSON literals
	minimum         string   // JSON number literals
	maximum         string
	minLength       int // -1 unset
	maxLength       int
	pattern         string
	def             string // JSON literal
	header          string
	defs            []*defEntry
	dialect         bool           // emit "$schema" (roots with $defs)
	extra           []SchemaMember // from //mcp:schema, written last
}

// ownedStructKeys are the keywords the writer below may put on the schema
// of a struct type (the node itself, not a $ref to it), with where each
// comes from: an //mcp:schema directive that set one would write it twice
// or contradict the generated decoder.
var ownedStructKeys = map[string]string{
	"type":                 "mcpgen writes it from the Go type",
	"properties":           "mcpgen writes it from the struct's fields",
	"required":             "mcpgen writes it from the fields (a field is optional with omitempty, omitzero, a pointer type or a default)",
	"additionalProperties": "mcpgen writes it, always false: the generated decoder rejects unknown members",
	"description":          "mcpgen writes it from the type's doc comment (or a field's mcp:\"description=...\" tag)",
	"title":                "set it on the field with an mcp:\"title=...\" tag",
	"default":              "set it on the field with an mcp:\"default=...\" tag",
	"x-mcp-header":         "set it on the field with an mcp:\"header=...\" tag",
	"$ref":                 "mcpgen writes it for ref= tags and recursive types",
	"$defs":                "mcpgen writes it at the root, for ref= tags and recursive types",
	"$schema":              "mcpgen writes it on roots that have $defs",
	"$id":                  "it would change the base URI that the generated \"#/$defs/...\" references resolve against",
}

type namedSchema struct {
	name string
	s    *schemaNode
}

func newSchema(typ string) *schemaNode {
	return &schemaNode{typ: typ, minItems: -1, maxItems: -1, minLength: -1, maxLength: -1}
}

// defEntry is one member of $defs.
type defEntry struct {
	key   string
	hint  string
	fixed bool   // named by an mcp:"ref=NAME" tag: hint is the exact name
	name  string // assigned by finish
	si    *structInfo
	s     *schemaNode
}

// schemaBuilder builds the schema of one root, collecting $defs.
type schemaBuilder struct {
	ts      *typeSetImpl
	output  bool
	defs    map[string]*defEntry
	order   []*defEntry
	anchors map[*types.TypeName]bool // types with an anchor written so far
}

func newSchemaBuilder(ts *typeSetImpl, output bool) *schemaBuilder {
	return &schemaBuilder{ts: ts, output: output, defs: map[string]*defEntry{}, anchors: map[*types.TypeName]bool{}}
}

// anchorKeys name a location in the schema document, so each may be
// written only once per document.
var anchorKeys = map[string]bool{"$anchor": true, "$dynamicAnchor": true}

// checkAnchors reports a struct type whose //mcp:schema keywords hold an
// anchor and that is written a second time in the schema being built:
// two equal anchors in one document make it invalid JSON Schema.
func (b *schemaBuilder) checkAnchors(obj *types.TypeName, members []SchemaMember) {
	for _, m := range members {
		if !anchorKeys[m.Key] {
			continue
		}
		if b.anchors[obj] {
			b.ts.errorf(m.Pos, "//mcp:schema on %s: %s must be unique in a schema, and %s appears in one more than once; tag the fields that use it with mcp:\"ref=NAME\" to write it once, in $defs", obj.Name(), m.Key, obj.Name())
		}
		b.anchors[obj] = true
		return
	}
}

// rootSchema is the schema of an arguments object.
func (ts *typeSetImpl) rootSchema(si *structInfo, output bool) *schemaNode {
	b := newSchemaBuilder(ts, output)
	s := b.structSchema(si)
	b.finish(s)
	return s
}

// fixedDef returns the $defs entry named by an mcp:"ref=NAME" tag. The
// same name used for two different struct types keeps the first type and
// names the second NAME2, deterministically, as for automatic names.
func (b *schemaBuilder) fixedDef(name string, si *structInfo) *defEntry {
	key := "ref:" + name + ":" + si.key
	if e := b.defs[key]; e != nil {
		return e
	}
	e := &defEntry{key: key, hint: name, fixed: true, si: si}
	b.defs[key] = e
	b.order = append(b.order, e)
	return e
}

// finish builds pending $defs, names them deterministically and attaches
// them to root. A root with $defs also declares its dialect with
// "$schema", since $defs/$ref are where 2020-12 and older drafts differ.
func (b *schemaBuilder) finish(root *schemaNode) {
	for i := 0; i < len(b.order); i++ { // order grows while defs are built
		e := b.order[i]
		if e.s == nil {
			e.s = b.structSchema(e.si)
			e.s.desc = strings.TrimSpace(b.ts.docs(e.si.named.Obj().Pos()))
		}
	}
	if len(b.order) == 0 {
		return
	}
	entries := append([]*defEntry(nil), b.order...)
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].fixed != entries[j].fixed {
			return entries[i].fixed // ref=NAME entries claim their names first
		}
		if entries[i].hint != entries[j].hint {
			return entries[i].hint < entries[j].hint
		}
		return entries[i].key < entries[j].key
	})
	used := map[string]bool{}
	for _, e := range entries {
		name := e.hint
		for n := 2; used[name]; n++ {
			name = e.hint + strconv.Itoa(n)
		}
		used[name] = true
		e.name = name
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	root.defs = entries
	root.dialect = true
}

// recursive reports whether named struct t can contain itself.
func (ts *typeSetImpl) recursive(t types.Type, output bool) bool {
	target := typeKey(t)
	memo := target
	if output {
		memo = "out:" + memo
	}
	if r, ok := ts.recur[memo]; ok {
		return r
	}
	r := ts.reaches(t, target, output)
	ts.recur[memo] = r
	return r
}

// reaches reports whether the fields of t lead back to the type target.
func (ts *typeSetImpl) reaches(t types.Type, target string, output bool) bool {
	seen := map[string]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		t = types.Unalias(t)
		switch classifyType(t, output) {
		case kPointer:
			return walk(t.Underlying().(*types.Pointer).Elem())
		case kSlice:
			return walk(t.Underlying().(*types.Slice).Elem())
		case kArray:
			return walk(t.Underlying().(*types.Array).Elem())
		case kMap:
			return walk(t.Underlying().(*types.Map).Elem())
		case kStruct:
			k := typeKey(t)
			if k == target && len(seen) > 0 {
				return true
			}
			if seen[k] {
				return false
			}
			seen[k] = true
			for _, f := range ts.structOf(t, output).fields {
				if walk(f.typ) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}

// structSchema is the closed object schema of a struct.
func (b *schemaBuilder) structSchema(si *structInfo) *schemaNode {
	s := newSchema("object")
	s.hasProps = true
	s.closed = true
	if si.named != nil {
		s.extra = b.ts.keywords[si.named.Obj()]
		b.checkAnchors(si.named.Obj(), s.extra)
	}
	for _, f := range si.fields {
		fs := b.build(f.typ, f.tag)
		switch {
		case !b.output:
			// on input, null is a nil pointer: accepted for pointer
			// members (which are optional), nowhere else
			fs.nullable = classifyType(f.typ, false) == kPointer
		case f.omit:
			// omitempty: nil is left out, not null; but a non-nil pointer
			// to a nil pointer, slice or map is written as null
			fs.nullable = nilInside(f.typ)
			if fs.zeroEnum && classifyType(f.typ, true) != kPointer {
				// and so is the zero value of an enum
				fs.enum = fs.enum[1:]
				fs.zeroEnum = false
			}
		}
		if f.doc != "" && (f.tag == nil || f.tag.desc == "") {
			fs.desc = f.doc
		}
		s.props = append(s.props, namedSchema{f.name, fs})
		if f.required {
			s.required = append(s.required, f.name)
		}
	}
	return s
}

// nilInside reports whether a non-nil value of t can still encode as
// null: a pointer to a pointer, slice or map.
func nilInside(t types.Type) bool {
	p, ok := types.Unalias(t).Underlying().(*types.Pointer)
	if !ok || classifyType(t, true) != kPointer {
		return false
	}
	switch classifyType(p.Elem(), true) {
	case kPointer, kSlice, kMap, kBytes:
		return true
	}
	return false
}

// build returns the schema of a value of type t; tag (may be nil) holds
// the constraints of the field, applied after pointers.
func (b *schemaBuilder) build(t types.Type, tag *mcpTag) *schemaNode {
	t = types.Unalias(t)
	var s *schemaNode
	switch classifyType(t, b.output) {
	case kBool:
		s = newSchema("boolean")
	case kString:
		s = newSchema("string")
		b.enum(s, t)
	case kInt, kUint:
		s = newSchema("integer")
		_, _, s.minimum, s.maximum = intRange(t)
		b.enum(s, t)
	case kFloat, kNumber:
		s = newSchema("number")
	case kTime:
		s = newSchema("string")
		s.format = "date-time"
	case kURL:
		s = newSchema("string")
		s.format = "uri"
	case kDuration:
		if !b.output && tag != nil && tag.format == "duration" {
			s = newSchema("string")
			s.pattern = goDurationPattern
		} else {
			s = newSchema("integer")
		}
	case kBytes:
		s = newSchema("string")
		s.contentEncoding = "base64"
		s.nullable = b.output
	case kRaw, kAny, kUnmarshal:
		s = newSchema("")
		b.selfSchema(s, t)
	case kText:
		s = newSchema("string")
		b.selfSchema(s, t)
	case kPointer:
		s = b.build(t.Underlying().(*types.Pointer).Elem(), tag)
		s.nullable = b.output
		return s
	case kSlice:
		s = newSchema("array")
		s.items = b.build(t.Underlying().(*types.Slice).Elem(), readFormat(tag))
		s.nullable = b.output
	case kArray:
		a := t.Underlying().(*types.Array)
		s = newSchema("array")
		s.items = b.build(a.Elem(), readFormat(tag))
		s.minItems, s.maxItems = int(a.Len()), int(a.Len())
	case kMap:
		s = newSchema("object")
		s.addl = b.build(t.Underlying().(*types.Map).Elem(), readFormat(tag))
		s.nullable = b.output
	case kStruct:
		si := b.ts.structOf(t, b.output)
		if tag != nil && tag.ref != "" {
			s = newSchema("")
			s.ref = b.fixedDef(tag.ref, si)
		} else if si.named != nil && b.ts.recursive(t, b.output) {
			e := b.defs[si.key]
			if e == nil {
				e = &defEntry{key: si.key, hint: si.hint, si: si}
				b.defs[si.key] = e
				b.order = append(b.order, e)
			}
			s = newSchema("")
			s.ref = e
		} else {
			s = b.structSchema(si)
		}
	default:
		s = newSchema("")
	}
	if n, ok := t.(*types.Named); ok && s.ref == nil && n.Obj().Pkg() != nil {
		if d := strings.TrimSpace(b.ts.docs(n.Obj().Pos())); d != "" {
			s.desc = d
		}
	}
	k := classifyType(t, b.output)
	if tag != nil {
		applyTag(s, tag, k == kUnmarshal || k == kText || k == kAny, b.output)
		if k == kTime && b.output {
			s.format = "date-time" // encoding/json writes RFC 3339 whatever the tag says
		}
		if k == kDuration {
			s.format = "" // format=duration on time.Duration means Go syntax: the pattern says it
		}
	}
	if len(s.extra) > 0 {
		// a field's tag wins over the same keyword declared on its type
		var kept []SchemaMember
		for _, m := range s.extra {
			if !s.writes(m.Key) {
				kept = append(kept, m)
			}
		}
		s.extra = kept
	}
	if b.output && len(s.enum) > 0 && (k == kString || k == kInt || k == kUint) {
		// a Go value of an enum type may hold its zero value, which the
		// encoder writes like any other
		zero := "0"
		if k == kString {
			zero = `""`
		}
		if !tsContains(s.enum, zero) {
			s.enum = append([]string{zero}, s.enum...)
			s.zeroEnum = true
		}
	}
	return s
}

// selfSchema makes the //mcp:schema keywords of a type that marshals
// itself its schema (they say what its methods read and write).
func (b *schemaBuilder) selfSchema(s *schemaNode, t types.Type) {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return
	}
	for _, m := range b.ts.keywords[n.Obj()] {
		if m.Key == "type" {
			// the directive's type replaces the default; a single type
			// is written as mcpgen writes types, so null can join it
			var one string
			if json.Unmarshal(m.Value, &one) == nil {
				s.typ = one
				continue
			}
			s.typ = ""
		}
		s.extra = append(s.extra, m)
	}
}

// enum adds the typed constants of t, if any.
func (b *schemaBuilder) enum(s *schemaNode, t types.Type) {
	if e := b.ts.enumOf(t); e != nil {
		for _, v := range e.values {
			s.enum = append(s.enum, v.json)
		}
	}
}

// applyTag copies the constraints of an mcp tag onto s. Output schemas
// take only the annotations: the value constraints (enum, min, max,
// lengths, pattern, format) are checks the decoder makes on input, and
// nothing checks a result against them, so advertising them would
// promise what the encoder does not guarantee.
func applyTag(s *schemaNode, tag *mcpTag, selfDecoding, output bool) {
	if tag.hasDef {
		s.def = tag.def
	}
	if tag.title != "" {
		s.title = tag.title
	}
	if tag.desc != "" {
		s.desc = tag.desc
	}
	if tag.header != "" {
		s.header = tag.header
	}
	if tag.jsonType != "" && selfDecoding {
		s.typ = tag.jsonType
	}
	if output {
		return
	}
	if tag.hasEnum {
		s.enum = tag.enum
	}
	if tag.min != "" {
		s.minimum = tag.min
	}
	if tag.max != "" {
		s.maximum = tag.max
	}
	if tag.minLength >= 0 {
		s.minLength = tag.minLength
	}
	if tag.maxLength >= 0 {
		s.maxLength = tag.maxLength
	}
	if tag.pattern != "" {
		s.pattern = tag.pattern
	}
	if tag.format != "" && tag.format != "nanoseconds" && s.typ != "array" && s.typ != "object" {
		s.format = tag.format
	}
}

// writes reports whether s writes keyword key itself.
func (s *schemaNode) writes(key string) bool {
	switch key {
	case "enum":
		return len(s.enum) > 0
	case "pattern":
		return s.pattern != ""
	case "format":
		return s.format != ""
	case "minimum":
		return s.minimum != ""
	case "maximum":
		return s.maximum != ""
	case "minLength":
		return s.minLength >= 0
	case "maxLength":
		return s.maxLength >= 0
	case "default":
		return s.def != ""
	case "title":
		return s.title != ""
	case "type":
		return s.typ != ""
	}
	return false
}

// json writes s as canonical JSON.
func (s *schemaNode) json() []byte {
	var buf bytes.Buffer
	s.write(&buf)
	return buf.Bytes()
}

// write emits the members of s in a fixed order.
func (s *schemaNode) write(buf *bytes.Buffer) {
	buf.WriteByte('{')
	first := true
	key := func(k string) {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.WriteString(jsonQuote(k))
		buf.WriteByte(':')
	}
	str := func(k, v string) {
		if v != "" {
			key(k)
			buf.WriteString(jsonQuote(v))
		}
	}
	num := func(k string, v int) {
		if v >= 0 {
			key(k)
			buf.WriteString(strconv.Itoa(v))
		}
	}
	if s.dialect {
		str("$schema", "https://json-schema.org/draft/2020-12/schema")
	}
	if s.ref != nil {
		if s.nullable {
			key("anyOf")
			buf.WriteString(`[{"$ref":` + jsonQuote("#/$defs/"+s.ref.name) + `},{"type":"null"}]`)
		} else {
			str("$ref", "#/$defs/"+s.ref.name)
		}
	}
	if s.typ != "" {
		key("type")
		if s.nullable && s.typ != "null" {
			buf.WriteString("[" + jsonQuote(s.typ) + `,"null"]`)
		} else {
			buf.WriteString(jsonQuote(s.typ))
		}
	}
	str("title", s.title)
	str("description", s.desc)
	str("format", s.format)
	str("contentEncoding", s.contentEncoding)
	if s.hasProps {
		key("properties")
		buf.WriteByte('{')
		for i, p := range s.props {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(jsonQuote(p.name))
			buf.WriteByte(':')
			p.s.write(buf)
		}
		buf.WriteByte('}')
	}
	if len(s.required) > 0 {
		key("required")
		buf.WriteByte('[')
		for i, r := range s.required {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(jsonQuote(r))
		}
		buf.WriteByte(']')
	}
	if s.closed {
		key("additionalProperties")
		buf.WriteString("false")
	} else if s.addl != nil {
		key("additionalProperties")
		s.addl.write(buf)
	}
	if s.items != nil {
		key("items")
		s.items.write(buf)
	}
	num("minItems", s.minItems)
	num("maxItems", s.maxItems)
	if len(s.enum) > 0 {
		key("enum")
		buf.WriteByte('[')
		buf.WriteString(strings.Join(s.enum, ","))
		if s.nullable {
			buf.WriteString(",null")
		}
		buf.WriteByte(']')
	}
	if s.minimum != "" {
		key("minimum")
		buf.WriteString(s.minimum)
	}
	if s.maximum != "" {
		key("maximum")
		buf.WriteString(s.maximum)
	}
	num("minLength", s.minLength)
	num("maxLength", s.maxLength)
	str("pattern", s.pattern)
	if s.def != "" {
		key("default")
		buf.WriteString(s.def)
	}
	str("x-mcp-header", s.header)
	if len(s.defs) > 0 {
		key("$defs")
		buf.WriteByte('{')
		for i, e := range s.defs {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(jsonQuote(e.name))
			buf.WriteByte(':')
			e.s.write(buf)
		}
		buf.WriteByte('}')
	}
	for _, m := range s.extra {
		key(m.Key)
		buf.Write(m.Value)
	}
	buf.WriteByte('}')
}

// jsonQuote returns s as a JSON string without HTML escaping.
func jsonQuote(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}
