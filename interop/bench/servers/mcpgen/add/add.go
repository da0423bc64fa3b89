// Package add is the benchmark's "add" tool for mcpgen.
//
//mcp:server name=mcpgen-add version=1.0.0
package add

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -out ./mcpserver .

import "context"

// AddInput are the two integers to add.
type AddInput struct {
	A int `json:"a"`
	B int `json:"b"`
}

// AddOutput is their sum.
type AddOutput struct {
	Sum int `json:"sum"`
}

// Add adds two integers.
//
//mcp:tool
func Add(ctx context.Context, in AddInput) (AddOutput, error) {
	return AddOutput{Sum: in.A + in.B}, nil
}
