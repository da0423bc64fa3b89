// Package encfixture holds result types for the generated encoders'
// tests (TestTypeSetEncoders): the ones they must handle, and the ones
// they must leave to encoding/json.
package encfixture

import "time"

// Level is a named string.
type Level string

// Count is a named integer.
type Count uint16

// Scalars has every scalar kind.
type Scalars struct {
	B     bool    `json:"b"`
	S     string  `json:"s"`
	I     int     `json:"i"`
	I8    int8    `json:"i8"`
	U     uint    `json:"u"`
	U64   uint64  `json:"u64"`
	F     float64 `json:"f"`
	F32   float32 `json:"f32"`
	L     Level   `json:"level"`
	C     Count   `json:"count"`
	Raw   []byte  `json:"raw"`
	Odd   string  `json:"odd<&>"`
	NoTag int
}

// Inner is nested by value, by pointer and in collections.
type Inner struct {
	Name string `json:"name"`
	N    *int   `json:"n"`
}

// Base is embedded by value; its fields are promoted.
type Base struct {
	ID   string `json:"id"`
	Kind string `json:"kind,omitempty"`
}

// Composite has nested structs, pointers, slices, arrays and maps.
type Composite struct {
	Base
	In      Inner            `json:"in"`
	Ptr     *Inner           `json:"ptr"`
	List    []Inner          `json:"list"`
	Ptrs    []*Inner         `json:"ptrs"`
	Matrix  [][]float64      `json:"matrix"`
	Pair    [2]int           `json:"pair"`
	ByName  map[string]Inner `json:"byName"`
	ByLevel map[Level][]int  `json:"byLevel"`
	Opt     *string          `json:"opt,omitempty"`
	Zero    int              `json:"zero,omitzero"`
	Flag    bool             `json:"flag,omitempty"`
	Skip    string           `json:"-"`
}

// Tree is recursive.
type Tree struct {
	Value    int     `json:"value"`
	Children []*Tree `json:"children"`
}

// WithTime has a member whose encoding is its own method.
type WithTime struct {
	At time.Time `json:"at"`
}

// WithAny has a member of any type.
type WithAny struct {
	V any `json:"v"`
}

// OmitSlice has omitempty on a slice, where omitempty and omitzero differ.
type OmitSlice struct {
	L []int `json:"l,omitempty"`
}

// Custom marshals itself.
type Custom struct{ X int }

// MarshalJSON implements json.Marshaler.
func (Custom) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

// WithCustom holds a Custom.
type WithCustom struct {
	C Custom `json:"c"`
}

// EmbedPtr promotes fields through an embedded pointer.
type EmbedPtr struct {
	*Base
	X int `json:"x"`
}
