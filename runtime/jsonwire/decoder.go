// Package jsonwire reads JSON without reflection. Generated argument
// decoders and the protocol core use it: a Decoder walks one JSON document
// token by token, keeps the path of the value it is on (for error
// messages such as "items[2].name: expected string, got number"), stops
// at the first syntax error, and collects type and validation errors
// without stopping so one call reports every problem with the arguments.
package jsonwire

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

// Decoder reads one JSON value from a byte slice. The zero value is not
// usable; use NewDecoder or Reset. Methods that read a value consume it
// even when it has the wrong kind (the error is recorded and the value
// skipped), so decoding continues with the next field.
type Decoder struct {
	// TODO(jsonwire)
}

// NewDecoder returns a Decoder over data.
func NewDecoder(data []byte) *Decoder { panic("TODO(jsonwire)") }

// Reset reuses d for data, dropping errors and path.
func (d *Decoder) Reset(data []byte) { panic("TODO(jsonwire)") }

// Peek returns the kind of the next value without consuming it.
func (d *Decoder) Peek() Kind { panic("TODO(jsonwire)") }

// Null consumes the next value and reports true if it is null; otherwise
// it consumes nothing and reports false.
func (d *Decoder) Null() bool { panic("TODO(jsonwire)") }

// String reads a string value (unescaping it).
func (d *Decoder) String() string { panic("TODO(jsonwire)") }

// Bool reads a boolean.
func (d *Decoder) Bool() bool { panic("TODO(jsonwire)") }

// Int reads an integer in [min, max]. A number with a fraction or
// exponent is accepted when its value is integral (2.0, 1e3); anything
// else, or a value out of range, is recorded as an error.
func (d *Decoder) Int(min, max int64) int64 { panic("TODO(jsonwire)") }

// Uint reads a non-negative integer <= max.
func (d *Decoder) Uint(max uint64) uint64 { panic("TODO(jsonwire)") }

// Float reads a number as float64 (bits 32 or 64: a value out of float32
// range is an error when bits is 32).
func (d *Decoder) Float(bits int) float64 { panic("TODO(jsonwire)") }

// Raw returns the bytes of the next value, whatever its kind, after
// checking its syntax. The slice aliases the input.
func (d *Decoder) Raw() []byte { panic("TODO(jsonwire)") }

// Skip consumes the next value.
func (d *Decoder) Skip() { panic("TODO(jsonwire)") }

// Field advances to the next member of the current object and returns its
// name; ok is false after the closing brace, or on error. The first call
// consumes '{' (a value that is not an object records a type error, is
// skipped, and ok is false). The caller must consume the member's value
// (read it or Skip it) before calling Field again. While the value is
// read, the name is on the path used in error messages.
//
//	for name, ok := d.Field(); ok; name, ok = d.Field() {
//		switch name { case "city": v.City = d.String(); default: d.UnknownField(name) }
//	}
func (d *Decoder) Field() (name string, ok bool) { panic("TODO(jsonwire)") }

// Elem advances to the next element of the current array; ok is false
// after ']' or on error. The first call consumes '['. While the element is
// read, its index is on the path.
//
//	for i, ok := d.Elem(); ok; i, ok = d.Elem() { v = append(v, d.String()) }
func (d *Decoder) Elem() (index int, ok bool) { panic("TODO(jsonwire)") }

// UnknownField records "NAME: unknown field" (for closed objects) and skips
// the member's value.
func (d *Decoder) UnknownField(name string) { panic("TODO(jsonwire)") }

// Missing records "NAME: required field missing" at the current object.
func (d *Decoder) Missing(name string) { panic("TODO(jsonwire)") }

// Fail records a validation error for field name of the current object
// (name may be empty for the current value itself), e.g.
// d.Fail("days", "must be <= 7 (maximum)").
func (d *Decoder) Fail(name, msg string) { panic("TODO(jsonwire)") }

// Failf is Fail with formatting.
func (d *Decoder) Failf(name, format string, args ...any) { panic("TODO(jsonwire)") }

// Finish checks that only white space follows the value and returns every
// recorded error as one *Errors (nil when there was none).
func (d *Decoder) Finish() error { panic("TODO(jsonwire)") }

// Errors is the list of problems found in one document.
type Errors struct {
	List []FieldError
}

// FieldError is one problem at one path ("" is the document itself;
// "items[2].name" a nested field).
type FieldError struct {
	Path string
	Msg  string
}

// Error joins the problems as "path: msg; path: msg".
func (e *Errors) Error() string { panic("TODO(jsonwire)") }
