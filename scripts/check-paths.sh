#!/usr/bin/env bash
# Fails when a tracked file names a path of the machine it was written on
# (a home or root directory, a temporary directory, a work or mirror
# directory, the Go module cache): such paths mean nothing to a reader
# and go stale at once. Write them relative to the repository, or name the
# module, package or command instead (`go mod download`, `npm view`). It
# also fails on references to files readers do not have (a contract file
# outside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='(^|[^A-Za-z0-9_.:/-])/(root|work|tmp|Users)/|(^|[^A-Za-z0-9_.:/-])/home/[a-z]|\.mirror/|/go/pkg/mod/'
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
	files() { git ls-files -z -- . ':!:*.sum' ':!:*package-lock.json' ':!:scripts/check-paths.sh'; }
else
	files() { find . -type f -not -path './.git/*' -not -path '*/node_modules/*' -not -name '*.sum' -not -name package-lock.json -not -path ./scripts/check-paths.sh -print0; }
fi
if found=$(files | xargs -0 grep -nIE "$pattern" --); then
	echo "paths of a build machine in the repository:"
	echo "$found"
	exit 1
fi
# Nor may it send readers to files they do not have.
if found=$(files | xargs -0 grep -nIiE 'CONTRACT\.md|contract section [0-9]|\.\./shared/' --); then
	echo "references to files outside the repository:"
	echo "$found"
	exit 1
fi
echo "no build-machine paths, no references outside the repository"
