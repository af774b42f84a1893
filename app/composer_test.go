package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"allium/crypto"
	"allium/engine"
)

// bareComposer is a composer in a window of a usual size, with no engine behind it.
func bareComposer(t testing.TB) (*composer, *[]string) {
	t.Helper()
	fa := test.NewTempApp(t)
	u := newUI(fa, Options{}, func(fn func()) { fn() })
	p := &Profile{ui: u, keys: &keymap{}, win: fa.NewWindow("")}
	var sent []string
	c := newComposer(p, crypto.SessionID{5}, func(text string, _ bool) { sent = append(sent, text) })
	p.win.SetContent(c.content)
	p.win.Resize(fyne.NewSize(640, 200))
	return c, &sent
}

func paste(c *composer, text string) {
	cb := test.NewClipboard()
	cb.SetContent(text)
	c.entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
}

// TestPasteOverLimit: a paste that would make the message too long is refused at once
// with a sentence that gives the limit; the field keeps what it had, and a paste that
// fits goes in.
func TestPasteOverLimit(t *testing.T) {
	c, sent := bareComposer(t)
	c.entry.SetText("Hi ")
	paste(c, strings.Repeat("x", 100000))
	if c.entry.Text != "Hi " {
		t.Fatalf("the field holds %d characters after a paste over the limit", len(c.entry.Text))
	}
	if !c.counter.Visible() || !strings.Contains(c.counter.Text, "2000") || !strings.Contains(c.counter.Text, "paste") {
		t.Fatalf("notice: %q", c.counter.Text)
	}
	c.entry.SetText("")
	paste(c, "Hi there")
	if c.entry.Text != "Hi there" || c.counter.Visible() {
		t.Fatalf("a paste that fits: %q, notice %q", c.entry.Text, c.counter.Text)
	}
	// The limit counts UTF-16 units, as the engine does: a paste that fits exactly is
	// taken.
	c.entry.SetText("")
	paste(c, strings.Repeat("é", engine.MaxMessageLength))
	if engine.MessageLength(c.entry.Text) != engine.MaxMessageLength {
		t.Fatalf("a paste of exactly the limit holds %d", engine.MessageLength(c.entry.Text))
	}
	if len(*sent) != 0 {
		t.Fatal("pasting sent a message")
	}
}

// TestSendOverLimit: Enter on a message over the limit sends nothing and says why
// beside the field, with the limit, not in a dialog about something going wrong.
func TestSendOverLimit(t *testing.T) {
	c, sent := bareComposer(t)
	long := strings.Repeat("a", engine.MaxMessageLength+1)
	c.entry.SetText(long)
	pressEnter(c.entry)
	if len(*sent) != 0 || c.entry.Text != long {
		t.Fatal("a message over the limit was sent or lost")
	}
	if c.p.dialogUp != nil {
		t.Fatal("a dialog opened")
	}
	if c.counter.Text != tooLongMessage(engine.MaxMessageLength+1) || !c.counter.Visible() {
		t.Fatalf("notice: %q", c.counter.Text)
	}
}

// BenchmarkPaste pastes 100,000 characters into an empty composer.
func BenchmarkPaste(b *testing.B) {
	c, _ := bareComposer(b)
	text := strings.Repeat("lorem ipsum ", 100000/12+1)[:100000]
	for b.Loop() {
		c.entry.SetText("")
		paste(c, text)
		c.p.win.Canvas().Refresh(c.entry)
		c.entry.MinSize()
	}
}
