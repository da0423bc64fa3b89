#!/usr/bin/env bash
# CORS in a real browser: headless Chromium (Debian's chromium, installed
# when missing) opens pages on http://127.0.0.1:PAGE_PORT that run the
# official TypeScript clients, bundled for the browser with esbuild
# (@modelcontextprotocol/sdk 1.32.2 and @modelcontextprotocol/client 2.4.0
# negotiating 2026-07-28), against servers on http://localhost:PORT:
#   - examples/conformance with MCPGEN_CORS_ORIGINS=the page origin:
#     connect, list, call with structured output, read, a notification on
#     the GET stream (2025) or the listen stream (2026), DELETE;
#   - examples/auth-jwt (-auth jwt) trusting the development issuer: a 401
#     the page can read (WWW-Authenticate), then success with a token;
#   - examples/quickstart (-transport streamable,sse), same setting: the
#     SDK's legacy SSE client (GET /sse, POST /messages/);
#   - a page on another origin, not allowed: it fails, and the server log
#     says why.
# One screenshot is kept (SCREENSHOT, default $TMPDIR/mcpgen-browser.png).
#
#   interop/browser/run.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/interop/auth/lib.sh"

"$root/scripts/ensure-apt.sh" chromium=chromium

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-browser.XXXXXX")
ok=0
conformance_pid= quickstart_pid=
cleanup() {
	stop_conformance_server
	for p in "$conformance_pid" "$quickstart_pid"; do
		if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
	done
	stop_auth_processes
	if [ "$ok" = 1 ]; then rm -rf "$work"; else echo "run.sh: logs kept in $work" >&2; fi
}
trap cleanup EXIT

if [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "==> npm ci (interop/browser)"
	(cd "$here" && npm ci --no-audit --no-fund)
fi

echo "==> go build the conformance server, the quickstart, examples/auth-jwt and its devissuer"
build_conformance_server "$root" "$work/conformance-server"
(cd "$root" && go build -o "$work/quickstart" ./examples/quickstart && go build -o "$work/auth-jwt" ./examples/auth-jwt && go build -o "$work/devissuer" ./examples/auth-jwt/cmd/devissuer)

echo "==> esbuild the pages (ESM, platform browser)"
mkdir -p "$work/dist"
"$here/node_modules/.bin/esbuild" "$here/page/v1.mjs" "$here/page/v2.mjs" \
	--bundle --format=esm --platform=browser --outdir="$work/dist" --log-level=warning
cp "$here/page/index.html" "$work/dist/"

page_port=$(free_port node)
denied_port=$(free_port node)
page_origin=http://127.0.0.1:$page_port

start_conformance_server node "$work/conformance-server" "$work/conformance.log" MCPGEN_CORS_ORIGINS="$page_origin"
mcp_url=${SERVER_URL/127.0.0.1/localhost}
conformance_pid=$SERVER_PID

# The quickstart serves legacy SSE too (generated with -transport
# streamable,sse). lib.sh tracks one server at a time: cleanup stops both
# by PID.
SERVER_PID=
start_conformance_server node "$work/quickstart" "$work/quickstart.log" MCPGEN_CORS_ORIGINS="$page_origin"
quickstart_pid=$SERVER_PID SERVER_PID=
sse_url=${SERVER_URL/127.0.0.1/localhost}
sse_url=${sse_url%/mcp}/sse

auth_port=$(free_port node)
start_devissuer "$work/devissuer" "$work" "http://127.0.0.1:$auth_port/mcp"
start_protected_server node "$work/auth-jwt" "$auth_port" "$work/auth.log" \
	MCPGEN_AUTH_JWT_JWKS_URI="$MCPGEN_AUTH_JWT_JWKS_URI" MCPGEN_AUTH_JWT_ISSUER="$MCPGEN_AUTH_JWT_ISSUER" \
	MCPGEN_CORS_ORIGINS="$page_origin"
auth_url=${SERVER_URL/127.0.0.1/localhost}

echo "==> node --test browser.test.mjs (pages on $page_origin; servers $mcp_url, $auth_url)"
if ! (cd "$here" && PAGE_PORT=$page_port DENIED_PORT=$denied_port DIST=$work/dist \
	MCP_URL=$mcp_url SERVER_LOG=$work/conformance.log SSE_URL=$sse_url AUTH_URL=$auth_url \
	TOKEN=$DEVISSUER_TOKEN ISSUER=$MCPGEN_AUTH_JWT_ISSUER \
	SCREENSHOT=${SCREENSHOT:-${TMPDIR:-/tmp}/mcpgen-browser.png} \
	node --test --test-reporter=spec browser.test.mjs); then
	echo "---- conformance server log (tail) ----" >&2
	tail -30 "$work/conformance.log" >&2
	echo "---- auth-jwt server log (tail) ----" >&2
	tail -30 "$work/auth.log" >&2
	exit 1
fi
ok=1
