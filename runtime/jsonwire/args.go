package jsonwire

// Decode reads the arguments of a tool call into v with read, a reader
// generated for v's type, and returns every problem found as one *Errors
// (nil when there was none). Absent or null arguments are the empty
// object: MCP makes arguments optional.
func Decode[T any](data []byte, v *T, read func(*Decoder, *T)) error {
	if len(data) == 0 || string(data) == "null" {
		data = emptyObject
	}
	d := NewDecoder(data)
	read(d, v)
	return d.Finish()
}

var emptyObject = []byte("{}")

// NoArguments checks the arguments of a tool that takes none: absent,
// null or an empty object. Any member is an unknown field.
func NoArguments(data []byte) error {
	return Decode(data, &struct{}{}, func(d *Decoder, _ *struct{}) {
		for name, ok := d.Field(); ok; name, ok = d.Field() {
			d.UnknownField(name)
		}
	})
}
