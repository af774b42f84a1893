package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// textField is a one-line field for free text that may be Persian: the search box and
// names. It is a bidiEditor in single-line mode, so mixed Persian and Latin are drawn in
// the bidi algorithm's order and the cursor moves visually, where Fyne's Entry draws
// runs in logical order. It looks and sizes like an Entry so that layouts do not move;
// Enter calls OnSubmitted, and the window's shortcuts and Esc keep working while it has
// the focus (the editor passes them to its keymap).
type textField struct {
	bidiEditor
	OnSubmitted func(string) `json:"-"`
}

// newTextField makes a one-line bidi field with a hint shown while it is empty; keys
// are the window's shortcuts, or nil where there are none (onboarding).
func newTextField(keys *keymap, placeholder string) *textField {
	f := &textField{}
	f.keys = keys
	f.singleLine = true
	f.minRows = 1
	f.self = f
	f.ExtendBaseWidget(f)
	f.SetPlaceHolder(placeholder)
	return f
}

// TypedKey submits on Enter and leaves other keys to the editor.
func (f *textField) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		if f.OnSubmitted != nil {
			f.OnSubmitted(f.Text)
		}
		return
	}
	f.bidiEditor.TypedKey(ev)
}

var (
	_ fyne.Focusable      = (*textField)(nil)
	_ fyne.Shortcutable   = (*textField)(nil)
	_ fyne.Tappable       = (*textField)(nil)
	_ fyne.DoubleTappable = (*textField)(nil)
	_ desktop.Mouseable   = (*textField)(nil)
	_ desktop.Keyable     = (*textField)(nil)
	_ desktop.Cursorable  = (*textField)(nil)
)
