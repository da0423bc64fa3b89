#!/usr/bin/env bash
# Fails when any committed generated code is stale: `mcpgen check ./...`
# in the main module and in the interop module checks every package with
# //mcp: directives against what its own //go:generate line writes, and
# docs/performance.svg is checked to be the chart of docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/mcpgen
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/mcpgen
status=0
echo "mcpgen check ./..."
"$bin" check ./... || status=1
echo "mcpgen check ./...  (interop module)"
(cd interop && "$bin" check ./...) || status=1
# docs/performance.svg is drawn from the first table of docs/performance.md.
echo "docs/performance.svg is the chart of docs/performance.md"
title=$(sed -n 's|.*<text [^>]*class="title">\(.*\)</text>.*|\1|p' docs/performance.svg | head -1 | sed 's/&#34;/"/g; s/&#39;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g')
svg=$(dirname "$bin")/performance.svg
(cd interop && go run ./bench/driver -from-table ../docs/performance.md -svg "$svg" -title "$title" 2>/dev/null)
if ! cmp -s "$svg" docs/performance.svg; then
	echo "docs/performance.svg is stale; run: interop/bench/run.sh -from-table docs/performance.md -svg docs/performance.svg -title \"$title\""
	status=1
fi
exit $status
