#!/usr/bin/env bash
# Fails when any committed generated code is stale: runs `mcpgen check`
# with the arguments of every //go:generate line that calls mcpgen under
# examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/mcpgen
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/mcpgen
status=0
while IFS= read -r file; do
	dir=$(dirname "$file")
	args=$(grep -h '^//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen' "$file" | head -1 | sed 's|^//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen||')
	echo "mcpgen check$args  ($dir)"
	# shellcheck disable=SC2086
	(cd "$dir" && "$bin" check $args) || status=1
done < <(grep -rl --include='*.go' --exclude-dir=node_modules '^//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen' examples interop | sort)
exit $status
