package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne lays everything out left to right. In a language written right to left the whole
// window mirrors, as a reader of it expects: the conversation list on the right, what
// starts a line (an avatar, a name) on the right and what ends it (times, buttons) on
// the left, text aligned right, dialogs' buttons in the opposite order. The views build
// their horizontal containers through these helpers, which take the direction from the
// interface's language; vertical ones need nothing.

// border is container.NewBorder with leading and trailing in place of left and right.
func border(top, bottom, leading, trailing fyne.CanvasObject, center ...fyne.CanvasObject) *fyne.Container {
	if rtl() {
		leading, trailing = trailing, leading
	}
	return container.NewBorder(top, bottom, leading, trailing, center...)
}

// hbox is container.NewHBox in reading order: the first object leads, at the right in
// a language written right to left (a spacer in front pushes a row without one there).
func hbox(objs ...fyne.CanvasObject) *fyne.Container {
	if !rtl() {
		return container.NewHBox(objs...)
	}
	for _, o := range objs {
		if _, ok := o.(*layout.Spacer); ok {
			return container.NewHBox(inReadingOrder(objs)...)
		}
	}
	return container.NewHBox(append([]fyne.CanvasObject{layout.NewSpacer()}, inReadingOrder(objs)...)...)
}

// inReadingOrder returns objs ordered left to right as the language reads them: a copy,
// reversed, if it is written right to left.
func inReadingOrder(objs []fyne.CanvasObject) []fyne.CanvasObject {
	if !rtl() {
		return objs
	}
	out := make([]fyne.CanvasObject, len(objs))
	for i, o := range objs {
		out[len(objs)-1-i] = o
	}
	return out
}

// hsplit is container.NewHSplit with leading first in reading order; offset is the
// leading side's share.
func hsplit(leading, trailing fyne.CanvasObject, offset float64) *container.Split {
	if rtl() {
		s := container.NewHSplit(trailing, leading)
		s.Offset = 1 - offset
		return s
	}
	s := container.NewHSplit(leading, trailing)
	s.Offset = offset
	return s
}

// leading is the alignment of text that starts a line: left, or right in a language
// written right to left.
func leading() fyne.TextAlign {
	if rtl() {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// confirmDialog is a dialog that asks a yes-or-no question, like dialog.NewCustomConfirm,
// with its buttons in reading order: Cancel first, then the confirming button, so that
// the confirming one is on the left in a language written right to left.
type confirmDialog struct {
	*appDialog
	yes bool // the answer, given when the dialog closes
}

// Confirm answers yes, as the confirming button and Enter do.
func (d *confirmDialog) Confirm() {
	d.yes = true
	d.Hide()
}

// newConfirm asks a question with content of the caller's; answer is given once, as
// the dialog closes.
func newConfirm(title, confirm, dismiss string, content fyne.CanvasObject, answer func(bool), win fyne.Window) *confirmDialog {
	d := &confirmDialog{appDialog: newDialog(title, content, win)}
	no := widget.NewButtonWithIcon(dismiss, theme.CancelIcon(), d.Hide)
	yes := widget.NewButtonWithIcon(confirm, theme.ConfirmIcon(), d.Confirm)
	yes.Importance = widget.HighImportance
	d.dismiss, d.onEnter = no, d.Confirm
	d.SetButtons([]fyne.CanvasObject{no, yes})
	// The answer is given as the dialog closes, so that closing it otherwise (Esc)
	// answers no, as Fyne's confirm dialog does; functions set later to run on
	// closing run after it.
	answered := false
	d.SetOnClosed(func() {
		if !answered && answer != nil {
			answered = true
			answer(d.yes)
		}
	})
	return d
}

// newForm is newConfirm with form items for content, like dialog.NewForm; the first
// field has the keyboard as it opens, and Enter in a field confirms.
func newForm(title, confirm, dismiss string, items []*widget.FormItem, answer func(bool), win fyne.Window) *confirmDialog {
	d := newConfirm(title, confirm, dismiss, formContent(items), answer, win)
	for _, it := range items {
		e, ok := it.Widget.(*widget.Entry)
		if !ok {
			continue
		}
		if d.first == nil {
			d.first = e
		}
		if e.OnSubmitted == nil {
			e.OnSubmitted = func(string) { d.Confirm() }
		}
	}
	return d
}

// newQuestion is newConfirm with a sentence for content.
func newQuestion(title, sentence, confirm, dismiss string, answer func(bool), win fyne.Window) *confirmDialog {
	return newConfirm(title, confirm, dismiss, column(380, wrapped(sentence)), answer, win)
}

// tabsLeading puts tabs where a line starts.
func tabsLeading() container.TabLocation {
	if rtl() {
		return container.TabLocationTrailing
	}
	return container.TabLocationLeading
}

// label is widget.NewLabel, aligned where the language's lines start.
func label(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Alignment = leading()
	return l
}
