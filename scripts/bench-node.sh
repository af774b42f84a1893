#!/usr/bin/env bash
# Drives real allium-node processes on loopback addresses through the abuse scenarios of
# issue 11 and prints one line per figure (scripts/nodeload).
# Usage: scripts/bench-node.sh [--rev REV] [nodeload flags, e.g. -scenarios 1,3 -env GOGC=100]
# With --rev, the node is built from that commit (for figures from before a change); the
# load program is always this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=""
if [ "${1:-}" = --rev ]; then rev=$2; shift 2; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$rev" ]; then
	mkdir "$tmp/src"
	git archive "$rev" | tar -x -C "$tmp/src"
	(cd "$tmp/src" && CGO_ENABLED=0 go build -ldflags "-X main.version=$(git -C "$OLDPWD" rev-parse --short "$rev")" \
		-o "$tmp/allium-node" ./cmd/allium-node)
else
	CGO_ENABLED=0 go build -ldflags "-X main.version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)" \
		-o "$tmp/allium-node" ./cmd/allium-node
fi
go build -o "$tmp/nodeload" ./scripts/nodeload
"$tmp/nodeload" -node "$tmp/allium-node" "$@"
