package app

import (
	"image"
	"image/color"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// A link preview shows under a message's text as a small card: the page's picture, if
// it is here, its title and the site's name. Tapping it opens the link, as tapping the
// message does (asking first, once).

const (
	previewThumb  = 48
	previewPixels = 2 * previewThumb
)

// shownPreview is the preview a message shows: nil while ours is being made, or if it
// has none.
func shownPreview(m *engine.Message) *engine.LinkPreview {
	if m.Preview == nil || m.Preview.Pending {
		return nil
	}
	return m.Preview
}

// previewHeight is the height the card of a message's preview adds to its bubble.
func (m bubbleMetrics) previewHeight(p *engine.LinkPreview) float32 {
	if p == nil {
		return 0
	}
	return m.gap + m.previewCardHeight()
}

func (m bubbleMetrics) previewCardHeight() float32 {
	return max(previewThumb, m.lineH+m.metaH) + 2*m.gap
}

// previewHost is the site's name for the card: the link's host.
func previewHost(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// previewPicture is the file of the preview's picture, "" while it is not here.
func previewPicture(p *engine.LinkPreview) string {
	if p.Image == nil {
		return ""
	}
	switch p.Image.State {
	case engine.AttachmentHere, engine.AttachmentSent:
		return p.Image.Path
	}
	return ""
}

// setPreview shows a message's preview as it is now.
func (v *conversationView) setPreview(author crypto.SessionID, ts int64, p *engine.LinkPreview) {
	if i := v.find(author, ts); i >= 0 {
		v.msgs[i].Preview = p
		v.refreshMsg(i)
	}
}

// previewCard is the card of a link preview in a bubble.
type previewCard struct {
	widget.BaseWidget
	r *msgRow

	bg          *canvas.Rectangle
	img         *canvas.Image
	title, host *canvas.Text
	objs        []fyne.CanvasObject
	// shown is the picture drawn, so that a recycled row never shows another's.
	shown string
}

func newPreviewCard(r *msgRow) *previewCard {
	c := &previewCard{r: r, bg: canvas.NewRectangle(color.Transparent), img: &canvas.Image{FillMode: canvas.ImageFillContain},
		title: canvas.NewText("", color.Black), host: canvas.NewText("", color.Black)}
	c.bg.CornerRadius = 6
	c.title.TextStyle.Bold = true
	c.title.TextSize = r.v.m.textSize
	c.host.TextSize = r.v.m.metaSize
	c.ExtendBaseWidget(c)
	return c
}

// set shows p, in the bubble's text colour, asking for its picture's thumbnail.
func (c *previewCard) set(p *engine.LinkPreview, textColor color.Color) {
	v, m := c.r.v, c.r.v.m
	c.bg.StrokeColor, c.bg.StrokeWidth = textColor, 1
	c.objs = append(c.objs[:0], c.bg)
	c.img.Image, c.shown = nil, ""
	textX := m.padX
	if path := previewPicture(p); path != "" {
		id := msgID{c.r.msg.Author, c.r.msg.Timestamp}
		key := pictureKey(path, previewPixels)
		var img image.Image
		var ok, done bool
		if v.settling {
			img, ok, done = v.p.thumbs.peek(key)
		} else {
			img, ok, done = v.p.thumbs.get(v.p, key, func() {
				if !v.closed {
					v.refreshShown(id)
				}
			})
		}
		if done && ok {
			c.img.Image, c.shown = img, path
			c.objs = append(c.objs, c.img)
		}
		textX += previewThumb
	}
	textW := (cardWidth - textX - m.padX) * 0.9
	title := p.Title
	if title == "" {
		title = p.URL
	}
	c.title.Text, c.title.Color = visualLine(cutToWidth(title, textW, m.adv)), textColor
	c.host.Text, c.host.Color = cutToWidth(previewHost(p.URL), textW, m.metaAdv), textColor
	c.objs = append(c.objs, c.title, c.host)
	c.layout(textX)
	canvas.Refresh(c)
}

func (c *previewCard) layout(textX float32) {
	m := c.r.v.m
	h := m.previewCardHeight()
	c.bg.Move(fyne.NewPos(0, 0))
	c.bg.Resize(fyne.NewSize(cardWidth, h))
	c.img.Move(fyne.NewPos(m.gap, (h-previewThumb)/2))
	c.img.Resize(fyne.NewSize(previewThumb, previewThumb))
	ty := (h - m.lineH - m.metaH) / 2
	c.title.Move(fyne.NewPos(textX, ty))
	c.title.Resize(fyne.NewSize(cardWidth-textX-m.padX, m.lineH))
	c.host.Move(fyne.NewPos(textX, ty+m.lineH))
	c.host.Resize(fyne.NewSize(cardWidth-textX-m.padX, m.metaH))
}

// Tapped opens the page, through the app's link handling.
func (c *previewCard) Tapped(*fyne.PointEvent) {
	if p := shownPreview(&c.r.msg); p != nil {
		c.r.v.p.openLink(p.URL)
	}
}

// TappedSecondary opens the message's menu, as anywhere else on the bubble.
func (c *previewCard) TappedSecondary(ev *fyne.PointEvent) { c.r.TappedSecondary(ev) }

func (c *previewCard) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return fyne.NewSize(cardWidth, c.r.v.m.previewCardHeight())
}

func (c *previewCard) CreateRenderer() fyne.WidgetRenderer { return &previewCardRenderer{c} }

type previewCardRenderer struct{ c *previewCard }

func (r *previewCardRenderer) Destroy()                     {}
func (r *previewCardRenderer) Layout(fyne.Size)             {}
func (r *previewCardRenderer) MinSize() fyne.Size           { return r.c.MinSize() }
func (r *previewCardRenderer) Objects() []fyne.CanvasObject { return r.c.objs }
func (r *previewCardRenderer) Refresh()                     { canvas.Refresh(r.c) }

var _ fyne.Tappable = (*previewCard)(nil)
