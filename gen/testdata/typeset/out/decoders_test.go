package out

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/gen/testdata/typeset/fixture"
	"github.com/mcpgen/mcpgen/runtime/jsonwire"
)

// decodeCase runs one generated decoder on input; want is the decoded
// value (nil: not compared) and wantErr the whole error text ("" for none).
type decodeCase struct {
	name    string
	decode  func([]byte) (any, error)
	input   string
	want    any
	wantErr string
}

func dec[T any](read func(*jsonwire.Decoder, *T)) func([]byte) (any, error) {
	return func(b []byte) (any, error) {
		var v T
		d := jsonwire.Arguments(b)
		read(d, &v)
		return v, d.Finish()
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecoders(t *testing.T) {
	at := time.Date(2026, 11, 26, 7, 0, 0, 500, time.UTC)
	cases := []decodeCase{
		{"basic ok", dec(readBasic), `{"s":"x","b":true,"i":-1,"i8":-128,"i16":2,"i32":3,"i64":-4,"u":5,"u8":255,"u16":7,"u32":8,"u64":18446744073709551615,"f32":1.5,"f64":2.5}`,
			fixture.Basic{S: "x", B: true, I: -1, I8: -128, I16: 2, I32: 3, I64: -4, U: 5, U8: 255, U16: 7, U32: 8, U64: 18446744073709551615, F32: 1.5, F64: 2.5}, ""},
		{"basic shares the reader", dec(readBasic), `{"s":"x","b":false,"i":0,"i8":0,"i16":0,"i32":0,"i64":0,"u":0,"u8":0,"u16":0,"u32":0,"u64":0,"f32":0,"f64":0}`,
			fixture.Basic{S: "x"}, ""},
		{"basic missing and out of range", dec(readBasic), `{"s":1,"i8":128,"u8":-1,"zz":true}`, nil,
			"s: expected string, got number; i8: must be between -128 and 127; u8: must be between 0 and 255; zz: unknown field; b: required field missing; i: required field missing; i16: required field missing; i32: required field missing; i64: required field missing; u: required field missing; u16: required field missing; u32: required field missing; u64: required field missing; f32: required field missing; f64: required field missing"},
		{"no arguments", dec(readDocs), ``, nil, "city: required field missing"},
		{"null arguments", dec(readDocs), `null`, nil, "city: required field missing"},
		{"not an object", dec(readDocs), `[1]`, nil, "expected object, got array"},
		{"syntax error", dec(readDocs), `{"city":`, nil, "syntax error at offset 8: unexpected end of input"},
		{"docs enum optional empty", dec(readDocs), `{"city":"Paris","units":""}`, nil, `units: must be one of "c", "f" (enum)`},
		{"docs enum bad", dec(readDocs), `{"city":"Paris","unit":"k","units":"f"}`, nil, `unit: must be one of "c", "f" (enum)`},
		{"constraints defaults", dec(readConstraints), `{"name":"abc","color":"red","level":1}`,
			fixture.Constraints{Days: 3, Name: "abc", Color: "red", Unit: fixture.Fahrenheit, Level: fixture.Low, Ratio: ptr(0.5), Every: 90 * time.Minute, Flag: true}, ""},
		{"constraints set", dec(readConstraints), `{"days":7,"name":"héllo","color":"green","size":10.25,"when":"2026-11-26T07:00:00Z","unit":"c","level":2,"ratio":null,"every":"2s","nanos":5,"repeat":"aa","flag":false,"mail":"a@b.c","trace":"t"}`,
			fixture.Constraints{Days: 7, Name: "héllo", Color: "green", Size: 10.25, When: "2026-11-26T07:00:00Z", Unit: fixture.Celsius, Level: fixture.High, Ratio: ptr(0.5), Every: 2 * time.Second, Nanos: 5, Repeat: "aa", Mail: "a@b.c", Trace: "t"}, ""},
		{"constraints broken", dec(readConstraints), `{"days":0,"name":"ABCDEF","color":"blue","size":11,"when":"yesterday","unit":"k","level":3,"ratio":2,"every":"soon","repeat":"aaaa"}`, nil,
			`every: must be a duration such as 1h30m (format duration); days: must be >= 1 (minimum); name: must be at most 5 characters long (maxLength); color: must be one of "red", "green" (enum); size: must be <= 10.25 (maximum); when: must be a date-time such as 2006-01-02T15:04:05Z (format date-time); unit: must be one of "c", "f" (enum); level: must be one of 1, 2 (enum); ratio: must be <= 1 (maximum); repeat: must match ^a{1,3}$ (pattern)`},
		{"constraints too short", dec(readConstraints), `{"days":8,"name":"a","color":"red","level":1,"size":0}`, nil,
			`days: must be <= 7 (maximum); name: must be at least 2 characters long (minLength); size: must be >= 0.5 (minimum)`},
		{"special ok", dec(readSpecial), `{"at":"2026-11-26T07:00:00.0000005Z","data":"aGk=","raw":{"x":[1]},"any":[1,"a"],"labels":{"a":"b"},"byUnit":{"c":1},"list":[],"grid":[[1],[]],"pair":[1,2],"units":["c","f"],"upper":"abc","opt":"o","loc":{"lat":1,"lon":2}}`,
			fixture.Special{At: at, Data: []byte("hi"), Raw: json.RawMessage(`{"x":[1]}`), Any: []any{1.0, "a"}, Labels: map[string]string{"a": "b"}, ByUnit: map[fixture.Units]int{"c": 1}, List: []string{}, Grid: [][]int{{1}, {}}, Pair: [2]int{1, 2}, Units: []fixture.Units{"c", "f"}, Upper: "ABC", Opt: ptr("o"),
				Loc: struct {
					Lat float64 `json:"lat"`
					Lon float64 `json:"lon"`
				}{1, 2}}, ""},
		{"special broken", dec(readSpecial), `{"at":"noon","data":"!!","labels":{"a":1},"list":null,"pair":[1,2,3],"units":["c","x"],"upper":5,"loc":{"lat":1,"alt":3},"byUnit":{"c":"x"}}`, nil,
			`at: must be a date-time such as 2006-01-02T15:04:05Z (format date-time); data: must be base64 (contentEncoding base64); labels.a: expected string, got number; list: expected array, got null; pair: must have exactly 2 items (minItems, maxItems); units[1]: must be one of "c", "f" (enum); upper: must be a valid fixture.Upper (its own decoding method rejected it); loc.alt: unknown field; loc.lon: required field missing; byUnit.c: expected integer, got string`},
		{"tags embedded", dec(readTags), `{"renamed":"r","-":"d","NoTag":"n","inner":"i","deep":4,"named":{"inner":"a","renamed":"b"},"ptr":3}`,
			fixture.Tags{Renamed: "r", Dash: "d", NoTag: "n", Ptr: ptr(3), Embedded: fixture.Embedded{Inner: "i"}, PtrEmbedded: &fixture.PtrEmbedded{Deep: 4}, Named: fixture.Embedded{Inner: "a", Renamed: "b"}}, ""},
		{"tags unknown Skipped", dec(readTags), `{"renamed":"r","-":"d","NoTag":"n","inner":"i","named":{"inner":"a","renamed":"b"},"Skipped":"x","unexported":1}`, nil,
			"Skipped: unknown field; unexported: unknown field"},
		{"tree nested errors", dec(readTree), `{"root":{"children":[{"name":"x"},{},null]}}`, nil,
			"root.children[1].name: required field missing; root.children[2]: expected object, got null; root.name: required field missing"},
		{"tree ok", dec(readTree), `{"root":{"name":"r","children":[{"name":"x","children":[]}]},"other":null}`,
			fixture.Tree{Root: fixture.Node{Name: "r", Children: []*fixture.Node{{Name: "x", Children: []*fixture.Node{}}}}}, ""},
		{"mutual recursion", dec(readA), `{"b":{"a":[{"b":{"a":[{}]}}]}}`,
			fixture.A{B: &fixture.B{A: []fixture.A{{B: &fixture.B{A: []fixture.A{{}}}}}}}, ""},
		{"generic", dec(readPaged), `{"page":{"items":[{"id":1},{"id":"2"}]}}`, nil, "page.items[1].id: expected integer, got string"},
		{"extra ok", dec(readExtra), `{"l":1,"r":2,"shared":"abc","emb":{"inner":"i","renamed":"r"},"up2":"x","ip":"10.0.0.1","opt":2,"durs":["1s","1m"],"levels":{"a":1},"num":1.50,"when":"2026-11-26T07:00:00Z","meta":{"k":[true]},"day":"2026-11-26","days":["2026-01-02"],"panon":{"a":1},"points":[{"X":1,"Y":2}]}`,
			func() fixture.Extra {
				x := fixture.Extra{Left: fixture.Left{L: 1}, Right: fixture.Right{R: 2}, Embedded: fixture.Embedded{Inner: "i", Renamed: "r"}, Up2: "X", IP: netip.MustParseAddr("10.0.0.1"), Opt: ptr(fixture.High), Durs: []time.Duration{time.Second, time.Minute}, Levels: map[string]fixture.Level{"a": fixture.Low}, Num: "1.50", When: ptr(time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC)), Meta: map[string]any{"k": []any{true}}, Day: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Days: []time.Time{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}}
				x.Shared = "abc" // promoted from an unexported embedded struct
				x.PAnon = &struct {
					A int `json:"a" mcp:"min=1"`
				}{1}
				x.Points = []struct{ X, Y float64 }{{1, 2}}
				return x
			}(), ""},
		{"extra broken", dec(readExtra), `{"l":1,"r":2,"shared":"abcd","emb":{"inner":"i","renamed":"r"},"ip":"nope","opt":1,"durs":["1s","x"],"levels":{"a":3},"Name":"n","num":"1","when":"x","days":["2026-01-02T00:00:00Z"],"panon":{"a":0},"points":[{"X":1}]}`, nil,
			`ip: must be a valid netip.Addr (its own decoding method rejected it); durs[1]: must be a duration such as 1h30m (format duration); levels.a: must be one of 1, 2 (enum); Name: unknown field; num: expected number; when: must be a date-time such as 2006-01-02T15:04:05Z (format date-time); days[0]: must be a date such as 2006-01-02 (format date); panon.a: must be >= 1 (minimum); points[0].Y: required field missing; shared: must be at most 3 characters long (maxLength); opt: must be one of 2 (enum)`},
		{"flat ok", dec(readFlatArgs), `{"a":1,"b":null,"unit":"c","nodes":[{"name":"n"}]}`,
			flatArgs{A: 1, Unit: fixture.Celsius, Nodes: []fixture.Node{{Name: "n"}}}, ""},
		{"flat missing", dec(readFlatArgs), `{"b":"x","unit":""}`, nil,
			`a: required field missing; unit: must be one of "c", "f" (enum); nodes: required field missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.decode([]byte(c.input))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != c.wantErr {
				t.Errorf("error:\n got %s\nwant %s", gotErr, c.wantErr)
			}
			if c.want != nil && !reflect.DeepEqual(got, c.want) {
				t.Errorf("value:\n got %#v\nwant %#v", got, c.want)
			}
		})
	}
}

// TestDecodeDoesNotAlias checks that json.RawMessage fields do not keep
// the caller's buffer, which the transport may reuse.
func TestDecodeDoesNotAlias(t *testing.T) {
	in := []byte(`{"at":"2026-11-26T07:00:00Z","data":"","list":[],"raw":[1]}`)
	var v fixture.Special
	d := jsonwire.Arguments(in)
	readSpecial(d, &v)
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
	copy(in, strings.Repeat("x", len(in)))
	if string(v.Raw) != "[1]" {
		t.Fatalf("raw = %s", v.Raw)
	}
}

func BenchmarkDecodeConstraints(b *testing.B) {
	in := []byte(`{"days":7,"name":"hello","color":"green","size":10.25,"when":"2026-11-26T07:00:00Z","unit":"c","level":2,"every":"2s","repeat":"aa"}`)
	b.ReportAllocs()
	for b.Loop() {
		var v fixture.Constraints
		d := jsonwire.Arguments(in)
		readConstraints(d, &v)
		if err := d.Finish(); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecoders runs every generated decoder on arbitrary input: none may
// panic, and a nil error must come with a document that parses as JSON.
func FuzzDecoders(f *testing.F) {
	f.Add([]byte(`{"at":"2026-11-26T07:00:00Z","data":"aGk=","list":["a"],"pair":[1,2],"loc":{"lat":1,"lon":2}}`))
	f.Add([]byte(`{"units":["x"],"labels":{"a":1}}`))
	f.Add([]byte(`{"root":{"name":"r","children":[{"name":"x"},null]}}`))
	f.Add([]byte(`{"l":1,"r":2,"emb":{"inner":"i","renamed":"r"},"durs":["1s"],"points":[{"X":1,"Y":2}],"panon":null}`))
	f.Add([]byte(`{"name":"abc","color":"red","level":1,"every":"1h"}`))
	decoders := []func([]byte) (any, error){
		dec(readBasic), dec(readTags), dec(readDocs), dec(readConstraints), dec(readSpecial),
		dec(readNode), dec(readTree), dec(readA), dec(readPaged), dec(readExtra), dec(readFlatArgs),
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, decode := range decoders {
			if _, err := decode(in); err == nil && len(in) > 0 && !json.Valid(in) {
				t.Fatalf("accepted invalid JSON %q", in)
			}
		}
	})
}
