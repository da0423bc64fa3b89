// Package errplacement puts directives where they do not belong.
//
//mcp:tool
package errplacement

import "context"

// hidden is unexported.
//
//mcp:tool
func hidden(ctx context.Context) (string, error) { return "", nil }

// Service has methods.
type Service struct{}

// Method is a method.
//
//mcp:tool
func (Service) Method(ctx context.Context) (string, error) { return "", nil }

// Config is a type.
//
//mcp:tool
type Config struct{}

// Limit is a variable.
//
//mcp:prompt
var Limit = 3

// Both is a tool and a prompt.
//
//mcp:tool
//mcp:prompt
func Both() (string, error) { return "", nil }

// Twice is a tool twice.
//
//mcp:tool
//mcp:tool name=twice_again
func Twice() (string, error) { return "", nil }

// Generic is generic.
//
//mcp:tool
func Generic[T any](v T) (string, error) { return "", nil }

// Server is not the package doc.
//
//mcp:server name=x
func Server() {}

func body() {
	//mcp:tool
	_ = 1
}

// Schema is a function, not a type.
//
//mcp:schema json=`{"$comment":"x"}`
func Schema() {}

// Count is a variable.
//
//mcp:schema json=`{"$comment":"x"}`
var Count = 3

// The types of a group share this comment.
//
//mcp:schema json=`{"$comment":"x"}`
type (
	// Inner is in a group; its own doc comment may hold //mcp:schema.
	//
	//mcp:schema json=`{"$comment":"fine"}`
	Inner struct{}
)

func schemaBody() {
	//mcp:schema json=`{"$comment":"x"}`
	_ = 1
}
