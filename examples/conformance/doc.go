// Package conformance holds the fixtures that the official MCP conformance
// suite (@modelcontextprotocol/conformance) and the interop smoke tests
// exercise: one ordinary annotated Go function per tool, resource and
// prompt the suite asks for, with the names, texts and shapes its checks
// expect. mcpgen turns them into the server package ./mcpserver; the
// runnable server is ./cmd/conformance-server and the harness that runs
// the suites against it is interop/conformance/run.sh.
//
// The fixtures deliberately use only the public surface a user has
// (directives, plain signatures, *runtime.Session, runtime.Content), so a
// passing suite says something about what users get, not about test hooks.
//
//mcp:server name=mcpgen-conformance version=1.0.0 instructions="Fixtures for the MCP conformance suite."
package conformance

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -client -out ./mcpserver .
