package encout

import (
	"encoding/json"
	"math"
	"testing"

	fx "github.com/mcpgen/mcpgen/gen/testdata/typeset/encfixture"
)

func same[T any](t *testing.T, name string, v *T, enc func(*T) ([]byte, error)) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, err := enc(v)
	if (werr != nil) != (err != nil) {
		t.Fatalf("%s: error %v, encoding/json %v", name, err, werr)
	}
	if werr == nil && string(got) != string(want) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

// TestEncodersMatchEncodingJSON: the generated encoders write what
// encoding/json.Marshal writes, byte for byte.
func TestEncodersMatchEncodingJSON(t *testing.T) {
	n := 7
	opt := ""
	scalars := []fx.Scalars{
		{},
		{B: true, S: "a \"quoted\" <b>&\n\u2028 \xff é", I: -3, I8: -128, U: 3, U64: math.MaxUint64, F: 1e-7, F32: 0.1, L: "warn", C: 65535, Raw: []byte{0, 1, 254}, Odd: "x", NoTag: 9},
		{F: 1e21, F32: 1e-7, Raw: []byte{}},
	}
	for i := range scalars {
		same(t, "Scalars", &scalars[i], encodeJSONScalars)
	}
	same(t, "Scalars NaN", &fx.Scalars{F: math.NaN()}, encodeJSONScalars)
	comps := []fx.Composite{
		{},
		{
			Base:    fx.Base{ID: "id", Kind: "k"},
			In:      fx.Inner{Name: "in", N: &n},
			Ptr:     &fx.Inner{Name: "p"},
			List:    []fx.Inner{{Name: "a"}, {Name: "b", N: &n}},
			Ptrs:    []*fx.Inner{nil, {Name: "c"}},
			Matrix:  [][]float64{{1, 2.5}, nil, {}},
			Pair:    [2]int{1, 2},
			ByName:  map[string]fx.Inner{"z": {Name: "z"}, "a": {}, "<m>": {}},
			ByLevel: map[fx.Level][]int{"b": {1}, "a": nil},
			Opt:     &opt,
			Zero:    1,
			Flag:    true,
			Skip:    "never",
		},
		{List: []fx.Inner{}, ByName: map[string]fx.Inner{}},
	}
	for i := range comps {
		same(t, "Composite", &comps[i], encodeJSONComposite)
	}
	tree := fx.Tree{Value: 1, Children: []*fx.Tree{{Value: 2}, {Value: 3, Children: []*fx.Tree{{Value: 4}}}}}
	same(t, "Tree", &tree, encodeJSONTree)
	same(t, "Inner", &fx.Inner{Name: "only"}, encodeJSONInner)
}

// FuzzScalars: any scalar values encode as encoding/json encodes them.
func FuzzScalars(f *testing.F) {
	f.Add(true, "s", int64(1), uint64(2), 0.5, float32(0.25), []byte("x"))
	f.Fuzz(func(t *testing.T, b bool, s string, i int64, u uint64, fl float64, f32 float32, raw []byte) {
		v := fx.Scalars{B: b, S: s, I: int(i), I8: int8(i), U: uint(u), U64: u, F: fl, F32: f32, L: fx.Level(s), C: fx.Count(u), Raw: raw, Odd: s}
		same(t, "Scalars", &v, encodeJSONScalars)
	})
}
