package app

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/app/internal/bidi"
	"allium/engine"
)

// bubbleMetrics are the sizes a conversation's rows are laid out with. Text is wrapped
// by the view itself (wrapSpans), so every row's height is known before anything is drawn:
// the list is given all heights at once and never lays a row out twice.
type bubbleMetrics struct {
	textSize, metaSize float32
	lineH, metaH       float32
	padX, padY, gap    float32
	margin, side       float32
	maxText            float32
	retryH             float32
	dayHeight, oneLine float32
	adv, metaAdv       *advances
}

func newBubbleMetrics() bubbleMetrics {
	m := bubbleMetrics{
		textSize: theme.TextSize(),
		metaSize: theme.CaptionTextSize(),
		padX:     10, padY: 6, gap: 2, margin: 6, side: 12,
		maxText: 420,
	}
	m.lineH = fyne.MeasureText("Mg", m.textSize, fyne.TextStyle{}).Height
	m.metaH = fyne.MeasureText("Mg", m.metaSize, fyne.TextStyle{}).Height
	m.retryH = widget.NewButton(lang.L("Retry"), nil).MinSize().Height
	m.dayHeight = m.metaH + 18
	m.oneLine = m.messageHeight(1, false)
	m.adv = &advances{size: m.textSize, w: map[rune]float32{}}
	m.metaAdv = &advances{size: m.metaSize, w: map[rune]float32{}}
	return m
}

// messageHeight is the height of a message row with n lines of text.
func (m bubbleMetrics) messageHeight(n int, failed bool) float32 {
	h := m.margin + 2*m.padY + float32(n)*m.lineH + m.gap + m.metaH
	if failed {
		h += m.gap + m.retryH
	}
	return h
}

// advances measures text quickly for wrapping: the sum of each character's advance,
// measured once per character. Shaping (kerning, joined Persian letters) makes real
// widths differ a little, so lines are broken a little short of the limit; the bubble
// itself is sized from the exact width of the lines it shows.
type advances struct {
	size float32
	w    map[rune]float32
}

func (a *advances) width(s string) float32 {
	total := float32(0)
	for _, r := range s {
		w, ok := a.w[r]
		if !ok {
			w = fyne.MeasureText(string(r), a.size, fyne.TextStyle{}).Width
			a.w[r] = w
		}
		total += w
	}
	return total
}

// lineSpan is a wrapped line: para[start:end], in logical order.
type lineSpan struct {
	para       string
	start, end int
}

func (l lineSpan) text() string { return l.para[l.start:l.end] }

// wrapSpans breaks text into lines no wider than max: at spaces where it can, inside a
// word only when the word alone is too wide. Each line is given as its place in its
// paragraph, which the bidi algorithm needs: it resolves a paragraph as a whole, then
// reorders each line (shownLines).
func wrapSpans(text string, max float32, a *advances) []lineSpan {
	max *= 0.95 // room for shaping, see advances
	var lines []lineSpan
	space := a.width(" ")
	for _, para := range strings.Split(strings.ReplaceAll(text, "\t", "    "), "\n") {
		// The line being filled is para[start:end], curW wide.
		start, end, curW := 0, 0, float32(0)
		for at := 0; at <= len(para); {
			next := strings.IndexByte(para[at:], ' ')
			if next < 0 {
				next = len(para)
			} else {
				next += at
			}
			ww := a.width(para[at:next])
			if end > start && curW+space+ww <= max {
				end, curW = next, curW+space+ww
				at = next + 1
				continue
			}
			if end > start || curW > 0 {
				lines = append(lines, lineSpan{para, start, end})
			}
			start, end, curW = at, next, ww
			for curW > max {
				// A word wider than a line (a link, a Session ID): cut it where it fills
				// the line.
				w, cut := float32(0), 0
				for i, r := range para[start:end] {
					rw := a.width(string(r))
					if w+rw > max && i > 0 {
						cut = start + i
						break
					}
					w += rw
				}
				if cut == 0 {
					break
				}
				lines = append(lines, lineSpan{para, start, cut})
				start = cut
				curW = a.width(para[start:end])
			}
			at = next + 1
		}
		lines = append(lines, lineSpan{para, start, end})
	}
	return lines
}

// shownLines lays out wrapped lines with the bidi algorithm: the strings Fyne draws
// them from (visualRuns), and whether each line's paragraph reads right to left, for
// its alignment. A paragraph is resolved once for all its lines.
func shownLines(spans []lineSpan) (shown []string, rtl []bool) {
	shown, rtl = make([]string, len(spans)), make([]bool, len(spans))
	var p *bidi.Paragraph
	for i, l := range spans {
		if !bidi.NeedsLayout(l.para) {
			shown[i] = l.text()
			continue
		}
		if p == nil || p.Text() != l.para {
			p = bidi.NewParagraph(l.para, bidi.Auto)
		}
		shown[i] = visualRuns(p.Line(l.start, l.end))
		rtl[i] = p.Direction() == bidi.RightToLeft
	}
	return shown, rtl
}

// msgRow is one row of a conversation: a day heading or a message bubble with its time
// and delivery state (and a Retry button when it failed).
type msgRow struct {
	widget.BaseWidget
	v *conversationView

	day    string // a day heading if not empty
	msg    engine.Message
	mine   bool
	unsent bool     // deleted for everyone: lines say so
	lines  []string // as Fyne must draw them, see shownLines
	rtl    []bool   // whether each line is of a right-to-left paragraph
	widths []float32
	atts   []attBlock // the message's files, above its text
	used   bool       // filled at least once (counted by the view, for tests)
}

func newMsgRow(v *conversationView) *msgRow {
	r := &msgRow{v: v}
	r.ExtendBaseWidget(r)
	return r
}

func (r *msgRow) setDay(label string) {
	r.day, r.lines, r.rtl, r.widths, r.atts = label, nil, nil, nil, nil
	r.Refresh()
}

func (r *msgRow) setMessage(m engine.Message, mine, unsent bool, lines []string, rtl []bool, widths []float32, atts []attBlock) {
	r.day, r.msg, r.mine, r.unsent, r.lines, r.rtl, r.widths, r.atts = "", m, mine, unsent, lines, rtl, widths, atts
	r.Refresh()
}

// Tapped opens the message's links, if it has any. It also keeps the list from
// highlighting a tapped message.
func (r *msgRow) Tapped(ev *fyne.PointEvent) {
	if r.day != "" || r.unsent {
		return
	}
	if links := linksIn(r.msg.Body); len(links) > 0 {
		r.v.openLinks(links, ev.AbsolutePosition)
	}
}

// TappedSecondary opens the message's menu (copy, retry, delete).
func (r *msgRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.day == "" && !r.unsent {
		r.v.messageMenu(r.msg, ev.AbsolutePosition)
	}
}

func (r *msgRow) MinSize() fyne.Size {
	r.ExtendBaseWidget(r)
	return fyne.NewSize(r.v.m.maxText/2, r.v.m.oneLine)
}

func (r *msgRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &msgRowRenderer{r: r,
		bg:   canvas.NewRectangle(color.Transparent),
		meta: canvas.NewText("", color.Black),
		day:  canvas.NewText("", color.Black),
	}
	rr.bg.CornerRadius = 12
	rr.meta.TextSize = r.v.m.metaSize
	rr.day.TextSize = r.v.m.metaSize
	rr.day.TextStyle.Bold = true
	rr.retry = widget.NewButtonWithIcon(lang.L("Retry now"), theme.ViewRefreshIcon(), func() { r.v.retry(r.msg) })
	rr.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { r.v.cancel(r.msg) })
	rr.Refresh()
	return rr
}

type msgRowRenderer struct {
	r      *msgRow
	bg     *canvas.Rectangle
	texts  []*canvas.Text // one per line; reused between messages
	meta   *canvas.Text
	day    *canvas.Text
	retry  *widget.Button
	cancel *widget.Button
	// pictures and cards show the message's files; reused between messages.
	pictures []*pictureView
	cards    []*fileCard
	voices   []*voiceCard
	preview  *previewCard // made when a message first has a preview
	objects  []fyne.CanvasObject
}

func (rr *msgRowRenderer) Destroy()                     {}
func (rr *msgRowRenderer) Objects() []fyne.CanvasObject { return rr.objects }
func (rr *msgRowRenderer) MinSize() fyne.Size           { return rr.r.MinSize() }

// Refresh takes the row's content and colours and lays it out again.
func (rr *msgRowRenderer) Refresh() {
	r := rr.r
	fg := theme.Color(theme.ColorNameForeground)
	rr.objects = rr.objects[:0]
	if r.day != "" {
		rr.day.Text = visualLine(r.day) // translated: Persian reads right to left
		rr.day.Color = theme.Color(theme.ColorNamePlaceHolder)
		rr.objects = append(rr.objects, rr.day)
		rr.Layout(r.Size())
		canvas.Refresh(r)
		return
	}
	textColor := fg
	metaColor := theme.Color(theme.ColorNamePlaceHolder)
	if r.mine {
		rr.bg.FillColor = theme.Color(theme.ColorNamePrimary)
		textColor = theme.Color(theme.ColorNameForegroundOnPrimary)
		metaColor = textColor
	} else {
		rr.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	}
	if r.unsent {
		// No colour of ours: nothing of the message is left.
		rr.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
		textColor, metaColor = theme.Color(theme.ColorNamePlaceHolder), theme.Color(theme.ColorNamePlaceHolder)
	}
	rr.bg.StrokeWidth = 0
	if r.v.target == (msgID{r.msg.Author, r.msg.Timestamp}) {
		// The message a search found.
		rr.bg.StrokeColor, rr.bg.StrokeWidth = fg, 2
	}
	rr.objects = append(rr.objects, rr.bg)
	pics, cards, voices := 0, 0, 0
	for _, b := range r.atts {
		if b.voice {
			if voices == len(rr.voices) {
				rr.voices = append(rr.voices, newVoiceCard(r))
			}
			rr.voices[voices].set(b, textColor)
			rr.objects = append(rr.objects, rr.voices[voices])
			voices++
			continue
		}
		if b.picture {
			if pics == len(rr.pictures) {
				rr.pictures = append(rr.pictures, newPictureView(r))
			}
			rr.pictures[pics].set(b, textColor)
			rr.objects = append(rr.objects, rr.pictures[pics])
			pics++
			continue
		}
		if cards == len(rr.cards) {
			rr.cards = append(rr.cards, newFileCard(r))
		}
		rr.cards[cards].set(b, textColor)
		rr.objects = append(rr.objects, rr.cards[cards])
		cards++
	}
	for len(rr.texts) < len(r.lines) {
		t := canvas.NewText("", fg)
		t.TextSize = r.v.m.textSize
		rr.texts = append(rr.texts, t)
	}
	for i, line := range r.lines {
		t := rr.texts[i]
		t.Text, t.Color = line, textColor
		rr.objects = append(rr.objects, t)
	}
	if p := shownPreview(&r.msg); p != nil && !r.unsent {
		if rr.preview == nil {
			rr.preview = newPreviewCard(r)
		}
		rr.preview.set(p, textColor)
		rr.objects = append(rr.objects, rr.preview)
	}
	rr.meta.Text = visualLine(metaText(r.msg, r.mine && !r.unsent))
	rr.meta.Color = metaColor
	rr.objects = append(rr.objects, rr.meta)
	if r.mine && r.msg.State == engine.Failed && !r.unsent {
		rr.objects = append(rr.objects, rr.cancel, rr.retry)
	}
	rr.Layout(r.Size())
	canvas.Refresh(r)
}

func (rr *msgRowRenderer) Layout(size fyne.Size) {
	r, m := rr.r, rr.r.v.m
	if r.day != "" {
		ts := fyne.MeasureText(rr.day.Text, rr.day.TextSize, rr.day.TextStyle)
		rr.day.Move(fyne.NewPos((size.Width-ts.Width)/2, (size.Height-ts.Height)/2))
		rr.day.Resize(ts)
		return
	}
	metaW := fyne.MeasureText(rr.meta.Text, m.metaSize, fyne.TextStyle{}).Width
	contentW := metaW
	for _, w := range r.widths {
		contentW = max(contentW, w)
	}
	for _, b := range r.atts {
		contentW = max(contentW, b.w)
	}
	preview := shownPreview(&r.msg)
	if r.unsent {
		preview = nil
	}
	if preview != nil {
		contentW = max(contentW, cardWidth)
	}
	failed := r.mine && r.msg.State == engine.Failed && !r.unsent
	if failed {
		contentW = max(contentW, rr.cancel.MinSize().Width+m.gap+rr.retry.MinSize().Width)
	}
	bw := contentW + 2*m.padX
	x := m.side
	if r.mine != rtl() { // ours on the trailing side: the right, or the left when mirrored
		x = size.Width - bw - m.side
	}
	y := m.margin / 2
	rr.bg.Move(fyne.NewPos(x, y))
	rr.bg.Resize(fyne.NewSize(bw, size.Height-m.margin))
	top := y + m.padY
	pics, cards, voices := 0, 0, 0
	for _, b := range r.atts {
		var o fyne.CanvasObject
		if b.voice {
			o = rr.voices[voices]
			voices++
		} else if b.picture {
			o = rr.pictures[pics]
			pics++
		} else {
			o = rr.cards[cards]
			cards++
		}
		o.Move(fyne.NewPos(x+m.padX, top))
		o.Resize(fyne.NewSize(b.w, b.h))
		top += b.h + m.gap
	}
	for i := range r.lines {
		t := rr.texts[i]
		tx := x + m.padX
		if r.rtl[i] {
			// A right-to-left paragraph's lines end at the bubble's right edge; the time
			// and ticks below keep their place.
			tx += contentW - r.widths[i]
		}
		t.Move(fyne.NewPos(tx, top+float32(i)*m.lineH))
		t.Resize(fyne.NewSize(r.widths[i], m.lineH))
	}
	metaY := top + float32(len(r.lines))*m.lineH + m.gap
	if preview != nil && rr.preview != nil {
		rr.preview.Move(fyne.NewPos(x+m.padX, metaY))
		rr.preview.Resize(rr.preview.MinSize())
		metaY += m.previewHeight(preview)
	}
	rr.meta.Move(fyne.NewPos(x+bw-m.padX-metaW, metaY))
	rr.meta.Resize(fyne.NewSize(metaW, m.metaH))
	if failed {
		rs := rr.retry.MinSize()
		rr.retry.Move(fyne.NewPos(x+bw-m.padX-rs.Width, metaY+m.metaH+m.gap))
		rr.retry.Resize(rs)
		cs := rr.cancel.MinSize()
		rr.cancel.Move(fyne.NewPos(x+bw-m.padX-rs.Width-m.gap-cs.Width, metaY+m.metaH+m.gap))
		rr.cancel.Resize(cs)
	}
}

// unsentText stands in a bubble for a message its author deleted for everyone.
const unsentText = "This message was deleted"

// metaText is the line under a message: its time and, for ours, how far it got.
func metaText(m engine.Message, mine bool) string {
	t := clockText(time.UnixMilli(m.Timestamp))
	if !mine {
		return t
	}
	switch m.State {
	case engine.Pending:
		return t + " · " + lang.L("Sending…")
	case engine.Sent:
		return t + " · " + lang.L("Sent")
	case engine.Failed:
		if m.Failure == engine.FailedOffline || m.Failure == engine.FailedClockWrong {
			return t + " · " + retryingSentence(m.Failure)
		}
		return t + " · " + failedSentence(m.Failure)
	case engine.Read:
		return t + " · " + lang.L("Read")
	}
	return t
}
