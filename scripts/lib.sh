# lib.sh holds what the scripts share: starting a virtual X server and waiting for
# something to be ready. A script sources it with
#
#   . "$(dirname "$0")/lib.sh"
#
# and may define its own fail (to say more when something times out) after that.

# fail MESSAGE: say what went wrong and stop.
fail() {
	echo "$(basename "$0" .sh): FAIL: $*" >&2
	exit 1
}

# try_for SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds, for at most
# SECONDS; the status says whether it did.
try_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_for SECONDS WHAT COMMAND...: run COMMAND until it succeeds; fail if it has not
# after SECONDS.
wait_for() {
	try_for "$1" "${@:3}" || fail "timed out after ${1}s waiting for $2"
}

# wait_line SECONDS WHAT FILE PATTERN: wait until a line of FILE matches the grep
# pattern PATTERN (such as the ready line of a program writing to FILE).
wait_line() {
	wait_for "$1" "$2" grep -q -- "$4" "$3"
}

# start_xvfb LOG: start a virtual X server on the first free display, export DISPLAY,
# and wait until it answers. xvfb_pid is its process; stop_xvfb stops it. If another X
# server takes the display meanwhile, ours exits and the next display is tried.
xvfb_pid=""
start_xvfb() {
	local log=$1 disp=99 deadline
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		while [ -e "/tmp/.X$disp-lock" ] || [ -e "/tmp/.X11-unix/X$disp" ]; do disp=$((disp + 1)); done
		export DISPLAY=":$disp"
		Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >"$log" 2>&1 &
		xvfb_pid=$!
		deadline=$((SECONDS + 20))
		while kill -0 "$xvfb_pid" 2>/dev/null; do
			xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
			[ "$SECONDS" -lt "$deadline" ] || fail "timed out after 20s waiting for the X server on $DISPLAY"
			sleep 0.1
		done
		wait "$xvfb_pid" 2>/dev/null || true
		xvfb_pid=""
		disp=$((disp + 1))
	done
	fail "no X server would start (its log: $log)"
}

stop_xvfb() {
	[ -n "$xvfb_pid" ] || return 0
	kill -TERM "$xvfb_pid" 2>/dev/null || true
	wait "$xvfb_pid" 2>/dev/null || true
	xvfb_pid=""
}

# stop PID...: ask each process to stop (SIGTERM), wait up to 10 s for it, then kill it.
stop() {
	local pid
	for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "$@"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}
