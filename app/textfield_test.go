package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fieldWindow shows a one-line field alone in a window width wide, focused, with
// the window's keymap.
func fieldWindow(t *testing.T, width float32) (*textField, *keymap) {
	t.Helper()
	fa := test.NewTempApp(t)
	applyAppearance(fa, appearanceLight)
	keys := &keymap{ctrl: map[fyne.KeyName]func(){}}
	f := newTextField(keys, "Search")
	w := fa.NewWindow("")
	w.SetContent(f)
	w.Resize(fyne.NewSize(width, f.MinSize().Height+2*theme.Padding()))
	w.Canvas().Focus(f)
	return f, keys
}

// TestTextFieldRightToLeft: mixed Persian typed into a one-line field (the search box)
// is drawn in the bidi algorithm's order at the field's right; a Latin text stays at
// the left; a long text stays one line and scrolls so the cursor is inside the field.
func TestTextFieldRightToLeft(t *testing.T) {
	f, _ := fieldWindow(t, 300)
	typeInto(f, "پیام\u200cهای Allium ۲")
	f.ensureLayout()
	if len(f.lines) != 1 || !f.lines[0].rtl {
		t.Fatalf("lines %+v", f.lines)
	}
	l := f.lines[0]
	if want := visualLine(f.Text); l.shown != want {
		t.Errorf("the line is drawn from %q, want %q", l.shown, want)
	}
	if want := f.Size().Width - theme.InnerPadding(); !nearX(l.x+l.w, want) {
		t.Errorf("the line ends at %v, want the right edge %v", l.x+l.w, want)
	}
	r := test.WidgetRenderer(f).(*editorRenderer)
	if r.texts[0].Text != l.shown || !nearX(r.texts[0].Position().X+theme.InputBorderSize(), l.x) {
		t.Errorf("the field draws %q at %v", r.texts[0].Text, r.texts[0].Position())
	}

	f.SetText("")
	typeInto(f, "Hello سلام")
	f.ensureLayout()
	if f.lines[0].rtl || !nearX(f.lines[0].x, theme.InnerPadding()) {
		t.Errorf("a Latin text is laid out %+v", f.lines[0])
	}

	for _, text := range []string{strings.Repeat("word ", 40), strings.Repeat("واژه ", 40)} {
		f.SetText("")
		typeInto(f, text)
		f.Refresh()
		if len(f.lines) != 1 {
			t.Fatalf("a long text is on %d lines", len(f.lines))
		}
		// What is drawn is cut at the field's border, where the painter clips.
		if _, ok := test.WidgetRenderer(r.clip).(interface{ IsClip() }); !ok || len(r.layer.Objects) == 0 || r.layer.Objects[0] != r.texts[0] {
			t.Errorf("the line is not drawn inside a clip: %v", r.objects)
		}
		pad, w := theme.InnerPadding(), f.Size().Width
		if cx := f.caretX(f.cursor) + f.scroll; cx < pad-0.5 || cx > w-pad+0.5 {
			t.Errorf("%.10q…: the cursor is drawn at %v, outside the field (0…%v)", text, cx, w)
		}
		key := func(name fyne.KeyName) { f.TypedKey(&fyne.KeyEvent{Name: name}) }
		key(fyne.KeyHome)
		f.Refresh()
		if cx := f.caretX(f.cursor) + f.scroll; cx < pad-0.5 || cx > w-pad+0.5 {
			t.Errorf("%.10q…: after Home the cursor is drawn at %v", text, cx)
		}
	}
}

// TestTextFieldKeys: Enter submits without a new line, a pasted line feed becomes a
// space, and Esc and the window's Ctrl shortcuts reach the window.
func TestTextFieldKeys(t *testing.T) {
	f, keys := fieldWindow(t, 300)
	var submitted []string
	f.OnSubmitted = func(s string) { submitted = append(submitted, s) }
	var changed []string
	f.OnChanged = func(s string) { changed = append(changed, s) }
	escaped, newChat := 0, 0
	keys.escape = func() { escaped++ }
	keys.ctrl[fyne.KeyN] = func() { newChat++ }

	typeInto(f, "سارا")
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	if f.Text != "سارا" || len(submitted) != 2 || submitted[0] != "سارا" {
		t.Errorf("after Enter the field holds %q and submitted %q", f.Text, submitted)
	}
	if len(changed) != 4 || changed[3] != "سارا" {
		t.Errorf("OnChanged saw %q", changed)
	}
	cb := test.NewClipboard()
	cb.SetContent("a\nb\r\nc")
	f.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if f.Text != "ساراa b c" {
		t.Errorf("after a paste the field holds %q", f.Text)
	}
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	f.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if escaped != 1 || newChat != 1 {
		t.Errorf("Esc reached the window %d times, Ctrl+N %d times", escaped, newChat)
	}
	f.TypedShortcut(&fyne.ShortcutSelectAll{})
	if f.SelectedText() != f.Text {
		t.Errorf("Ctrl+A selected %q", f.SelectedText())
	}
}

// TestTextFieldLooksLikeEntry: the field is as tall as an Entry, so the views keep
// their layout.
func TestTextFieldLooksLikeEntry(t *testing.T) {
	test.NewTempApp(t)
	f := newTextField(nil, "Your name")
	e := widget.NewEntry()
	e.SetPlaceHolder("Your name")
	if f.MinSize().Height != e.MinSize().Height {
		t.Errorf("the field is %v tall, an Entry %v", f.MinSize().Height, e.MinSize().Height)
	}
}

// TestWordAt: the span a double click selects, for the character at an offset.
func TestWordAt(t *testing.T) {
	const zwnj = "\u200c"
	tests := []struct {
		text, at, want string // at marks the clicked character's place: text[len(at):]
	}{
		{"hello world", "he", "hello"},
		{"hello world", "hello ", "world"},
		{"hello world", "hello world", "world"}, // past the end: the last word
		{"hello, world", "hello", ","},
		{"hello   world", "hello ", "   "},
		{"می" + zwnj + "روم به خانه", "م", "می" + zwnj + "روم"},
		{"می" + zwnj + "روم به خانه", "می" + zwnj, "می" + zwnj + "روم"}, // on the half-space
		{"سلام، دوست", "سل", "سلام"},
		{"سلام، دوست", "سلام", "،"},
		{"Allium ۲۰۲۶!", "Allium ", "۲۰۲۶"},
		{"line one\nline two", "line one", ""}, // the line feed itself
		{"", "", ""},
	}
	for _, tt := range tests {
		a, b := wordAt(tt.text, len(tt.at))
		if got := tt.text[a:b]; got != tt.want {
			t.Errorf("wordAt(%q, %d) = %q, want %q", tt.text, len(tt.at), got, tt.want)
		}
	}
}

// TestParagraphAt: a triple click selects the paragraph between line feeds.
func TestParagraphAt(t *testing.T) {
	text := "first line\nدومین خط\n\nlast"
	tests := []struct {
		off  int
		want string
	}{
		{0, "first line"},
		{len("first li"), "first line"},
		{len("first line\n") + 2, "دومین خط"},
		{len("first line\nدومین خط\n"), ""},
		{len(text), "last"},
	}
	for _, tt := range tests {
		a, b := paragraphAt(text, tt.off)
		if got := text[a:b]; got != tt.want {
			t.Errorf("paragraphAt(%d) = %q, want %q", tt.off, got, tt.want)
		}
	}
}

// pointAt is a point in the middle of the character at off, on its line.
func pointAt(e *bidiEditor, off int) fyne.Position {
	e.ensureLayout()
	i := e.lineOf(off)
	l := e.lines[i]
	x := (l.carets[off-l.start] + l.edges[off-l.start]) / 2
	return fyne.NewPos(x+e.scroll, theme.InnerPadding()+float32(i-e.top)*e.lineHeight()+e.lineHeight()/2)
}

// TestDoubleClickSelectsWord: a double click selects the word under the pointer, in
// the message field and in a one-line field, a Persian word with a half-space
// whole; the third click of a triple click selects the paragraph, a later click
// only places the cursor.
func TestDoubleClickSelectsWord(t *testing.T) {
	c := persianComposer(t)
	f, _ := fieldWindow(t, 400)
	text := "سلام، می\u200cروم Allium\nخط دوم"
	for _, e := range []*bidiEditor{&c.entry.bidiEditor, &f.bidiEditor} {
		clock := time.Unix(1000, 0)
		e.now = func() time.Time { return clock }
		e.SetText(text)
		if e.singleLine {
			text = strings.ReplaceAll(text, "\n", " ")
			if e.Text != text {
				t.Fatalf("the field holds %q", e.Text)
			}
		}
		for _, word := range []string{"سلام", "می\u200cروم", "Allium", "،"} {
			at := strings.Index(text, word)
			runes := []rune(word)
			pos := pointAt(e, at+len(string(runes[:len(runes)/2])))
			e.DoubleTapped(&fyne.PointEvent{Position: pos})
			if got := e.SelectedText(); got != word {
				t.Errorf("single line %v: a double click on %q selected %q", e.singleLine, word, got)
			}
			clock = clock.Add(time.Second) // not a triple click
		}
		at := strings.Index(text, "Allium") + 2
		pos := pointAt(e, at)
		e.DoubleTapped(&fyne.PointEvent{Position: pos})
		clock = clock.Add(tripleClickDelay() + 50*time.Millisecond) // the driver's wait for a double click
		e.Tapped(&fyne.PointEvent{Position: pos})
		want := "سلام، می\u200cروم Allium"
		if e.singleLine {
			want = text
		}
		if got := e.SelectedText(); got != want {
			t.Errorf("single line %v: a triple click selected %q, want %q", e.singleLine, got, want)
		}
		// With the mouse: the third press selects the paragraph at once, and the
		// tap that follows keeps the selection.
		e.DoubleTapped(&fyne.PointEvent{Position: pos})
		clock = clock.Add(tripleClickDelay() / 2)
		e.SetText(e.Text) // nothing selected
		e.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}, Button: desktop.MouseButtonPrimary})
		if got := e.SelectedText(); got != want {
			t.Errorf("single line %v: a third press selected %q, want %q", e.singleLine, got, want)
		}
		clock = clock.Add(tripleClickDelay())
		e.Tapped(&fyne.PointEvent{Position: pos})
		if got := e.SelectedText(); got != want {
			t.Errorf("single line %v: the tap after a third press left %q selected", e.singleLine, got)
		}
		e.DoubleTapped(&fyne.PointEvent{Position: pos})
		clock = clock.Add(3 * tripleClickDelay())
		e.Tapped(&fyne.PointEvent{Position: pos})
		if got := e.SelectedText(); got != "" || e.cursor != e.offsetAt(pos) {
			t.Errorf("single line %v: a click long after a double click selected %q, cursor %d", e.singleLine, got, e.cursor)
		}
	}
}

// TestMouseDownPlacesCursor: the press places the cursor, and the tap the driver
// reports after its double-click wait does not move it back once typing has begun.
func TestMouseDownPlacesCursor(t *testing.T) {
	f, _ := fieldWindow(t, 300)
	f.SetText("Hello")
	start := fyne.NewPos(theme.InnerPadding()+1, f.Size().Height/2)
	f.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: start}, Button: desktop.MouseButtonPrimary})
	if f.cursor != 0 {
		t.Fatalf("a press at the start put the cursor at %d", f.cursor)
	}
	typeInto(f, "Oh ")
	f.Tapped(&fyne.PointEvent{Position: start})
	typeInto(f, "! ")
	if f.Text != "Oh ! Hello" {
		t.Errorf("the field holds %q", f.Text)
	}
}

// TestCtrlArrowsMoveByWord: Ctrl with the arrows moves by word in visual order, and
// with Shift selects; in a Persian line Left goes towards the text's end.
func TestCtrlArrowsMoveByWord(t *testing.T) {
	f, _ := fieldWindow(t, 400)
	ctrl := func(name fyne.KeyName, shift bool) {
		m := fyne.KeyModifierShortcutDefault
		if shift {
			m |= fyne.KeyModifierShift
		}
		f.TypedShortcut(&desktop.CustomShortcut{KeyName: name, Modifier: m})
	}
	tests := []struct {
		text  string
		start int
		key   fyne.KeyName
		want  int
	}{
		{"hello big world", 0, fyne.KeyRight, len("hello")},
		{"hello big world", len("hello"), fyne.KeyRight, len("hello big")},
		{"hello big world", len("hello big world"), fyne.KeyLeft, len("hello big ")},
		{"hello, big world", len("hello"), fyne.KeyRight, len("hello, big")},
		{"سلام دوست خوب", 0, fyne.KeyLeft, len("سلام")},
		{"سلام دوست خوب", len("سلام دوست"), fyne.KeyRight, len("سلام ")},
		{"می\u200cروم خانه", 0, fyne.KeyLeft, len("می\u200cروم")},
	}
	for _, tt := range tests {
		f.SetText(tt.text)
		f.cursor, f.anchor = tt.start, tt.start
		ctrl(tt.key, false)
		if f.cursor != tt.want {
			t.Errorf("%q from %d, Ctrl+%s: at %d, want %d", tt.text, tt.start, tt.key, f.cursor, tt.want)
		}
	}
	f.SetText("hello big world")
	f.cursor, f.anchor = 0, 0
	ctrl(fyne.KeyRight, true)
	ctrl(fyne.KeyRight, true)
	if got := f.SelectedText(); got != "hello big" {
		t.Errorf("Shift+Ctrl+Right twice selected %q", got)
	}
}

// TestEmptyFieldCursorLeading: in the Persian interface the cursor of an empty field
// waits at the right, where the hint is and Persian starts; in English at the left.
func TestEmptyFieldCursorLeading(t *testing.T) {
	for _, lang := range []string{"en", "fa"} {
		useLanguage(lang)
		f, _ := fieldWindow(t, 300)
		f.ensureLayout()
		x, pad := f.caretX(0), theme.InnerPadding()
		r := test.WidgetRenderer(f).(*editorRenderer)
		hx := r.holder.Position().X + theme.InputBorderSize()
		if lang == "fa" && (!nearX(x, f.Size().Width-pad) || !nearX(hx+r.holder.Size().Width, f.Size().Width-pad)) {
			t.Errorf("fa: the cursor is at %v and the hint at %v, not at the right", x, hx)
		}
		if lang == "en" && (!nearX(x, pad) || !nearX(hx, pad)) {
			t.Errorf("en: the cursor is at %v and the hint at %v, not at the left", x, hx)
		}
	}
	useLanguage("en")
}
