package app

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/app/internal/bidi"
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

// MouseDown focuses the editor and places the cursor at once, rather than when the
// driver has waited to see whether a double click follows; Shift extends the selection.
// A second press soon after at the same place selects the word there, a third (or a
// press soon after a double click) the paragraph.
func (e *bidiEditor) MouseDown(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	now, pos := e.clock(), ev.Position
	near := closeClicks(pos, e.lastPos)
	if e.clicks > 0 && near && now.Sub(e.lastPress) < tripleClickDelay() {
		e.clicks++
	} else {
		e.clicks = 1
	}
	e.lastPress, e.lastPos, e.pressed = now, pos, true
	switch {
	case e.clicks >= 3, near && !e.doubled.IsZero() && now.Sub(e.doubled) < tripleClickDelay():
		e.byPress = false
		e.selectParagraph(pos) // the third click of a triple click
	case e.clicks == 2:
		e.byPress = true
		e.selectWord(pos)
	default:
		e.byPress = false
		e.place(pos)
	}
}

// clickSlop is how far apart, across or down, presses may be to make one double or
// triple click.
const clickSlop = 5

// closeClicks reports whether presses at a and b are at the same place for a double
// or triple click.
func closeClicks(a, b fyne.Position) bool {
	d := a.Subtract(b)
	return d.X <= clickSlop && d.X >= -clickSlop && d.Y <= clickSlop && d.Y >= -clickSlop
}

// MouseUp does nothing: a tap, a double click or a drag end is reported on its own.
func (e *bidiEditor) MouseUp(*desktop.MouseEvent) {}

// Tapped places the cursor (unless the press did) or, as the third click after a
// double click, selects the paragraph.
func (e *bidiEditor) Tapped(ev *fyne.PointEvent) {
	if e.pressed {
		e.pressed = false
		return
	}
	// Without a press first (a touch screen, the tests), the tap reported after the
	// driver's double-click wait is the third click.
	if !e.doubled.IsZero() && e.clock().Sub(e.doubled) < 2*tripleClickDelay() {
		e.selectParagraph(ev.Position)
		return
	}
	e.place(ev.Position)
}

// selectParagraph selects the paragraph under the pointer.
func (e *bidiEditor) selectParagraph(pos fyne.Position) {
	e.doubled = time.Time{}
	e.ensureLayout()
	e.anchor, e.cursor = paragraphAt(e.Text, e.charAt(pos))
	e.typing = false
	e.Refresh()
}

// DoubleTapped selects the word under the pointer, unless the presses of the double
// click did already.
func (e *bidiEditor) DoubleTapped(ev *fyne.PointEvent) {
	e.pressed = false
	e.doubled, e.lastPos = e.clock(), ev.Position
	if e.byPress {
		e.byPress = false
		return
	}
	e.selectWord(ev.Position)
}

// selectWord selects the word under the pointer.
func (e *bidiEditor) selectWord(pos fyne.Position) {
	e.ensureLayout()
	e.anchor, e.cursor = wordAt(e.Text, e.charAt(pos))
	e.typing = false
	e.Refresh()
}

// place focuses the editor and moves the cursor to the point.
func (e *bidiEditor) place(pos fyne.Position) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e.self); c != nil {
		c.Focus(e.self)
	}
	e.ensureLayout()
	e.moveTo(e.offsetAt(pos))
}

// clock is the time now, by the tests' clock where they set one.
func (e *bidiEditor) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// tripleClickDelay is the driver's double-click time: the driver reports the third
// click of a triple click as a tap up to that long after the click itself.
func tripleClickDelay() time.Duration {
	if a := fyne.CurrentApp(); a != nil {
		if d := a.Driver().DoubleTapDelay(); d > 0 {
			return d
		}
	}
	return 300 * time.Millisecond
}

// Dragged selects from where the drag started to where the pointer is.
func (e *bidiEditor) Dragged(ev *fyne.DragEvent) {
	e.ensureLayout()
	if !e.dragging {
		e.dragging = true
		start := ev.Position.Subtract(ev.Dragged)
		e.anchor = e.offsetAt(fyne.NewPos(start.X, start.Y))
	}
	e.cursor = e.offsetAt(ev.Position)
	e.Refresh()
}

func (e *bidiEditor) DragEnd() { e.dragging = false }

func (e *bidiEditor) Cursor() desktop.Cursor { return desktop.TextCursor }

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

func (e *bidiEditor) lineHeight() float32 {
	return fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
}

// ensureLayout lays the text out for the editor's width if it changed since.
func (e *bidiEditor) ensureLayout() {
	w := e.Size().Width
	if !e.layout && w == e.width && e.lines != nil {
		return
	}
	e.layout, e.width = false, w
	e.lines = layoutEditor(e.Text, w, theme.TextSize(), !e.singleLine)
}

// layoutEditor wraps text into lines for a field width wide (or, without wrap, keeps
// each paragraph on one line) and lays each out with the bidi algorithm, with the x of
// every cursor position.
func layoutEditor(text string, width, size float32, wrap bool) []editLine {
	pad := theme.InnerPadding()
	avail := max(width-2*pad, 10)
	measure := func(s string) float32 { return measureLine(s, size) }
	adv := &advances{size: size, w: map[rune]float32{}}
	var lines []editLine
	base := 0
	// An empty paragraph has no direction of its own: its cursor waits on the
	// interface's leading side, where the hint is and where Persian will start.
	emptyRTL := rtl()
	for _, para := range strings.Split(text, "\n") {
		p := bidi.NewParagraph(para, bidi.Auto)
		rtl := p.Direction() == bidi.RightToLeft || (para == "" && emptyRTL)
		spans := []lineSpan{{para: para, start: 0, end: len(para)}}
		if wrap {
			spans = wrapSpans(para, avail, adv)
		}
		for _, sp := range spans {
			l := editLine{start: base + sp.start, end: base + sp.end, rtl: rtl}
			runs := p.Line(sp.start, sp.end)
			l.shown = visualRuns(runs)
			l.w = measure(l.shown)
			l.x = pad
			if rtl {
				l.x = width - pad - l.w
			}
			l.carets, l.edges = caretPositions(para, sp, runs, l.x, measure, adv)
			lines = append(lines, l)
		}
		base += len(para) + 1
	}
	return lines
}

// caretPositions gives the x of a cursor at each offset of a line: before a
// character, on its leading side (its left if it reads left to right, its right
// otherwise); at the end of the line, on the trailing side of the last character.
//
// Within a run, a character's place is its share of the run's width by the advances
// of the characters alone: shaped prefixes would be more exact but are not in order
// (the Persian "سلا", with its lam-alef ligature, is narrower than "سل").
//
// edges are the x of each character's trailing side, for hit tests and selections.
func caretPositions(para string, sp lineSpan, runs []bidi.Run, x float32, measure func(string) float32, adv *advances) (carets, edges []float32) {
	n := sp.end - sp.start
	carets = make([]float32, n+1)
	edges = make([]float32, n+1)
	set := make([]bool, n+1)
	x0 := x
	for _, r := range runs {
		w := measure(visualRuns([]bidi.Run{r}))
		total := adv.width(r.Text)
		at := func(o int) float32 {
			prefix := float32(0)
			if total > 0 {
				prefix = w * min(1, adv.width(para[r.Start:o])/total)
			}
			if r.Direction() == bidi.RightToLeft {
				return x + w - prefix
			}
			return x + prefix
		}
		for o := r.Start; o <= r.End; o++ {
			if o < r.End && !utf8.RuneStart(para[o]) {
				continue
			}
			cx := at(o)
			k := o - sp.start
			if o < r.End {
				_, size := utf8.DecodeRuneInString(para[o:])
				edges[k] = at(min(o+size, r.End))
			}
			if o == r.End {
				// The run's trailing edge: a cursor there belongs to the next run in
				// logical order unless the line ends here.
				if o == sp.end && !set[k] {
					carets[k], set[k] = cx, true
				}
				continue
			}
			carets[k], set[k] = cx, true
		}
		x += w
	}
	// An empty line's cursor is at its start; offsets inside a character (or of a
	// formatting character left out) take the position before them.
	if !set[0] {
		carets[0] = x0
	}
	for k := 1; k <= n; k++ {
		if !set[k] {
			carets[k] = carets[k-1]
			edges[k] = carets[k]
		}
	}
	return carets, edges
}

func (e *bidiEditor) MinSize() fyne.Size {
	e.ExtendBaseWidget(e)
	pad := theme.InnerPadding()
	return fyne.NewSize(4*pad, float32(e.minRows)*e.lineHeight()+2*pad)
}

func (e *bidiEditor) CreateRenderer() fyne.WidgetRenderer {
	r := &editorRenderer{e: e,
		bg:     canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		caret:  canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		holder: canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder)),
	}
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.bg.StrokeWidth = theme.InputBorderSize()
	if e.singleLine {
		r.layer = container.NewWithoutLayout()
		r.clip = newClipBox(r.layer)
	}
	return r
}

type editorRenderer struct {
	e  *bidiEditor
	bg *canvas.Rectangle
	// clip holds what a single-line field draws, so that a line scrolled sideways is
	// cut at the field's border.
	clip    *clipBox
	layer   *fyne.Container
	caret   *canvas.Rectangle
	holder  *canvas.Text
	texts   []*canvas.Text
	marks   []*canvas.Rectangle // the selection
	objects []fyne.CanvasObject
}

func (r *editorRenderer) Destroy()                     {}
func (r *editorRenderer) MinSize() fyne.Size           { return r.e.MinSize() }
func (r *editorRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *editorRenderer) Refresh()                     { r.Layout(r.e.Size()) }

func (r *editorRenderer) Layout(size fyne.Size) {
	e := r.e
	e.ensureLayout()
	pad, lineH := theme.InnerPadding(), e.lineHeight()
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	if e.focused {
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	r.bg.Resize(size)
	r.objects = append(r.objects[:0], r.bg)

	// Keep the cursor's line in sight.
	visible := max(1, int((size.Height-2*pad)/lineH))
	cl := e.lineOf(e.cursor)
	e.top = min(e.top, cl)
	if cl >= e.top+visible {
		e.top = cl - visible + 1
	}
	e.top = max(0, min(e.top, len(e.lines)-1))
	if e.singleLine {
		e.scrollToCursor(size.Width)
	} else {
		e.scroll = 0
	}

	if e.Text == "" {
		r.holder.Text = visualLine(e.PlaceHolder)
		r.holder.Color = theme.Color(theme.ColorNamePlaceHolder)
		r.holder.TextSize = theme.TextSize()
		hs := fyne.MeasureText(r.holder.Text, r.holder.TextSize, fyne.TextStyle{})
		// The hint sits on the interface's leading side, as the text a person
		// types in that language would.
		x := pad
		if rtl() || bidi.IsRightToLeft(e.PlaceHolder) {
			x = size.Width - pad - hs.Width
		}
		r.holder.Move(fyne.NewPos(x, pad))
		r.holder.Resize(hs)
		r.objects = append(r.objects, r.holder)
	}

	a, b := e.selection()
	marks := 0
	for i := e.top; i < len(e.lines) && i < e.top+visible; i++ {
		l := e.lines[i]
		y := pad + float32(i-e.top)*lineH
		if a != b {
			for _, span := range selectedSpans(l, a, b) {
				if marks == len(r.marks) {
					r.marks = append(r.marks, canvas.NewRectangle(theme.Color(theme.ColorNameSelection)))
				}
				m := r.marks[marks]
				m.FillColor = theme.Color(theme.ColorNameSelection)
				m.Move(fyne.NewPos(span[0]+e.scroll, y))
				m.Resize(fyne.NewSize(span[1]-span[0], lineH))
				r.objects = append(r.objects, m)
				marks++
			}
		}
	}
	for i, n := e.top, 0; i < len(e.lines) && i < e.top+visible; i, n = i+1, n+1 {
		l := e.lines[i]
		if n == len(r.texts) {
			r.texts = append(r.texts, canvas.NewText("", theme.Color(theme.ColorNameForeground)))
		}
		t := r.texts[n]
		t.Text, t.Color, t.TextSize = l.shown, theme.Color(theme.ColorNameForeground), theme.TextSize()
		t.Move(fyne.NewPos(l.x+e.scroll, pad+float32(i-e.top)*lineH))
		t.Resize(fyne.NewSize(l.w, lineH))
		r.objects = append(r.objects, t)
	}
	if e.focused {
		r.caret.FillColor = theme.Color(theme.ColorNamePrimary)
		r.caret.Move(fyne.NewPos(e.caretX(e.cursor)+e.scroll-1, pad+float32(cl-e.top)*lineH))
		r.caret.Resize(fyne.NewSize(2, lineH))
		r.objects = append(r.objects, r.caret)
	}
	if r.clip != nil {
		r.clipObjects(size)
	}
	canvas.Refresh(e)
}

// clipObjects moves what a single-line field draws, all but its background, into the
// clip inside the border.
func (r *editorRenderer) clipObjects(size fyne.Size) {
	b := theme.InputBorderSize()
	drawn := r.objects[1:]
	r.layer.Objects = append(r.layer.Objects[:0], drawn...)
	for _, o := range drawn {
		o.Move(o.Position().SubtractXY(b, b))
	}
	r.clip.Move(fyne.NewPos(b, b))
	r.clip.Resize(size.SubtractWidthHeight(2*b, 2*b))
	r.layer.Resize(r.clip.Size())
	r.objects = append(r.objects[:1], r.clip)
	r.clip.Refresh()
}

// clipBox cuts what it holds at its bounds. The painter clips a widget whose renderer
// says IsClip; a container.Scroll would too, but it takes the pointer's drags and
// wheel from the field.
type clipBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

// newClipBox makes a clip around content.
func newClipBox(content fyne.CanvasObject) *clipBox {
	b := &clipBox{content: content}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer gives the clipping renderer.
func (b *clipBox) CreateRenderer() fyne.WidgetRenderer { return &clipRenderer{b} }

// clipRenderer lays a clipBox's content over all of it.
type clipRenderer struct{ b *clipBox }

// IsClip marks the renderer as one whose widget clips its children.
func (r *clipRenderer) IsClip()                      {}
func (r *clipRenderer) Destroy()                     {}
func (r *clipRenderer) Layout(size fyne.Size)        { r.b.content.Resize(size) }
func (r *clipRenderer) MinSize() fyne.Size           { return fyne.NewSize(0, 0) }
func (r *clipRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.content} }
func (r *clipRenderer) Refresh()                     { canvas.Refresh(r.b.content) }

// scrollToCursor shifts a single line sideways as little as keeps the cursor inside
// the field, and not so far that room is left empty at the line's far end.
func (e *bidiEditor) scrollToCursor(width float32) {
	pad := theme.InnerPadding()
	l := e.lines[0]
	if l.w <= width-2*pad {
		e.scroll = 0
		return
	}
	if cx := e.caretX(e.cursor) + e.scroll; cx < pad {
		e.scroll += pad - cx
	} else if cx > width-pad {
		e.scroll -= cx - (width - pad)
	}
	// The line's ends stay at or beyond the field's padded edges.
	e.scroll = min(e.scroll, pad-l.x)
	e.scroll = max(e.scroll, width-pad-(l.x+l.w))
}

// selectedSpans are the stretches of line l, as x ranges, that show Text[a:b]: a
// selection in logical order is in pieces on the screen where directions mix.
func selectedSpans(l editLine, a, b int) [][2]float32 {
	var spans [][2]float32
	for o := max(a, l.start); o < min(b, l.end); o++ {
		x0, x1 := l.carets[o-l.start], l.edges[o-l.start] // zero inside a character
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if x1-x0 < 0.5 {
			continue
		}
		if n := len(spans); n > 0 && (x0 <= spans[n-1][1]+0.5 && x1 >= spans[n-1][0]-0.5) {
			spans[n-1][0], spans[n-1][1] = min(spans[n-1][0], x0), max(spans[n-1][1], x1)
			continue
		}
		spans = append(spans, [2]float32{x0, x1})
	}
	return spans
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
