#!/bin/sh
# install.sh adds Allium to the applications menu: it copies the program, its icons, its
# .desktop file and its AppStream metainfo to the XDG places under PREFIX.
#
#   ./install.sh              install from the directory this script is in
#   ./install.sh --uninstall  remove what install.sh put there
#
# PREFIX is /usr/local when run as root and ~/.local otherwise; DESTDIR, if set, is put in
# front of every path (for building distribution packages).
set -eu

id=org.allium.Allium
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PREFIX:-}" ]; then
	if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX=$HOME/.local; fi
fi
dest=${DESTDIR:-}$PREFIX
icons=$dest/share/icons/hicolor

# refresh tells a running desktop about the change, when installing for real: menus
# re-read the applications directory, and a system icon theme gets its cache rebuilt.
refresh() {
	[ -z "${DESTDIR:-}" ] || return 0
	if command -v update-desktop-database >/dev/null 2>&1; then
		update-desktop-database -q "$dest/share/applications" 2>/dev/null || true
	fi
	if [ -f "$icons/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
		gtk-update-icon-cache -q "$icons" 2>/dev/null || true
	fi
	touch -c "$icons" 2>/dev/null || true
}

case "${1:-}" in
"")
	[ -f "$here/allium" ] || { echo "install.sh: no allium program next to this script" >&2; exit 1; }
	install -D -m 0755 "$here/allium" "$dest/bin/allium"
	# The menu entry runs the program by its full path (~/.local/bin is not on every
	# desktop session's PATH), quoted if it has spaces.
	program=$PREFIX/bin/allium
	case $program in *" "*) program="\"$program\"" ;; esac
	mkdir -p "$dest/share/applications"
	sed "s|^Exec=allium\$|Exec=$program|" "$here/$id.desktop" >"$dest/share/applications/$id.desktop"
	chmod 0644 "$dest/share/applications/$id.desktop"
	install -D -m 0644 "$here/$id.metainfo.xml" "$dest/share/metainfo/$id.metainfo.xml"
	for f in "$here"/icons/hicolor/*/apps/"$id".*; do
		install -D -m 0644 "$f" "$icons/${f#"$here/icons/hicolor/"}"
	done
	refresh
	echo "Allium is installed in $dest: open it from your applications menu, or run $PREFIX/bin/allium."
	;;
--uninstall)
	rm -f "$dest/bin/allium" "$dest/share/applications/$id.desktop" \
		"$dest/share/metainfo/$id.metainfo.xml" \
		"$icons"/*/apps/"$id".png "$icons"/*/apps/"$id".svg
	refresh
	echo "Allium is removed from $dest. Your profile (messages and keys) is left as it was."
	;;
*)
	echo "usage: install.sh [--uninstall]" >&2
	exit 2
	;;
esac
