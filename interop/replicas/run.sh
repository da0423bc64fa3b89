#!/usr/bin/env bash
# Three replicas of mcpgen's conformance server sharing one redis-server,
# behind HAProxy (round robin, no stickiness), tested as one server by the
# official MCP conformance suite 0.1.16 (--suite all): every check must
# pass and none may warn, as for one process (interop/conformance/run.sh);
# then by 0.2.0-alpha.12 --suite all for 2026-07-28 and 2025-11-25, with
# the rules of interop/conformance/run-alpha.sh; then by the official
# TypeScript SDK client's smoke test (interop/ts/run.sh --url).
#
#   interop/replicas/run.sh [-o DIR]
#
#   -o DIR   keep the suite's results there (otherwise a temporary
#            directory, kept only when the run fails).
#
# redis-server and haproxy come from Debian (scripts/ensure-apt.sh); every
# process listens on a free 127.0.0.1 port and is stopped by PID on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
conf=$root/interop/conformance

out=${CONFORMANCE_OUT:-}
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:?-o needs a value}; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (want -o DIR)" >&2; exit 2 ;;
	esac
	shift
done

"$root/scripts/ensure-apt.sh" redis-server=redis-server haproxy=haproxy
. "$root/interop/lib.sh"
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-replicas.XXXXXX")
[ -n "$out" ] || out=$work/results
mkdir -p "$out"
ok=0
pids=()
cleanup() {
	stop_pids
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "run.sh: logs and suite output kept in $work (checks.json files in $out)" >&2
	fi
}
trap cleanup EXIT

conformance_node "$conf"
node22=$NODE22
suite=$conf/node_modules/@modelcontextprotocol/conformance/dist/index.js

start_replicas "$root" "$work" "$node22"
url=$LB_URL

echo "==> conformance server --url $url --suite all"
status=0
"$node22" "$suite" server --url "$url" --suite all -o "$out" >"$work/suite.log" 2>&1 || status=$?
cat "$work/suite.log"
echo
echo "==> replicas: $(grep -E '^Total: ' "$work/suite.log" | tail -1 || echo 'no Total line (the suite did not finish)')"
if ! "$node22" "$conf/summarize.mjs" "$out" 1 ""; then
	status=1
fi
# The pre-release suite (both eras, --suite all) through the same balancer.
if ! "$conf/run-alpha.sh" --url "$url" ${out:+-o "$out/alpha"}; then
	status=1
fi
# The official TypeScript SDK client's smoke test through the balancer.
if ! "$root/interop/ts/run.sh" --url "$url"; then
	status=1
fi
if [ "$status" -ne 0 ]; then
	echo "==> replicas: FAILED" >&2
	for i in 1 2 3; do
		echo "---- replica $i log (tail) ----" >&2
		tail -20 "$work/replica$i.log" >&2
	done
	exit 1
fi
ok=1
echo "==> replicas: passed"
