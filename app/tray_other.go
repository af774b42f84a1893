//go:build !(linux || freebsd || openbsd || netbsd) || android

package app

// trayAvailable reports whether the desktop can show a tray icon: here the system
// always has one.
func trayAvailable() bool { return true }
