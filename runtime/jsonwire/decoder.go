// Package jsonwire reads JSON without reflection. Generated argument
// decoders and the protocol core use it: a Decoder walks one JSON document
// token by token, keeps the path of the value it is on (for error
// messages such as "items[2].name: expected string, got number"), stops
// at the first syntax error, and collects type and validation errors
// without stopping so one call reports every problem with the arguments.
//
// The syntax accepted is strict RFC 8259 with the same choices as
// encoding/json, so a document is syntactically valid here exactly when
// json.Valid accepts it:
//   - invalid UTF-8 inside strings is accepted and each bad byte reads as
//     U+FFFD (encoding/json does the same);
//   - a \u escape of a lone or mismatched surrogate reads as U+FFFD;
//   - nesting deeper than 10000 arrays and objects is a syntax error
//     (the Decoder keeps its own stack, so hostile input cannot overflow
//     the goroutine stack);
//   - duplicate object keys are reported to the caller one after the
//     other (generated code lets the later one win).
//
// The package also writes JSON strings (AppendString) for the core's
// response encoder.
package jsonwire

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

const (
	// maxDepth matches encoding/json's limit so that both agree on
	// which documents are valid.
	maxDepth = 10000
	// maxErrors bounds the memory a hostile document can make the
	// Decoder spend on error records; the rest are only counted.
	maxErrors = 20
	// inlineFrames containers are tracked without allocating; deeper
	// documents spill into a heap slice.
	inlineFrames = 16
)

// Kind is the kind of the next JSON value.
type Kind uint8

const (
	Invalid Kind = iota // syntax error or end of input
	Null
	Bool
	Number
	String
	Array
	Object
)

// String returns the JSON name of the kind, as used in error messages.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "invalid"
}

// kindOf classifies a value by its first byte.
func kindOf(c byte) Kind {
	switch c {
	case 'n':
		return Null
	case 't', 'f':
		return Bool
	case '"':
		return String
	case '[':
		return Array
	case '{':
		return Object
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return Number
	}
	return Invalid
}

// frame is one open array or object that the caller walks with Field or
// Elem.
type frame struct {
	name    string // current member (objects); may alias the input
	n       int    // members or elements seen so far
	obj     bool
	pending bool // the current member's value has not been consumed yet
}

// What the last Field call that returned false closed. It decides which
// object Fail and Missing refer to.
const (
	closedNone   uint8 = iota
	closedObject       // an object's closing brace
	closedFailed       // a value that was not an object (already reported)
)

// Decoder reads one JSON value from a byte slice. The zero value is not
// usable; use NewDecoder or Reset. Methods that read a value consume it
// even when it has the wrong kind (the error is recorded and the value
// skipped), so decoding continues with the next field.
//
// After a syntax error every method returns zero values and Finish
// reports that error alone. On a type or range error the method returns
// the zero value of its result.
//
// The Decoder does not allocate while it reads keys, numbers, booleans
// and nulls of documents nested at most 16 levels deep; it allocates
// for strings it returns, for error records, and for deeper nesting.
type Decoder struct {
	data     []byte
	pos      int
	rootDone bool
	closed   uint8
	depth    int
	frames   [inlineFrames]frame
	more     []frame // frames beyond inlineFrames
	serr     *SyntaxError
	errs     []FieldError
	dropped  int
}

// NewDecoder returns a Decoder over data.
func NewDecoder(data []byte) *Decoder {
	return &Decoder{data: data}
}

// Reset reuses d for data, dropping errors and path.
func (d *Decoder) Reset(data []byte) {
	more := d.more[:0]
	clear(d.more[:cap(d.more)])
	*d = Decoder{data: data, more: more}
}

// Err returns the syntax error that stopped decoding (a *SyntaxError), or
// nil. Type and validation errors are reported by Finish only.
func (d *Decoder) Err() error {
	if d.serr == nil {
		return nil
	}
	return d.serr
}

// frameAt returns the i-th open container, outermost first.
func (d *Decoder) frameAt(i int) *frame {
	if i < inlineFrames {
		return &d.frames[i]
	}
	return &d.more[i-inlineFrames]
}

func (d *Decoder) top() *frame { return d.frameAt(d.depth - 1) }

func (d *Decoder) push(obj bool) bool {
	if d.depth >= maxDepth {
		d.syntax(d.pos-1, "exceeded max depth of 10000 nested arrays and objects")
		return false
	}
	f := frame{obj: obj}
	switch j := d.depth - inlineFrames; {
	case j < 0:
		d.frames[d.depth] = f
	case j < len(d.more):
		d.more[j] = f
	default:
		d.more = append(d.more, f)
	}
	d.depth++
	return true
}

func (d *Decoder) pop() {
	*d.top() = frame{}
	d.depth--
	d.consumed()
}

// pending reports whether a value is expected next: the document itself,
// or the value of the member or element that Field or Elem announced.
func (d *Decoder) pending() bool {
	if d.depth == 0 {
		return !d.rootDone
	}
	return d.top().pending
}

// consumed marks the pending value as read.
func (d *Decoder) consumed() {
	if d.depth == 0 {
		d.rootDone = true
	} else {
		d.top().pending = false
	}
}

func (d *Decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// syntax records the first syntax error; decoding stops there.
func (d *Decoder) syntax(off int, msg string) {
	if d.serr == nil {
		d.serr = &SyntaxError{Offset: off, Msg: msg}
	}
}

// unexpected records a syntax error at the current byte (or at the end
// of input) with context saying what was wanted.
func (d *Decoder) unexpected(context string) {
	if d.pos >= len(d.data) {
		d.syntax(len(d.data), "unexpected end of input")
		return
	}
	d.syntax(d.pos, "invalid character "+quoteChar(d.data[d.pos])+" "+context)
}

func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c >= 0x20 && c < 0x7f:
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// begin starts reading the pending value and returns its first byte.
// ok is false after an error (recorded).
func (d *Decoder) begin(op string) (c byte, ok bool) {
	if d.serr != nil {
		return 0, false
	}
	d.closed = closedNone
	if !d.pending() {
		d.misuse(op)
		return 0, false
	}
	d.ws()
	if d.pos >= len(d.data) {
		d.syntax(len(d.data), "unexpected end of input")
		return 0, false
	}
	c = d.data[d.pos]
	if kindOf(c) == Invalid {
		d.unexpected("looking for beginning of value")
		return 0, false
	}
	return c, true
}

// misuse records a call that has no value to read: a bug in the
// caller, reported instead of corrupting the walk.
func (d *Decoder) misuse(op string) {
	d.recordAt(d.depth, "", "jsonwire: "+op+" called with no value to read")
}

// mismatch records "expected WANT, got KIND" at the value's path and
// skips the value.
func (d *Decoder) mismatch(want string, c byte) {
	d.here("expected " + want + ", got " + kindOf(c).String())
	if d.skipValue() {
		d.consumed()
	}
}

// here records msg at the path of the value just read (or being read).
func (d *Decoder) here(msg string) { d.recordAt(d.depth, "", msg) }

// recordAt records msg at the path made of the first n open containers
// plus name.
func (d *Decoder) recordAt(n int, name, msg string) {
	if len(d.errs) >= maxErrors {
		d.dropped++
		return
	}
	var buf [64]byte
	b := d.appendPath(buf[:0], n)
	if name != "" {
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, name...)
	}
	// One error per field: the first failure of a value (say, "expected
	// string") makes every later check of it (minLength on the zero
	// value left behind) noise.
	for i := range d.errs {
		if d.errs[i].Path == string(b) {
			return
		}
	}
	// string(b) copies, so paths never alias the input.
	d.errs = append(d.errs, FieldError{Path: string(b), Msg: msg})
}

func (d *Decoder) appendPath(b []byte, n int) []byte {
	for i := 0; i < n; i++ {
		f := d.frameAt(i)
		if f.n == 0 {
			continue
		}
		if f.obj {
			if len(b) > 0 {
				b = append(b, '.')
			}
			b = append(b, f.name...)
		} else {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(f.n-1), 10)
			b = append(b, ']')
		}
	}
	return b
}

// Peek returns the kind of the next value without consuming it. It
// returns Invalid after a syntax error (which Peek may itself detect and
// record) and when no value is expected.
func (d *Decoder) Peek() Kind {
	if d.serr != nil || !d.pending() {
		return Invalid
	}
	d.ws()
	if d.pos >= len(d.data) {
		d.syntax(len(d.data), "unexpected end of input")
		return Invalid
	}
	k := kindOf(d.data[d.pos])
	if k == Invalid {
		d.unexpected("looking for beginning of value")
	}
	return k
}

// Null consumes the next value and reports true if it is null; otherwise
// it consumes nothing and reports false.
func (d *Decoder) Null() bool {
	c, ok := d.begin("Null")
	if !ok || c != 'n' {
		return false
	}
	if !d.literal("null") {
		return false
	}
	d.consumed()
	return true
}

// String reads a string value (unescaping it). The result never aliases
// the input, so callers may keep it.
func (d *Decoder) String() string {
	c, ok := d.begin("String")
	if !ok {
		return ""
	}
	if c != '"' {
		d.mismatch("string", c)
		return ""
	}
	s, ok := d.readString(false)
	if !ok {
		return ""
	}
	d.consumed()
	return s
}

// AppendStringValue reads a string value like String but appends its
// unescaped bytes to dst, so a caller that reuses dst reads strings
// without allocating. On error it returns dst unchanged.
func (d *Decoder) AppendStringValue(dst []byte) []byte {
	c, ok := d.begin("AppendStringValue")
	if !ok {
		return dst
	}
	if c != '"' {
		d.mismatch("string", c)
		return dst
	}
	start := d.pos + 1
	end, clean := d.scanString()
	if end < 0 {
		return dst
	}
	d.consumed()
	if clean {
		return append(dst, d.data[start:end-1]...)
	}
	return unescape(dst, d.data[start:end-1])
}

// Bool reads a boolean.
func (d *Decoder) Bool() bool {
	c, ok := d.begin("Bool")
	if !ok {
		return false
	}
	switch c {
	case 't':
		if d.literal("true") {
			d.consumed()
			return true
		}
	case 'f':
		if d.literal("false") {
			d.consumed()
		}
	default:
		d.mismatch("boolean", c)
	}
	return false
}

// number reads a number literal and returns its bytes (aliasing the
// input); ok is false after a type or syntax error (recorded).
func (d *Decoder) number(op, want string) ([]byte, bool) {
	c, ok := d.begin(op)
	if !ok {
		return nil, false
	}
	if kindOf(c) != Number {
		d.mismatch(want, c)
		return nil, false
	}
	start := d.pos
	if !d.scanNumber() {
		return nil, false
	}
	d.consumed()
	return d.data[start:d.pos], true
}

// Int reads an integer in [min, max]. A number with a fraction or
// exponent is accepted when its value is integral (2.0, 1e3); anything
// else, or a value out of range, is recorded as an error.
func (d *Decoder) Int(min, max int64) int64 {
	s, ok := d.number("Int", "integer")
	if !ok {
		return 0
	}
	neg, mag, st := parseInteger(s)
	var v int64
	switch {
	case st == notIntegral:
		d.here("expected integer")
		return 0
	case st == tooLarge:
		ok = false
	case neg:
		ok = mag <= 1<<63
		v = int64(-mag) // two's complement: -(1<<63) is MinInt64
	default:
		ok = mag <= 1<<63-1
		v = int64(mag)
	}
	if !ok || v < min || v > max {
		d.here("must be between " + strconv.FormatInt(min, 10) + " and " + strconv.FormatInt(max, 10))
		return 0
	}
	return v
}

// Uint reads a non-negative integer <= max. Fractions and exponents are
// accepted as for Int.
func (d *Decoder) Uint(max uint64) uint64 {
	s, ok := d.number("Uint", "integer")
	if !ok {
		return 0
	}
	neg, mag, st := parseInteger(s)
	switch {
	case st == notIntegral:
		d.here("expected integer")
		return 0
	case st == tooLarge || (neg && mag != 0) || mag > max:
		d.here("must be between 0 and " + strconv.FormatUint(max, 10))
		return 0
	}
	return mag
}

// Float reads a number as float64 (bits 32 or 64: a value out of float32
// range is an error when bits is 32). Values too small to represent read
// as zero, as with encoding/json.
func (d *Decoder) Float(bits int) float64 {
	s, ok := d.number("Float", "number")
	if !ok {
		return 0
	}
	if bits != 32 {
		bits = 64
	}
	// ParseFloat does not keep its argument (its errors copy it), so
	// the aliasing string is safe here.
	f, err := strconv.ParseFloat(unsafe.String(&s[0], len(s)), bits)
	if err != nil {
		d.here("number out of range for float" + strconv.Itoa(bits))
		return 0
	}
	return f
}

// Raw returns the bytes of the next value, whatever its kind, after
// checking its syntax. The slice aliases the input.
func (d *Decoder) Raw() []byte {
	if _, ok := d.begin("Raw"); !ok {
		return nil
	}
	start := d.pos
	if !d.skipValue() {
		return nil
	}
	d.consumed()
	return d.data[start:d.pos]
}

// Skip consumes the next value.
func (d *Decoder) Skip() {
	if _, ok := d.begin("Skip"); !ok {
		return
	}
	if d.skipValue() {
		d.consumed()
	}
}

// Field advances to the next member of the current object and returns its
// name; ok is false after the closing brace, or on error. The first call
// consumes '{' (a value that is not an object records a type error, is
// skipped, and ok is false). The caller must consume the member's value
// (read it or Skip it) before calling Field again. While the value is
// read, the name is on the path used in error messages.
//
// The name aliases the input when it has no escapes: it is valid only
// while the input is unchanged, so copy it (strings.Clone) to keep it.
// Comparing it or passing it to UnknownField, Fail or Missing is safe.
//
//	for name, ok := d.Field(); ok; name, ok = d.Field() {
//		switch name { case "city": v.City = d.String(); default: d.UnknownField(name) }
//	}
func (d *Decoder) Field() (name string, ok bool) {
	if d.serr != nil {
		return "", false
	}
	d.closed = closedNone
	if d.depth > 0 {
		if f := d.top(); f.obj && !f.pending {
			return d.nextMember(f)
		}
	} else if d.rootDone {
		return "", false
	}
	c, ok := d.begin("Field")
	if !ok {
		return "", false
	}
	if c != '{' {
		d.mismatch("object", c)
		d.closed = closedFailed
		return "", false
	}
	d.pos++
	if !d.push(true) {
		return "", false
	}
	return d.nextMember(d.top())
}

// nextMember reads up to and including the ':' of the next member of the
// open object f, or its closing brace.
func (d *Decoder) nextMember(f *frame) (string, bool) {
	d.ws()
	if d.pos >= len(d.data) {
		d.unexpected("")
		return "", false
	}
	switch c := d.data[d.pos]; {
	case c == '}':
		d.pos++
		d.pop()
		d.closed = closedObject
		return "", false
	case f.n == 0:
		// the first key follows '{'
	case c == ',':
		d.pos++
		d.ws()
	default:
		d.unexpected("after object key:value pair")
		return "", false
	}
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		d.unexpected("looking for beginning of object key string")
		return "", false
	}
	name, ok := d.readString(true)
	if !ok {
		return "", false
	}
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		d.unexpected("after object key")
		return "", false
	}
	d.pos++
	f.name = name
	f.n++
	f.pending = true
	return name, true
}

// Elem advances to the next element of the current array; ok is false
// after ']' or on error. The first call consumes '['. While the element is
// read, its index is on the path.
//
//	for i, ok := d.Elem(); ok; i, ok = d.Elem() { v = append(v, d.String()) }
func (d *Decoder) Elem() (index int, ok bool) {
	if d.serr != nil {
		return 0, false
	}
	d.closed = closedNone
	if d.depth > 0 {
		if f := d.top(); !f.obj && !f.pending {
			return d.nextElem(f)
		}
	} else if d.rootDone {
		return 0, false
	}
	c, ok := d.begin("Elem")
	if !ok {
		return 0, false
	}
	if c != '[' {
		d.mismatch("array", c)
		return 0, false
	}
	d.pos++
	if !d.push(false) {
		return 0, false
	}
	return d.nextElem(d.top())
}

func (d *Decoder) nextElem(f *frame) (int, bool) {
	d.ws()
	if d.pos >= len(d.data) {
		d.unexpected("")
		return 0, false
	}
	switch c := d.data[d.pos]; {
	case c == ']':
		d.pos++
		d.pop()
		return 0, false
	case f.n == 0:
		// the first element follows '['; its reader checks it
	case c == ',':
		d.pos++
	default:
		d.unexpected("after array element")
		return 0, false
	}
	f.n++
	f.pending = true
	return f.n - 1, true
}

// UnknownField records "NAME: unknown field" (for closed objects) and skips
// the member's value.
func (d *Decoder) UnknownField(name string) {
	d.Fail(name, "unknown field")
	d.Skip()
}

// Missing records "NAME: required field missing" at the current object.
func (d *Decoder) Missing(name string) {
	d.Fail(name, "required field missing")
}

// Fail records a validation error for field name of the current object
// (name may be empty for the current value itself), e.g.
// d.Fail("days", "must be <= 7 (maximum)").
//
// The current object is the one whose Field loop is running or, right
// after Field returned false, the object that loop just finished. Inside
// an Elem loop it is the current element. After a syntax error, and
// after Field reported that the value was not an object at all, Fail
// records nothing: those errors would only repeat the first one.
func (d *Decoder) Fail(name, msg string) {
	if d.serr != nil || d.closed == closedFailed {
		return
	}
	n := d.depth
	if d.closed == closedNone && n > 0 && d.top().obj {
		n-- // inside the object's loop: its current member is not the object
	}
	d.recordAt(n, name, msg)
}

// Failf is Fail with formatting.
func (d *Decoder) Failf(name, format string, args ...any) {
	if d.serr != nil || d.closed == closedFailed {
		return
	}
	d.Fail(name, fmt.Sprintf(format, args...))
}

// Finish checks that only white space follows the value and returns every
// recorded error as one *Errors (nil when there was none).
//
// Parts of the document the caller did not read (a loop left early, a
// value never read) are skipped and checked first, so Finish reports a
// syntax error anywhere in the input. A syntax error is reported alone,
// as one path-less FieldError, and errors.As finds it as a *SyntaxError.
func (d *Decoder) Finish() error {
	d.drain()
	if d.serr == nil {
		d.ws()
		if d.pos < len(d.data) {
			d.unexpected("after top-level value")
		}
	}
	if d.serr != nil {
		return &Errors{List: []FieldError{{Msg: d.serr.Error()}}, syntax: d.serr}
	}
	if len(d.errs) == 0 {
		return nil
	}
	list := d.errs[:len(d.errs):len(d.errs)]
	if d.dropped > 0 {
		list = append(list, FieldError{Msg: "and " + strconv.Itoa(d.dropped) + " more errors"})
	}
	return &Errors{List: list}
}

// drain consumes whatever the caller left unread.
func (d *Decoder) drain() {
	for d.serr == nil {
		if d.depth == 0 {
			if d.rootDone {
				return
			}
			d.Skip()
			continue
		}
		f := d.top()
		switch {
		case f.pending:
			d.Skip()
		case f.obj:
			if _, ok := d.nextMember(f); ok {
				d.Skip()
			}
		default:
			if _, ok := d.nextElem(f); ok {
				d.Skip()
			}
		}
	}
}

// Errors is the list of problems found in one document.
type Errors struct {
	List []FieldError

	syntax *SyntaxError
}

// FieldError is one problem at one path ("" is the document itself;
// "items[2].name" a nested field).
type FieldError struct {
	Path string
	Msg  string
}

// Error joins the problems as "path: msg; path: msg".
func (e *Errors) Error() string {
	var b strings.Builder
	for i, fe := range e.List {
		if i > 0 {
			b.WriteString("; ")
		}
		if fe.Path != "" {
			b.WriteString(fe.Path)
			b.WriteString(": ")
		}
		b.WriteString(fe.Msg)
	}
	return b.String()
}

// Unwrap returns the *SyntaxError when the document was malformed, so
// callers can tell a parse error (JSON-RPC -32700) from invalid content
// with errors.As.
func (e *Errors) Unwrap() error {
	if e.syntax == nil {
		return nil
	}
	return e.syntax
}

// SyntaxError is malformed JSON at a byte offset of the input.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "syntax error at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// literal consumes the literal word (true, false, null) at d.pos.
func (d *Decoder) literal(word string) bool {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != word[i] {
			d.unexpected("in literal " + word)
			return false
		}
		d.pos++
	}
	return true
}

// scanNumber consumes a number literal at d.pos, checking its syntax.
// What follows it is checked by the caller's context.
func (d *Decoder) scanNumber() bool {
	data := d.data
	i := d.pos
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		d.pos = i
		d.unexpected("")
		return false
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i++
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	default:
		d.pos = i
		d.unexpected("in numeric literal")
		return false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			d.pos = i
			d.unexpected("after decimal point in numeric literal")
			return false
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			d.pos = i
			d.unexpected("in exponent of numeric literal")
			return false
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	d.pos = i
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Results of parseInteger besides success.
const (
	integral = iota
	notIntegral
	tooLarge // magnitude above the uint64 range
)

// parseInteger computes the magnitude of a syntactically valid number
// literal exactly (no float rounding, so 9007199254740993.0 stays exact),
// with a status saying whether it is integral and fits in a uint64.
func parseInteger(s []byte) (neg bool, mag uint64, status int) {
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	// Fast path: plain digits.
	if len(s) <= 19 {
		plain := true
		for _, c := range s {
			if !isDigit(c) {
				plain = false
				break
			}
			mag = mag*10 + uint64(c-'0')
		}
		if plain {
			return neg, mag, integral
		}
		mag = 0
	}
	// Split mantissa and exponent.
	mant := s
	exp := 0
	if i := indexExp(s); i >= 0 {
		mant = s[:i]
		e := s[i+1:]
		eneg := false
		if e[0] == '+' || e[0] == '-' {
			eneg = e[0] == '-'
			e = e[1:]
		}
		for _, c := range e {
			if exp < 1e9 { // saturate: the verdict is the same beyond this
				exp = exp*10 + int(c-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	// The value is D * 10^exp where D is mant without its '.', and each
	// fraction digit lowers the exponent by one.
	first, last, ndig := -1, -1, 0 // first and last non-zero digit, in digit positions
	frac := false
	for _, c := range mant {
		if c == '.' {
			frac = true
			continue
		}
		if frac {
			exp--
		}
		if c != '0' {
			if first < 0 {
				first = ndig
			}
			last = ndig
		}
		ndig++
	}
	if first < 0 {
		return neg, 0, integral // zero, whatever the exponent
	}
	exp += ndig - 1 - last // trailing zeros move into the exponent
	sig := last - first + 1
	if exp < 0 {
		return neg, 0, notIntegral
	}
	if sig+exp > 20 {
		return neg, 0, tooLarge
	}
	k := 0
	for _, c := range mant {
		if c == '.' {
			continue
		}
		if k >= first && k <= last {
			dgt := uint64(c - '0')
			if mag > (1<<64-1-dgt)/10 {
				return neg, 0, tooLarge
			}
			mag = mag*10 + dgt
		}
		k++
	}
	for ; exp > 0; exp-- {
		if mag > (1<<64-1)/10 {
			return neg, 0, tooLarge
		}
		mag *= 10
	}
	return neg, mag, integral
}

func indexExp(s []byte) int {
	for i, c := range s {
		if c == 'e' || c == 'E' {
			return i
		}
	}
	return -1
}

// scanString checks the string literal at d.pos and moves past it. end
// is the index after the closing quote, -1 on a syntax error (recorded);
// clean means no escapes and valid UTF-8, so the bytes between the
// quotes are the value.
func (d *Decoder) scanString() (end int, clean bool) {
	data := d.data
	i := d.pos + 1
	clean = true
	for i < len(data) {
		c := data[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				clean = false
			}
			i += size
			continue
		}
		switch {
		case c == '"':
			d.pos = i + 1
			return i + 1, clean
		case c == '\\':
			clean = false
			i++
			if i >= len(data) {
				d.pos = i
				d.unexpected("")
				return -1, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= len(data) || !isHex(data[i]) {
						d.pos = i
						d.unexpected(`in \u hexadecimal character escape`)
						return -1, false
					}
					i++
				}
			default:
				d.pos = i
				d.unexpected("in string escape code")
				return -1, false
			}
		case c < 0x20:
			d.pos = i
			d.unexpected("in string literal")
			return -1, false
		default:
			i++
		}
	}
	d.pos = i
	d.unexpected("")
	return -1, false
}

func isHex(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// readString reads the string literal at d.pos. With alias set, a clean
// string is returned without copying (it aliases the input).
func (d *Decoder) readString(alias bool) (string, bool) {
	start := d.pos + 1
	end, clean := d.scanString()
	if end < 0 {
		return "", false
	}
	raw := d.data[start : end-1]
	if clean {
		if len(raw) == 0 {
			return "", true
		}
		if alias {
			return unsafe.String(&raw[0], len(raw)), true
		}
		return string(raw), true
	}
	b := unescape(make([]byte, 0, len(raw)), raw)
	if len(b) == 0 {
		return "", true
	}
	return unsafe.String(&b[0], len(b)), true
}

// unescape appends the value of the checked string body s to dst,
// replacing invalid UTF-8 and bad surrogates with U+FFFD as
// encoding/json does.
func unescape(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' {
			e := s[i+1]
			i += 2
			switch e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i:])
				i += 4
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2 = hex4(s[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						dst = utf8.AppendRune(dst, dec)
						i += 6
						continue
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// hex4 decodes four checked hex digits.
func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skipValue consumes the value at d.pos (its first byte already checked
// by begin or not), with an explicit stack so depth costs no goroutine
// stack.
func (d *Decoder) skipValue() bool {
	var bitsBuf [4]uint64 // bit set: the container at that level is an object
	bits := bitsBuf[:]
	depth := 0
	data := d.data
	for {
		// A value starts here.
		d.ws()
		if d.pos >= len(data) {
			d.unexpected("")
			return false
		}
		switch c := data[d.pos]; c {
		case '{', '[':
			if d.depth+depth >= maxDepth {
				d.syntax(d.pos, "exceeded max depth of 10000 nested arrays and objects")
				return false
			}
			w := depth / 64
			if w >= len(bits) {
				bits = append(bits, 0)
			}
			if c == '{' {
				bits[w] |= 1 << (depth % 64)
			} else {
				bits[w] &^= 1 << (depth % 64)
			}
			depth++
			d.pos++
			d.ws()
			if d.pos < len(data) && data[d.pos] == byte(c+2) { // '}' or ']'
				d.pos++
				depth--
				break
			}
			if c == '{' {
				if !d.skipKey() {
					return false
				}
			}
			continue
		case '"':
			if end, _ := d.scanString(); end < 0 {
				return false
			}
		case 't':
			if !d.literal("true") {
				return false
			}
		case 'f':
			if !d.literal("false") {
				return false
			}
		case 'n':
			if !d.literal("null") {
				return false
			}
		default:
			if kindOf(c) != Number {
				d.unexpected("looking for beginning of value")
				return false
			}
			if !d.scanNumber() {
				return false
			}
		}
		// A value ended: close containers until one continues.
	closing:
		for {
			if depth == 0 {
				return true
			}
			d.ws()
			if d.pos >= len(data) {
				d.unexpected("")
				return false
			}
			c := data[d.pos]
			obj := bits[(depth-1)/64]&(1<<((depth-1)%64)) != 0
			switch {
			case c == ',':
				d.pos++
				if obj {
					d.ws()
					if !d.skipKey() {
						return false
					}
				}
				break closing
			case obj && c == '}', !obj && c == ']':
				d.pos++
				depth--
			case obj:
				d.unexpected("after object key:value pair")
				return false
			default:
				d.unexpected("after array element")
				return false
			}
		}
	}
}

// skipKey consumes `"key" :` at d.pos.
func (d *Decoder) skipKey() bool {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		d.unexpected("looking for beginning of object key string")
		return false
	}
	if end, _ := d.scanString(); end < 0 {
		return false
	}
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		d.unexpected("after object key")
		return false
	}
	d.pos++
	return true
}
