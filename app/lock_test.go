package app

import (
	"errors"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
	"allium/engine/vault"
)

// texts returns the text of every label, entry and button under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *bidiText:
			out = append(out, w.Text)
		case *bidiLabel:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.Text)
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, child := range test.WidgetRenderer(w).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return out
}

// holds reports whether target is in the object tree under o.
func holds(o, target fyne.CanvasObject) bool {
	if o == target {
		return true
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, child := range c.Objects {
			if holds(child, target) {
				return true
			}
		}
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, child := range test.WidgetRenderer(w).Objects() {
			if holds(child, target) {
				return true
			}
		}
	}
	return false
}

// passwordEntry is the passphrase prompt's entry in the window, or nil.
func passwordEntry(p *Profile) *widget.Entry {
	var found *widget.Entry
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			found = e
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
		}
	}
	walk(p.win.Content())
	return found
}

func unlockWith(h *harness, p *Profile, pass string) {
	h.t.Helper()
	var e *widget.Entry
	h.waitFor("the passphrase prompt", func() bool { e = passwordEntry(p); return e != nil })
	e.SetText(pass)
	e.OnSubmitted(pass)
}

// TestPassphrasePromptAndLock: a profile with a passphrase opens only with it (a wrong one
// is a plain sentence), locks on demand showing nothing of the conversations, notifies
// "New message" only while locked, and unlocks again.
func TestPassphrasePromptAndLock(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Hana")
	const pass = "a passphrase for the test"
	if err := vault.SetPassphrase(dir, nil, []byte(pass)); err != nil {
		t.Fatal(err)
	}
	vault.Lock(dir)
	p := h.ui.OpenProfile(dir, network(t))
	unlockWith(h, p, "not the passphrase")
	h.waitFor("the wrong-passphrase sentence", func() bool {
		return strings.Contains(strings.Join(texts(p.win.Content()), "\n"), "That passphrase is not the one")
	})
	if p.ready {
		t.Fatal("a wrong passphrase opened the profile")
	}
	if !strings.Contains(strings.Join(texts(p.win.Content()), "\n"), forgotText) {
		t.Fatal("the prompt does not offer the recovery phrase")
	}
	unlockWith(h, p, pass)
	h.waitFor("the main window", func() bool { return p.ready })
	if !holds(p.win.Content(), p.sidebar.content) {
		t.Fatal("the main window does not hold the sidebar (the check below would prove nothing)")
	}

	p.keys.run(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault})
	if !p.locked || vault.Unlocked(dir) {
		t.Fatal("Ctrl+L did not lock")
	}
	if holds(p.win.Content(), p.sidebar.content) || holds(p.win.Content(), p.mainContent) {
		t.Fatal("the locked window still holds the conversations")
	}
	p.prefs.Notifications, p.prefs.NotifyPreview = true, true
	h.ui.foreground = false
	p.notify(engine.Conversation{Name: "Secret contact"}, engine.Message{Body: "secret text"})
	test.AssertNotificationSent(t, fyne.NewNotification("Allium", "New message"), func() {
		p.notify(engine.Conversation{Name: "Secret contact"}, engine.Message{Body: "secret text"})
	})
	unlockWith(h, p, pass)
	h.waitFor("the unlocked window", func() bool { return !p.locked && p.win.Content() == p.mainContent })
}

// TestIdleLock locks a profile with a passphrase once it was idle for the chosen time.
func TestIdleLock(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Ida")
	if err := vault.SetPassphrase(dir, nil, []byte("passphrase of Ida")); err != nil {
		t.Fatal(err)
	}
	p := h.open(dir)
	p.prefs.LockAfter = 1
	p.checkIdle()
	if p.locked {
		t.Fatal("locked at once")
	}
	p.lastActive = p.lastActive.Add(-61e9)
	p.checkIdle()
	if !p.locked {
		t.Fatal("not locked after a minute idle")
	}
}

// TestDeleteProfile removes every file of the profile and offers onboarding again.
func TestDeleteProfile(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Jo")
	p := h.open(dir)
	done := false
	h.do(func() { p.destroyProfile(func() { done = true }) })
	h.waitFor("the profile deleted", func() bool { return done })
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the profile directory is still there: %v", err)
	}
}
