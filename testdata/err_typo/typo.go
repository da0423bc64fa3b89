// Package errtypo has directive typos.
package errtypo

// Ping answers pong.
//
//mcp:tol
func Ping() (string, error) { return "pong", nil }

// Pong answers ping.
//
// mcp:tool
func Pong() (string, error) { return "ping", nil }

// Pang has a directive with a tab after //.
//
//	mcp:prompt
func Pang() (string, error) { return "pang", nil }

// Unknown uses a directive mcpgen does not know.
//
//mcp:widget size=3
func Unknown() (string, error) { return "?", nil }

// Prose mentions mcp: in ordinary text, which is fine:
// mcp:toolbox is not a directive.
//
//mcp:tool
func Prose() (string, error) { return "", nil }
