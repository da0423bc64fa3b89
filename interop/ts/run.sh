#!/usr/bin/env bash
# Smoke test with the official TypeScript SDK client
# (@modelcontextprotocol/sdk 1.32.2): builds and starts
# examples/conformance/cmd/conformance-server on a free loopback port and
# runs smoke.test.mjs and tasks2025.test.mjs (the experimental tasks of
# 2025-11-25 through client.experimental.tasks) against it with node's
# test runner; then, against
# the generated quickstart server, quickstart.test.mjs (the SDK's
# SSEClientTransport and StreamableHTTPClientTransport on one server at
# once); and against the differential test's corpus server,
# structured.test.mjs (nil and zero-enum results checked by the SDK
# against their output schemas). Finally it runs interop/goclient's
# TestSameAsTypeScriptClient: dump.mjs records what this SDK client sees
# of every conformance fixture, and the test requires mcpgen's Go client
# (runtime/client) to see the same on its own server.
#
#   interop/ts/run.sh [--url URL]
#
#   --url URL  test a server that is already running at URL instead.
#
# Exit status 0 when every test passes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

url=
while [ $# -gt 0 ]; do
	case $1 in
	--url) url=${2:?--url needs a value}; shift ;;
	--url=*) url=${1#--url=} ;;
	*) echo "run.sh: unknown argument $1 (want --url URL)" >&2; exit 2 ;;
	esac
	shift
done

. "$here/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-ts.XXXXXX")
cleanup() {
	stop_conformance_server
	rm -rf "$work"
}
trap cleanup EXIT

if [ ! -d "$here/node_modules" ]; then
	echo "==> npm ci (interop/ts)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi

external=$url
if [ -z "$url" ]; then
	build_conformance_server "$root" "$work/conformance-server"
	start_conformance_server node "$work/conformance-server" "$work/server.log"
	url=$SERVER_URL
fi

echo "==> node --test smoke.test.mjs tasks2025.test.mjs ($url)"
if ! (cd "$here" && MCP_URL=$url node --test --test-reporter=spec smoke.test.mjs tasks2025.test.mjs); then
	if [ -f "$work/server.log" ]; then
		echo "---- server log (tail) ----" >&2
		tail -50 "$work/server.log" >&2
	fi
	exit 1
fi

if [ -z "$external" ]; then
	stop_conformance_server
	echo "==> go build ./examples/quickstart (Streamable HTTP and legacy SSE)"
	(cd "$root" && go build -o "$work/quickstart" ./examples/quickstart)
	start_conformance_server node "$work/quickstart" "$work/quickstart.log"
	echo "==> node --test quickstart.test.mjs"
	if ! (cd "$here" && MCP_BASE=${SERVER_URL%/mcp} node --test --test-reporter=spec quickstart.test.mjs); then
		echo "---- server log (tail) ----" >&2
		tail -50 "$work/quickstart.log" >&2
		exit 1
	fi

	stop_conformance_server
	echo "==> go build ./schemadiff/cmd/corpus-server (interop module: structured results)"
	(cd "$root/interop" && go build -o "$work/corpus-server" ./schemadiff/cmd/corpus-server)
	start_conformance_server node "$work/corpus-server" "$work/corpus.log"
	echo "==> node --test structured.test.mjs"
	if ! (cd "$here" && MCP_URL=$SERVER_URL node --test --test-reporter=spec structured.test.mjs); then
		echo "---- server log (tail) ----" >&2
		tail -50 "$work/corpus.log" >&2
		exit 1
	fi

	echo "==> go test ./goclient -run TestSameAsTypeScriptClient (the Go client sees what this SDK client sees)"
	(cd "$root/interop" && MCPGEN_REQUIRE_TS=1 go test -count=1 -run '^TestSameAsTypeScriptClient$' ./goclient)
fi
