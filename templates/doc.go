// Package templates is the `mcpgen init` scaffold: the starter files of a
// new, runnable MCP server module, embedded in the mcpgen binary, and Init,
// which renders them into a directory and records the module's
// dependencies (go.sum) so that `go generate ./... && go run .` works at
// once.
//
// The files are text/template sources under scaffold/ (named *.tmpl so the
// go command never mistakes them for packages of this module). They are
// user-facing starter code, not generated code: users edit them freely, so
// they are written once and never regenerated.
//
// cmd/mcpgen calls Init; the package has no other users.
package templates
