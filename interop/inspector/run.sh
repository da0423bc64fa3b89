#!/usr/bin/env bash
# The official MCP Inspector CLI (@modelcontextprotocol/inspector 2.12.0)
# against the generated quickstart server over Streamable HTTP, legacy SSE
# and stdio. Exit status 0 when every test passes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-inspector.XXXXXX")
cleanup() {
	stop_conformance_server
	rm -rf "$work"
}
trap cleanup EXIT

if [ ! -d "$here/node_modules" ]; then
	echo "==> npm ci (interop/inspector)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi
echo "==> go build ./examples/quickstart"
(cd "$root" && go build -o "$work/quickstart" ./examples/quickstart)
start_conformance_server node "$work/quickstart" "$work/server.log"
mkdir -p "$work/home"
echo "==> node --test inspector.test.mjs"
(cd "$here" && MCP_BASE=${SERVER_URL%/mcp} QUICKSTART_BIN="$work/quickstart" INSPECTOR_HOME="$work/home" \
	node --test --test-reporter=spec --test-concurrency=1 inspector.test.mjs)
