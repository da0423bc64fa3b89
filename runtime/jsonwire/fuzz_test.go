package jsonwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// seeds covers every token kind, escapes, numbers at the edges of the
// integer and float ranges, and the classic invalid documents.
var seeds = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `""`, `" "`,
	`{"a":1,"b":2}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}`,
	`{"city":"Paris","days":3,"items":[{"name":"a","tags":["x","y"]}],"loc":{"lat":1.5,"lon":-2e3}}`,
	`[1,2.5,-3e10,1E+2,0.0001,9223372036854775807,-9223372036854775808,18446744073709551616]`,
	`[1e400,-1e400,1e-400,3.5e38,9007199254740993.0,100e-2,0e999999]`,
	`"\u00e9\ud83d\ude00\ud83d\u0041\ude00\"\\\/\b\f\n\r\t"`,
	"\"\xff\xfe invalid \xe4\xb8 utf8\"",
	`{"a":{"a":{"a":[[[{"b":null}]]]}}}`,
	`{"a":1,"a":2}`,
	`{"\u0061":1,"é":2}`,
	` { "a" : [ 1 , 2 ] } `,
	// invalid
	``, ` `, `{`, `}`, `[`, `{"a":1,}`, `[1,]`, `[,1]`, `01`, `-`, `1.`, `.5`, `1e`, `+1`,
	`"\x"`, `"\u12"`, "\"\x01\"", `{"a" 1}`, `{"a":1 "b":2}`, `{a:1}`, `[1}`, `{"a":1}}`, `{} {}`,
	`tru`, `nul`, `falsee`, `NaN`, `"abc`, `[` + strings.Repeat("[", 50) + `]`,
}

// walk reads any document generically, as a caller that knows nothing of
// its shape would, and builds the value json.Unmarshal (with UseNumber)
// would build.
func walk(d *Decoder) any {
	switch d.Peek() {
	case Object:
		m := map[string]any{}
		for name, ok := d.Field(); ok; name, ok = d.Field() {
			m[strings.Clone(name)] = walk(d)
		}
		return m
	case Array:
		s := []any{}
		for i, ok := d.Elem(); ok; i, ok = d.Elem() {
			if i != len(s) {
				panic("Elem index " + strconv.Itoa(i) + " out of order")
			}
			s = append(s, walk(d))
		}
		return s
	case String:
		return d.String()
	case Number:
		return json.Number(d.Raw())
	case Bool:
		return d.Bool()
	case Null:
		if !d.Null() && d.Err() == nil {
			panic("Null after Peek reported Null")
		}
		return nil
	}
	d.Skip()
	return nil
}

// walkTyped reads numbers with Float and Int instead of Raw and checks
// them against strconv and math/big.
func walkTyped(t *testing.T, d *Decoder) {
	switch d.Peek() {
	case Object:
		for _, ok := d.Field(); ok; _, ok = d.Field() {
			walkTyped(t, d)
		}
	case Array:
		for _, ok := d.Elem(); ok; _, ok = d.Elem() {
			walkTyped(t, d)
		}
	case Number:
		// Read the same literal three ways with a side decoder.
		raw := d.Raw()
		if raw == nil {
			return
		}
		checkNumber(t, raw)
	default:
		d.Skip()
	}
}

func checkNumber(t *testing.T, raw []byte) {
	lit := string(raw)
	side := NewDecoder(raw)
	f := side.Float(64)
	ferr := side.Finish()
	want, err := strconv.ParseFloat(lit, 64)
	switch {
	case err != nil && ferr == nil:
		t.Errorf("Float(%s) accepted what ParseFloat rejects: %v", lit, err)
	case err == nil && (ferr != nil || f != want):
		t.Errorf("Float(%s) = %v, %v; want %v", lit, f, ferr, want)
	}

	// Exact integer check with big.Rat, only for exponents it can afford.
	if e := strings.IndexAny(lit, "eE"); e >= 0 {
		exp, err := strconv.Atoi(strings.TrimPrefix(lit[e+1:], "+"))
		if err != nil || exp > 400 || exp < -400 {
			return
		}
	}
	if len(lit) > 400 {
		return
	}
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		t.Fatalf("big.Rat rejects %s", lit)
	}
	side.Reset(raw)
	got := side.Int(math.MinInt64, math.MaxInt64)
	gerr := side.Finish()
	switch {
	case !r.IsInt():
		if gerr == nil || gerr.Error() != "expected integer" {
			t.Errorf("Int(%s) = %v, %v; want expected integer", lit, got, gerr)
		}
	case !r.Num().IsInt64():
		if gerr == nil || !strings.HasPrefix(gerr.Error(), "must be between") {
			t.Errorf("Int(%s) = %v, %v; want a range error", lit, got, gerr)
		}
	default:
		if gerr != nil || got != r.Num().Int64() {
			t.Errorf("Int(%s) = %v, %v; want %v", lit, got, gerr, r.Num().Int64())
		}
	}
	side.Reset(raw)
	u := side.Uint(math.MaxUint64)
	uerr := side.Finish()
	if r.IsInt() && r.Sign() >= 0 && r.Num().IsUint64() {
		if uerr != nil || u != r.Num().Uint64() {
			t.Errorf("Uint(%s) = %v, %v; want %v", lit, u, uerr, r.Num().Uint64())
		}
	} else if uerr == nil {
		t.Errorf("Uint(%s) = %v, want an error", lit, u)
	}
}

func FuzzDecoder(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(data)
		got := walk(d)
		err := d.Finish()
		var se *SyntaxError
		isSyntax := errors.As(err, &se)
		if err != nil && !isSyntax {
			t.Fatalf("a generic walk records a non-syntax error: %v", err)
		}
		valid := json.Valid(data)
		if valid == isSyntax {
			t.Fatalf("json.Valid = %v but Finish = %v for %q", valid, err, data)
		}
		if !valid {
			if se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("syntax error offset %d outside the input (%d bytes)", se.Offset, len(data))
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded %#v\nencoding/json %#v\ninput %q", got, want, data)
		}

		// Raw of the whole document is the document without its white space.
		d.Reset(data)
		raw := d.Raw()
		if d.Finish() != nil || !bytes.Equal(raw, bytes.Trim(data, " \t\r\n")) {
			t.Fatalf("Raw = %q for %q", raw, data)
		}

		d.Reset(data)
		walkTyped(t, d)
		if err := d.Finish(); err != nil {
			t.Fatalf("typed walk: %v", err)
		}
	})
}

// replaceInvalid replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does.
func replaceInvalid(s string) string {
	var b []byte
	for _, r := range s {
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

func FuzzString(f *testing.F) {
	for _, s := range []string{
		"", "plain", `"quoted" \ back\slash`, "<script>&amp;</script>", "\u2028\u2029",
		"\x00\x01\x1f\x7f", "\b\f\n\r\t", "é中😀", "\xff", "a\xe4\xb8b", "\xed\xa0\x80",
		"\uFFFD", strings.Repeat("x", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString([]byte("prefix"), s)
		if !bytes.HasPrefix(out, []byte("prefix")) {
			t.Fatalf("AppendString dropped dst")
		}
		out = out[len("prefix"):]
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, want) {
			t.Fatalf("AppendString(%q) = %s, encoding/json %s", s, out, want)
		}
		expect := replaceInvalid(s)
		var u string
		if err := json.Unmarshal(out, &u); err != nil || u != expect {
			t.Fatalf("json.Unmarshal(%s) = %q, %v; want %q", out, u, err, expect)
		}
		d := NewDecoder(out)
		got := d.String()
		if err := d.Finish(); err != nil {
			t.Fatalf("String(%s): %v", out, err)
		}
		if got != expect {
			t.Fatalf("String(%s) = %q, want %q", out, got, expect)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("round trip of valid UTF-8 %q gave %q", s, got)
		}
	})
}
