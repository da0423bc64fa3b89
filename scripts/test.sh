#!/usr/bin/env bash
# Every test, in the order that fails fastest. Used by `make test` and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './interop/*/node_modules/*'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

step "no paths of a build machine in the repository"
./scripts/check-paths.sh

step "go vet ./..."
go vet ./...

step "generated code is current (mcpgen check)"
./scripts/check-generated.sh

step "npm ci for the TypeScript SSE client test (runtime/sse)"
(cd runtime/sse/testdata/ts && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; })

step "redis-server for the Redis store tests (runtime/store and the replica tests start their own on a free port)"
./scripts/ensure-apt.sh redis-server=redis-server

step "go test -race ./... (unit, golden, end-to-end)"
go test -race -count=1 ./...

step "interop module: peer Go SDK clients (go-sdk, mcp-go) and the schema/decoder/encoder differential test against a reference JSON Schema validator (FuzzInputAgreement seeds included); interop/authproxy has its own steps below"
(cd interop && go vet ./... && go test -race -count=1 $(go list ./... | grep -v /authproxy))

step "official conformance suite 0.1.16, stateful"
./interop/conformance/run.sh stateful

step "official conformance suite 0.1.16, stateless"
./interop/conformance/run.sh stateless

step "three replicas sharing one redis-server behind HAProxy (round robin, no stickiness): conformance suites 0.1.16 and 0.2.0-alpha.12 --suite all, TypeScript SDK smoke test"
./interop/replicas/run.sh

step "fault test of the three replicas: kill -9 the replica holding a GET stream during a task streaming progress (resumed through the balancer with Last-Event-ID, nothing missed, nothing twice), restart redis-server under light load (503 naming the store, no panic, service back within seconds)"
./interop/replicas/fault.sh

step "TypeScript SDK smoke test (v1 SDK: 2025 sessions, legacy SSE, 2025-11-25 experimental tasks, structured results checked against outputSchema)"
./interop/ts/run.sh

step "TypeScript client 2.4 (2026-07-28 negotiated with server/discover, MRTR, tasks)"
./interop/ts2/run.sh

step "CORS in headless Chromium: the official TypeScript clients in pages on another origin (interop/browser)"
./interop/browser/run.sh

step "official conformance suite 0.2.0-alpha.12: --spec-version 2026-07-28 and 2025-11-25, --suite all"
./interop/conformance/run-alpha.sh

step "official conformance suite 0.2.0-alpha.12: the ten tasks-* extension scenarios (--force, 2026-07-28)"
./interop/conformance/run-tasks.sh

step "auth: official TypeScript SDK client against examples/auth-jwt (JWT, JWKS from devissuer)"
./interop/auth/run.sh

step "auth: official conformance suite 0.1.16 behind a bearer token"
./interop/auth/run-conformance.sh

step "OAuth proxy: conformance suite 0.2.0-alpha.12 authorization scenarios (real OpenID upstream, consent in headless Chromium)"
./interop/authproxy/run.sh -run TestConformanceAuthorization

step "OAuth proxy: official TypeScript clients (sdk 1.32.2, client 2.4.0) from a 401 to revocation; no upstream secret leaks"
./interop/authproxy/run.sh -run TestTypeScriptClients

step "MCP Inspector CLI over Streamable HTTP, legacy SSE and stdio"
./interop/inspector/run.sh

step "runnable blocks of README.md and docs/*.md on fresh modules (scripts/docstest)"
go run ./scripts/docstest

step "demo (the README's run command, non-interactive)"
DEMO_ONESHOT=1 ./scripts/demo.sh

echo
echo "all tests passed"
