#!/usr/bin/env bash
# app-perf.sh measures the desktop app under a virtual X server next to Fyne's own floor,
# an empty Fyne window, measured in the same run: the time from start to the first window
# on screen, then resident memory and CPU while idle, for Allium with a 10,000-message
# conversation open, and with a conversation of 200 photos open. The private network it talks to runs in a process of its own, so
# its nodes' work is not counted.
#
#   scripts/app-perf.sh [IDLE-SECONDS]      (default 30)
#
# Needs Xvfb, xdotool and ImageMagick's import (make smoke installs them). A screenshot of
# the main window goes to the directory it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

idle=${1:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/allium-perf.XXXXXX")
echo "app-perf: work directory $work"

make -s --no-print-directory build perfkit node

pids=()
cleanup() {
	[ ${#pids[@]} = 0 ] || stop "${pids[@]}"
	stop_xvfb
}
trap cleanup EXIT

start_xvfb "$work/xvfb.log"

dist/allium-node testnet --dir "$work/net" >"$work/net.log" 2>&1 &
pids+=($!)
wait_line 30 "the test network to start" "$work/net.log" '^ready'

dist/perfkit seed "$work/profile" 10000 2>/dev/null
dist/perfkit pictures "$work/pictures" 200 2>/dev/null

now_ms() { echo $(($(date +%s%N) / 1000000)); }
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# first_window TITLE-REGEX COMMAND...: start COMMAND, print the milliseconds until its
# first window is on screen, and stop it.
first_window() {
	local title=$1 t0 t1 pid
	shift
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 &
	pid=$!
	until xdotool search --onlyvisible --name "$title" >/dev/null 2>&1; do sleep 0.01; done
	t1=$(now_ms)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	echo $((t1 - t0))
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# measure NAME TITLE-REGEX SETUP COMMAND...: start COMMAND, time its first window, run
# SETUP (a shell function) once it is up, then measure it while idle.
measure() {
	local name=$1 title=$2 setup=$3
	shift 3
	local t0 t1 pid win
	t0=$(now_ms)
	"$@" >"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	pids+=("$pid")
	until win=$(xdotool search --onlyvisible --name "$title" 2>/dev/null | head -n 1) && [ -n "$win" ]; do
		kill -0 "$pid" 2>/dev/null || { echo "app-perf: $name exited"; cat "$work/$name.err"; exit 1; }
		sleep 0.01
	done
	t1=$(now_ms)
	"$setup" "$win"
	sleep 5 # let start-up work settle
	local c0 c1
	c0=$(cpu_ticks "$pid")
	sleep "$idle"
	c1=$(cpu_ticks "$pid")
	local rss cpu
	rss=$(rss_mb "$pid")
	cpu=$(awk -v d=$((c1 - c0)) -v t="$ticks" -v s="$idle" 'BEGIN {printf "%.2f", 100 * d / t / s}')
	printf '%-34s %8s ms %8s MB %8s %%\n' "$name" "${start_ms[$name]}" "$rss" "$cpu" >>"$work/results"
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
}

no_setup() { :; }
open_conversation() {
	# Wait for the main window, then open the conversation (the first row of the list)
	# with a click, as a person would.
	sleep 2
	xdotool mousemove --window "$1" 120 165 click 1
	sleep 2
	import -window root "$work/allium-$shot.png"
}

: >"$work/results"
# Start-up time is the median of five starts of each, taken in turns, so that both meet
# the same load.
empty_cmd=(dist/perfkit empty)
allium_cmd=(dist/allium --profile "$work/profile" --network "$work/net/network.json")
: >"$work/starts-empty"
: >"$work/starts-allium"
for _ in 1 2 3 4 5; do
	first_window '^Empty window$' "${empty_cmd[@]}" >>"$work/starts-empty"
	first_window '^Allium' "${allium_cmd[@]}" >>"$work/starts-allium"
done
declare -A start_ms
start_ms["empty Fyne window (floor)"]=$(median <"$work/starts-empty")
start_ms["allium, 10,000-message conversation"]=$(median <"$work/starts-allium")
echo "app-perf: starts (ms): empty $(tr '\n' ' ' <"$work/starts-empty"); allium $(tr '\n' ' ' <"$work/starts-allium")"
measure "empty Fyne window (floor)" '^Empty window$' no_setup "${empty_cmd[@]}"
shot=main-window
measure "allium, 10,000-message conversation" '^Allium' open_conversation "${allium_cmd[@]}"
shot=pictures
start_ms["allium, 200-photo conversation"]="-"
measure "allium, 200-photo conversation" '^Allium' open_conversation \
	dist/allium --profile "$work/pictures" --network "$work/net/network.json"

echo
printf '%-34s %11s %11s %10s\n' "" "first window" "idle RSS" "idle CPU"
printf '%-34s %11s\n' "" "(median)"
cat "$work/results"
echo "(idle: ${idle} s, CPU in % of one core; screenshots: $work/allium-main-window.png, $work/allium-pictures.png)"
