package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// TestSearchFieldInWindow: in an account's window, Ctrl+F gives the keyboard to the
// search box, a one-line bidi field: mixed Persian typed into it is laid out in the
// bidi algorithm's order at its right and searches; the window's shortcuts work from
// it (Ctrl+N), and Esc in the new conversation's name field closes that dialog.
func TestSearchFieldInWindow(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Ida")
	p := h.open(dir)
	p.keys.run(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	s := p.sidebar.search
	if p.win.Canvas().Focused() != s {
		t.Fatalf("Ctrl+F gave the keyboard to %T", p.win.Canvas().Focused())
	}
	const text = "سلام Allium 2"
	typeInto(s, text)
	if got := p.sidebar.query(); got != strings.ToLower(text) {
		t.Errorf("the search is for %q", got)
	}
	s.ensureLayout()
	l := s.lines[0]
	if want := visualLine(text); l.shown != want || !l.rtl {
		t.Errorf("the search box draws %q (right to left: %v), want %q", l.shown, l.rtl, want)
	}
	if want := s.Size().Width - theme.InnerPadding(); !nearX(l.x+l.w, want) {
		t.Errorf("the search text ends at %v, want the right edge %v", l.x+l.w, want)
	}
	p.win.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if p.dialogUp == nil || p.newConv == nil {
		t.Fatal("Ctrl+N in the search box did not open the new conversation")
	}
	n := p.newConv
	typeInto(n.name, "نیما")
	n.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if p.dialogUp != nil {
		t.Error("Esc in the name field did not close the dialog")
	}
}
