#!/usr/bin/env bash
# The OAuth proxy end to end (package interop/authproxy): examples/auth-proxy
# (generated with -auth oidc) in front of a real OpenID provider on
# loopback (zitadel/oidc's example provider), headless Chromium signing in
# there and clicking Approve on the proxy's consent page, and
#
#   TestConformanceAuthorization  the official conformance suite
#                                 0.2.0-alpha.12 `authorization` scenarios
#   TestTypeScriptClients         @modelcontextprotocol/sdk 1.32.2 and
#                                 @modelcontextprotocol/client 2.4.0 doing
#                                 the whole flow from a 401 to revocation,
#                                 registering dynamically or with a client
#                                 ID metadata document (https on loopback)
#
# Both assert that no upstream token or client secret appears in the
# proxy's traffic or log. Installs Debian's chromium and the Node packages
# (interop/ts, interop/ts2, interop/conformance) when missing.
#
#   interop/authproxy/run.sh [go test flags, e.g. -run TestTypeScriptClients]
#
# MCPGEN_INTEROP_SCREENSHOTS=DIR keeps the consent page screenshots there.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

"$root/scripts/ensure-apt.sh" chromium=chromium
for d in ts ts2 conformance; do
	if [ ! -d "$root/interop/$d/node_modules" ]; then
		echo "==> npm ci (interop/$d)"
		(cd "$root/interop/$d" && npm ci --no-audit --no-fund)
	fi
done

cd "$root/interop"
# Without -race: the proxy's own packages run their tests under the race
# detector; here a race build of chromedp's protocol package alone would
# cost a minute on a cold cache.
MCPGEN_INTEROP_BROWSER=1 go test -count=1 "$@" ./authproxy
