#!/usr/bin/env bash
# Fails when any committed generated code is stale: `mcpgen check ./...`
# in the main module and in the interop module checks every package with
# //mcp: directives against what its own //go:generate line writes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/mcpgen
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/mcpgen
status=0
echo "mcpgen check ./..."
"$bin" check ./... || status=1
echo "mcpgen check ./...  (interop module)"
(cd interop && "$bin" check ./...) || status=1
exit $status
