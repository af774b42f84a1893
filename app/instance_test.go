package app

import (
	"errors"
	"testing"

	"allium/app/instance"
)

// TestRelaunchShowsHiddenWindow: with "keep receiving" on, closing the window hides it
// and says how to get it back; starting Allium again on the profile hands over to the
// running one, which brings its window to the front.
func TestRelaunchShowsHiddenWindow(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Lena")
	p := h.open(dir)
	owner, err := instance.Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	p.ShowOnRequest(owner)

	p.prefs.RunInBackground = true
	p.closeWindow()
	if h.ui.notified != 1 {
		t.Fatal("hiding the window did not say how to open it again")
	}
	p.closeWindow()
	if h.ui.notified != 1 {
		t.Fatal("the way back is told more than once per run")
	}

	// The second launch, as main runs it.
	if _, err := instance.Claim(dir); !errors.Is(err, instance.ErrRunning) {
		t.Fatalf("a second launch did not hand over: %v", err)
	}
	h.waitFor("the window to come to the front", func() bool { return p.raised == 1 })
}
