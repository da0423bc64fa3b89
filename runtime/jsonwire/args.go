package jsonwire

// Arguments returns a Decoder over the arguments of a tool call: absent or
// null arguments read as the empty object, since MCP makes arguments
// optional. Generated handlers read them with the reader of their type
// and call Finish, which returns every problem found as one *Errors:
//
//	d := jsonwire.Arguments(c.Arguments)
//	readQuery(d, &in)
//	if err := d.Finish(); err != nil { ... }
//
// (A direct call to the reader keeps the Decoder off the heap, which a
// reader passed as a func value would not.)
func Arguments(data []byte) *Decoder {
	if len(data) == 0 || string(data) == "null" {
		data = emptyObject
	}
	return NewDecoder(data)
}

var emptyObject = []byte("{}")

// NoArguments checks the arguments of a tool that takes none: absent,
// null or an empty object. Any member is an unknown field.
func NoArguments(data []byte) error {
	d := Arguments(data)
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		d.UnknownField(name)
	}
	return d.Finish()
}
