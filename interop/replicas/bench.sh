#!/usr/bin/env bash
# Throughput of tools/call on 2025 sessions (interop/bench/load, c=32, one
# session per worker) against the bench server (interop/bench/servers/
# mcpgen): one replica with the memory store, one with a Redis store, and
# three sharing that Redis behind HAProxy (round robin, no stickiness).
# Prints one JSON line per run (req/s, p50/p99 in ms, errors). Not part
# of the test command: figures depend on the machine.
#
#   interop/replicas/bench.sh [-d DURATION]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dur=5s
[ "${1:-}" = -d ] && dur=${2:?-d needs a duration}

"$root/scripts/ensure-apt.sh" redis-server=redis-server haproxy=haproxy
work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-replicas-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$root/interop" && go build -o "$work/server" ./bench/servers/mcpgen && go build -o "$work/load" ./bench/load)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench.sh: $1 does not answer" >&2; return 1; }

rp=$(port)
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
store=redis://127.0.0.1:$rp/0

start() { # NAME STORE: start a replica, print its address
	local p
	p=$(port)
	MCPGEN_STORE=$2 "$work/server" -addr "127.0.0.1:$p" >"$work/$1.log" 2>&1 &
	pids+=($!)
	wait_up "http://127.0.0.1:$p/mcp" >&2
	echo "127.0.0.1:$p"
}

a=$(start memory memory)
"$work/load" -url "http://$a/mcp" -name "1 replica, memory store" -c 32 -d "$dur"
b=$(start redis1 "$store")
"$work/load" -url "http://$b/mcp" -name "1 replica, Redis store" -c 32 -d "$dur"

c=$(start redis2 "$store")
d=$(start redis3 "$store")
lb=$(port)
cat >"$work/haproxy.cfg" <<CFG
defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
frontend mcp
    bind 127.0.0.1:$lb
    default_backend replicas
backend replicas
    balance roundrobin
    server r1 $b
    server r2 $c
    server r3 $d
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$lb/mcp"
"$work/load" -url "http://127.0.0.1:$lb/mcp" -name "3 replicas, Redis store, HAProxy round robin" -c 32 -d "$dur"
