#!/usr/bin/env bash
# package-smoke.sh follows the README's "Download and run" steps with a package that make
# package-linux, package-windows or package-node wrote, as a new user would. For the app
# it then runs the smoke test (scripts/smoke.sh: type into Alice's window, check that Bob
# received it) with the program from the package.
#
#   scripts/package-smoke.sh linux   dist/allium-VERSION-linux-amd64.tar.xz
#   scripts/package-smoke.sh windows dist/allium-VERSION-windows-amd64.zip
#   scripts/package-smoke.sh node    dist/allium-node-VERSION-linux-amd64.tar.gz
#
# linux: unpacks the archive, runs ./allium --version, installs with ./install.sh into a
# throw-away PREFIX (and, as root, as an ordinary user into a throw-away ~/.local), checks
# the installed files and the menu entry, runs the smoke test with the installed program,
# then uninstalls and checks that nothing is left.
#
# windows: unpacks the zip and runs Allium.exe under Wine, in a throw-away Wine prefix:
# --version, then the smoke test. Debian 12's Wine lacks one function that Go programs
# need at start (see scripts/wine/processprng.c); the script builds a stand-in for it into
# the Wine prefix, and leaves the package as it is.
#
# node: unpacks the archive and runs a network of three nodes as the README's "Run a node"
# says: a registry from allium-node registry, each node's key put in its data directory,
# and the sample node.toml with its paths and port changed. Each node must answer over
# HTTPS and stop cleanly on SIGTERM. systemd-analyze checks the systemd unit, when it is
# installed.
#
# Needs what make smoke needs, and for windows wine64 and mingw-w64, for node curl (make
# test's package-check installs them).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
kind=${1:-}
pkg=${2:-}
[ -f "$pkg" ] || { echo "usage: package-smoke.sh linux|windows|node PACKAGE" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/allium-package.XXXXXX")
cleanup_wine=""
pids=() # nodes still running
cleanup() {
	[ ${#pids[@]} = 0 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
	[ -z "$cleanup_wine" ] || "$cleanup_wine" -k 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# check_version NAME PROGRAM... : the program must print "NAME VERSION", VERSION from the
# package's name.
check_version() {
	local want="$1 $version" got
	shift
	got=$("$@" --version 2>/dev/null | tr -d '\r') || fail "$* --version failed"
	[ "$got" = "$want" ] || fail "$* --version printed \"$got\", want \"$want\""
	echo "package-smoke: $got"
}

id=org.allium.Allium

# installed PREFIX: the files install.sh puts under PREFIX must be there, and the menu
# entry must start the installed program.
installed() {
	local p=$1 f
	for f in bin/allium share/applications/$id.desktop share/metainfo/$id.metainfo.xml \
		share/icons/hicolor/16x16/apps/$id.png share/icons/hicolor/512x512/apps/$id.png \
		share/icons/hicolor/scalable/apps/$id.svg; do
		[ -f "$p/$f" ] || fail "install.sh did not install $p/$f"
	done
	grep -qx "Exec=$p/bin/allium" "$p/share/applications/$id.desktop" ||
		fail "the menu entry does not run $p/bin/allium: $(grep '^Exec=' "$p/share/applications/$id.desktop")"
	desktop-file-validate "$p/share/applications/$id.desktop" || fail "the installed menu entry is not valid"
}

# nothing_left PREFIX: after --uninstall, no file of Allium's may remain. The desktop's
# caches of every application's menu entries and icons stay: they are shared.
nothing_left() {
	local left
	left=$(find "$1" -type f -not -name mimeinfo.cache -not -name icon-theme.cache 2>/dev/null || true)
	[ -z "$left" ] || fail "install.sh --uninstall left: $left"
}

case $kind in
linux)
	name=$(basename "$pkg" .tar.xz)
	version=${name#allium-}
	version=${version%-linux-*}
	tar -xf "$pkg" -C "$tmp"
	dir=$tmp/$name
	[ -x "$dir/allium" ] || fail "the archive has no $name/allium"
	check_version allium "$dir/allium"
	# The README promises Linuxes with glibc 2.34 or newer.
	glibc=$(objdump -T "$dir/allium" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
	[ "$(printf '%s\n' "$glibc" GLIBC_2.34 | sort -V | tail -n 1)" = GLIBC_2.34 ] ||
		fail "allium needs $glibc; the README says glibc 2.34 is enough"

	prefix=$tmp/prefix
	PREFIX=$prefix "$dir/install.sh" >/dev/null
	installed "$prefix"
	check_version allium "$prefix/bin/allium"
	"$here/smoke.sh" "$prefix/bin/allium"
	PREFIX=$prefix "$dir/install.sh" --uninstall >/dev/null
	nothing_left "$prefix"
	echo "package-smoke: install.sh and install.sh --uninstall with PREFIX=$prefix: ok"

	# As an ordinary user install.sh puts Allium in ~/.local.
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		home=$tmp/home
		mkdir -p "$home"
		chmod 0755 "$tmp"
		chown -R nobody: "$home"
		as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups env -u PREFIX HOME="$home" "$@"; }
		as_user "$dir/install.sh" >/dev/null
		installed "$home/.local"
		as_user "$dir/install.sh" --uninstall >/dev/null
		nothing_left "$home/.local"
		echo "package-smoke: install.sh as an ordinary user, into ~/.local: ok"
	fi
	;;
windows)
	name=$(basename "$pkg" .zip)
	version=${name#allium-}
	version=${version%-windows-*}
	unzip -q "$pkg" -d "$tmp/app"
	[ -f "$tmp/app/Allium.exe" ] || fail "the zip has no Allium.exe at its top"
	wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
	[ -x "$wine" ] || fail "wine64 is not installed"
	wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
	cleanup_wine=$wineserver
	# Wine's own messages stay off, but for the one that says why a window could not open.
	export WINEPREFIX=$tmp/wine WINEDEBUG=-all,err+winediag WINEARCH=win64
	# No Mono or Gecko installer dialogs in a fresh prefix.
	export WINEDLLOVERRIDES="mscoree=;mshtml="
	env -u DISPLAY "$wine" wineboot --init >/dev/null 2>&1 || fail "wineboot could not make a Wine prefix"
	x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
		"$here/wine/processprng.c" -ladvapi32
	cat >"$tmp/allium.sh" <<-EOF
		#!/bin/sh
		exec "$wine" "$tmp/app/Allium.exe" "\$@"
	EOF
	chmod +x "$tmp/allium.sh"
	check_version allium "$tmp/allium.sh"
	# wineboot and --version ran without a display. The Wine desktop they started, with no
	# graphics driver, outlives them by a second or more, and a program started meanwhile
	# joins it and cannot open a window (GLFW: "Failed to create helper window"). Wait
	# until the prefix is idle, so that the smoke test's app starts a desktop of its own
	# on the smoke test's X server.
	timeout 60 "$wineserver" -w || fail "Wine did not stop after allium --version"
	# The Windows app shows notifications the Windows way, not through a D-Bus server.
	SMOKE_NOTIFICATIONS=no "$here/smoke.sh" "$tmp/allium.sh"
	;;
node)
	name=$(basename "$pkg" .tar.gz)
	version=${name#allium-node-}
	version=${version%-linux-*}
	tar -xzf "$pkg" -C "$tmp"
	dir=$tmp/$name
	for f in allium-node node.toml allium-node.service LICENSES.txt; do
		[ -f "$dir/$f" ] || fail "the archive has no $name/$f"
	done
	check_version allium-node "$dir/allium-node"

	# Three free ports on the loopback address.
	ports=()
	while [ ${#ports[@]} -lt 3 ]; do
		p=$((20000 + RANDOM % 20000))
		(echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+=("$p")
	done
	addrs=()
	for p in "${ports[@]}"; do addrs+=("127.0.0.1:$p"); done
	"$dir/allium-node" registry --out "$tmp/registry.json" --keys "$tmp/keys" --swarm-size 3 "${addrs[@]}" >/dev/null
	for p in "${ports[@]}"; do
		data=$tmp/node-$p
		install -D -m 0600 "$tmp/keys/127.0.0.1_$p/node.key" "$data/node.key"
		sed -e "s|^data_dir = .*|data_dir = \"$data\"|" -e "s|^registry = .*|registry = \"$tmp/registry.json\"|" \
			-e "s|^listen = .*|listen = \"127.0.0.1:$p\"|" "$dir/node.toml" >"$data/node.toml"
		"$dir/allium-node" run --config "$data/node.toml" 2>"$data/log" &
		pids+=($!)
	done
	answers() {
		curl -sfk --max-time 2 -d '{"method":"info","params":{}}' "https://127.0.0.1:$1/storage_rpc/v1" | grep -q '"version"'
	}
	for p in "${ports[@]}"; do
		try_for 20 answers "$p" || { cat "$tmp/node-$p/log" >&2; fail "the node on port $p did not answer info"; }
	done
	echo "package-smoke: three nodes from the sample config answer over HTTPS"
	for pid in "${pids[@]}"; do kill -TERM "$pid"; done
	for pid in "${pids[@]}"; do wait "$pid" || fail "a node did not stop cleanly on SIGTERM"; done
	pids=()

	if command -v systemd-analyze >/dev/null; then
		# verify wants ExecStart's program where the unit says it is: point it at ours.
		sed "s|/usr/local/bin/allium-node|$dir/allium-node|" "$dir/allium-node.service" >"$tmp/allium-node.service"
		systemd-analyze verify "$tmp/allium-node.service" || fail "systemd-analyze verify found problems in the unit"
		systemd-analyze security --offline=true "$tmp/allium-node.service" 2>/dev/null | tail -n 1 || true
	fi
	;;
*)
	echo "usage: package-smoke.sh linux|windows|node PACKAGE" >&2
	exit 2
	;;
esac
echo "package-smoke: ok: $(basename "$pkg")"
