# Shared by interop/auth/run.sh and run-conformance.sh (source it; bash
# only, after ../lib.sh's free_port is available): start the development
# issuer and a bearer-protected server on loopback, stop both by PID.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

ISSUER_PID=
AUTH_SERVER_PID=

# start_devissuer BINARY WORKDIR AUDIENCE: start devissuer on a free
# loopback port minting tokens for AUDIENCE, wait for its settings and
# export them (MCPGEN_AUTH_JWT_JWKS_URI, MCPGEN_AUTH_JWT_ISSUER,
# DEVISSUER_MINT_URL, DEVISSUER_TOKEN).
start_devissuer() {
	local bin=$1 dir=$2 aud=$3 i
	"$bin" -audience "$aud" -sub conformance -scope "mcp" >"$dir/issuer.env" 2>"$dir/issuer.log" &
	ISSUER_PID=$!
	for i in $(seq 1 150); do
		if grep -q '^DEVISSUER_TOKEN=' "$dir/issuer.env" 2>/dev/null; then
			set -a
			. "$dir/issuer.env"
			set +a
			echo "==> devissuer (pid $ISSUER_PID) at $MCPGEN_AUTH_JWT_ISSUER"
			return 0
		fi
		kill -0 "$ISSUER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "devissuer did not start" >&2
	cat "$dir/issuer.log" >&2
	return 1
}

# start_protected_server NODE BINARY PORT LOG [VAR=VALUE...]: start BINARY
# on 127.0.0.1:PORT with MCPGEN_AUTH_BASE_URL set to match and the extra
# environment; wait until it answers (401 is an answer). Sets SERVER_URL.
start_protected_server() {
	local node=$1 bin=$2 port=$3 log=$4
	shift 4
	SERVER_URL=http://127.0.0.1:$port/mcp
	env MCPGEN_HOST=127.0.0.1 MCPGEN_PORT="$port" MCPGEN_AUTH_BASE_URL="http://127.0.0.1:$port" "$@" "$bin" >"$log" 2>&1 &
	AUTH_SERVER_PID=$!
	echo "==> $(basename "$bin") (pid $AUTH_SERVER_PID) at $SERVER_URL"
	if ! "$node" -e '
		const [url, pid] = process.argv.slice(1);
		const deadline = Date.now() + 15000;
		(async () => {
			for (;;) {
				try { await fetch(url, { signal: AbortSignal.timeout(1000) }); process.exit(0); } catch {}
				try { process.kill(Number(pid), 0); } catch { console.error("server exited"); process.exit(1); }
				if (Date.now() > deadline) { console.error("server did not answer within 15 s"); process.exit(1); }
				await new Promise(r => setTimeout(r, 100));
			}
		})();' "$SERVER_URL" "$AUTH_SERVER_PID"; then
		echo "---- server log ----" >&2
		cat "$log" >&2
		return 1
	fi
}

# stop_auth_processes: stop what the functions above started.
stop_auth_processes() {
	local p
	for p in "$AUTH_SERVER_PID" "$ISSUER_PID"; do
		if [ -n "$p" ]; then
			kill "$p" 2>/dev/null || true
			wait "$p" 2>/dev/null || true
		fi
	done
	AUTH_SERVER_PID= ISSUER_PID=
}
