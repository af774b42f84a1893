package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A question answers once: yes from its button or Confirm, no from Cancel or when it is
// closed otherwise (Esc), as Fyne's confirm dialog does.
func TestQuestionAnswersOnce(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(600, 400))
	for _, tt := range []struct {
		name string
		do   func(d *confirmDialog)
		want []bool
	}{
		{"confirm", func(d *confirmDialog) { d.Confirm() }, []bool{true}},
		{"closed", func(d *confirmDialog) { d.Hide() }, []bool{false}},
		{"confirm then closed", func(d *confirmDialog) { d.Confirm(); d.Hide() }, []bool{true}},
		{"cancel button", func(d *confirmDialog) { test.Tap(button(t, w, "No")) }, []bool{false}},
		{"yes button", func(d *confirmDialog) { test.Tap(button(t, w, "Yes")) }, []bool{true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []bool
			closed := 0
			d := newQuestion("Question", "A sentence.", "Yes", "No", func(ok bool) { got = append(got, ok) }, w)
			d.SetOnClosed(func() { closed++ }) // as showDialog does
			d.Show()
			tt.do(d)
			if len(got) != len(tt.want) || got[0] != tt.want[0] {
				t.Errorf("answered %v, want %v", got, tt.want)
			}
			if closed != 1 && tt.name != "confirm then closed" {
				t.Errorf("the closing function ran %d times", closed)
			}
		})
	}
}

// button finds the button of a dialog over w by its text.
func button(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

// The helpers mirror in a language written right to left and change nothing otherwise.
func TestMirrorHelpers(t *testing.T) {
	a, b := widget.NewLabel("a"), widget.NewLabel("b")
	for _, tt := range []struct {
		code       string
		align      fyne.TextAlign
		splitFirst fyne.CanvasObject
	}{
		{"en", fyne.TextAlignLeading, a},
		{"fa", fyne.TextAlignTrailing, b},
	} {
		t.Run(tt.code, func(t *testing.T) {
			useLanguage(tt.code)
			t.Cleanup(func() { useLanguage("en") })
			// The first object leads: at the right end in Persian.
			if o := hbox(a, b).Objects; (tt.code == "en" && o[0] != a) || (tt.code == "fa" && o[len(o)-1] != a) {
				t.Error("hbox: the first object does not lead")
			}
			if got := border(nil, nil, a, b).Objects[0]; got == nil {
				t.Error("border lost its objects")
			}
			if leading() != tt.align || label("x").Alignment != tt.align {
				t.Error("labels are not aligned where lines start")
			}
			if s := hsplit(a, b, 0.3); s.Leading != tt.splitFirst {
				t.Error("hsplit: wrong side first")
			}
		})
	}
}
