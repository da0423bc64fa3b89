#!/usr/bin/env bash
# The fault test of three replicas of mcpgen's conformance server sharing
# one redis-server behind HAProxy (round robin, no stickiness; the set-up
# of run.sh, from lib.sh), driven by fault.mjs over raw HTTP:
#
# 1. during a slow_compute task streaming its progress to the session's
#    GET stream, kill -9 the replica holding that stream; the client
#    reconnects through the balancer with Last-Event-ID and must receive
#    every event it missed (no gap, none twice); the session still works;
# 2. restart redis-server during light load (20 requests a second):
#    requests during the outage get 503 naming the store, nothing panics,
#    service resumes within seconds after Redis is back.
#
#   interop/replicas/fault.sh
#
# redis-server and haproxy come from Debian (scripts/ensure-apt.sh); every
# process listens on a free 127.0.0.1 port and is stopped by PID on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
conf=$root/interop/conformance
case ${1:-} in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "fault.sh: no arguments expected" >&2; exit 2 ;;
esac

"$root/scripts/ensure-apt.sh" redis-server=redis-server haproxy=haproxy
. "$root/interop/lib.sh"
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-fault.XXXXXX")
ok=0
pids=()
cleanup() {
	stop_pids
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "fault.sh: logs kept in $work" >&2
	fi
}
trap cleanup EXIT

conformance_node "$conf"
node22=$NODE22

start_replicas "$root" "$work" "$node22"

status=0
"$node22" "$here/fault.mjs" "$LB_URL" "$work" "$REDIS_PORT" "$REDIS_PID" "${REPLICA_PIDS[@]}" || status=$?
for i in 1 2 3; do
	if grep -n -i -E 'panic|fatal error|DATA RACE' "$work/replica$i.log" >&2; then
		echo "FAIL replica r$i logged a panic (above)" >&2
		status=1
	fi
done
[ "$status" -ne 0 ] || echo "ok   no replica logged a panic"
if [ "$status" -ne 0 ]; then
	echo "==> fault: FAILED" >&2
	for i in 1 2 3; do
		echo "---- replica r$i log (tail) ----" >&2
		tail -20 "$work/replica$i.log" >&2
	done
	exit 1
fi
ok=1
echo "==> fault: passed"
