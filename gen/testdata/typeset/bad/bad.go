// Package bad holds argument types the type layer must reject, each at
// the position of the offending field.
package bad

import (
	"time"
	"unsafe"
)

type hidden struct{ X int }

// Bad has one unsupported field per line.
type Bad struct {
	Ch     chan int          `json:"ch"`
	Fn     func()            `json:"fn"`
	C      complex128        `json:"c"`
	P      unsafe.Pointer    `json:"p"`
	M      map[int]string    `json:"m"`
	I      interface{ M() }  `json:"i"`
	D      time.Duration     `json:"d"`
	Tag    string            `json:"tag" mcp:"bogus=1"`
	Min    string            `json:"min" mcp:"min=1"`
	Len    int               `json:"len" mcp:"maxLength=3"`
	Pat    string            `json:"pat" mcp:"pattern=["`
	Def    int               `json:"def" mcp:"default=x"`
	Enum   Level             `json:"enum" mcp:"enum=1|9"`
	Hidden hidden            `json:"hidden"`
	Str    int               `json:"str,string"`
	Range  int8              `json:"range" mcp:"max=300"`
	Fmt    string            `json:"fmt" mcp:"format=bogus"`
	Anon   []struct{ x int } `json:"anon"`
	DefPat string            `json:"defPat" mcp:"pattern=^a+$,maxLength=2,default=bbb"`
	Dup    int               `json:"dup" mcp:"min=1,min=2"`
	Bare   int               `json:"bare" mcp:"readonly"`
	Quote  string            `json:"quote" mcp:"title='open"`
	Hdr    string            `json:"hdr" mcp:"header=a b"`
	Fdef   []int             `json:"fdef" mcp:"default=1"`
	RefInt int               `json:"refInt" mcp:"ref=x"`
	RefBad Inner             `json:"refBad" mcp:"ref=a/b"`
}

// Inner is a struct for ref= checks.
type Inner struct {
	X int `json:"x"`
}

// Level is an enum.
type Level int

// Levels.
const (
	One Level = 1
	Two Level = 2
)
