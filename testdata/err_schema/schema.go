// Package errschema gets //mcp:schema wrong in every way the generator
// reports.
package errschema

import "context"

// BadJSON is not valid JSON: the error points into the raw string.
//
//mcp:schema json=`{"allOf":[{"required":["a"]},]}`
type BadJSON struct {
	A string `json:"a"`
}

// NotObject is an array.
//
//mcp:schema json=`[{"required":["a"]}]`
type NotObject struct{}

// Owned sets keys mcpgen writes itself.
//
//mcp:schema json=`{"$comment":"ok","properties":{},"required":["a"],"additionalProperties":true,"type":"object"}`
//mcp:schema json="{\"description\":\"quoted: the error is at the value\",\"$defs\":{}}"
type Owned struct{}

// Twice repeats a key across lines and within one.
//
//mcp:schema json=`{"examples":[{}]}`
//mcp:schema json=`{"examples":[{"b":1}]}`
//mcp:schema json=`{"$comment":"a","$comment":"b"}`
type Twice struct{}

// Name is not a struct.
//
//mcp:schema json=`{"$comment":"x"}`
type Name string

// Alias is an alias of a struct.
//
//mcp:schema json=`{"$comment":"x"}`
type Alias = Twice

// Missing has no json=.
//
//mcp:schema
type Missing struct{}

// Typo misspells the key.
//
//mcp:schema jsn=`{}`
type Typo struct{}

// Empty is not JSON at all.
//
//mcp:schema json=``
type Empty struct{}

// Use has a tool so the package is not empty.
//
//mcp:tool
func Use(ctx context.Context, in BadJSON) (string, error) { return "", nil }

// Anchored has an anchor, so it may be written once per schema.
//
//mcp:schema json=`{"$comment":"c","$anchor":"a"}`
type Anchored struct{}

// Twin inlines Anchored twice.
type Twin struct {
	A Anchored  `json:"a"`
	B *Anchored `json:"b"`
	C *Anchored `json:"c" mcp:"ref=anchored"`
}

// TwoAnchors has the inlined Anchored twice.
//
//mcp:tool
func TwoAnchors(ctx context.Context, in Twin) (Twin, error) { return in, nil }
