// Command mcpgen turns annotated Go functions into an MCP server package.
//
//	mcpgen [generate] [flags] [PACKAGE]
//	mcpgen check [flags] [PACKAGE]
//	mcpgen init [flags] DIR
//	mcpgen version
//
// Run it from go:generate:
//
//	//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -out ./mcpserver .
//
// Generating and checking live in package gen (see gen.Main); the init
// scaffold lives in package templates (see templates.Command).
package main

import (
	"os"

	"github.com/mcpgen/mcpgen/gen"
	"github.com/mcpgen/mcpgen/templates"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "init" {
		os.Exit(templates.Command(args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(gen.Main(args, os.Stdout, os.Stderr))
}
