// Package schema adds JSON Schema keywords to struct types with
// //mcp:schema: at the root, inline, in $defs and in output schemas.
//
//mcp:server name=schema version=1.0.0
package schema

import "context"

// Contact is how to reach someone. Its keywords keep the order written
// (not sorted) and come after the generated members.
//
//mcp:schema json=`{"oneOf": [ {"required": ["phone"]}, {"required": ["email"]} ], "$comment": "one, not both"}`
//mcp:schema json="{\"dependentRequired\":{\"phone\":[\"country\"]}}"
type Contact struct {
	Phone   string `json:"phone,omitempty"`
	Country string `json:"country,omitempty"`
	Email   string `json:"email,omitempty"`
}

// Address is a postal address, written once in $defs.
//
//mcp:schema json=`{"$anchor":"addr","examples":[{"city":"Paris"}]}`
type Address struct {
	City string `json:"city"`
}

// Node is recursive, so it lives in $defs.
//
//mcp:schema json=`{"not":{"required":["self"]}}`
type Node struct {
	Name     string  `json:"name"`
	Children []*Node `json:"children,omitempty"`
}

// Page is generic; every instance gets the keywords.
//
//mcp:schema json=`{"$comment":"a page"}`
type Page[T any] struct {
	Items []T `json:"items"`
}

// Input is the arguments of Send.
//
//mcp:schema json=`{"if":{"required":["home"]},"then":{"required":["tree"]}}`
type Input struct {
	Contact Contact        `json:"contact"`
	Home    *Address       `json:"home,omitempty" mcp:"ref=address"`
	Work    *Address       `json:"work,omitempty" mcp:"ref=address"`
	Tree    *Node          `json:"tree,omitempty"`
	Pages   []Page[string] `json:"pages,omitempty"`
}

// Output is the result of Send.
//
//mcp:schema json=`{"$comment":"output too"}`
type Output struct {
	Sent    bool     `json:"sent"`
	Contact *Contact `json:"contact,omitempty"`
}

// Send sends a message.
//
//mcp:tool
func Send(ctx context.Context, in Input) (Output, error) { return Output{Sent: true}, nil }
