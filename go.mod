module github.com/mcpgen/mcpgen

go 1.26

require github.com/dave/jennifer v1.7.1
