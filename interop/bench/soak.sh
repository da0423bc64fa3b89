#!/usr/bin/env bash
# Soak: mixed legitimate load alongside hostile clients (bodies declared
# and never sent, bodies that stop halfway, idle keep-alive connections,
# floods up event streams, elicitations never answered) for 10 minutes,
# reporting errors, p50/p99 latency and the server's RSS and CPU every
# 30 s. Not part of CI. Usage:
#   interop/bench/soak.sh [-d 10m] [-c 4] [-report 30s]
# The server is gen/e2e/testdata/bodyserver with the default settings
# except MCPGEN_REQUEST_TIMEOUT=30s (so unanswered elicitations cycle);
# export MCPGEN_* variables to change them. It raises the soft limit on
# open files (the attacks hold about 1,200 connections).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$bin"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
go build -o "$bin/server" ./gen/e2e/testdata/bodyserver
(cd interop && go build -o "$bin/soak" ./bench/soak)
: "${MCPGEN_REQUEST_TIMEOUT:=30s}"
: "${MCPGEN_LOG_LEVEL:=error}"
export MCPGEN_REQUEST_TIMEOUT MCPGEN_LOG_LEVEL
"$bin/server" >"$bin/addr" &
server_pid=$!
for _ in $(seq 100); do [ -s "$bin/addr" ] && break; sleep 0.1; done
addr=$(head -1 "$bin/addr")
[ -n "$addr" ] || { echo "soak: the server did not start" >&2; exit 1; }
"$bin/soak" -addr "$addr" -pid "$server_pid" "$@"
