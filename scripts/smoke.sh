#!/usr/bin/env bash
# smoke.sh starts the Allium demo under a virtual X server with a picture staged in
# Alice's composer, types a caption into Alice's window as a person would (xdotool),
# presses Enter and checks that Bob's engine received the message and the picture. Then
# it starts the demo again in Persian, as a computer set to that language would, and
# sends a message from it. Screenshots of the screen go to a directory it prints.
#
#   scripts/smoke.sh [ALLIUM-BINARY]      (default: dist/allium)
#
# Needs Xvfb, xdotool and ImageMagick's import (make smoke installs them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=${1:-dist/allium}
[ -x "$bin" ] || { echo "smoke: $bin is not built (run make build)"; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/allium-smoke.XXXXXX")
echo "smoke: screenshots and logs in $out"

app_pid=""
cleanup() {
	[ -z "$app_pid" ] || stop "$app_pid"
	stop_xvfb
}
trap cleanup EXIT

fail() {
	echo "smoke: FAIL: $*"
	import -window root "$out/failed.png" 2>/dev/null || true
	echo "--- app output"; cat "$out/app.log" || true
	echo "--- app errors"; tail -n 30 "$out/app.err" || true
	if [ -e "$out/app-fa.log" ]; then
		echo "--- the Persian app's output"; cat "$out/app-fa.log" || true
		echo "--- the Persian app's errors"; tail -n 30 "$out/app-fa.err" || true
	fi
	exit 1
}

start_xvfb "$out/xvfb.log"

# A picture to send: red above, blue below, so that the screenshot shows whether Bob's
# bubble draws it.
picture="$out/garden.png"
convert -size 640x480 xc:'#d00000' -size 640x480 xc:'#0000d0' -append -resize 640x480! "$picture"

# C.UTF-8, the locale of many servers and containers, is one Fyne cannot parse by itself.
LC_ALL=C.UTF-8 "$bin" --demo --demo-log --demo-stage-file "$picture" >"$out/app.log" 2>"$out/app.err" &
app_pid=$!
wait_line 90 "the demo to be ready" "$out/app.log" '^demo-ready'
wait_line 60 "the picture to be staged in Alice's composer" "$out/app.log" '^demo-staged Alice garden.png'
# side_by_side WHAT: wait for the demo's two windows and put them side by side (without a
# window manager both open at the top left); sets alice and bob to their windows.
side_by_side() {
	wait_for 20 "Alice's window$1" xdotool search --name '^Alice'
	wait_for 20 "Bob's window$1" xdotool search --name '^Bob'
	alice=$(xdotool search --name '^Alice' | head -n 1)
	bob=$(xdotool search --name '^Bob' | head -n 1)
	xdotool windowmove "$alice" 0 0
	xdotool windowmove "$bob" 860 0
	sleep 1
}

# type_to_bob TEXT: type TEXT into Alice's message field and send it.
type_to_bob() {
	xdotool windowfocus --sync "$alice"
	sleep 0.3
	xdotool type --delay 15 "$1"
	xdotool key Return
}

side_by_side ""
import -window root "$out/1-ready.png"

msg="Hello Bob, this is a smoke test $RANDOM"
type_to_bob "$msg"
wait_for 60 "Bob's engine to receive the message" grep -qF "demo-received Bob $msg" "$out/app.log"
wait_for 60 "Bob's engine to fetch the picture" grep -qF "demo-file Bob garden.png" "$out/app.log"
sleep 2
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

# The same in Persian: the system asks for it with LANGUAGE (C.UTF-8 stays the locale),
# and the windows are mirrored, with the conversation list on the right.
app_pid=""
LC_ALL=C.UTF-8 LANGUAGE=fa "$bin" --demo --demo-log >"$out/app-fa.log" 2>"$out/app-fa.err" &
app_pid=$!
wait_line 90 "the Persian demo to be ready" "$out/app-fa.log" '^demo-ready'
side_by_side " in Persian"
fa_msg="Persian interface smoke test $RANDOM"
type_to_bob "$fa_msg"
wait_for 60 "Bob's engine to receive the message sent from the Persian window" grep -qF "demo-received Bob $fa_msg" "$out/app-fa.log"
sleep 2
import -window root "$out/3-persian.png"
kill -TERM "$app_pid"
wait_for 30 "the Persian app to quit" gone

echo "smoke: ok: Bob received \"$msg\" typed into Alice's window, with the picture garden.png, and \"$fa_msg\" from her window in Persian"
