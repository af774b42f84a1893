#!/usr/bin/env bash
# smoke.sh starts the Allium demo under a virtual X server, types a message into Alice's
# window as a person would (xdotool), presses Enter and checks that Bob's engine received
# it. Screenshots of the screen before and after go to a directory it prints.
#
#   scripts/smoke.sh [ALLIUM-BINARY]      (default: dist/allium)
#
# Needs Xvfb, xdotool and ImageMagick's import (make smoke installs them).
set -euo pipefail

bin=${1:-dist/allium}
[ -x "$bin" ] || { echo "smoke: $bin is not built (run make build)"; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/allium-smoke.XXXXXX")
echo "smoke: screenshots and logs in $out"

# A free display number: the first without a lock file.
disp=99
while [ -e "/tmp/.X$disp-lock" ] || [ -e "/tmp/.X11-unix/X$disp" ]; do disp=$((disp + 1)); done
export DISPLAY=":$disp"

xvfb_pid=""
app_pid=""
cleanup() {
	if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
		kill -TERM "$app_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$app_pid" 2>/dev/null || true
	fi
	if [ -n "$xvfb_pid" ]; then
		kill -TERM "$xvfb_pid" 2>/dev/null || true
		wait "$xvfb_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

fail() {
	echo "smoke: FAIL: $*"
	import -window root "$out/failed.png" 2>/dev/null || true
	echo "--- app output"; cat "$out/app.log" || true
	echo "--- app errors"; tail -n 30 "$out/app.err" || true
	exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: run COMMAND until it succeeds.
wait_for() {
	local secs=$1 what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.2
	done
}

Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
wait_for 20 "the X server" xdotool getdisplaygeometry

# C.UTF-8, the locale of many servers and containers, is one Fyne cannot parse by itself.
LC_ALL=C.UTF-8 "$bin" --demo --demo-log >"$out/app.log" 2>"$out/app.err" &
app_pid=$!
wait_for 90 "the demo to be ready" grep -q '^demo-ready' "$out/app.log"
wait_for 20 "Alice's window" xdotool search --name '^Alice'
wait_for 20 "Bob's window" xdotool search --name '^Bob'
alice=$(xdotool search --name '^Alice' | head -n 1)
bob=$(xdotool search --name '^Bob' | head -n 1)
# Without a window manager both windows open at the top left: put them side by side.
xdotool windowmove "$alice" 0 0
xdotool windowmove "$bob" 860 0
sleep 1
import -window root "$out/1-ready.png"

msg="Hello Bob, this is a smoke test $RANDOM"
xdotool windowfocus --sync "$alice"
sleep 0.3
xdotool type --delay 15 "$msg"
xdotool key Return
wait_for 60 "Bob's engine to receive the message" grep -qF "demo-received Bob $msg" "$out/app.log"
sleep 1
import -window root "$out/2-received.png"

# The app quits on SIGTERM. Fyne's two harmless complaints, about the C.UTF-8 locale at
# start and about the preferences file it writes itself on quit, must not have reached
# the terminal: the app keeps them back.
kill -TERM "$app_pid"
gone() { ! kill -0 "$app_pid" 2>/dev/null; }
wait_for 30 "the app to quit" gone
for noise in 'Error parsing user locale' 'Preferences load error'; do
	! grep -q "$noise" "$out/app.err" || fail "the app printed Fyne's \"$noise\" on standard error"
done

echo "smoke: ok: Bob received \"$msg\" typed into Alice's window"
