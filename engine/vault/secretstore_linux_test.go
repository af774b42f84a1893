package vault

import (
	"path/filepath"
	"testing"
)

// TestSecretStoreAbsent: with the secret store on but no Secret Service on the session bus
// (here: a bus address where nothing listens), a new profile's key goes to a key file
// (a hang would show as the test binary's timeout; every call is bounded by
// secretTimeout).
func TestSecretStoreAbsent(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	UseSecretStore(true)
	defer UseSecretStore(false)
	dir := filepath.Join(t.TempDir(), "profile")
	if _, err := ProfileKey(dir, true); err != nil {
		t.Fatal(err)
	}
	defer Lock(dir)
	if p, err := State(dir); err != nil || p != KeyFile {
		t.Fatalf("state %v, %v; want a key file", p, err)
	}
}
