#!/usr/bin/env bash
# Side-by-side benchmark: the "add" tool served by a bare net/http floor,
# mcpgen (generated), mcp-go and the official Go SDK. Usage:
#   interop/bench/run.sh [-rounds N] [-d 8s] [-c 1,32] [-stateless]
#                        [-proto 2026-07-28] [-servers floor,mcpgen,mcpgen500,...]
#                        [-method call|list] [-tool NAME] [-svg FILE]
#   interop/bench/run.sh -from-table FILE.md -svg FILE.svg [-title TEXT]
# (see bench/driver). mcpgen500 is the 500-tool variant of the mcpgen server.
# -svg also draws the medians as a chart; -from-table runs nothing and
# draws the first table of FILE.md (how docs/performance.svg is made).
set -euo pipefail
# File arguments are relative to where the script was started.
args=() from_table=
while [ $# -gt 0 ]; do
	case $1 in
	-svg | -from-table)
		[ "$1" = -from-table ] && from_table=1
		args+=("$1" "$(realpath -m -- "$2")"); shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
set -- "${args[@]}"
cd "$(dirname "$0")/.."
if [ -n "$from_table" ]; then exec go run ./bench/driver "$@"; fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go generate ./bench/servers/mcpgen/...
for s in floor mcpgen mcpgen500 mcpgo gosdk; do go build -o "$bin/$s" ./bench/servers/$s; done
go build -o "$bin/load" ./bench/load
go run ./bench/driver -bin "$bin" "$@"
