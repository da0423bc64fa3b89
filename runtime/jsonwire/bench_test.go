package jsonwire

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

var (
	benchArgs     = []byte(`{"a":1,"b":2}`)
	benchEnvelope = []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}`)
)

type addArgs struct{ A, B int64 }

// decodeAdd is what the generator writes for func Add(a, b int) int.
func decodeAdd(data []byte, v *addArgs) error {
	d := NewDecoder(data)
	var hasA, hasB bool
	for name, ok := d.Field(); ok; name, ok = d.Field() {
		switch name {
		case "a":
			v.A, hasA = d.Int(math.MinInt, math.MaxInt), true
		case "b":
			v.B, hasB = d.Int(math.MinInt, math.MaxInt), true
		default:
			d.UnknownField(name)
		}
	}
	if !hasA {
		d.Missing("a")
	}
	if !hasB {
		d.Missing("b")
	}
	return d.Finish()
}

func BenchmarkArgs(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchArgs)))
	for b.Loop() {
		var v addArgs
		if err := decodeAdd(benchArgs, &v); err != nil || v.A != 1 || v.B != 2 {
			b.Fatal(v, err)
		}
	}
}

// BenchmarkArgsEncodingJSON is the reference point: the same object with
// encoding/json and reflection.
func BenchmarkArgsEncodingJSON(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchArgs)))
	for b.Loop() {
		var v struct{ A, B int64 }
		if err := json.Unmarshal(benchArgs, &v); err != nil || v.A != 1 {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkEnvelope(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEnvelope)))
	var d Decoder
	for b.Loop() {
		d.Reset(benchEnvelope)
		var id, method, tool, args []byte
		for name, ok := d.Field(); ok; name, ok = d.Field() {
			switch name {
			case "id":
				id = d.Raw()
			case "method":
				method = d.Raw()
			case "params":
				for pn, ok := d.Field(); ok; pn, ok = d.Field() {
					switch pn {
					case "name":
						tool = d.Raw()
					case "arguments":
						args = d.Raw()
					default:
						d.Skip()
					}
				}
			default:
				d.Skip()
			}
		}
		if err := d.Finish(); err != nil || len(id) != 1 || len(method) != 12 || len(tool) != 5 || len(args) != 13 {
			b.Fatal(err)
		}
	}
}

func BenchmarkEnvelopeEncodingJSON(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEnvelope)))
	for b.Loop() {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				Name      string          `json:"name"`
				Arguments json.RawMessage `json:"arguments"`
			} `json:"params"`
		}
		if err := json.Unmarshal(benchEnvelope, &m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"plain", `"get the forecast for Paris tomorrow"`},
		{"escaped", `"get the \"forecast\"\nfor Par\u00efs"`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			data := []byte(bc.in)
			var d Decoder
			for b.Loop() {
				d.Reset(data)
				if d.String() == "" {
					b.Fatal("empty")
				}
			}
		})
	}
}

func BenchmarkAppendString(b *testing.B) {
	b.ReportAllocs()
	s := `{"forecast": "sunny <warm> & dry", "note": "line one` + "\n" + `line two"}`
	buf := make([]byte, 0, 256)
	for b.Loop() {
		buf = AppendString(buf[:0], s)
	}
}

// Hostile inputs must stay linear: a megabyte of each decodes well under
// a second even on a loaded machine.
func TestLargeInputsLinear(t *testing.T) {
	const n = 1 << 20
	inputs := map[string]string{
		"digits":   strings.Repeat("1", n),
		"fraction": "0." + strings.Repeat("0", n) + "1",
		"string":   `"` + strings.Repeat(`\u00e9x`, n/7) + `"`,
		"invalid":  `"` + strings.Repeat("\xff", n) + `"`,
		"keys":     "{" + strings.Repeat(`"k":1,`, n/6) + `"k":1}`,
		"nesting":  strings.Repeat("[", 9999) + strings.Repeat("]", 9999),
		"unclosed": strings.Repeat("[", n),
	}
	for name, in := range inputs {
		start := time.Now()
		d := NewDecoder([]byte(in))
		walk(d)
		d.Finish()
		d.Reset([]byte(in))
		d.Int(math.MinInt64, math.MaxInt64)
		d.Finish()
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("%s: %v", name, el)
		}
	}
}
