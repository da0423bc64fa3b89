// Package errtemplate has resource templates that do not match their
// functions.
package errtemplate

import "context"

// Profile lacks a parameter for {id}.
//
//mcp:resource uri=users://{id}/profile
func Profile(ctx context.Context) (string, error) { return "", nil }

// Post has a parameter with no variable.
//
//mcp:resource uri=posts://{id}
func Post(ctx context.Context, id, lang string) (string, error) { return "", nil }

// Fixed has a parameter but a fixed URI.
//
//mcp:resource uri=config://app
func Fixed(ctx context.Context, section string) (string, error) { return "", nil }

// Typed has a non-string variable.
//
//mcp:resource uri=items://{n}
func Typed(ctx context.Context, n int) (string, error) { return "", nil }

// Level2 uses a level-2 template.
//
//mcp:resource uri=files://{+path}
func Level2(ctx context.Context, path string) (string, error) { return "", nil }

// NoScheme has no scheme.
//
//mcp:resource uri=/etc/motd
func NoScheme(ctx context.Context) (string, error) { return "", nil }

// Unclosed has an unclosed brace.
//
//mcp:resource uri=users://{id
func Unclosed(ctx context.Context, id string) (string, error) { return "", nil }

// NoURI has no uri.
//
//mcp:resource
func NoURI(ctx context.Context) (string, error) { return "", nil }
