package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shownText finds the canvas.Text drawing want in the dialog d, and its left and right
// edges in the dialog's body.
func shownText(t *testing.T, d *appDialog, want string) (left, right float32) {
	t.Helper()
	var found *canvas.Text
	var at fyne.Position
	var walk func(o fyne.CanvasObject, pos fyne.Position)
	walk = func(o fyne.CanvasObject, pos fyne.Position) {
		if o == nil || !o.Visible() || found != nil {
			return
		}
		pos = pos.Add(o.Position())
		switch o := o.(type) {
		case *canvas.Text:
			if o.Text == want {
				found, at = o, pos
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c, pos)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c, pos)
			}
		}
	}
	body := d.popup.Content
	walk(body, fyne.NewPos(-body.Position().X, -body.Position().Y))
	if found == nil {
		t.Fatalf("nothing draws %q", want)
	}
	return at.X, at.X + found.Size().Width
}

// A dialog's title and sentences start where the language's lines start: in Persian
// the title's right edge is at the dialog's right inner edge and a sentence mixing
// Persian and Latin is drawn as visualLine lays it out, aligned right; in English both
// stay at the left, as in Fyne's dialogs.
func TestDialogLayout(t *testing.T) {
	for _, tt := range []struct {
		code, title, sentence string
	}{
		{"en", "Delete everything?", "Its messages are deleted from this computer."},
		{"fa", "همه چیز پاک شود؟", "پیام\u200cهای Allium از این رایانه پاک می\u200cشوند."},
	} {
		t.Run(tt.code, func(t *testing.T) {
			test.NewTempApp(t)
			useLanguage(tt.code)
			t.Cleanup(func() { useLanguage("en") })
			w := test.NewTempWindow(t, widget.NewLabel(""))
			w.Resize(fyne.NewSize(800, 600))
			d := newQuestion(tt.title, tt.sentence, "Yes", "No", nil, w)
			d.Show()
			t.Cleanup(d.Hide)

			body := d.popup.Content
			bodyX := float32(0)
			inner := theme.InnerPadding()
			titleL, titleR := shownText(t, d.appDialog, visualLine(tt.title))
			// The sentence is inset by half dialogPadWidth, as Fyne's dialog content is.
			sentL, sentR := shownText(t, d.appDialog, visualLine(tt.sentence))
			if tt.code == "fa" {
				if edge := bodyX + body.Size().Width - inner; !sameX(titleR, edge) {
					t.Errorf("the title ends at x=%v, not at the dialog's right inner edge %v", titleR, edge)
				}
				if edge := bodyX + body.Size().Width - dialogPadWidth/2 - inner; !sameX(sentR, edge) {
					t.Errorf("the sentence ends at x=%v, not at %v", sentR, edge)
				}
				if visualLine(tt.sentence) == tt.sentence {
					t.Fatal("the sentence needs no layout: the test proves nothing")
				}
				return
			}
			if !sameX(titleL, bodyX+inner) {
				t.Errorf("the title starts at x=%v, not at the dialog's left inner edge %v", titleL, bodyX+inner)
			}
			if !sameX(sentL, bodyX+dialogPadWidth/2+inner) {
				t.Errorf("the sentence starts at x=%v, not at %v", sentL, bodyX+dialogPadWidth/2+inner)
			}
		})
	}
}

// sameX says whether two positions are the same to within rounding.
func sameX(a, b float32) bool { return a-b < 0.5 && b-a < 0.5 }

// A dialog takes the keyboard as it opens: Enter confirms a question and Esc answers
// no; Enter closes a dialog with one button.
func TestDialogKeys(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(600, 400))
	for _, tt := range []struct {
		key  fyne.KeyName
		want []bool
	}{
		{fyne.KeyReturn, []bool{true}},
		{fyne.KeyEnter, []bool{true}},
		{fyne.KeyEscape, []bool{false}},
	} {
		t.Run(string(tt.key), func(t *testing.T) {
			var got []bool
			d := newQuestion("Question", "A sentence.", "Yes", "No", func(ok bool) { got = append(got, ok) }, w)
			d.Show()
			f, ok := w.Canvas().Focused().(*dialogKeys)
			if !ok || f.d != d.appDialog {
				t.Fatalf("the dialog does not have the keyboard: %T", w.Canvas().Focused())
			}
			f.TypedKey(&fyne.KeyEvent{Name: tt.key})
			if len(got) != 1 || got[0] != tt.want[0] {
				t.Errorf("answered %v, want %v", got, tt.want)
			}
			if d.popup.Visible() || w.Canvas().Focused() != nil {
				t.Error("the dialog is still up, or still has the keyboard")
			}
		})
	}

	closed := 0
	info := newInfo("Something went wrong", "OK", widget.NewLabel("A sentence."), w)
	info.SetOnClosed(func() { closed++ })
	info.Show()
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	info.Hide() // a second close runs nothing again
	if closed != 1 || info.popup.Visible() {
		t.Errorf("Enter closed the dialog %d times, still up: %v", closed, info.popup.Visible())
	}
}

// A form dialog shows each item's words above its field and answers with its buttons.
func TestFormDialog(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(600, 400))
	entry := widget.NewPasswordEntry()
	var got []bool
	d := newForm("Set a passphrase", "Set passphrase", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("New passphrase", entry)}, func(ok bool) { got = append(got, ok) }, w)
	d.Resize(fyne.NewSize(440, 0))
	d.Show()
	shownText(t, d.appDialog, "New passphrase")
	// The pop-up's padding is inside the size asked for, as with Fyne's dialogs.
	if s := d.popup.Content.Size(); s.Width < 440-2*theme.Padding() {
		t.Errorf("the dialog is %v wide, not the 440 asked", s.Width)
	}
	if w.Canvas().Focused() != entry {
		t.Error("the field does not have the keyboard")
	}
	test.Tap(button(t, w, "Set passphrase"))
	if len(got) != 1 || !got[0] {
		t.Errorf("answered %v", got)
	}
	// Enter in the field confirms too.
	got = nil
	entry = widget.NewPasswordEntry()
	d = newForm("Set a passphrase", "Set passphrase", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("New passphrase", entry)}, func(ok bool) { got = append(got, ok) }, w)
	d.Show()
	entry.OnSubmitted("")
	if len(got) != 1 || !got[0] || d.popup.Visible() {
		t.Errorf("Enter answered %v", got)
	}
}
