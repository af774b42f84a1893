package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func key(e *messageEntry, name fyne.KeyName) { e.TypedKey(&fyne.KeyEvent{Name: name}) }

func withShift(e *messageEntry, fn func()) {
	e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	fn()
	e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
}

// persianComposer is a composer with the app's theme, its field focused.
func persianComposer(t *testing.T) *composer {
	c, _ := bareComposer(t)
	applyAppearance(fyne.CurrentApp(), appearanceLight)
	c.p.win.Canvas().Focus(c.entry)
	return c
}

// TestComposerRightToLeft: typing Persian starts a right-to-left paragraph, drawn at
// the right of the field in the order of the bidi algorithm, also when a Latin word
// and a number join it; the half-space is typed and kept.
func TestComposerRightToLeft(t *testing.T) {
	c := persianComposer(t)
	e := c.entry
	typeInto(e, "می\u200cروم")
	if e.Text != "می\u200cروم" {
		t.Fatalf("the field holds %q", e.Text)
	}
	typeInto(e, " به Allium 2")
	e.ensureLayout()
	if len(e.lines) != 1 || !e.lines[0].rtl {
		t.Fatalf("lines %+v", e.lines)
	}
	l := e.lines[0]
	if want := e.Size().Width - theme.InnerPadding(); !nearX(l.x+l.w, want) {
		t.Errorf("the line ends at %v, want the field's right edge %v", l.x+l.w, want)
	}
	if want := visualLine(e.Text); l.shown != want {
		t.Errorf("the line is drawn from %q, want %q", l.shown, want)
	}
	if !strings.Contains(l.shown, "\u200c") {
		t.Error("the half-space is not drawn")
	}
	texts := test.WidgetRenderer(e).(*editorRenderer).texts
	if texts[0].Text != l.shown {
		t.Errorf("the field draws %q", texts[0].Text)
	}
	// English stays on the left.
	e.SetText("Hello سلام")
	e.ensureLayout()
	if e.lines[0].rtl || !nearX(e.lines[0].x, theme.InnerPadding()) {
		t.Errorf("an English line starts at %v (right to left: %v)", e.lines[0].x, e.lines[0].rtl)
	}
}

// TestComposerCursor: the arrows move the cursor to the character beside it on the
// screen, Backspace deletes the character typed last before the cursor, and Shift
// with an arrow selects.
func TestComposerCursor(t *testing.T) {
	c := persianComposer(t)
	e := c.entry
	e.SetText("سلام")
	end := len(e.Text)
	// The end of a right-to-left word is its left edge: Left goes nowhere, Right goes
	// back a letter.
	key(e, fyne.KeyLeft)
	if e.cursor != end {
		t.Errorf("Left at the left edge moved the cursor to %d", e.cursor)
	}
	key(e, fyne.KeyRight)
	if e.cursor != end-len("م") {
		t.Errorf("Right moved the cursor to %d, want %d", e.cursor, end-len("م"))
	}
	if x, prev := e.caretX(e.cursor), e.caretX(end); x <= prev {
		t.Errorf("the cursor went from x %v to %v, not to the right", prev, x)
	}
	key(e, fyne.KeyBackspace)
	if e.Text != "سلم" {
		t.Errorf("Backspace left %q, want the letter before the cursor gone", e.Text)
	}
	key(e, fyne.KeyEnd)
	key(e, fyne.KeyBackspace)
	if e.Text != "سل" {
		t.Errorf("Backspace at the end left %q", e.Text)
	}

	// A Latin word at the end of a Persian line: the cursor after it is at its right
	// edge, and Left goes into the word.
	e.SetText("سلام Allium")
	end = len(e.Text)
	key(e, fyne.KeyLeft)
	if e.cursor != end-1 {
		t.Errorf("Left after Allium moved the cursor to %d, want %d (before the m)", e.cursor, end-1)
	}
	withShift(e, func() { key(e, fyne.KeyLeft); key(e, fyne.KeyLeft) })
	if got := e.SelectedText(); got != "iu" {
		t.Errorf("Shift+Left twice selected %q, want %q", got, "iu")
	}
	typeInto(e, "x")
	if e.Text != "سلام Allxm" {
		t.Errorf("typing over the selection left %q", e.Text)
	}

	// Up and Down, Home and End move between lines.
	e.SetText("first\nدوم")
	key(e, fyne.KeyUp)
	if e.lineOf(e.cursor) != 0 {
		t.Errorf("Up left the cursor on line %d", e.lineOf(e.cursor))
	}
	key(e, fyne.KeyHome)
	if e.cursor != 0 {
		t.Errorf("Home moved the cursor to %d", e.cursor)
	}
}

// TestComposerTap: a tap gives the message field the keys (Enter then sends), with the
// cursor where it was tapped.
func TestComposerTap(t *testing.T) {
	c, sent := bareComposer(t)
	c.entry.SetText("Hello")
	c.p.win.Canvas().Unfocus()
	test.TapAt(c.entry, fyne.NewPos(theme.InnerPadding()+1, theme.InnerPadding()+2))
	if c.p.win.Canvas().Focused() != c.entry {
		t.Fatalf("a tap focused %v, not the message field", c.p.win.Canvas().Focused())
	}
	if c.entry.cursor != 0 {
		t.Errorf("a tap at the start put the cursor at %d", c.entry.cursor)
	}
	test.Type(c.p.win.Canvas().Focused(), "Oh, ")
	c.p.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(*sent) != 1 || (*sent)[0] != "Oh, Hello" {
		t.Fatalf("sent %q", *sent)
	}
}

// TestComposerClipboard: copy, cut and paste work on the selection.
func TestComposerClipboard(t *testing.T) {
	c := persianComposer(t)
	e := c.entry
	e.SetText("سلام دنیا")
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	cb := test.NewClipboard()
	e.TypedShortcut(&fyne.ShortcutCut{Clipboard: cb})
	if e.Text != "" || cb.Content() != "سلام دنیا" {
		t.Fatalf("cut left %q, clipboard %q", e.Text, cb.Content())
	}
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if e.Text != "سلام دنیاسلام دنیا" {
		t.Fatalf("paste left %q", e.Text)
	}
}

// TestComposerScreenshot keeps an image of the field with Persian, English and mixed
// lines (go test -artifacts -outputdir DIR).
func TestComposerScreenshot(t *testing.T) {
	c := persianComposer(t)
	c.entry.SetMinRowsVisible(4)
	c.entry.SetText("سلام! من از Allium نسخه 2.7 استفاده می\u200cکنم.\nAnd this line is English, with one word: سلام.\n(جلسه ساعت 10:30)")
	c.p.win.Resize(fyne.NewSize(640, 220))
	withShift(c.entry, func() { key(c.entry, fyne.KeyLeft); key(c.entry, fyne.KeyLeft) })
	keepScreenshot(t, c.p.win.Canvas(), "persian-composer.png")
}

// TestComposerUndo: Ctrl+Z takes back a typed word at once, then a deletion; Ctrl+Shift+Z
// does it again.
func TestComposerUndo(t *testing.T) {
	c := persianComposer(t)
	e := c.entry
	typeInto(e, "سلام")
	typeInto(e, " ")
	typeInto(e, "دنیا")
	key(e, fyne.KeyBackspace)
	if e.Text != "سلام دنی" {
		t.Fatalf("the field holds %q", e.Text)
	}
	for _, want := range []string{"سلام دنیا", "سلام ", "سلام"} {
		e.TypedShortcut(&fyne.ShortcutUndo{})
		if e.Text != want {
			t.Fatalf("undo left %q, want %q", e.Text, want)
		}
	}
	e.TypedShortcut(&fyne.ShortcutRedo{})
	if e.Text != "سلام " {
		t.Fatalf("redo left %q", e.Text)
	}
}

// TestQuickClicks: clicks at the speed people click, all within the driver's wait for
// a double click, select as they are pressed: the second press the word (a Persian
// word with a half-space whole), the third the paragraph, and the one tap the driver
// reports for three quick clicks keeps it; presses at another place or after a pause
// are clicks of their own.
func TestQuickClicks(t *testing.T) {
	const text = "سلام، می\u200cروم به Allium.\nخط دوم"
	word := strings.Index(text, "روم") + len("ر") // inside the word, after the half-space
	quick := tripleClickDelay() / 3
	c := persianComposer(t)
	e := &c.entry.bidiEditor
	clock := time.Unix(1000, 0)
	e.now = func() time.Time { return clock }
	press := func(pos fyne.Position, after time.Duration) {
		clock = clock.Add(after)
		e.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}, Button: desktop.MouseButtonPrimary})
		e.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}, Button: desktop.MouseButtonPrimary})
	}
	for _, tt := range []struct {
		name    string
		presses int
		tap     bool // whether the driver then reports a tap (for any count but two) or a double tap
		want    string
	}{
		{"a click", 1, true, ""},
		{"a double click", 2, false, "می\u200cروم"},
		{"a triple click", 3, true, "سلام، می\u200cروم به Allium."},
		{"four clicks", 4, true, "سلام، می\u200cروم به Allium."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.SetText(text)
			pos := pointAt(e, word)
			for i := range tt.presses {
				press(pos, quick)
				if i == 1 && e.SelectedText() != "می\u200cروم" {
					t.Errorf("the second press selected %q", e.SelectedText())
				}
			}
			clock = clock.Add(tripleClickDelay())
			if tt.tap {
				e.Tapped(&fyne.PointEvent{Position: pos})
			} else {
				e.DoubleTapped(&fyne.PointEvent{Position: pos})
			}
			if got := e.SelectedText(); got != tt.want {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
			clock = clock.Add(10 * tripleClickDelay()) // the next case starts afresh
		})
	}
	e.SetText(text)
	press(pointAt(e, word), quick)
	press(pointAt(e, len(text)), quick)
	if got := e.SelectedText(); got != "" || e.cursor != len(text) {
		t.Errorf("a second press at another place selected %q, cursor %d", got, e.cursor)
	}
	press(pointAt(e, word), 10*tripleClickDelay())
	press(pointAt(e, word), 2*tripleClickDelay())
	if got := e.SelectedText(); got != "" {
		t.Errorf("two presses a while apart selected %q", got)
	}
}

// TestShiftHeldAfterWordSelect: Shift held through Ctrl+Shift+Left and then Left goes
// on selecting, as the key is still down.
func TestShiftHeldAfterWordSelect(t *testing.T) {
	c := persianComposer(t)
	e := c.entry
	e.SetText("one two three")
	withShift(e, func() {
		e.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
		key(e, fyne.KeyLeft)
	})
	if got := e.SelectedText(); got != " three" {
		t.Errorf("selected %q, want %q", got, " three")
	}
}
