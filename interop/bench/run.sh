#!/usr/bin/env bash
# Side-by-side benchmark: the "add" tool served by a bare net/http floor,
# mcpgen (generated), mcp-go and the official Go SDK. Usage:
#   interop/bench/run.sh [-rounds N] [-d 8s] [-c 1,32] [-stateless]
#                        [-proto 2026-07-28] [-servers floor,mcpgen,mcpgen500,...]
#                        [-method call|list] [-tool NAME]
# (see bench/driver). mcpgen500 is the 500-tool variant of the mcpgen server.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go generate ./bench/servers/mcpgen/...
for s in floor mcpgen mcpgen500 mcpgo gosdk; do go build -o "$bin/$s" ./bench/servers/$s; done
go build -o "$bin/load" ./bench/load
go run ./bench/driver -bin "$bin" "$@"
