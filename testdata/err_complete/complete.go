// Package errcomplete has completions that point nowhere.
package errcomplete

import "context"

// Greet is a prompt.
//
//mcp:prompt
func Greet(ctx context.Context, name string) (string, error) { return "Hi " + name, nil }

// Profile is a resource template.
//
//mcp:resource uri=users://{id}
func Profile(ctx context.Context, id string) (string, error) { return id, nil }

// NoPrompt names a prompt that does not exist.
//
//mcp:complete prompt=great arg=name
func NoPrompt(ctx context.Context, value string) ([]string, error) { return nil, nil }

// NoArg names an argument the prompt lacks.
//
//mcp:complete prompt=greet arg=nmae
func NoArg(ctx context.Context, value string) ([]string, error) { return nil, nil }

// NoTemplate names a template that does not exist.
//
//mcp:complete resource=users://{uid} arg=uid
func NoTemplate(ctx context.Context, value string) ([]string, error) { return nil, nil }

// NoVar names a variable the template lacks.
//
//mcp:complete resource=users://{id} arg=name
func NoVar(ctx context.Context, value string) ([]string, error) { return nil, nil }

// Both names a prompt and a template.
//
//mcp:complete prompt=greet resource=users://{id} arg=id
func Both(ctx context.Context, value string) ([]string, error) { return nil, nil }

// Neither names no target and no argument.
//
//mcp:complete
func Neither(ctx context.Context, value string) ([]string, error) { return nil, nil }

// Names completes the name argument.
//
//mcp:complete prompt=greet arg=name
func Names(ctx context.Context, value string) ([]string, error) { return nil, nil }

// NamesAgain completes it again.
//
//mcp:complete prompt=greet arg=name
func NamesAgain(ctx context.Context, value string) ([]string, error) { return nil, nil }
