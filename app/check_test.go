package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// markAndText are a mark button's icon and words, as drawn.
func markAndText(t *testing.T, b fyne.Widget) (*canvas.Image, *canvas.Text) {
	t.Helper()
	r, ok := test.WidgetRenderer(b).(*markRenderer)
	if !ok {
		t.Fatalf("%T is not drawn as a mark button", b)
	}
	return r.icon, r.text
}

// A check's mark is where lines start: right of its words in Persian, left of them in
// English; its words are laid out with the bidi algorithm.
func TestCheckMarkLeads(t *testing.T) {
	for _, tt := range []struct{ code, text string }{
		{"en", "Send read receipts"},
		{"fa", "فرستادن رسید خواندن در Allium"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			test.NewTempApp(t)
			useLanguage(tt.code)
			t.Cleanup(func() { useLanguage("en") })
			c := newCheck(tt.text, nil)
			w := test.NewTempWindow(t, container.NewVBox(c))
			w.Resize(fyne.NewSize(500, 200))
			icon, text := markAndText(t, c)
			if text.Text != visualLine(tt.text) {
				t.Errorf("the words are drawn as %q", text.Text)
			}
			iconL, iconR := icon.Position().X, icon.Position().X+icon.Size().Width
			textL, textR := text.Position().X, text.Position().X+text.Size().Width
			switch tt.code {
			case "fa":
				if iconL < textR || !sameX(iconR, c.Size().Width-theme.InnerPadding()/2-theme.InputBorderSize()) {
					t.Errorf("mark at %v–%v, words at %v–%v in a check %v wide: the mark is not at the right", iconL, iconR, textL, textR, c.Size().Width)
				}
			default:
				if iconR > textL || !sameX(iconL, theme.InnerPadding()/2+theme.InputBorderSize()) {
					t.Errorf("mark at %v–%v, words at %v–%v: the mark is not at the left", iconL, iconR, textL, textR)
				}
			}
		})
	}
}

// A check toggles on a tap (on the mark or the words: the whole widget) and on Space,
// tells OnChanged, and does nothing while disabled.
func TestCheckToggles(t *testing.T) {
	test.NewTempApp(t)
	var got []bool
	c := newCheck("Show a notification", func(on bool) { got = append(got, on) })
	w := test.NewTempWindow(t, container.NewVBox(c))
	w.Resize(fyne.NewSize(400, 200))
	icon, _ := markAndText(t, c)
	test.Tap(c)
	if !c.Checked || w.Canvas().Focused() != c {
		t.Fatalf("a tap left it checked=%v, focused=%v", c.Checked, w.Canvas().Focused() == c)
	}
	if icon.Resource.Name() != theme.CheckButtonCheckedIcon().Name() && icon.Resource.Content() == nil {
		t.Error("a checked check has no mark")
	}
	c.TypedRune(' ')
	c.Disable()
	test.Tap(c)
	c.TypedRune(' ')
	c.Enable()
	c.SetChecked(true)
	c.SetChecked(true) // no change, no call
	if want := []bool{true, false, true}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("OnChanged had %v, want %v", got, want)
	}
}

// A radio group's marks lead too, a tap chooses an option and a second one clears it
// unless the choice is required; side by side, the first option is at the right in
// Persian.
func TestRadioGroup(t *testing.T) {
	for _, code := range []string{"en", "fa"} {
		t.Run(code, func(t *testing.T) {
			test.NewTempApp(t)
			useLanguage(code)
			t.Cleanup(func() { useLanguage("en") })
			var got []string
			g := newRadioGroup([]string{"روشن", "تیره"}, func(s string) { got = append(got, s) })
			w := test.NewTempWindow(t, container.NewVBox(g))
			w.Resize(fyne.NewSize(400, 200))
			first, second := g.items[0], g.items[1]
			icon, text := markAndText(t, first)
			if (code == "fa") != (icon.Position().X > text.Position().X) {
				t.Errorf("the mark is at x=%v and the words at x=%v", icon.Position().X, text.Position().X)
			}
			test.Tap(first)
			test.Tap(second)
			test.Tap(second)
			g.Required = true
			test.Tap(first)
			test.Tap(first)
			if want := []string{"روشن", "تیره", "", "روشن"}; len(got) != len(want) || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
				t.Errorf("OnChanged had %q, want %q", got, want)
			}
			g.Disable()
			test.Tap(second)
			if g.Selected != "روشن" || !second.Disabled() {
				t.Error("a disabled group changed")
			}

			g.Horizontal = true
			g.Refresh()
			if (code == "fa") != (first.Position().X > second.Position().X) {
				t.Errorf("side by side, the first option is at x=%v and the second at x=%v", first.Position().X, second.Position().X)
			}
		})
	}
}

// A bidi label or text takes a Label's look: the colour of its importance (or a colour
// named), its size, and the subtitle's line reads in the interface's direction.
func TestBidiLook(t *testing.T) {
	test.NewTempApp(t)
	inPersian(t)
	sub := newBidiLabel("05ab…cd10 · در حال نوشتن…", fyne.TextStyle{})
	sub.Importance = widget.LowImportance
	sub.SizeName = theme.SizeNameCaptionText
	sub.Base = baseOf(rtl())
	w := test.NewTempWindow(t, container.NewVBox(sub))
	w.Resize(fyne.NewSize(400, 100))
	text := test.WidgetRenderer(sub).Objects()[0].(*canvas.Text)
	if text.TextSize != theme.CaptionTextSize() || text.Color != theme.Color(theme.ColorNameDisabled) {
		t.Errorf("the subtitle is %v big in %v", text.TextSize, text.Color)
	}
	// The ID comes first, so at the right; the line is aligned right.
	if right := text.Position().X + text.Size().Width; !sameX(right, sub.Size().Width-theme.InnerPadding()) {
		t.Errorf("the subtitle ends at x=%v in a label %v wide", right, sub.Size().Width)
	}
	if text.Text == visualLine(sub.Text) {
		t.Error("the subtitle was laid out as a left-to-right line")
	}

	// A translated sentence that starts with a Latin name still reads right to left,
	// aligned right; the same words as a person's text take the name's direction.
	const sentence = "Allium فقط وقتی اعلان نشان می\u200cدهد که پنجره\u200cاش جلو نباشد."
	for _, tt := range []struct {
		name string
		t    *bidiText
		rtl  bool
	}{
		{"translated", wrapped(sentence), true},
		{"written", newBidiText(sentence), false},
	} {
		w.SetContent(container.NewVBox(tt.t))
		w.Resize(fyne.NewSize(900, 100))
		line := test.WidgetRenderer(tt.t).Objects()[0].(*canvas.Text)
		atRight := sameX(line.Position().X+line.Size().Width, tt.t.Size().Width-theme.InnerPadding())
		if atRight != tt.rtl {
			t.Errorf("%s: the line is drawn at x=%v–%v in %v", tt.name, line.Position().X, line.Position().X+line.Size().Width, tt.t.Size().Width)
		}
	}

	for _, tt := range []struct {
		imp  widget.Importance
		name fyne.ThemeColorName
	}{
		{widget.MediumImportance, theme.ColorNameForeground},
		{widget.DangerImportance, theme.ColorNameError},
		{widget.WarningImportance, theme.ColorNameWarning},
		{widget.SuccessImportance, theme.ColorNameSuccess},
	} {
		b := newBidiText("جمله")
		b.Importance = tt.imp
		if got := b.color(); got != tt.name {
			t.Errorf("importance %v is drawn in %v, want %v", tt.imp, got, tt.name)
		}
	}
}
