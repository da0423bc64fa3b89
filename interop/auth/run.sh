#!/usr/bin/env bash
# Auth interop with the official TypeScript SDK client
# (@modelcontextprotocol/sdk 1.32.2, the copy interop/ts installs):
# starts examples/auth-jwt/cmd/devissuer (a JWKS on a free loopback port,
# and a /mint endpoint for tokens), then examples/auth-jwt (generated with
# -auth jwt) trusting it, and runs client.test.mjs: a valid token's
# subject and scopes reach the tool; a missing scope is a 403
# insufficient_scope; no token is a 401 whose WWW-Authenticate leads to
# the metadata naming the authorization server; expired or foreign tokens
# are 401 invalid_token.
#
#   interop/auth/run.sh
#
# Exit status 0 when every test passes. The conformance suite behind a
# bearer token is run-conformance.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-auth.XXXXXX")
ok=0
cleanup() {
	stop_auth_processes
	if [ "$ok" = 1 ]; then rm -rf "$work"; else echo "run.sh: logs kept in $work" >&2; fi
}
trap cleanup EXIT

if [ ! -d "$root/interop/ts/node_modules/@modelcontextprotocol/sdk" ]; then
	echo "==> npm ci (interop/ts)"
	(cd "$root/interop/ts" && npm ci --no-audit --no-fund)
fi

echo "==> go build ./examples/auth-jwt ./examples/auth-jwt/cmd/devissuer"
(cd "$root" && go build -o "$work/auth-jwt" ./examples/auth-jwt && go build -o "$work/devissuer" ./examples/auth-jwt/cmd/devissuer)

port=$(free_port node)
start_devissuer "$work/devissuer" "$work" "http://127.0.0.1:$port/mcp"
start_protected_server node "$work/auth-jwt" "$port" "$work/server.log" \
	MCPGEN_AUTH_JWT_JWKS_URI="$MCPGEN_AUTH_JWT_JWKS_URI" MCPGEN_AUTH_JWT_ISSUER="$MCPGEN_AUTH_JWT_ISSUER"

echo "==> node --test client.test.mjs ($SERVER_URL)"
if ! (cd "$here" && MCP_URL=$SERVER_URL MINT_URL=$DEVISSUER_MINT_URL ISSUER=$MCPGEN_AUTH_JWT_ISSUER node --test --test-reporter=spec client.test.mjs); then
	echo "---- server log (tail) ----" >&2
	tail -50 "$work/server.log" >&2
	exit 1
fi
ok=1
