#!/usr/bin/env bash
# Interop test with the 2026-capable TypeScript client
# (@modelcontextprotocol/client 2.4.0, versionNegotiation auto): builds and starts
# examples/conformance/cmd/conformance-server on a free loopback port and
# runs modern.test.mjs and tasks.test.mjs (tasks: started, watched,
# cancelled, fetched after a reconnect) against it with node's test runner.
# Then interop/goclient's TestSameAsTypeScriptClient2026: dump.mjs records
# what this client sees of every conformance fixture at 2026-07-28, and
# mcpgen's Go client (runtime/client) must see the same on its own server.
#
#   interop/ts2/run.sh [--url URL]
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

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-ts2.XXXXXX")
cleanup() {
	stop_conformance_server
	rm -rf "$work"
}
trap cleanup EXIT

if [ ! -d "$here/node_modules" ]; then
	echo "==> npm ci (interop/ts2)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi

external=$url
if [ -z "$url" ]; then
	build_conformance_server "$root" "$work/conformance-server"
	start_conformance_server node "$work/conformance-server" "$work/server.log"
	url=$SERVER_URL
fi

echo "==> node --test modern.test.mjs tasks.test.mjs ($url)"
if ! (cd "$here" && MCP_URL=$url node --test --test-reporter=spec modern.test.mjs tasks.test.mjs); then
	if [ -f "$work/server.log" ]; then
		echo "---- server log (tail) ----" >&2
		tail -50 "$work/server.log" >&2
	fi
	exit 1
fi

if [ -z "$external" ]; then
	echo "==> go test ./goclient -run TestSameAsTypeScriptClient2026 (the Go client sees what this client sees)"
	(cd "$root/interop" && MCPGEN_REQUIRE_TS=1 go test -count=1 -run '^TestSameAsTypeScriptClient2026$' ./goclient)
fi
