package app

import (
	"math"
	"strings"

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
	textLook
	// Base is the direction of the line: by its first strong character (bidi.Auto), or
	// forced, for a line put together from pieces (an ID and a state) that reads in the
	// interface's direction whatever its first piece is.
	Base bidi.Base
}

// textLook is how a bidi label or text is drawn, as a widget.Label's fields say it:
// its colour (from its importance, as a Label's, unless ColorName names one) and its
// size.
type textLook struct {
	// Importance colours the text as it colours a widget.Label.
	Importance widget.Importance
	// ColorName is the colour of the text, if set; it takes over from Importance.
	ColorName fyne.ThemeColorName
	// SizeName is the size of the text: theme.SizeNameText when empty.
	SizeName fyne.ThemeSizeName
}

// color is the text's colour.
func (l textLook) color() fyne.ThemeColorName {
	if l.ColorName != "" {
		return l.ColorName
	}
	switch l.Importance {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

// size is the text's size.
func (l textLook) size() float32 {
	if l.SizeName == "" {
		return theme.TextSize()
	}
	return theme.Size(l.SizeName)
}

func newBidiLabel(text string, style fyne.TextStyle) *bidiLabel {
	l := &bidiLabel{Text: text, TextStyle: style}
	l.ExtendBaseWidget(l)
	return l
}

// lineLabel is a bidiLabel for a line of the interface's making (a translated phrase
// with a name, an address or a number in it): it reads in the interface's direction and
// starts where the language's lines start.
func lineLabel(text string, style fyne.TextStyle) *bidiLabel {
	l := newBidiLabel(text, style)
	l.Base = baseOf(rtl())
	return l
}

// SetText shows text.
func (l *bidiLabel) SetText(text string) {
	l.Text = text
	l.Refresh()
}

func (l *bidiLabel) CreateRenderer() fyne.WidgetRenderer {
	r := &bidiLabelRenderer{l: l, text: canvas.NewText("", theme.Color(l.color()))}
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
	h := fyne.MeasureText("Mg", r.l.size(), r.l.TextStyle).Height
	return fyne.NewSize(2*pad, h+2*pad)
}

func (r *bidiLabelRenderer) Refresh() {
	r.text.Color = theme.Color(r.l.color())
	r.text.TextSize = r.l.size()
	r.text.TextStyle = r.l.TextStyle
	r.Layout(r.l.Size())
	canvas.Refresh(r.l)
}

func (r *bidiLabelRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	r.text.TextSize = r.l.size()
	shown, w := fitLine(r.l.Text, r.l.Base, size.Width-2*pad, r.text.TextSize, r.l.TextStyle)
	r.text.Text = shown
	x := pad
	if rightToLeft(r.l.Text, r.l.Base) {
		x = size.Width - pad - w
	}
	h := fyne.MeasureText("Mg", r.text.TextSize, r.l.TextStyle).Height
	r.text.Move(fyne.NewPos(x, (size.Height-h)/2))
	r.text.Resize(fyne.NewSize(w, h))
}

// rightToLeft says whether a line of text reads right to left: by its first strong
// character, unless base forces a direction.
func rightToLeft(text string, base bidi.Base) bool {
	switch base {
	case bidi.ForceRightToLeft:
		return true
	case bidi.ForceLeftToRight:
		return false
	}
	return bidi.IsRightToLeft(text)
}

// baseOf is the direction to force on lines of the interface's own making: the
// language's.
func baseOf(rightToLeft bool) bidi.Base {
	if rightToLeft {
		return bidi.ForceRightToLeft
	}
	return bidi.ForceLeftToRight
}

// lineIn is visualLine with the line's direction given by base.
func lineIn(text string, base bidi.Base) string {
	if base == bidi.Auto || (base == bidi.ForceLeftToRight && !bidi.NeedsLayout(text)) {
		return visualLine(text)
	}
	// A right-to-left line reorders even Latin words and digits: "ID · state" puts
	// the ID on the right.
	return visualRuns(bidi.NewParagraph(text, base).Line(0, len(text)))
}

// fitLine is text laid out for Fyne (lineIn) and its width, shortened with an
// ellipsis at its logical end so that it is at most max wide.
func fitLine(text string, base bidi.Base, max, size float32, style fyne.TextStyle) (string, float32) {
	width := func(s string) float32 { return fyne.MeasureText(s, size, style).Width }
	shown := lineIn(text, base)
	w := width(shown)
	if w <= max || text == "" {
		return shown, w
	}
	runes := []rune(text)
	// The longest beginning that fits with the ellipsis, by bisection.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if width(lineIn(string(runes[:mid])+"…", base)) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	shown = lineIn(string(runes[:lo])+"…", base)
	return shown, width(shown)
}

// bidiText is a wrapped label for text a person wrote (a request's message) or a
// translated sentence: each paragraph is wrapped in logical order and its lines laid
// out with the bidi algorithm (shownLines), a right-to-left paragraph aligned right.
// It stands in for a widget.Label with TextWrapWord: its height follows its width.
type bidiText struct {
	widget.BaseWidget
	Text      string
	TextStyle fyne.TextStyle
	textLook
	// Alignment centres the lines when it is fyne.TextAlignCenter; otherwise each line
	// is aligned to the side its paragraph starts from.
	Alignment fyne.TextAlign
	// Base is the direction of the paragraphs: each by its first strong character
	// (bidi.Auto) for text a person wrote, or the interface's for a translated
	// sentence, which reads in its language even when it starts with a name.
	Base bidi.Base

	width float32 // the width lines were last wrapped for
	rows  int
}

func newBidiText(text string) *bidiText {
	t := &bidiText{Text: text}
	t.ExtendBaseWidget(t)
	return t
}

// SetText shows text.
func (t *bidiText) SetText(text string) {
	t.Text = text
	t.Refresh()
}

// wrap lays the text out for a width: the lines as Fyne draws them, whether each is of
// a right-to-left paragraph, and their widths.
func (t *bidiText) wrap(width float32) ([]string, []bool, []float32) {
	size := t.size()
	adv := &advances{size: size, w: map[rune]float32{}}
	limit := max(width-2*theme.InnerPadding(), 10)
	if width <= 0 {
		// Not laid out yet: a line per paragraph, rather than a word or two per line.
		limit = float32(math.MaxFloat32)
	}
	if t.TextStyle.Bold || t.TextStyle.Monospace {
		// advances measures regular letters: a line of others is as much wider.
		const sample = "Allium پیام"
		limit *= fyne.MeasureText(sample, size, fyne.TextStyle{}).Width / fyne.MeasureText(sample, size, t.TextStyle).Width
	}
	shown, rtl := linesIn(wrapSpans(t.Text, limit, adv), t.Base)
	widths := make([]float32, len(shown))
	for i, l := range shown {
		widths[i] = fyne.MeasureText(l, size, t.TextStyle).Width
	}
	return shown, rtl, widths
}

func (t *bidiText) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	pad := theme.InnerPadding()
	rows := t.rows
	if t.width == 0 || rows == 0 {
		rows = max(1, strings.Count(t.Text, "\n")+1)
	}
	h := fyne.MeasureText("Mg", t.size(), t.TextStyle).Height
	return fyne.NewSize(2*pad, float32(rows)*h+2*pad)
}

func (t *bidiText) CreateRenderer() fyne.WidgetRenderer {
	r := &bidiTextRenderer{t: t}
	r.Refresh()
	return r
}

type bidiTextRenderer struct {
	t       *bidiText
	texts   []*canvas.Text
	objects []fyne.CanvasObject
}

func (r *bidiTextRenderer) Destroy()                     {}
func (r *bidiTextRenderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *bidiTextRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *bidiTextRenderer) Refresh() {
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *bidiTextRenderer) Layout(size fyne.Size) {
	t := r.t
	// The canvas notices when the number of lines changes the minimum height, and
	// lays out the label's container again.
	shown, rtl, widths := t.wrap(size.Width)
	t.width, t.rows = size.Width, len(shown)
	pad := theme.InnerPadding()
	size32 := t.size()
	h := fyne.MeasureText("Mg", size32, t.TextStyle).Height
	name := t.color()
	r.objects = r.objects[:0]
	for i, l := range shown {
		if i == len(r.texts) {
			r.texts = append(r.texts, canvas.NewText("", theme.Color(name)))
		}
		c := r.texts[i]
		c.Text, c.Color, c.TextSize, c.TextStyle = l, theme.Color(name), size32, t.TextStyle
		x := pad
		switch {
		case t.Alignment == fyne.TextAlignCenter:
			x = (size.Width - widths[i]) / 2
		case rtl[i]:
			x = size.Width - pad - widths[i]
		}
		c.Move(fyne.NewPos(x, pad+float32(i)*h))
		c.Resize(fyne.NewSize(widths[i], h))
		r.objects = append(r.objects, c)
	}
}

// linesIn lays wrapped lines out as shownLines does, each paragraph in the direction
// base gives it.
func linesIn(spans []lineSpan, base bidi.Base) (shown []string, rtl []bool) {
	if base == bidi.Auto {
		return shownLines(spans)
	}
	shown, rtl = make([]string, len(spans)), make([]bool, len(spans))
	var p *bidi.Paragraph
	for i, l := range spans {
		rtl[i] = base == bidi.ForceRightToLeft
		if !rtl[i] && !bidi.NeedsLayout(l.para) {
			shown[i] = l.text()
			continue
		}
		if p == nil || p.Text() != l.para {
			p = bidi.NewParagraph(l.para, base)
		}
		shown[i] = visualRuns(p.Line(l.start, l.end))
	}
	return shown, rtl
}
