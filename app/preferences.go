package app

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// prefsFile is where the app keeps its own choices, next to the engine's database in
// the profile directory, so that each profile (Alice and Bob in the demo) has its own.
const prefsFile = "app.json"

// Appearance choices.
const (
	appearanceSystem = "system"
	appearanceLight  = "light"
	appearanceDark   = "dark"
)

// prefs are the app's choices for one profile; the engine keeps its own (engine.Settings).
type prefs struct {
	Notifications bool   `json:"notifications"`
	NotifyPreview bool   `json:"notify_preview"` // show sender and text, not only "New message"
	Appearance    string `json:"appearance"`
	// RunInBackground keeps the engine receiving when the window is closed. It is off on
	// first run and asked once, the first time the window is closed.
	RunInBackground bool `json:"run_in_background"`
	AskedBackground bool `json:"asked_background"`
	// LinksAllowed: the person agreed, once, that links open in their web browser.
	LinksAllowed bool `json:"links_allowed"`
	// FilesAllowed: the person agreed, once, that files open in other programs.
	FilesAllowed bool `json:"files_allowed"`
	// Language is the catalogue the interface speaks (its code, "fa"), or
	// languageSystem to follow the system.
	Language string `json:"language,omitempty"`
	// LockAfter is how many idle minutes lock a profile that has a passphrase; 0 never.
	LockAfter int `json:"lock_after,omitempty"`
}

func defaultPrefs() prefs {
	return prefs{Notifications: true, NotifyPreview: true, Appearance: appearanceSystem}
}

// loadPrefs reads the profile's choices; a missing or unreadable file gives the defaults.
// It reads the disk: call it off the Fyne goroutine.
func loadPrefs(dir string) prefs {
	p := defaultPrefs()
	if b, err := os.ReadFile(filepath.Join(dir, prefsFile)); err == nil {
		json.Unmarshal(b, &p)
	}
	return p
}

// savePrefs writes the profile's choices (through a temporary file, so a crash never
// leaves half a file). It writes the disk: call it off the Fyne goroutine.
func savePrefs(dir string, p prefs) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, prefsFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, prefsFile))
}
