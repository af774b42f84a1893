#!/usr/bin/env bash
# Measures what an idle 9-node testnet costs: CPU over a quiet minute and resident memory.
# Usage: scripts/idle-testnet.sh [seconds]   (default 60)
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/.."
. scripts/lib.sh
make -s --no-print-directory node
dir=$(mktemp -d)
pid=""
trap '[ -z "$pid" ] || stop $pid; rm -rf "$dir"' EXIT
dist/allium-node testnet --nodes 9 --swarm-size 3 --dir "$dir/net" > "$dir/out" 2>/dev/null &
pid=$!
wait_line 30 "the testnet to start" "$dir/out" '^ready '
sleep 5 # let start-up work (first sync with peers) finish
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); sleep "$secs"; t1=$(ticks)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" -v rss="$rss" 'BEGIN {
	printf "9-node testnet idle: %.2f%% of one core over %d s, %.1f MB resident\n", 100 * d / hz / s, s, rss / 1024 }'
