# Shared by the interop run scripts (source it; bash only): build the
# conformance server, start it on a free loopback port, wait until it
# answers, and stop it by PID on exit.
#
# After start_conformance_server, SERVER_URL is the /mcp endpoint and
# SERVER_PID the process; the caller's EXIT trap must call
# stop_conformance_server.

SERVER_PID=
SERVER_URL=

# build_conformance_server ROOT OUT: go build the fixture server to OUT.
build_conformance_server() {
	echo "==> go build ./examples/conformance/cmd/conformance-server"
	(cd "$1" && go build -o "$2" ./examples/conformance/cmd/conformance-server)
}

# free_port NODE: a free 127.0.0.1 port (bind 0, read it back, release it).
free_port() {
	"$1" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_conformance_server NODE BINARY LOG [VAR=VALUE...]: start BINARY on
# a free port with the extra environment, and wait up to 15 s for any HTTP
# answer (a GET without a session is an error, which is fine here). On
# failure it prints the log and returns 1.
start_conformance_server() {
	local node=$1 bin=$2 log=$3 port
	shift 3
	port=$(free_port "$node")
	SERVER_URL=http://127.0.0.1:$port/mcp
	env MCPGEN_HOST=127.0.0.1 MCPGEN_PORT="$port" "$@" "$bin" >"$log" 2>&1 &
	SERVER_PID=$!
	echo "==> conformance-server (pid $SERVER_PID${*:+, $*}) at $SERVER_URL"
	if ! "$node" -e '
		const [url, pid] = process.argv.slice(1);
		const deadline = Date.now() + 15000;
		(async () => {
			for (;;) {
				try { await fetch(url, { signal: AbortSignal.timeout(1000) }); process.exit(0); } catch {}
				try { process.kill(Number(pid), 0); } catch { console.error("conformance-server exited"); process.exit(1); }
				if (Date.now() > deadline) { console.error("conformance-server did not answer within 15 s"); process.exit(1); }
				await new Promise(r => setTimeout(r, 100));
			}
		})();' "$SERVER_URL" "$SERVER_PID"; then
		echo "---- server log ----" >&2
		cat "$log" >&2
		return 1
	fi
}

# stop_conformance_server: stop the server started above, if any.
stop_conformance_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}
