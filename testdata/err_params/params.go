// Package errparams has parameter and result types mcpgen cannot serve.
package errparams

import (
	"context"
	"net/http"

	"github.com/mcpgen/mcpgen/runtime"
)

type secret struct{ Value string }

// Chan takes a channel.
//
//mcp:tool
func Chan(ctx context.Context, c chan int) (string, error) { return "", nil }

// Func takes a function and a complex number.
//
//mcp:tool
func Func(f func(), z complex128) (string, error) { return "", nil }

// TwoContexts takes two contexts.
//
//mcp:tool
func TwoContexts(a, b context.Context) (string, error) { return "", nil }

// RequestValue takes http.Request by value and two headers.
//
//mcp:tool
func RequestValue(r http.Request, h1, h2 http.Header) (string, error) { return "", nil }

// SessionValue takes runtime.Session by value.
//
//mcp:tool
func SessionValue(s runtime.Session) (string, error) { return "", nil }

// Variadic takes a variadic list.
//
//mcp:tool
func Variadic(names ...string) (string, error) { return "", nil }

// Hidden takes an unexported type.
//
//mcp:tool
func Hidden(s secret) (string, error) { return "", nil }

// HiddenSlice takes a slice of an unexported type.
//
//mcp:tool
func HiddenSlice(ctx context.Context, n int, s []secret) (string, error) { return "", nil }

// Unnamed has unnamed flat parameters.
//
//mcp:tool
func Unnamed(context.Context, string, int) (string, error) { return "", nil }

// NoError returns no error.
//
//mcp:tool
func NoError(ctx context.Context) string { return "" }

// ThreeResults returns three values.
//
//mcp:tool
func ThreeResults(ctx context.Context) (string, int, error) { return "", 0, nil }

// ChanResult returns a channel.
//
//mcp:tool
func ChanResult(ctx context.Context) (chan int, error) { return nil, nil }

// HiddenResult returns an unexported type.
//
//mcp:tool
func HiddenResult(ctx context.Context) (secret, error) { return secret{}, nil }

// NoResults returns nothing.
//
//mcp:tool
func NoResults(ctx context.Context) {}

// BadPrompt takes an int argument.
//
//mcp:prompt
func BadPrompt(ctx context.Context, n int) (string, error) { return "", nil }

// BadPromptResult returns an int.
//
//mcp:prompt
func BadPromptResult(ctx context.Context) (int, error) { return 0, nil }

// BadResource returns an int.
//
//mcp:resource uri=data://n
func BadResource(ctx context.Context) (int, error) { return 0, nil }

// BadComplete has the wrong signature.
//
//mcp:complete prompt=bad_prompt arg=n
func BadComplete(ctx context.Context, value int) (string, error) { return "", nil }
