package jsonwire

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// one decodes a single value of data with read and returns the result
// and Finish's error text ("" when nil).
func one(data string, read func(d *Decoder) any) (any, string) {
	d := NewDecoder([]byte(data))
	v := read(d)
	if err := d.Finish(); err != nil {
		return v, err.Error()
	}
	return v, ""
}

func TestScalars(t *testing.T) {
	str := func(d *Decoder) any { return d.String() }
	boolean := func(d *Decoder) any { return d.Bool() }
	i64 := func(d *Decoder) any { return d.Int(math.MinInt64, math.MaxInt64) }
	i8 := func(d *Decoder) any { return d.Int(-128, 127) }
	days := func(d *Decoder) any { return d.Int(1, 7) }
	u64 := func(d *Decoder) any { return d.Uint(math.MaxUint64) }
	u10 := func(d *Decoder) any { return d.Uint(10) }
	f64 := func(d *Decoder) any { return d.Float(64) }
	f32 := func(d *Decoder) any { return d.Float(32) }
	null := func(d *Decoder) any { return d.Null() }
	raw := func(d *Decoder) any { return string(d.Raw()) }
	peek := func(d *Decoder) any { k := d.Peek(); d.Skip(); return k }

	tests := []struct {
		name string
		in   string
		read func(d *Decoder) any
		want any
		err  string
	}{
		{"string", `"hello"`, str, "hello", ""},
		{"string ws", " \t\r\n\"x\" \n", str, "x", ""},
		{"string empty", `""`, str, "", ""},
		{"string escapes", `"a\"b\\c\/d\b\f\n\r\t"`, str, "a\"b\\c/d\b\f\n\r\t", ""},
		{"string unicode escape", `"\u00e9\u4e2D"`, str, "é中", ""},
		{"string surrogate pair", `"\ud83d\ude00"`, str, "😀", ""},
		{"string lone high surrogate", `"\ud83dx"`, str, "\uFFFDx", ""},
		{"string lone low surrogate", `"\ude00"`, str, "\uFFFD", ""},
		{"string high then escape", `"\ud83d\u0041"`, str, "\uFFFDA", ""},
		{"string two highs", `"\ud83d\ud83d\ude00"`, str, "\uFFFD😀", ""},
		{"string invalid utf8", "\"a\xffb\"", str, "a\uFFFDb", ""},
		{"string truncated utf8", "\"\xe4\xb8\"", str, "\uFFFD\uFFFD", ""},
		{"string raw utf8", `"héllo 中 😀"`, str, "héllo 中 😀", ""},
		{"string from number", `12`, str, "", "expected string, got number"},
		{"string from null", `null`, str, "", "expected string, got null"},
		{"string from object", `{"a":[1,{}]}`, str, "", "expected string, got object"},
		{"string bad escape", `"\x"`, str, "", `syntax error at offset 2: invalid character 'x' in string escape code`},
		{"string bad hex", `"\u12g4"`, str, "", `syntax error at offset 5: invalid character 'g' in \u hexadecimal character escape`},
		{"string control char", "\"a\x01\"", str, "", "syntax error at offset 2: invalid character byte 0x01 in string literal"},
		{"string raw newline", "\"a\nb\"", str, "", "syntax error at offset 2: invalid character byte 0x0a in string literal"},
		{"string unterminated", `"abc`, str, "", "syntax error at offset 4: unexpected end of input"},
		{"string trailing garbage", `"a" x`, str, "a", "syntax error at offset 4: invalid character 'x' after top-level value"},

		{"bool true", `true`, boolean, true, ""},
		{"bool false", `false`, boolean, false, ""},
		{"bool from string", `"true"`, boolean, false, "expected boolean, got string"},
		{"bool typo", `tru`, boolean, false, "syntax error at offset 3: unexpected end of input"},
		{"bool bad literal", `trUe`, boolean, false, "syntax error at offset 2: invalid character 'U' in literal true"},

		{"int", `42`, i64, int64(42), ""},
		{"int negative", `-42`, i64, int64(-42), ""},
		{"int zero", `0`, i64, int64(0), ""},
		{"int negative zero", `-0`, i64, int64(0), ""},
		{"int integral float", `2.0`, i64, int64(2), ""},
		{"int exponent", `1e3`, i64, int64(1000), ""},
		{"int exponent plus", `1E+3`, i64, int64(1000), ""},
		{"int negative exponent integral", `100e-2`, i64, int64(1), ""},
		{"int fraction and exponent", `1.5e1`, i64, int64(15), ""},
		{"int leading fraction zeros", `0.001e3`, i64, int64(1), ""},
		{"int zero huge exponent", `0e99999999999999999999`, i64, int64(0), ""},
		{"int exact above 2^53", `9007199254740993.0`, i64, int64(9007199254740993), ""},
		{"int max", `9223372036854775807`, i64, int64(math.MaxInt64), ""},
		{"int min", `-9223372036854775808`, i64, int64(math.MinInt64), ""},
		{"int min via exponent", `-9223372036854775808e0`, i64, int64(math.MinInt64), ""},
		{"int fraction", `2.5`, i64, int64(0), "expected integer"},
		{"int tiny", `1e-400`, i64, int64(0), "expected integer"},
		{"int huge", `1e400`, i64, int64(0), "must be between -9223372036854775808 and 9223372036854775807"},
		{"int huge negative", `-1e400`, i64, int64(0), "must be between -9223372036854775808 and 9223372036854775807"},
		{"int huge exponent", `1e99999999999999999999999`, i64, int64(0), "must be between -9223372036854775808 and 9223372036854775807"},
		{"int just above max", `9223372036854775808`, i64, int64(0), "must be between -9223372036854775808 and 9223372036854775807"},
		{"int just below min", `-9223372036854775809`, i64, int64(0), "must be between -9223372036854775808 and 9223372036854775807"},
		{"int many digits", `123456789012345678901234567890`, i64, int64(0), "must be between -9223372036854775808 and 9223372036854775807"},
		{"int many digits fraction", `1234567890123456789012345678.5`, i64, int64(0), "expected integer"},
		{"int8 range", `128`, i8, int64(0), "must be between -128 and 127"},
		{"int8 range low", `-129`, i8, int64(0), "must be between -128 and 127"},
		{"int8 ok", `-128`, i8, int64(-128), ""},
		{"int days", `8`, days, int64(0), "must be between 1 and 7"},
		{"int from string", `"1"`, i64, int64(0), "expected integer, got string"},
		{"int leading zero", `01`, i64, int64(0), "syntax error at offset 1: invalid character '1' after top-level value"},
		{"int leading plus", `+1`, i64, int64(0), "syntax error at offset 0: invalid character '+' looking for beginning of value"},
		{"int bare minus", `-`, i64, int64(0), "syntax error at offset 1: unexpected end of input"},
		{"int minus letter", `-a`, i64, int64(0), "syntax error at offset 1: invalid character 'a' in numeric literal"},
		{"int dot", `1.`, i64, int64(0), "syntax error at offset 2: unexpected end of input"},
		{"int dot letter", `1.e3`, i64, int64(0), "syntax error at offset 2: invalid character 'e' after decimal point in numeric literal"},
		{"int bad exponent", `1e+`, i64, int64(0), "syntax error at offset 3: unexpected end of input"},
		{"int leading dot", `.5`, i64, int64(0), "syntax error at offset 0: invalid character '.' looking for beginning of value"},

		{"uint", `7`, u64, uint64(7), ""},
		{"uint max", `18446744073709551615`, u64, uint64(math.MaxUint64), ""},
		{"uint above max", `18446744073709551616`, u64, uint64(0), "must be between 0 and 18446744073709551615"},
		{"uint negative", `-1`, u10, uint64(0), "must be between 0 and 10"},
		{"uint negative zero", `-0`, u10, uint64(0), ""},
		{"uint limit", `11`, u10, uint64(0), "must be between 0 and 10"},
		{"uint float integral", `1e1`, u10, uint64(10), ""},
		{"uint fraction", `0.5`, u10, uint64(0), "expected integer"},
		{"uint from bool", `true`, u10, uint64(0), "expected integer, got boolean"},

		{"float", `1.5`, f64, 1.5, ""},
		{"float exponent", `-2.5e-3`, f64, -2.5e-3, ""},
		{"float int", `3`, f64, 3.0, ""},
		{"float huge", `1e400`, f64, 0.0, "number out of range for float64"},
		{"float tiny", `1e-400`, f64, 0.0, ""},
		{"float32", `1.5`, f32, 1.5, ""},
		{"float32 range", `3.5e38`, f32, 0.0, "number out of range for float32"},
		{"float64 accepts float32 overflow", `3.5e38`, f64, 3.5e38, ""},
		{"float from array", `[1]`, f64, 0.0, "expected number, got array"},

		{"null", `null`, null, true, ""},
		{"null not", `1`, null, false, ""}, // Null consumes nothing; Finish skips the 1
		{"null typo", `nul`, null, false, "syntax error at offset 3: unexpected end of input"},

		{"raw object", ` {"a": [1, 2]} `, raw, `{"a": [1, 2]}`, ""},
		{"raw string", `"a\"b"`, raw, `"a\"b"`, ""},
		{"raw number", `-1.5e3`, raw, `-1.5e3`, ""},
		{"raw bad", `[1,]`, raw, "", "syntax error at offset 3: invalid character ']' looking for beginning of value"},

		{"peek object", `{}`, peek, Object, ""},
		{"peek array", `[]`, peek, Array, ""},
		{"peek string", `""`, peek, String, ""},
		{"peek number", `-1`, peek, Number, ""},
		{"peek bool", `false`, peek, Bool, ""},
		{"peek null", `null`, peek, Null, ""},
		{"peek invalid", `x`, peek, Invalid, "syntax error at offset 0: invalid character 'x' looking for beginning of value"},
		{"peek empty", ``, peek, Invalid, "syntax error at offset 0: unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := one(tt.in, tt.read)
			if got != tt.want {
				t.Errorf("value = %#v, want %#v", got, tt.want)
			}
			if err != tt.err {
				t.Errorf("error = %q, want %q", err, tt.err)
			}
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		in   string
		err  string
	}{
		{"empty", ``, "syntax error at offset 0: unexpected end of input"},
		{"white space only", "  \n", "syntax error at offset 3: unexpected end of input"},
		{"trailing comma object", `{"a":1,}`, "syntax error at offset 7: invalid character '}' looking for beginning of object key string"},
		{"trailing comma array", `{"a":[1,]}`, "syntax error at offset 8: invalid character ']' looking for beginning of value"},
		{"leading comma array", `{"a":[,1]}`, "syntax error at offset 6: invalid character ',' looking for beginning of value"},
		{"leading zero", `{"a":01}`, "syntax error at offset 6: invalid character '1' after object key:value pair"},
		{"missing colon", `{"a" 1}`, "syntax error at offset 5: invalid character '1' after object key"},
		{"missing comma", `{"a":1 "b":2}`, "syntax error at offset 7: invalid character '\"' after object key:value pair"},
		{"array missing comma", `{"a":[1 2]}`, "syntax error at offset 8: invalid character '2' after array element"},
		{"unquoted key", `{a:1}`, "syntax error at offset 1: invalid character 'a' looking for beginning of object key string"},
		{"single quotes", `{'a':1}`, "syntax error at offset 1: invalid character '\\'' looking for beginning of object key string"},
		{"extra brace", `{"a":1}}`, "syntax error at offset 7: invalid character '}' after top-level value"},
		{"two values", `{} {}`, "syntax error at offset 3: invalid character '{' after top-level value"},
		{"unclosed", `{"a":1`, "syntax error at offset 6: unexpected end of input"},
		{"unclosed nested", `{"a":{"b":[1,2`, "syntax error at offset 14: unexpected end of input"},
		{"mismatched", `{"a":[1}`, "syntax error at offset 7: invalid character '}' after array element"},
		{"bad escape in key", `{"\q":1}`, "syntax error at offset 3: invalid character 'q' in string escape code"},
		{"bad value in skipped member", `{"x":[tru]}`, "syntax error at offset 9: invalid character ']' in literal true"},
		{"nan", `{"a":NaN}`, "syntax error at offset 5: invalid character 'N' looking for beginning of value"},
		{"not an object", `[1]`, "expected object, got array"},
		{"depth ok", `{"a":` + deep(9999, "[", "]") + `}`, ""},
		{"too deep", `{"a":` + deep(10000, "[", "]") + `}`, "syntax error at offset 10004: exceeded max depth of 10000 nested arrays and objects"},
		{"too deep objects", `{"a":` + deep(10000, `{"a":`, "}") + `}`, "syntax error at offset 50000: exceeded max depth of 10000 nested arrays and objects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder([]byte(tt.in))
			for name, ok := d.Field(); ok; name, ok = d.Field() {
				if name == "a" {
					d.Skip()
				} else {
					d.UnknownField(name)
				}
			}
			err := d.Finish()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Fatalf("error = %q, want %q", got, tt.err)
			}
			var se *SyntaxError
			if isSyntax := errors.As(err, &se); isSyntax != strings.HasPrefix(tt.err, "syntax error") {
				t.Errorf("errors.As(*SyntaxError) = %v for %q", isSyntax, got)
			}
			if d.Err() != nil != (se != nil) {
				t.Errorf("Err() = %v, want the syntax error %v", d.Err(), se)
			}
		})
	}
}

// A walk with Field and Elem only, as generated code nests, must meet
// the depth limit with an error too, not a crash.
func TestDepthWithFrames(t *testing.T) {
	var walk func(d *Decoder) int
	walk = func(d *Decoder) int {
		n := 0
		for _, ok := d.Elem(); ok; _, ok = d.Elem() {
			if d.Peek() == Array {
				n = max(n, walk(d)+1)
			} else {
				d.Skip()
			}
		}
		return n
	}
	for _, tt := range []struct {
		depth int
		err   string
	}{
		{10000, ""},
		{10001, "syntax error at offset 10000: exceeded max depth of 10000 nested arrays and objects"},
		{20, ""},
	} {
		d := NewDecoder([]byte(strings.Repeat("[", tt.depth) + strings.Repeat("]", tt.depth)))
		walk(d)
		err := d.Finish()
		if (err == nil && tt.err != "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("depth %d: error %v, want %q", tt.depth, err, tt.err)
		}
	}
}

// Types used by the generated-style decoders below.
type item struct {
	Name string
	Qty  int64
	Tags []string
}

type location struct{ Lat, Lon float64 }

type input struct {
	City  string
	Days  int64
	Items []item
	Loc   location
	Meta  map[string]string
}

// readInput is written the way the generator writes decoders.
func readInput(d *Decoder, v *input) {
	var hasCity bool
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "city":
			v.City, hasCity = d.String(), true
		case "days":
			v.Days = d.Int(math.MinInt64, math.MaxInt64)
			if v.Days > 7 {
				d.Fail("days", "must be <= 7 (maximum)")
			}
		case "items":
			v.Items = nil
			for _, ok := d.Elem(); ok; _, ok = d.Elem() {
				var it item
				readItem(d, &it)
				v.Items = append(v.Items, it)
			}
		case "loc":
			readLocation(d, &v.Loc)
		case "meta":
			v.Meta = map[string]string{}
			for k, ok := d.Field(); ok; k, ok = d.Field() {
				v.Meta[strings.Clone(k)] = d.String()
			}
		default:
			d.UnknownField(name)
		}
	}
	if !hasCity {
		d.Missing("city")
	}
}

func readItem(d *Decoder, v *item) {
	var hasName bool
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "name":
			v.Name, hasName = d.String(), true
		case "qty":
			v.Qty = d.Int(0, 100)
		case "tags":
			for _, ok := d.Elem(); ok; _, ok = d.Elem() {
				v.Tags = append(v.Tags, d.String())
			}
			if len(v.Tags) > 2 {
				d.Fail("tags", "must have at most 2 items (maxItems)")
			}
		default:
			d.UnknownField(name)
		}
	}
	if !hasName {
		d.Missing("name")
	}
}

func readLocation(d *Decoder, v *location) {
	var hasLat, hasLon bool
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "lat":
			v.Lat, hasLat = d.Float(64), true
		case "lon":
			v.Lon, hasLon = d.Float(64), true
		default:
			d.UnknownField(name)
		}
	}
	if !hasLat {
		d.Missing("lat")
	}
	if !hasLon {
		d.Missing("lon")
	}
	if hasLat && (v.Lat < -90 || v.Lat > 90) {
		d.Failf("lat", "must be <= %d (maximum)", 90)
	}
}

func TestGeneratedStyle(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // Finish error text
		city string
	}{
		{"ok", `{"city":"Paris","days":3,"items":[{"name":"a","qty":1,"tags":["x"]}],"loc":{"lat":1,"lon":2},"meta":{"k":"v"}}`, "", "Paris"},
		{"empty object", `{}`, "city: required field missing", ""},
		{"missing nested", `{"city":"x","loc":{}}`, "loc.lat: required field missing; loc.lon: required field missing", "x"},
		{"nested in array", `{"city":"x","items":[{"name":"a"},{"name":2},{"qty":200}]}`,
			"items[1].name: expected string, got number; items[2].qty: must be between 0 and 100; items[2].name: required field missing", "x"},
		{"array in array", `{"city":"x","items":[{"name":"a","tags":["p",3,"q"]}]}`,
			"items[0].tags[1]: expected string, got number; items[0].tags: must have at most 2 items (maxItems)", "x"},
		{"in-loop validation", `{"city":"x","days":9}`, "days: must be <= 7 (maximum)", "x"},
		{"after-loop Failf", `{"city":"x","loc":{"lat":100,"lon":0}}`, "loc.lat: must be <= 90 (maximum)", "x"},
		{"unknown fields", `{"city":"x","zz":{"deep":[1,2,{"a":null}]},"loc":{"lat":0,"lon":0,"alt":3}}`,
			"zz: unknown field; loc.alt: unknown field", "x"},
		{"wrong container kinds", `{"city":"x","items":{"a":1},"loc":[1],"meta":"s"}`,
			"items: expected array, got object; loc: expected object, got array; meta: expected object, got string", "x"},
		{"top level not object", `"hello"`, "expected object, got string", ""},
		{"top level null", `null`, "expected object, got null", ""},
		{"duplicate keys later wins", `{"city":"a","city":"b"}`, "", "b"},
		{"type errors go on", `{"city":1,"days":"x","loc":{"lat":"n","lon":true}}`,
			"city: expected string, got number; days: expected integer, got string; loc.lat: expected number, got string; loc.lon: expected number, got boolean", ""},
		{"escaped key", `{"c\u0069ty":"x","\u00e9":1}`, "é: unknown field", "x"},
		{"syntax error alone", `{"city":1,"days":"x",}`, "syntax error at offset 21: invalid character '}' looking for beginning of object key string", ""},
		{"empty input", ``, "syntax error at offset 0: unexpected end of input", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v input
			d := NewDecoder([]byte(tt.in))
			readInput(d, &v)
			got := ""
			if err := d.Finish(); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("error\n got %q\nwant %q", got, tt.want)
			}
			if v.City != tt.city {
				t.Errorf("city = %q, want %q", v.City, tt.city)
			}
		})
	}
}

func TestDecodedValues(t *testing.T) {
	in := `{"city":"Par\u00efs","days":2.0,"items":[{"name":"a","qty":1e1,"tags":["x","y"]},{"name":"b"}],"loc":{"lat":-1.5,"lon":2e1},"meta":{"k":"v","k":"w"}}`
	var v input
	d := NewDecoder([]byte(in))
	readInput(d, &v)
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
	if v.City != "Parïs" || v.Days != 2 || len(v.Items) != 2 || v.Items[0].Qty != 10 ||
		strings.Join(v.Items[0].Tags, ",") != "x,y" || v.Items[1].Name != "b" ||
		v.Loc != (location{-1.5, 20}) || len(v.Meta) != 1 || v.Meta["k"] != "w" {
		t.Errorf("decoded %+v", v)
	}
}

func TestErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 30 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"f` + string(rune('a'+i%26)) + `":1`)
	}
	b.WriteString("}")
	d := NewDecoder([]byte(b.String()))
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		d.UnknownField(name)
	}
	d.Missing("x") // counted, not recorded
	err := d.Finish()
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Finish = %v, want *Errors", err)
	}
	if len(errs.List) != maxErrors+1 {
		t.Fatalf("%d errors recorded, want %d plus a count", len(errs.List), maxErrors)
	}
	if last := errs.List[maxErrors]; last != (FieldError{Msg: "and 11 more errors"}) {
		t.Errorf("last = %+v", last)
	}
	if errs.List[0] != (FieldError{Path: "fa", Msg: "unknown field"}) {
		t.Errorf("first = %+v", errs.List[0])
	}
}

func TestErrorsError(t *testing.T) {
	tests := []struct {
		list []FieldError
		want string
	}{
		{nil, ""},
		{[]FieldError{{"a", "x"}}, "a: x"},
		{[]FieldError{{"", "x"}}, "x"},
		{[]FieldError{{"a.b[1]", "x"}, {"", "y"}, {"c", "z"}}, "a.b[1]: x; y; c: z"},
	}
	for _, tt := range tests {
		e := &Errors{List: tt.list}
		if got := e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if e.Unwrap() != nil {
			t.Errorf("Unwrap() = %v, want nil without a syntax error", e.Unwrap())
		}
	}
}

// Field names alias the input; String results and error paths must not.
func TestAliasing(t *testing.T) {
	data := []byte(`{"name":"value","bad":1,"esc\u0061pe":"v\u0061l"}`)
	d := NewDecoder(data)
	var names, values []string
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		names = append(names, strings.Clone(name))
		switch name {
		case "bad":
			d.UnknownField(name)
		default:
			values = append(values, d.String())
		}
	}
	err := d.Finish()
	for i := range data {
		data[i] = 'X'
	}
	if strings.Join(names, ",") != "name,bad,escape" {
		t.Errorf("names = %q", names)
	}
	if strings.Join(values, ",") != "value,val" {
		t.Errorf("values changed with the input: %q", values)
	}
	if err == nil || err.Error() != "bad: unknown field" {
		t.Errorf("error changed with the input: %v", err)
	}
}

func TestFinishDrains(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  string
	}{
		{"rest valid", `{"a":1,"b":[1,{"c":2}],"d":"x"}`, ""},
		{"error later", `{"a":1,"b":[1,{"c":2,}]}`, "syntax error at offset 21: invalid character '}' looking for beginning of object key string"},
		{"garbage later", `{"a":1,"b":2} 3`, "syntax error at offset 14: invalid character '3' after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder([]byte(tt.in))
			if name, ok := d.Field(); !ok || name != "a" {
				t.Fatalf("Field = %q, %v", name, ok)
			}
			// Stop after the first member, its value unread.
			got := ""
			if err := d.Finish(); err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("Finish = %q, want %q", got, tt.err)
			}
		})
	}
	// Nothing read at all.
	if err := NewDecoder([]byte(`[1,2`)).Finish(); err == nil {
		t.Error("Finish on an unread malformed document = nil")
	}
	if err := NewDecoder([]byte(` [1,2] `)).Finish(); err != nil {
		t.Errorf("Finish on an unread document = %v", err)
	}
}

func TestMisuse(t *testing.T) {
	d := NewDecoder([]byte(`{"a":"x"}`))
	for _, ok := d.Field(); ok; _, ok = d.Field() {
		_ = d.String()
		_ = d.String() // no value left: recorded, nothing consumed
	}
	if s := d.String(); s != "" {
		t.Errorf("String after the document = %q", s)
	}
	if _, ok := d.Field(); ok {
		t.Error("Field after the document reported a member")
	}
	if k := d.Peek(); k != Invalid {
		t.Errorf("Peek after the document = %v", k)
	}
	err := d.Finish()
	if err == nil || !strings.Contains(err.Error(), "a: jsonwire: String called with no value to read") {
		t.Errorf("Finish = %v", err)
	}
}

func TestNullBeforeValue(t *testing.T) {
	d := NewDecoder([]byte(`{"p":null,"q":"s"}`))
	got := map[string]string{}
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		if d.Null() {
			got[strings.Clone(name)] = "<nil>"
			continue
		}
		got[strings.Clone(name)] = d.String()
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
	if got["p"] != "<nil>" || got["q"] != "s" {
		t.Errorf("got %v", got)
	}
}

func TestAppendStringValue(t *testing.T) {
	d := NewDecoder([]byte(`["a\nb","plain",3]`))
	var buf []byte
	var got []string
	for _, ok := d.Elem(); ok; _, ok = d.Elem() {
		buf = d.AppendStringValue(buf[:0])
		got = append(got, string(buf))
	}
	err := d.Finish()
	if strings.Join(got, "|") != "a\nb|plain|" {
		t.Errorf("got %q", got)
	}
	if err == nil || err.Error() != "[2]: expected string, got number" {
		t.Errorf("Finish = %v", err)
	}
}

func TestReset(t *testing.T) {
	d := NewDecoder([]byte(`{"a":`))
	d.Field()
	if d.Finish() == nil {
		t.Fatal("want a syntax error")
	}
	// A deep document spills frames to the heap; Reset must reuse them cleanly.
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	for range 2 {
		d.Reset([]byte(deep))
		var walk func() int64
		walk = func() int64 {
			var v int64
			for _, ok := d.Field(); ok; _, ok = d.Field() {
				if d.Peek() == Object {
					v = walk()
				} else {
					v = d.Int(0, 0)
				}
			}
			return v
		}
		walk()
		err := d.Finish()
		want := strings.TrimSuffix(strings.Repeat("a.", 40), ".") + ": must be between 0 and 0"
		if err == nil || err.Error() != want {
			t.Errorf("Finish = %v, want %q", err, want)
		}
	}
}

func TestKindString(t *testing.T) {
	want := []string{"invalid", "null", "boolean", "number", "string", "array", "object"}
	for k, w := range want {
		if got := Kind(k).String(); got != w {
			t.Errorf("Kind(%d) = %q, want %q", k, got, w)
		}
	}
}

// The hot paths must not allocate: keys without escapes, numbers,
// booleans and Raw values, with a reused Decoder and with NewDecoder.
func TestAllocs(t *testing.T) {
	args := []byte(`{"a":1,"b":2.5,"c":true,"d":null,"e":[1,2]}`)
	env := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}`)
	var d Decoder
	tests := []struct {
		name string
		f    func()
	}{
		{"args reuse", func() { d.Reset(args); readArgs(&d) }},
		{"args new", func() { decodeArgsNew(args) }},
		{"envelope", func() { d.Reset(env); readEnvelope(&d) }},
	}
	for _, tt := range tests {
		if n := testing.AllocsPerRun(100, tt.f); n != 0 {
			t.Errorf("%s: %v allocs per run, want 0", tt.name, n)
		}
	}
}

var sink int64

func readArgs(d *Decoder) {
	var sum int64
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "a":
			sum += d.Int(math.MinInt64, math.MaxInt64)
		case "b":
			sum += int64(d.Float(64))
		case "c":
			if d.Bool() {
				sum++
			}
		case "e":
			for _, ok := d.Elem(); ok; _, ok = d.Elem() {
				sum += d.Int(0, 10)
			}
		default:
			d.Skip()
		}
	}
	if d.Finish() != nil {
		panic("unexpected error")
	}
	sink = sum
}

func decodeArgsNew(data []byte) {
	d := NewDecoder(data)
	readArgs(d)
}

func readEnvelope(d *Decoder) {
	var n int
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "params":
			for pn, ok := d.Field(); ok; pn, ok = d.Field() {
				n += len(pn) + len(d.Raw())
			}
		default:
			n += len(d.Raw())
		}
	}
	if d.Finish() != nil {
		panic("unexpected error")
	}
	sink = int64(n)
}

// Fail names a field of the current object, or the current value itself
// when name is empty.
func TestFailPaths(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read func(d *Decoder)
		want string
	}{
		{"root before reading", `{}`, func(d *Decoder) { d.Fail("x", "m"); d.Skip() }, "x: m"},
		{"root value itself", `1`, func(d *Decoder) { d.Int(0, 9); d.Fail("", "m") }, "m"},
		{"in loop", `{"a":{"b":1}}`, func(d *Decoder) {
			for _, ok := d.Field(); ok; _, ok = d.Field() {
				for _, ok := d.Field(); ok; _, ok = d.Field() {
					d.Fail("c", "m")
					d.Fail("", "n")
					d.Skip()
				}
			}
		}, "a.c: m; a: n"},
		{"after nested loop", `{"a":{"b":1}}`, func(d *Decoder) {
			for _, ok := d.Field(); ok; _, ok = d.Field() {
				for _, ok := d.Field(); ok; _, ok = d.Field() {
					d.Skip()
				}
				d.Missing("z")
			}
			d.Missing("y")
		}, "a.z: required field missing; y: required field missing"},
		{"array element", `{"t":[1,2]}`, func(d *Decoder) {
			for _, ok := d.Field(); ok; _, ok = d.Field() {
				for _, ok := d.Elem(); ok; _, ok = d.Elem() {
					if d.Int(0, 9) == 2 {
						d.Fail("", "must be odd")
					}
				}
				d.Fail("t", "must have 3 items")
			}
		}, "t[1]: must be odd; t: must have 3 items"},
		{"not an object suppresses", `{"o":5}`, func(d *Decoder) {
			for _, ok := d.Field(); ok; _, ok = d.Field() {
				for _, ok := d.Field(); ok; _, ok = d.Field() {
					d.Skip()
				}
				d.Missing("inner")
			}
		}, "o: expected object, got number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder([]byte(tt.in))
			tt.read(d)
			err := d.Finish()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Finish = %v, want %q", err, tt.want)
			}
		})
	}
}
