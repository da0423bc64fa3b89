// Package add500 is the benchmark's 500-tool server: the "add" tool of
// the one-tool server plus 499 siblings (add_001 ... add_499) written by
// gentools, so the benchmark can show that the number of tools does not
// slow down tools/call.
//
//mcp:server name=mcpgen-add500 version=1.0.0
package add500

//go:generate go run ./gentools -n 500 -o tools.go
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
