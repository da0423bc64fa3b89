// Package errtypes has argument and result types the type layer rejects,
// next to a directive error: one run reports both kinds.
package errtypes

import (
	"context"
	"time"
)

// Input has fields JSON cannot carry.
type Input struct {
	Ch    chan int              `json:"ch"`
	Fn    func()                `json:"fn"`
	Keys  map[int]string        `json:"keys"`
	Wait  time.Duration         `json:"wait"`
	Fine  string                `json:"fine"`
	Inner struct{ C complex64 } `json:"inner"`
}

// Output has a field JSON cannot carry.
type Output struct {
	Done chan struct{} `json:"done"`
}

// Run takes and returns bad types.
//
//mcp:tool
func Run(ctx context.Context, in Input) (Output, error) { return Output{}, nil }

// Flat takes a bad flat parameter type.
//
//mcp:tool
func Flat(ctx context.Context, keys map[float64]int) (string, error) { return "", nil }

// Typo is misspelt.
//
//mcp:tool readonyl
func Typo() (string, error) { return "", nil }
