#!/usr/bin/env bash
# Installs Debian packages that tests need when their command is missing.
# Usage: scripts/ensure-apt.sh COMMAND=PACKAGE [COMMAND=PACKAGE ...]
#   e.g. scripts/ensure-apt.sh chromium=chromium redis-server=redis-server
# CI runs as root on a Debian machine; a developer without root gets a clear
# message instead. Concurrent callers are serialised by a lock file so two
# test scripts never race apt.
set -euo pipefail
missing=()
for pair in "$@"; do
	cmd=${pair%%=*}
	pkg=${pair#*=}
	command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "ensure-apt: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
lock=${TMPDIR:-/tmp}/mcpgen-ensure-apt.lock
exec 9>"$lock"
flock 9
# Another caller may have installed them while we waited for the lock.
still=()
for pair in "$@"; do
	cmd=${pair%%=*}
	pkg=${pair#*=}
	command -v "$cmd" >/dev/null 2>&1 || still+=("$pkg")
done
[ ${#still[@]} -eq 0 ] && exit 0
echo "ensure-apt: installing ${still[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${still[@]}" >/dev/null
