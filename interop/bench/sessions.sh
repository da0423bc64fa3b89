#!/usr/bin/env bash
# Idle memory per session: for each server (mcpgen, mcp-go, go-sdk), each
# kind of server-to-client stream (the 2025-11-25 Streamable HTTP GET
# stream, legacy SSE) and each N, a fresh server process pinned to CPU 0
# gets N sessions from bench/sessions (CPU 1), which prints the growth of
# the server's VmRSS per session. Usage:
#   interop/bench/sessions.sh [N ...]     (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 20000 # N streams, plus the handshakes, on each side
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go generate ./bench/servers/mcpgen/add/...
for s in mcpgen mcpgo gosdk; do go build -o "$bin/$s" ./bench/servers/$s; done
go build -o "$bin/sessions" ./bench/sessions
# exec: the background job is the server itself, so kill reaches it.
pin() { if command -v taskset >/dev/null; then exec taskset -c "$@"; else shift; exec "$@"; fi; }
echo "| server | stream | N | RSS before MiB | RSS after MiB | KiB/session |"
echo "|---|---|---|---|---|---|"
for n in "${counts[@]}"; do
	for kind in streamable sse; do
		for s in mcpgen mcpgo gosdk; do
			port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
			extra=()
			[ "$s" = mcpgen ] && extra=(-max-sessions 20000)
			(pin 0 "$bin/$s" -addr "127.0.0.1:$port" -sse "${extra[@]}" >/dev/null 2>&1) &
			pid=$!
			for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
			out=$(pin 1 "$bin/sessions" -base "http://127.0.0.1:$port" -kind "$kind" -n "$n" -pid "$pid" -name "$s")
			kill "$pid"; wait "$pid" 2>/dev/null || true
			python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("| %s | %s | %d | %.1f | %.1f | %.1f |" % (r["server"], "GET (2025-11-25)" if r["kind"]=="streamable" else "legacy SSE", r["n"], r["rss_before_kib"]/1024, r["rss_after_kib"]/1024, r["kib_per_session"]))' "$out"
		done
	done
done
