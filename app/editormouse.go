package app

// The editor's mouse: placing the cursor, double and triple clicks, dragging a
// selection.

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

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
