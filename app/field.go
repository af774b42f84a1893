package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// field is an Entry that keeps the window's keyboard shortcuts working while it has the
// focus: Fyne gives a focused Entry every shortcut and the Entry drops the ones it does
// not know, so field hands those (Ctrl+N, Ctrl+F, …) and Esc to the window.
type field struct {
	widget.Entry
	keys *keymap
}

func newField(keys *keymap, placeholder string) *field {
	f := &field{keys: keys}
	f.ExtendBaseWidget(f)
	f.SetPlaceHolder(placeholder)
	return f
}

func (f *field) TypedShortcut(s fyne.Shortcut) {
	if f.keys != nil && f.keys.run(s) {
		return
	}
	f.Entry.TypedShortcut(s)
}

func (f *field) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && f.keys != nil && f.keys.escape != nil {
		f.keys.escape()
		return
	}
	f.Entry.TypedKey(ev)
}

// keymap holds a window's shortcuts: Ctrl+key actions and what Esc does.
type keymap struct {
	ctrl   map[fyne.KeyName]func()
	escape func()
}

// run runs the action of a Ctrl+key shortcut, and reports whether there was one.
func (k *keymap) run(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	fn := k.ctrl[cs.KeyName]
	if fn == nil {
		return false
	}
	fn()
	return true
}

// install registers the shortcuts on a window's canvas, for when no field has the focus.
func (k *keymap) install(c fyne.Canvas) {
	for name := range k.ctrl {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: name, Modifier: fyne.KeyModifierShortcutDefault}, func(s fyne.Shortcut) { k.run(s) })
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape && k.escape != nil {
			k.escape()
		}
	})
}
