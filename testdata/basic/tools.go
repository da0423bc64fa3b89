// Package basic is the smallest useful mcpgen input: a few tools in the
// argument-struct and flat forms.
//
//mcp:server name=basic version=1.0.0 instructions="Small tools for tests."
package basic

import (
	"context"
	"errors"
	"strings"
)

// EchoInput is what Echo takes.
type EchoInput struct {
	// Text to echo back.
	Text string `json:"text"`
	// Times to repeat the text.
	Times int `json:"times,omitempty" mcp:"min=1,max=5,default=1"`
}

// EchoOutput is what Echo returns.
type EchoOutput struct {
	Text string `json:"text"` // the echoed text
}

// Echo repeats a text.
//
//mcp:tool readonly idempotent title="Echo"
func Echo(ctx context.Context, in EchoInput) (EchoOutput, error) {
	if in.Times < 1 {
		in.Times = 1
	}
	return EchoOutput{Text: strings.Repeat(in.Text, in.Times)}, nil
}

// Add adds two integers.
//
//mcp:tool name=add
func Add(a, b int) (int, error) {
	return a + b, nil
}

// Greet says hello to someone.
//
//mcp:tool
func Greet(ctx context.Context, name string, title *string) (string, error) {
	if title != nil {
		return "Hello, " + *title + " " + name + "!", nil
	}
	return "Hello, " + name + "!", nil
}

// Fail always fails, to show tool errors.
//
//mcp:tool destructive=false
func Fail(ctx context.Context) error {
	return errors.New("this tool always fails")
}
