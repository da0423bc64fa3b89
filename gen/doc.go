// Package gen is mcpgen's generator: it loads one Go package with
// go/packages, reads the //mcp: directives on its exported functions (and
// //mcp:schema on struct types: schemadir.go), checks their signatures
// against the rules in docs/reference.md, and emits one file of glue (with
// jennifer) that builds a runtime.Definition and a New function serving
// it.
//
// The work is split in two layers that meet in types.go: the core
// (directives, scanning, signatures, emission, errors: this package's
// other files) and the type layer (typeset*.go: JSON Schema and
// reflection-free decoders derived from go/types).
//
// Every user error is collected with its position and returned together
// in an *ErrorList, so one run shows everything to fix.
package gen
