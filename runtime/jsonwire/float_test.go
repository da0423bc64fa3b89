package jsonwire

import (
	"encoding/json"
	"math"
	"testing"
)

// TestAppendFloat checks AppendFloat against encoding/json for both sizes.
func TestAppendFloat(t *testing.T) {
	tests := []float64{0, 1, -1, 0.1, 1.5, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789.125, -2.5e-10, math.MaxFloat64, math.SmallestNonzeroFloat64, 3.4e38, float64(float32(0.1))}
	for _, f := range tests {
		want, _ := json.Marshal(f)
		if got, err := AppendFloat(nil, f, 64); err != nil || string(got) != string(want) {
			t.Errorf("AppendFloat(%v, 64) = %s, %v; want %s", f, got, err, want)
		}
		if f > math.MaxFloat32 {
			continue
		}
		want32, _ := json.Marshal(float32(f))
		if got, err := AppendFloat(nil, float64(float32(f)), 32); err != nil || string(got) != string(want32) {
			t.Errorf("AppendFloat(%v, 32) = %s, %v; want %s", f, got, err, want32)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, want := json.Marshal(f)
		if _, err := AppendFloat(nil, f, 64); err == nil || err.Error() != want.Error() {
			t.Errorf("AppendFloat(%v) error %v, want %v", f, err, want)
		}
	}
}

// FuzzAppendFloat: every finite float64 encodes as encoding/json does.
func FuzzAppendFloat(f *testing.F) {
	for _, s := range []float64{0, 1e-7, 1e21, 0.3} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		want, werr := json.Marshal(v)
		got, err := AppendFloat(nil, v, 64)
		if (werr != nil) != (err != nil) || (err == nil && string(got) != string(want)) {
			t.Fatalf("AppendFloat(%v) = %s, %v; want %s, %v", v, got, err, want, werr)
		}
	})
}
