//go:build (linux || freebsd || openbsd || netbsd) && !android

package app

import (
	"path/filepath"
	"testing"
)

// TestNoTrayWithoutSessionBus: with no D-Bus session bus there is no tray to ask for.
func TestNoTrayWithoutSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	if trayAvailable() {
		t.Fatal("a tray is reported without a session bus")
	}
}
