//go:build (linux || freebsd || openbsd || netbsd) && !android

package app

import "github.com/godbus/dbus/v5"

// trayAvailable reports whether the desktop can show a tray icon. On these systems
// the tray is a D-Bus service: without a session bus Fyne's tray cannot start, and
// stopping it at Quit then crashes, so Allium does not ask for one.
func trayAvailable() bool {
	// The connection is the shared one, which the tray then uses; it is not closed.
	_, err := dbus.SessionBus()
	return err == nil
}
