#!/usr/bin/env bash
# Generates the quickstart server from its annotated functions, starts it
# on 127.0.0.1 and talks MCP to it (initialize, tools/list, tools/call).
# The server then keeps running until Ctrl-C. DEMO_ONESHOT=1 stops it
# after the exchange (used by the test script).
set -euo pipefail
cd "$(dirname "$0")/.."
host=${MCPGEN_HOST:-127.0.0.1}
if [ -n "${DEMO_ONESHOT:-}" ]; then
	port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
else
	port=${MCPGEN_PORT:-8000}
fi
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "==> go generate ./examples/quickstart/...   (runs mcpgen on the annotated functions)"
go generate ./examples/quickstart/...
echo "==> go build ./examples/quickstart"
go build -o "$work/quickstart" ./examples/quickstart
echo "==> starting the server on http://$host:$port/mcp"
MCPGEN_HOST=$host MCPGEN_PORT=$port "$work/quickstart" &
pid=$!
node scripts/demo-client.mjs "http://$host:$port/mcp"
if [ -n "${DEMO_ONESHOT:-}" ]; then
	exit 0
fi
echo
echo "The server is still running at http://$host:$port/mcp; press Ctrl-C to stop it."
wait "$pid"
