package app

// The editor's layout and drawing: wrapping and laying each line out with the bidi
// algorithm, the cursor's positions, the renderer, clipping and scrolling.

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/app/internal/bidi"
)

func (e *bidiEditor) lineHeight() float32 {
	return fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
}

// ensureLayout lays the text out for the editor's width if it changed since.
func (e *bidiEditor) ensureLayout() {
	w := e.Size().Width
	if !e.layout && w == e.width && e.lines != nil {
		return
	}
	e.layout, e.width = false, w
	e.lines = layoutEditor(e.Text, w, theme.TextSize(), !e.singleLine)
}

// layoutEditor wraps text into lines for a field width wide (or, without wrap, keeps
// each paragraph on one line) and lays each out with the bidi algorithm, with the x of
// every cursor position.
func layoutEditor(text string, width, size float32, wrap bool) []editLine {
	pad := theme.InnerPadding()
	avail := max(width-2*pad, 10)
	measure := func(s string) float32 { return measureLine(s, size) }
	adv := &advances{size: size, w: map[rune]float32{}}
	var lines []editLine
	base := 0
	// An empty paragraph has no direction of its own: its cursor waits on the
	// interface's leading side, where the hint is and where Persian will start.
	emptyRTL := rtl()
	for _, para := range strings.Split(text, "\n") {
		p := bidi.NewParagraph(para, bidi.Auto)
		rtl := p.Direction() == bidi.RightToLeft || (para == "" && emptyRTL)
		spans := []lineSpan{{para: para, start: 0, end: len(para)}}
		if wrap {
			spans = wrapSpans(para, avail, adv)
		}
		for _, sp := range spans {
			l := editLine{start: base + sp.start, end: base + sp.end, rtl: rtl}
			runs := p.Line(sp.start, sp.end)
			l.shown = visualRuns(runs)
			l.w = measure(l.shown)
			l.x = pad
			if rtl {
				l.x = width - pad - l.w
			}
			l.carets, l.edges = caretPositions(para, sp, runs, l.x, measure, adv)
			lines = append(lines, l)
		}
		base += len(para) + 1
	}
	return lines
}

// caretPositions gives the x of a cursor at each offset of a line: before a
// character, on its leading side (its left if it reads left to right, its right
// otherwise); at the end of the line, on the trailing side of the last character.
//
// Within a run, a character's place is its share of the run's width by the advances
// of the characters alone: shaped prefixes would be more exact but are not in order
// (the Persian "سلا", with its lam-alef ligature, is narrower than "سل").
//
// edges are the x of each character's trailing side, for hit tests and selections.
func caretPositions(para string, sp lineSpan, runs []bidi.Run, x float32, measure func(string) float32, adv *advances) (carets, edges []float32) {
	n := sp.end - sp.start
	carets = make([]float32, n+1)
	edges = make([]float32, n+1)
	set := make([]bool, n+1)
	x0 := x
	for _, r := range runs {
		w := measure(visualRuns([]bidi.Run{r}))
		total := adv.width(r.Text)
		at := func(o int) float32 {
			prefix := float32(0)
			if total > 0 {
				prefix = w * min(1, adv.width(para[r.Start:o])/total)
			}
			if r.Direction() == bidi.RightToLeft {
				return x + w - prefix
			}
			return x + prefix
		}
		for o := r.Start; o <= r.End; o++ {
			if o < r.End && !utf8.RuneStart(para[o]) {
				continue
			}
			cx := at(o)
			k := o - sp.start
			if o < r.End {
				_, size := utf8.DecodeRuneInString(para[o:])
				edges[k] = at(min(o+size, r.End))
			}
			if o == r.End {
				// The run's trailing edge: a cursor there belongs to the next run in
				// logical order unless the line ends here.
				if o == sp.end && !set[k] {
					carets[k], set[k] = cx, true
				}
				continue
			}
			carets[k], set[k] = cx, true
		}
		x += w
	}
	// An empty line's cursor is at its start; offsets inside a character (or of a
	// formatting character left out) take the position before them.
	if !set[0] {
		carets[0] = x0
	}
	for k := 1; k <= n; k++ {
		if !set[k] {
			carets[k] = carets[k-1]
			edges[k] = carets[k]
		}
	}
	return carets, edges
}

func (e *bidiEditor) MinSize() fyne.Size {
	e.ExtendBaseWidget(e)
	pad := theme.InnerPadding()
	return fyne.NewSize(4*pad, float32(e.minRows)*e.lineHeight()+2*pad)
}

func (e *bidiEditor) CreateRenderer() fyne.WidgetRenderer {
	r := &editorRenderer{e: e,
		bg:     canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		caret:  canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		holder: canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder)),
	}
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.bg.StrokeWidth = theme.InputBorderSize()
	if e.singleLine {
		r.layer = container.NewWithoutLayout()
		r.clip = newClipBox(r.layer)
	}
	return r
}

type editorRenderer struct {
	e  *bidiEditor
	bg *canvas.Rectangle
	// clip holds what a single-line field draws, so that a line scrolled sideways is
	// cut at the field's border.
	clip    *clipBox
	layer   *fyne.Container
	caret   *canvas.Rectangle
	holder  *canvas.Text
	texts   []*canvas.Text
	marks   []*canvas.Rectangle // the selection
	objects []fyne.CanvasObject
}

func (r *editorRenderer) Destroy()                     {}
func (r *editorRenderer) MinSize() fyne.Size           { return r.e.MinSize() }
func (r *editorRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *editorRenderer) Refresh()                     { r.Layout(r.e.Size()) }

func (r *editorRenderer) Layout(size fyne.Size) {
	e := r.e
	e.ensureLayout()
	pad, lineH := theme.InnerPadding(), e.lineHeight()
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	if e.focused {
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	r.bg.Resize(size)
	r.objects = append(r.objects[:0], r.bg)

	// Keep the cursor's line in sight.
	visible := max(1, int((size.Height-2*pad)/lineH))
	cl := e.lineOf(e.cursor)
	e.top = min(e.top, cl)
	if cl >= e.top+visible {
		e.top = cl - visible + 1
	}
	e.top = max(0, min(e.top, len(e.lines)-1))
	if e.singleLine {
		e.scrollToCursor(size.Width)
	} else {
		e.scroll = 0
	}

	if e.Text == "" {
		r.holder.Text = visualLine(e.PlaceHolder)
		r.holder.Color = theme.Color(theme.ColorNamePlaceHolder)
		r.holder.TextSize = theme.TextSize()
		hs := fyne.MeasureText(r.holder.Text, r.holder.TextSize, fyne.TextStyle{})
		// The hint sits on the interface's leading side, as the text a person
		// types in that language would.
		x := pad
		if rtl() || bidi.IsRightToLeft(e.PlaceHolder) {
			x = size.Width - pad - hs.Width
		}
		r.holder.Move(fyne.NewPos(x, pad))
		r.holder.Resize(hs)
		r.objects = append(r.objects, r.holder)
	}

	a, b := e.selection()
	marks := 0
	for i := e.top; i < len(e.lines) && i < e.top+visible; i++ {
		l := e.lines[i]
		y := pad + float32(i-e.top)*lineH
		if a != b {
			for _, span := range selectedSpans(l, a, b) {
				if marks == len(r.marks) {
					r.marks = append(r.marks, canvas.NewRectangle(theme.Color(theme.ColorNameSelection)))
				}
				m := r.marks[marks]
				m.FillColor = theme.Color(theme.ColorNameSelection)
				m.Move(fyne.NewPos(span[0]+e.scroll, y))
				m.Resize(fyne.NewSize(span[1]-span[0], lineH))
				r.objects = append(r.objects, m)
				marks++
			}
		}
	}
	for i, n := e.top, 0; i < len(e.lines) && i < e.top+visible; i, n = i+1, n+1 {
		l := e.lines[i]
		if n == len(r.texts) {
			r.texts = append(r.texts, canvas.NewText("", theme.Color(theme.ColorNameForeground)))
		}
		t := r.texts[n]
		t.Text, t.Color, t.TextSize = l.shown, theme.Color(theme.ColorNameForeground), theme.TextSize()
		t.Move(fyne.NewPos(l.x+e.scroll, pad+float32(i-e.top)*lineH))
		t.Resize(fyne.NewSize(l.w, lineH))
		r.objects = append(r.objects, t)
	}
	if e.focused {
		r.caret.FillColor = theme.Color(theme.ColorNamePrimary)
		r.caret.Move(fyne.NewPos(e.caretX(e.cursor)+e.scroll-1, pad+float32(cl-e.top)*lineH))
		r.caret.Resize(fyne.NewSize(2, lineH))
		r.objects = append(r.objects, r.caret)
	}
	if r.clip != nil {
		r.clipObjects(size)
	}
	canvas.Refresh(e)
}

// clipObjects moves what a single-line field draws, all but its background, into the
// clip inside the border.
func (r *editorRenderer) clipObjects(size fyne.Size) {
	b := theme.InputBorderSize()
	drawn := r.objects[1:]
	r.layer.Objects = append(r.layer.Objects[:0], drawn...)
	for _, o := range drawn {
		o.Move(o.Position().SubtractXY(b, b))
	}
	r.clip.Move(fyne.NewPos(b, b))
	r.clip.Resize(size.SubtractWidthHeight(2*b, 2*b))
	r.layer.Resize(r.clip.Size())
	r.objects = append(r.objects[:1], r.clip)
	r.clip.Refresh()
}

// clipBox cuts what it holds at its bounds. The painter clips a widget whose renderer
// says IsClip; a container.Scroll would too, but it takes the pointer's drags and
// wheel from the field.
type clipBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

// newClipBox makes a clip around content.
func newClipBox(content fyne.CanvasObject) *clipBox {
	b := &clipBox{content: content}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer gives the clipping renderer.
func (b *clipBox) CreateRenderer() fyne.WidgetRenderer { return &clipRenderer{b} }

// clipRenderer lays a clipBox's content over all of it.
type clipRenderer struct{ b *clipBox }

// IsClip marks the renderer as one whose widget clips its children.
func (r *clipRenderer) IsClip()                      {}
func (r *clipRenderer) Destroy()                     {}
func (r *clipRenderer) Layout(size fyne.Size)        { r.b.content.Resize(size) }
func (r *clipRenderer) MinSize() fyne.Size           { return fyne.NewSize(0, 0) }
func (r *clipRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.content} }
func (r *clipRenderer) Refresh()                     { canvas.Refresh(r.b.content) }

// scrollToCursor shifts a single line sideways as little as keeps the cursor inside
// the field, and not so far that room is left empty at the line's far end.
func (e *bidiEditor) scrollToCursor(width float32) {
	pad := theme.InnerPadding()
	l := e.lines[0]
	if l.w <= width-2*pad {
		e.scroll = 0
		return
	}
	if cx := e.caretX(e.cursor) + e.scroll; cx < pad {
		e.scroll += pad - cx
	} else if cx > width-pad {
		e.scroll -= cx - (width - pad)
	}
	// The line's ends stay at or beyond the field's padded edges.
	e.scroll = min(e.scroll, pad-l.x)
	e.scroll = max(e.scroll, width-pad-(l.x+l.w))
}

// selectedSpans are the stretches of line l, as x ranges, that show Text[a:b]: a
// selection in logical order is in pieces on the screen where directions mix.
func selectedSpans(l editLine, a, b int) [][2]float32 {
	var spans [][2]float32
	for o := max(a, l.start); o < min(b, l.end); o++ {
		x0, x1 := l.carets[o-l.start], l.edges[o-l.start] // zero inside a character
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if x1-x0 < 0.5 {
			continue
		}
		if n := len(spans); n > 0 && (x0 <= spans[n-1][1]+0.5 && x1 >= spans[n-1][0]-0.5) {
			spans[n-1][0], spans[n-1][1] = min(spans[n-1][0], x0), max(spans[n-1][1], x1)
			continue
		}
		spans = append(spans, [2]float32{x0, x1})
	}
	return spans
}
