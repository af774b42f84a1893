package app

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// bidiEditor is the message field's text editor. Fyne's Entry draws a line's
// directional runs in logical order and moves its cursor in logical order, so Persian
// mixed with a Latin word or a number is shown out of order while it is typed. This
// editor keeps the text in logical order, lays each paragraph out with the bidi
// algorithm as the bubbles do (a paragraph that starts in Persian is right to left
// and aligned right), and moves the cursor in visual order: Left goes to the
// character on the left, whatever the direction of the text under it. Backspace
// deletes the logically previous character, Delete the next; Shift with the arrows,
// Home and End selects; a zero-width non-joiner (the Persian half-space) is a
// character like any other. A double click selects a word, a triple click its
// paragraph, Ctrl with the arrows moves by word.
//
// With singleLine the editor is a one-line field: no wrapping, a line feed typed or
// pasted becomes a space, and a text wider than the field scrolls sideways so that the
// cursor stays in sight.
type bidiEditor struct {
	widget.BaseWidget
	Text        string
	PlaceHolder string
	OnChanged   func(string) `json:"-"`

	minRows    int
	singleLine bool
	keys       *keymap // the window's shortcuts, passed on
	// self is the widget that embeds the editor (the message field), which a tap
	// focuses: the window gives keys to it, not to the editor inside.
	self interface {
		fyne.Widget
		fyne.Focusable
	}

	cursor, anchor int // byte offsets in Text; anchor ≠ cursor is a selection
	shift          bool
	focused        bool
	dragging       bool
	// pressed says that a mouse press placed the cursor, so the tap the driver reports
	// a moment later (after waiting for a double click) does not move it again.
	pressed bool
	// doubled is when the last double click was, to tell a triple click; now is the
	// clock, replaced by tests.
	doubled time.Time
	now     func() time.Time
	// clicks counts presses in quick succession at one place, the last at lastPress
	// and lastPos: the driver reports a double click only after its wait, and three
	// quick clicks (all within that wait) as a single tap, so the presses themselves
	// select a word on the second and the paragraph on the third. byPress says that
	// the presses selected the word the driver's double click then reports.
	clicks    int
	lastPress time.Time
	lastPos   fyne.Position
	byPress   bool

	// undo and redo hold earlier and undone states of the text, for Ctrl+Z and
	// Ctrl+Shift+Z; a run of typed characters is one step.
	undo, redo []editState
	typing     bool // whether the last change was a typed character

	lines  []editLine // Text laid out for width
	width  float32
	top    int     // the first line shown, when there are more than fit
	scroll float32 // how far a single line is shifted sideways to show the cursor
	layout bool    // whether Text changed since it was laid out
}

// editLine is one wrapped line of the editor: Text[start:end], drawn from shown at x,
// and the x of a cursor at each of its offsets.
type editLine struct {
	start, end int
	rtl        bool
	shown      string
	x, w       float32
	carets     []float32 // carets[o-start] for offsets start…end
	// edges[o-start] is the x of the trailing side of the character at o (its right
	// if it reads left to right): with carets, the stretch the character covers.
	edges []float32
}

type editState struct {
	text           string
	cursor, anchor int
}

// maxUndo is how many steps the editor can undo.
const maxUndo = 100

// remember keeps the state before a change for undo; typed keeps a run of typed
// characters in one step.
func (e *bidiEditor) remember(typed bool) {
	if !(typed && e.typing) {
		e.undo = append(e.undo, editState{e.Text, e.cursor, e.anchor})
		if len(e.undo) > maxUndo {
			e.undo = e.undo[1:]
		}
	}
	e.redo, e.typing = nil, typed
}

// restore goes back to a state from one stack, keeping the present one on the other.
func (e *bidiEditor) restore(from, to *[]editState) {
	if len(*from) == 0 {
		return
	}
	s := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, editState{e.Text, e.cursor, e.anchor})
	e.Text, e.cursor, e.anchor, e.typing = s.text, s.cursor, s.anchor, false
	e.changed()
}

// SetText replaces the text and puts the cursor at its end; a single-line field turns
// line feeds into spaces.
func (e *bidiEditor) SetText(text string) {
	if e.singleLine {
		text = oneLine(text)
	}
	if text != e.Text {
		e.remember(false)
	}
	e.Text = text
	e.cursor, e.anchor = len(text), len(text)
	e.changed()
}

// SetPlaceHolder sets the hint shown while the field is empty.
func (e *bidiEditor) SetPlaceHolder(s string) {
	e.PlaceHolder = s
	e.Refresh()
}

// SetMinRowsVisible sets how many lines tall the field is at least.
func (e *bidiEditor) SetMinRowsVisible(n int) {
	e.minRows = n
	e.Refresh()
}

// SelectedText is the text selected, in logical order.
func (e *bidiEditor) SelectedText() string {
	a, b := e.selection()
	return e.Text[a:b]
}

func (e *bidiEditor) selection() (int, int) {
	return min(e.anchor, e.cursor), max(e.anchor, e.cursor)
}

// changed lays the text out again and tells OnChanged.
func (e *bidiEditor) changed() {
	e.layout = true
	e.Refresh()
	if e.OnChanged != nil {
		e.OnChanged(e.Text)
	}
}

// insert replaces the selection with s.
func (e *bidiEditor) insert(s string) {
	e.remember(utf8.RuneCountInString(s) == 1 && s != " " && s != "\n")
	s = strings.ReplaceAll(s, "\t", "    ") // lines are laid out without tab stops
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if e.singleLine {
		s = oneLine(s)
	}
	a, b := e.selection()
	e.Text = e.Text[:a] + s + e.Text[b:]
	e.cursor, e.anchor = a+len(s), a+len(s)
	e.changed()
}

// oneLine is s with line breaks made spaces, for a single-line field.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
}

// deleteRange removes Text[a:b] and leaves the cursor there.
func (e *bidiEditor) deleteRange(a, b int) {
	e.remember(false)
	e.Text = e.Text[:a] + e.Text[b:]
	e.cursor, e.anchor = a, a
	e.changed()
}

func (e *bidiEditor) TypedRune(r rune) {
	e.insert(string(r))
}

// moveTo puts the cursor at off, extending the selection while Shift is down.
func (e *bidiEditor) moveTo(off int) {
	e.typing = false // typing elsewhere is another step to undo
	e.cursor = off
	if !e.shift {
		e.anchor = off
	}
	e.Refresh()
}

func (e *bidiEditor) TypedKey(ev *fyne.KeyEvent) {
	e.ensureLayout()
	a, b := e.selection()
	switch ev.Name {
	case fyne.KeyBackspace:
		if a != b {
			e.deleteRange(a, b)
		} else if e.cursor > 0 {
			_, n := utf8.DecodeLastRuneInString(e.Text[:e.cursor])
			e.deleteRange(e.cursor-n, e.cursor)
		}
	case fyne.KeyDelete:
		if a != b {
			e.deleteRange(a, b)
		} else if e.cursor < len(e.Text) {
			_, n := utf8.DecodeRuneInString(e.Text[e.cursor:])
			e.deleteRange(e.cursor, e.cursor+n)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if !e.singleLine {
			e.insert("\n")
		}
	case fyne.KeyLeft:
		e.moveTo(e.visualMove(-1))
	case fyne.KeyRight:
		e.moveTo(e.visualMove(+1))
	case fyne.KeyUp:
		e.moveTo(e.verticalMove(-1))
	case fyne.KeyDown:
		e.moveTo(e.verticalMove(+1))
	case fyne.KeyHome:
		e.moveTo(e.lines[e.lineOf(e.cursor)].start)
	case fyne.KeyEnd:
		e.moveTo(e.lines[e.lineOf(e.cursor)].end)
	case fyne.KeyEscape:
		if e.keys != nil && e.keys.escape != nil {
			e.keys.escape()
		}
	}
}

func (e *bidiEditor) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = true
	}
}

func (e *bidiEditor) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = false
	}
}

func (e *bidiEditor) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutCopy:
		if t := e.SelectedText(); t != "" && s.Clipboard != nil {
			s.Clipboard.SetContent(t)
		}
	case *fyne.ShortcutCut:
		if a, b := e.selection(); a != b && s.Clipboard != nil {
			s.Clipboard.SetContent(e.Text[a:b])
			e.deleteRange(a, b)
		}
	case *fyne.ShortcutPaste:
		if s.Clipboard != nil {
			e.insert(s.Clipboard.Content())
		}
	case *fyne.ShortcutUndo:
		e.restore(&e.undo, &e.redo)
	case *fyne.ShortcutRedo:
		e.restore(&e.redo, &e.undo)
	case *fyne.ShortcutSelectAll:
		e.anchor, e.cursor = 0, len(e.Text)
		e.Refresh()
	case *desktop.CustomShortcut:
		if s.Modifier&fyne.KeyModifierShortcutDefault != 0 && (s.KeyName == fyne.KeyLeft || s.KeyName == fyne.KeyRight) {
			dir := float32(-1)
			if s.KeyName == fyne.KeyRight {
				dir = 1
			}
			e.ensureLayout()
			held := e.shift // Shift may stay down for the arrows after
			e.shift = s.Modifier&fyne.KeyModifierShift != 0
			e.moveTo(e.wordMove(dir))
			e.shift = held
			return
		}
		if e.keys != nil {
			e.keys.run(s)
		}
	default:
		if e.keys != nil {
			e.keys.run(s)
		}
	}
}

func (e *bidiEditor) FocusGained() {
	e.focused = true
	e.Refresh()
}

func (e *bidiEditor) FocusLost() {
	e.focused, e.shift = false, false
	e.Refresh()
}

// lineOf is the index of the line that holds the cursor position off: the line it
// ends when it is at the end of a wrapped line, as after typing there.
func (e *bidiEditor) lineOf(off int) int {
	for i, l := range e.lines {
		if off <= l.end {
			return i
		}
	}
	return len(e.lines) - 1
}

// caretX is where a cursor at off is drawn.
func (e *bidiEditor) caretX(off int) float32 {
	l := e.lines[e.lineOf(off)]
	return l.carets[off-l.start]
}

// visualMove is the cursor position dir (−1 left, +1 right) of the cursor on the
// screen: the nearest on its line in that direction, or else the end of the line
// before or the start of the line after, as the paragraph reads.
func (e *bidiEditor) visualMove(dir float32) int {
	i := e.lineOf(e.cursor)
	l := e.lines[i]
	x := l.carets[e.cursor-l.start]
	best, bestD := -1, float32(0)
	for k, cx := range l.carets {
		if d := (cx - x) * dir; d > 0.5 && (best < 0 || d < bestD) && utf8.RuneStart(e.byteAt(l.start+k)) {
			best, bestD = l.start+k, d
		}
	}
	if best >= 0 {
		return best
	}
	forward := (dir > 0) != l.rtl // towards the text's end
	switch {
	case forward && i+1 < len(e.lines):
		return e.lines[i+1].start
	case !forward && i > 0:
		return e.lines[i-1].end
	}
	return e.cursor
}

// byteAt is Text[off], or a character start at the end.
func (e *bidiEditor) byteAt(off int) byte {
	if off >= len(e.Text) {
		return 0
	}
	return e.Text[off]
}

// verticalMove is the position on the line above (−1) or below (+1) nearest to the
// cursor's x.
func (e *bidiEditor) verticalMove(dir int) int {
	i := e.lineOf(e.cursor)
	j := i + dir
	if j < 0 {
		return e.lines[0].start
	}
	if j >= len(e.lines) {
		return e.lines[len(e.lines)-1].end
	}
	return e.nearest(j, e.caretX(e.cursor))
}

// nearest is the position on line i whose cursor is nearest to x.
func (e *bidiEditor) nearest(i int, x float32) int {
	l := e.lines[i]
	best, bestD := l.start, float32(-1)
	for k, cx := range l.carets {
		d := cx - x
		if d < 0 {
			d = -d
		}
		if (bestD < 0 || d < bestD) && utf8.RuneStart(e.byteAt(l.start+k)) {
			best, bestD = l.start+k, d
		}
	}
	return best
}

// offsetAt is the cursor position nearest to a point in the editor.
func (e *bidiEditor) offsetAt(pos fyne.Position) int {
	return e.nearest(e.lineAt(pos), pos.X-e.scroll)
}

// lineAt is the index of the line shown at a point.
func (e *bidiEditor) lineAt(pos fyne.Position) int {
	i := e.top + int((pos.Y-theme.InnerPadding())/e.lineHeight())
	return max(0, min(i, len(e.lines)-1))
}

// charAt is the offset of the character drawn under a point: the last of its line
// when the point is past the line's ends.
func (e *bidiEditor) charAt(pos fyne.Position) int {
	l := e.lines[e.lineAt(pos)]
	x := pos.X - e.scroll
	last := -1
	for o := l.start; o < l.end; o++ {
		if !utf8.RuneStart(e.Text[o]) {
			continue
		}
		x0, x1 := l.carets[o-l.start], l.edges[o-l.start]
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if x >= x0 && x < x1 {
			return o
		}
		last = o
	}
	if last < 0 {
		return l.start
	}
	// Past the ends: the character at the nearer end of the line.
	if o := e.nearest(e.lineAt(pos), x); o < l.end {
		return o
	}
	return last
}

// wordMove is where Ctrl with an arrow takes the cursor: visual step by visual step
// in the arrow's direction, over spaces and punctuation and then a word, to the word's
// far edge (or to the next line).
func (e *bidiEditor) wordMove(dir float32) int {
	saved := e.cursor
	defer func() { e.cursor = saved }()
	crossed := false // whether a step went over a word character
	for range len(e.Text) + 1 {
		prev := e.cursor
		next := e.visualMove(dir)
		if next == prev {
			break
		}
		e.cursor = next
		if e.lineOf(prev) != e.lineOf(next) {
			return next
		}
		if r := runeAfter(e.Text, min(prev, next)); isWordRune(r) {
			crossed = true
		}
		if crossed && isWordRune(runeBefore(e.Text, next)) != isWordRune(runeAfter(e.Text, next)) {
			return next
		}
	}
	return e.cursor
}

// runeBefore is the character that ends at off, or 0 at the start.
func runeBefore(s string, off int) rune {
	if off <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s[:off])
	return r
}

// runeAfter is the character that starts at off, or 0 at the end.
func runeAfter(s string, off int) rune {
	if off >= len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[off:])
	return r
}

// isWordRune reports whether r belongs to a word: letters, digits, combining marks
// (the Persian short vowels) and the zero-width non-joiner, which sits inside Persian
// words such as «می‌روم».
func isWordRune(r rune) bool {
	return r == '\u200c' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wordAt is the span of text that a double click on the character at off selects:
// the word it belongs to, or the run of spaces, or the one punctuation mark.
func wordAt(text string, off int) (int, int) {
	if off >= len(text) {
		if off = len(text); off == 0 {
			return 0, 0
		}
		_, n := utf8.DecodeLastRuneInString(text)
		off -= n
	}
	r, n := utf8.DecodeRuneInString(text[off:])
	if r == '\n' {
		return off, off
	}
	class := func(r rune) int {
		switch {
		case isWordRune(r):
			return 1
		case r == ' ' || r == '\t' || r == '\u00a0':
			return 2
		}
		return 0
	}
	c := class(r)
	if c == 0 {
		return off, off + n
	}
	a, b := off, off+n
	for a > 0 {
		p, m := utf8.DecodeLastRuneInString(text[:a])
		if class(p) != c {
			break
		}
		a -= m
	}
	for b < len(text) {
		q, m := utf8.DecodeRuneInString(text[b:])
		if class(q) != c {
			break
		}
		b += m
	}
	return a, b
}

// paragraphAt is the span of the paragraph (the line between line feeds) holding off.
func paragraphAt(text string, off int) (int, int) {
	off = max(0, min(off, len(text)))
	a := strings.LastIndexByte(text[:off], '\n') + 1
	b := strings.IndexByte(text[off:], '\n')
	if b < 0 {
		return a, len(text)
	}
	return a, off + b
}

var (
	_ fyne.Focusable      = (*bidiEditor)(nil)
	_ fyne.Shortcutable   = (*bidiEditor)(nil)
	_ fyne.Tappable       = (*bidiEditor)(nil)
	_ fyne.Draggable      = (*bidiEditor)(nil)
	_ desktop.Keyable     = (*bidiEditor)(nil)
	_ desktop.Cursorable  = (*bidiEditor)(nil)
	_ fyne.DoubleTappable = (*bidiEditor)(nil)
	_ desktop.Mouseable   = (*bidiEditor)(nil)
)
