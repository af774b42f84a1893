#!/usr/bin/env bash
# smoke.sh starts the Allium demo under a virtual X server with a picture staged in
# Alice's composer, types a caption into Alice's window as a person would (xdotool),
# presses Enter and checks that Bob's engine received the message and the picture. Then
# it starts the demo again in Persian, as a computer set to that language would, and
# sends a message from it. Last, with another window in front, Alice sends a message
# mixing Persian, a Latin word and a time, and a real notification server (dunst, on a
# session bus of its own) shows Bob's notification of it: the app must hand it the text
# in logical order, for the server to lay out. Screenshots of the screen go to a
# directory it prints.
#
#   scripts/smoke.sh [ALLIUM-BINARY]      (default: dist/allium)
#
# SMOKE_NOTIFICATIONS=no leaves out the notification step, for the Windows app under
# Wine, which shows notifications the Windows way rather than through a D-Bus server.
#
# Needs Xvfb, xdotool, ImageMagick's import, xclock, dbus-daemon, dbus-monitor and dunst
# (make smoke installs them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=${1:-dist/allium}
[ -x "$bin" ] || { echo "smoke: $bin is not built (run make build)"; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/allium-smoke.XXXXXX")
echo "smoke: screenshots and logs in $out"

app_pid=""
helpers=() # the session bus, the notification server and the other window, once started
cleanup() {
	[ -z "$app_pid" ] || stop "$app_pid"
	[ "${#helpers[@]}" -eq 0 ] || stop "${helpers[@]}"
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
# and the windows are mirrored, with the conversation list on the right. This time the
# desktop has a session bus and a notification server, as a desktop does, and
# dbus-monitor keeps what the app asks it to show.
notify=${SMOKE_NOTIFICATIONS:-yes}
if [ "$notify" = yes ]; then
	dbus-daemon --session --nofork --print-address=3 3>"$out/bus" >"$out/bus.log" 2>&1 &
	helpers+=($!)
	wait_for 20 "the session bus" test -s "$out/bus"
	export DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$out/bus")
	cat >"$out/dunstrc" <<'RC'
[global]
    font = Sans 11
    width = 420
    origin = top-right
    offset = 10x10
RC
	dunst -config "$out/dunstrc" >"$out/dunst.log" 2>&1 &
	helpers+=($!)
	wait_for 20 "the notification server" dbus-send --session --print-reply --dest=org.freedesktop.Notifications \
		/org/freedesktop/Notifications org.freedesktop.Notifications.GetServerInformation
	dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" >"$out/notify.log" 2>&1 &
	helpers+=($!)
fi
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

if [ "$notify" = yes ]; then
	# A notification: another window (a clock) takes the focus, so that Allium is not in
	# front, and Alice's Enter reaches her window as an event sent to it. It is the keypad's
	# Enter: such an event has no time, and GLFW drops one for a key pressed before (Return
	# was). xdotool types a character outside the keyboard's layout by remapping a key for
	# it, which the app misses at typing speed: hence the slow typing.
	xclock -geometry 120x120+1780+940 >/dev/null 2>&1 &
	helpers+=($!)
	wait_for 20 "the clock's window" xdotool search --class xclock
	clock=$(xdotool search --class xclock | head -n 1)
	note="سلام Bob، ساعت 10:30 می‌آیی؟ (Allium)"
	xdotool windowfocus --sync "$alice"
	sleep 0.3
	xdotool type --delay 120 "$note"
	xdotool windowfocus --sync "$clock"
	sleep 1
	xdotool key --window "$alice" KP_Enter
	wait_for 60 "Bob's engine to receive the Persian message" grep -qF "demo-received Bob $note" "$out/app-fa.log"
	wait_for 30 "the notification of it" grep -qF "string \"$note\"" "$out/notify.log"
	sleep 1
	import -window root "$out/4-notification.png"
	# The text is the message as written, without the direction marks the app's own views
	# draw with (U+202A–U+202E, U+2066–U+2069): the server lays it out itself.
	marks=0
	LC_ALL=C.UTF-8 grep -qP '[\x{202a}-\x{202e}\x{2066}-\x{2069}]' "$out/notify.log" || marks=$?
	[ "$marks" -eq 1 ] || fail "the notification's text has direction marks in it (or grep could not look: $marks)"
fi
kill -TERM "$app_pid"
wait_for 30 "the Persian app to quit" gone

said="smoke: ok: Bob received \"$msg\" typed into Alice's window, with the picture garden.png, and \"$fa_msg\" from her window in Persian"
[ "$notify" != yes ] || said="$said, and a notification server was given \"$note\" to show"
echo "$said"

