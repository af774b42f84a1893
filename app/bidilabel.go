package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/app/internal/bidi"
)

// bidiLabel is a one-line label for a name, a preview or a title: laid out with the
// bidi algorithm (visualLine), aligned to the side its text starts from (the right for
// Persian), and, when it is too wide, shortened with an ellipsis at its logical end,
// which for Persian is on the left. It stands in for a widget.Label with
// TextTruncateEllipsis, with the same padding. Text is what it says, in logical order.
type bidiLabel struct {
	widget.BaseWidget
	Text      string
	TextStyle fyne.TextStyle
}

func newBidiLabel(text string, style fyne.TextStyle) *bidiLabel {
	l := &bidiLabel{Text: text, TextStyle: style}
	l.ExtendBaseWidget(l)
	return l
}

// SetText shows text.
func (l *bidiLabel) SetText(text string) {
	l.Text = text
	l.Refresh()
}

func (l *bidiLabel) CreateRenderer() fyne.WidgetRenderer {
	r := &bidiLabelRenderer{l: l, text: canvas.NewText("", theme.Color(theme.ColorNameForeground))}
	r.Refresh()
	return r
}

type bidiLabelRenderer struct {
	l    *bidiLabel
	text *canvas.Text
}

func (r *bidiLabelRenderer) Destroy()                     {}
func (r *bidiLabelRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text} }

// MinSize is a line's height; its width is only the padding, as a truncated Label's.
func (r *bidiLabelRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	h := fyne.MeasureText("Mg", theme.TextSize(), r.l.TextStyle).Height
	return fyne.NewSize(2*pad, h+2*pad)
}

func (r *bidiLabelRenderer) Refresh() {
	r.text.Color = theme.Color(theme.ColorNameForeground)
	r.text.TextSize = theme.TextSize()
	r.text.TextStyle = r.l.TextStyle
	r.Layout(r.l.Size())
	canvas.Refresh(r.l)
}

func (r *bidiLabelRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	shown, w := fitLine(r.l.Text, size.Width-2*pad, r.text.TextSize, r.l.TextStyle)
	r.text.Text = shown
	x := pad
	if bidi.IsRightToLeft(r.l.Text) {
		x = size.Width - pad - w
	}
	h := fyne.MeasureText("Mg", r.text.TextSize, r.l.TextStyle).Height
	r.text.Move(fyne.NewPos(x, (size.Height-h)/2))
	r.text.Resize(fyne.NewSize(w, h))
}

// fitLine is text laid out for Fyne (visualLine) and its width, shortened with an
// ellipsis at its logical end so that it is at most max wide.
func fitLine(text string, max, size float32, style fyne.TextStyle) (string, float32) {
	width := func(s string) float32 { return fyne.MeasureText(s, size, style).Width }
	shown := visualLine(text)
	w := width(shown)
	if w <= max || text == "" {
		return shown, w
	}
	runes := []rune(text)
	// The longest beginning that fits with the ellipsis, by bisection.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if width(visualLine(string(runes[:mid])+"…")) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	shown = visualLine(string(runes[:lo]) + "…")
	return shown, width(shown)
}
