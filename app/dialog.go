package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's dialogs draw their title at the left whatever the language. The app's dialogs
// are its own, drawn as Fyne's are (a bold title, the content, a row of buttons centred
// under it, on a modal pop-up over the window), with the title laid out with the bidi
// algorithm and aligned to the side it starts from: the right in Persian. The file open
// and save dialogs stay Fyne's.

// The margins of Fyne's dialogs, which the app's copy so that both look alike.
const (
	dialogPadWidth  = 32
	dialogPadHeight = 16
)

// appDialog is a modal dialog: a title, content and buttons. Esc dismisses it and Enter
// runs its confirming action (its only button's, if it has one button), unless a field
// of its content has the focus, which handles its own keys. It is a dialog.Dialog, so
// that Profile.showDialog and Esc treat it as they treat Fyne's.
type appDialog struct {
	title   *bidiLabel
	content fyne.CanvasObject
	buttons *fyne.Container
	keys    *dialogKeys
	popup   *widget.PopUp
	parent  fyne.Window

	dismiss  *widget.Button // the button SetDismissText names, if any
	onEnter  func()         // what Enter does; nothing when nil
	first    fyne.Focusable // what has the keyboard when the dialog opens; the dialog if nil
	onClosed []func()       // run in order when the dialog closes
	desired  fyne.Size      // the size asked for with Resize
	up       bool           // shown and not yet closed
}

var _ dialog.Dialog = (*appDialog)(nil)

// newDialog is a dialog without buttons, like dialog.NewCustomWithoutButtons.
func newDialog(title string, content fyne.CanvasObject, parent fyne.Window) *appDialog {
	d := &appDialog{
		title:   newBidiLabel(title, fyne.TextStyle{Bold: true}),
		content: content,
		buttons: container.NewHBox(),
		parent:  parent,
	}
	// The title is at the leading side, whatever it starts with (a name, a file's).
	d.title.Base = baseOf(rtl())
	d.keys = newDialogKeys(d)
	body := container.New(&dialogLayout{}, d.keys, d.title, d.content, d.buttons)
	d.popup = widget.NewModalPopUp(body, parent.Canvas())
	return d
}

// newInfo is a dialog with one button that closes it, like dialog.NewCustom; Enter
// closes it too.
func newInfo(title, dismiss string, content fyne.CanvasObject, parent fyne.Window) *appDialog {
	d := newDialog(title, content, parent)
	d.dismiss = widget.NewButtonWithIcon(dismiss, theme.CancelIcon(), d.Hide)
	d.onEnter = d.Hide
	d.SetButtons([]fyne.CanvasObject{d.dismiss})
	return d
}

// SetButtons puts buttons under the content, the first leading: at the right in a
// language written right to left.
func (d *appDialog) SetButtons(buttons []fyne.CanvasObject) {
	d.buttons.Objects = inReadingOrder(buttons)
	d.buttons.Refresh()
	d.popup.Refresh()
}

// Show puts the dialog over its window and gives it the keyboard.
func (d *appDialog) Show() {
	d.up = true
	d.popup.Show()
	d.fit()
	if d.first != nil {
		d.parent.Canvas().Focus(d.first)
		return
	}
	d.parent.Canvas().Focus(d.keys)
}

// fit sizes the dialog as asked with Resize, and never smaller than its content.
func (d *appDialog) fit() {
	d.popup.Resize(d.desired.Max(d.popup.Content.MinSize()))
}

// Hide closes the dialog; the functions given to SetOnClosed run once.
func (d *appDialog) Hide() {
	d.popup.Hide()
	if !d.up {
		return
	}
	d.up = false
	if c := d.parent.Canvas(); c.Focused() == d.keys || (d.first != nil && c.Focused() == d.first) {
		c.Unfocus()
	}
	for _, fn := range d.onClosed {
		fn()
	}
}

// Dismiss closes the dialog without its confirming action, as Esc does.
func (d *appDialog) Dismiss() { d.Hide() }

// SetDismissText names the button that closes the dialog, if it has one.
func (d *appDialog) SetDismissText(text string) {
	if d.dismiss != nil {
		d.dismiss.SetText(text)
	}
}

// SetOnClosed adds a function to run when the dialog closes; as with Fyne's dialogs,
// the earlier ones still run, first.
func (d *appDialog) SetOnClosed(fn func()) { d.onClosed = append(d.onClosed, fn) }

// Refresh draws the dialog again.
func (d *appDialog) Refresh() { d.popup.Refresh() }

// Resize asks for a size; the dialog is never smaller than its content.
func (d *appDialog) Resize(size fyne.Size) {
	d.desired = size
	if d.up {
		d.fit()
	}
}

// MinSize is the smallest size of the dialog's content.
func (d *appDialog) MinSize() fyne.Size { return d.popup.Content.MinSize() }

// dialogLayout places a dialog's objects as Fyne's dialogs do: the title across the
// top, the content under it inset by half dialogPadWidth on each side, the buttons
// centred at the bottom. The first object, the keyboard catcher, takes no room.
type dialogLayout struct{}

func (dialogLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	title, content, buttons := objs[1], objs[2], objs[3]
	objs[0].Resize(fyne.NewSize(0, 0))
	tm, bm := title.MinSize(), buttons.MinSize()
	title.Move(fyne.NewPos(0, 0))
	title.Resize(fyne.NewSize(size.Width, tm.Height))
	top := tm.Height + dialogPadHeight
	bottom := size.Height - dialogPadHeight - bm.Height
	content.Move(fyne.NewPos(dialogPadWidth/2, top))
	content.Resize(fyne.NewSize(size.Width-dialogPadWidth, bottom-theme.Padding()-top))
	buttons.Resize(bm)
	buttons.Move(fyne.NewPos((size.Width-bm.Width)/2, bottom))
}

func (dialogLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	tm, cm, bm := objs[1].MinSize(), objs[2].MinSize(), objs[3].MinSize()
	w := max(tm.Width, cm.Width+dialogPadWidth, bm.Width+dialogPadWidth)
	return fyne.NewSize(w, tm.Height+cm.Height+bm.Height+theme.Padding()+2*dialogPadHeight)
}

// dialogKeys takes the keyboard while the dialog is up and no field of it has the
// focus: Esc dismisses the dialog and Enter runs its confirming action. It draws
// nothing.
type dialogKeys struct {
	widget.BaseWidget
	d *appDialog
}

func newDialogKeys(d *appDialog) *dialogKeys {
	k := &dialogKeys{d: d}
	k.ExtendBaseWidget(k)
	return k
}

func (k *dialogKeys) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// FocusGained is part of fyne.Focusable; the dialog shows nothing for it.
func (k *dialogKeys) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (k *dialogKeys) FocusLost() {}

// TypedRune is part of fyne.Focusable; letters do nothing in a dialog.
func (k *dialogKeys) TypedRune(rune) {}

// TypedKey dismisses the dialog on Esc and confirms it on Enter.
func (k *dialogKeys) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		k.d.Dismiss()
	case fyne.KeyReturn, fyne.KeyEnter:
		if k.d.onEnter != nil {
			k.d.onEnter()
		}
	}
}

// formContent lays form items out for a dialog: each item's words above its widget,
// aligned where lines start, as widget.Form would put them beside it at the left.
func formContent(items []*widget.FormItem) fyne.CanvasObject {
	box := container.NewVBox()
	for _, it := range items {
		box.Add(label(it.Text))
		box.Add(it.Widget)
	}
	return box
}
