package app

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// The files of a message, in its bubble above its caption: a picture that is here as a
// thumbnail, which opens the viewer (viewer.go) when tapped; any other file, and a
// picture not fetched yet, as a card with its name, size, where it is and what can be
// done with it (Save…, Open, Download, Try again).

// attBlock is how one file of a message is laid out. It is worked out with the row's
// height when the row is made, so that the list knows every height before drawing.
type attBlock struct {
	index   int
	picture bool
	voice   bool // shown as a player (voicecard.go)
	w, h    float32
	name    string   // a card's file name, cut to fit
	detail  string   // a card's size, and whether it is on its way
	note    []string // the lines of a sentence under a card
	actions []attAction
}

// attAction is a button of a card.
type attAction uint8

const (
	actSave attAction = iota + 1
	actOpen
	actDownload
	actRetry
)

const (
	// pictureBox is the largest a picture is shown in a bubble, in points; its copy is
	// made at twice that, for screens with more pixels per point.
	pictureBox    = 260
	picturePixels = 2 * pictureBox
	minPicture    = 48
	cardWidth     = 300
	cardIcon      = 32
)

// showsPicture reports whether a file is shown as a picture: a picture whose file is
// here. Whether it really is one is found when it is decoded.
func showsPicture(a engine.Attachment) bool {
	if a.Path == "" || a.Voice {
		return false
	}
	switch a.State {
	case engine.AttachmentUploading, engine.AttachmentSent, engine.AttachmentHere:
	default:
		return false
	}
	switch strings.ToLower(a.ContentType) {
	case "image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp":
		return true
	}
	return false
}

// pictureFrame is the size a picture is shown at: its own proportions, as its sender
// gave them, fitted in pictureBox. What the sender says only shapes the frame; the
// picture is fitted inside it as it really is.
func pictureFrame(a engine.Attachment) (float32, float32) {
	if a.Width <= 0 || a.Height <= 0 {
		return pictureBox, pictureBox * 3 / 4
	}
	w, h := fitInside(float32(a.Width), float32(a.Height), pictureBox, pictureBox)
	return max(w, minPicture), max(h, minPicture)
}

// attachmentBlocks lays out the files of a message.
func (v *conversationView) attachmentBlocks(m *engine.Message) []attBlock {
	if len(m.Attachments) == 0 {
		return nil
	}
	mt := v.m
	out := make([]attBlock, len(m.Attachments))
	for i, a := range m.Attachments {
		b := attBlock{index: i}
		if showsPicture(a) {
			b.picture = true
			b.w, b.h = pictureFrame(a)
			if a.State == engine.AttachmentUploading {
				b.detail = v.withProgress(lang.L(fileUploading), m, i)
				b.h += mt.gap + mt.metaH
			}
			out[i] = b
			continue
		}
		b.w = min(cardWidth, mt.maxText)
		if showsVoice(a) {
			b.voice = true
			b.h = mt.voiceHeight()
			if a.State == engine.AttachmentUploading {
				b.detail = v.withProgress(lang.L(fileUploading), m, i)
			}
			out[i] = b
			continue
		}
		// Bold letters are a little wider than the measured ones.
		// A file's name is shown as the person who named it wrote it (visualLine).
		b.name = visualLine(cutToWidth(a.Name, (b.w-cardIcon-mt.padX)*0.9, mt.adv))
		var note string
		b.detail, note, b.actions = cardState(a, m.Author == v.p.me, v.conv.Approved)
		if a.State == engine.AttachmentUploading || a.State == engine.AttachmentDownloading {
			b.detail = v.withProgress(b.detail, m, i)
		}
		if note != "" {
			b.note, _ = shownLines(wrapSpans(note, b.w, mt.metaAdv))
		}
		b.h = mt.cardHeight(len(b.note), len(b.actions) > 0)
		out[i] = b
	}
	return out
}

// cardHeight is the height of a card with n lines of note, and a row of buttons if
// buttons.
func (m bubbleMetrics) cardHeight(n int, buttons bool) float32 {
	h := max(cardIcon, m.lineH+m.metaH)
	if n > 0 {
		h += m.gap + float32(n)*m.metaH
	}
	if buttons {
		h += m.gap + m.retryH
	}
	return h
}

// attachmentsHeight is the height the files of a message add to its bubble.
func attachmentsHeight(bs []attBlock, gap float32) float32 {
	h := float32(0)
	for _, b := range bs {
		h += b.h + gap
	}
	return h
}

// cardState words where a file is and what can be done with it: the line under its
// name, a sentence under that, and its buttons.
func cardState(a engine.Attachment, mine, approved bool) (detail, note string, actions []attAction) {
	size := sizeText(a.Size)
	switch a.State {
	case engine.AttachmentUploading:
		return size + " · " + lang.L(fileUploading), "", nil
	case engine.AttachmentDownloading:
		return size + " · " + lang.L(fileDownloading), "", nil
	case engine.AttachmentOffered:
		if !approved {
			return size, lang.L(fileFromStranger), []attAction{actDownload}
		}
		return size, lang.L(fileNotFetched), []attAction{actDownload}
	case engine.AttachmentExpired:
		return size, lang.L(fileExpired), nil
	case engine.AttachmentSent, engine.AttachmentHere:
		if a.Path != "" {
			return size, "", []attAction{actSave, actOpen}
		}
	}
	if mine {
		return size, "", nil
	}
	return size, lang.L(fileFailed), []attAction{actRetry}
}

// cutToWidth shortens text with an ellipsis so that it fits width.
func cutToWidth(text string, width float32, a *advances) string {
	if a.width(text) <= width {
		return text
	}
	runes := []rune(text)
	for len(runes) > 1 && a.width(string(runes)+"…") > width {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}

// pictureView is a picture in a bubble: its thumbnail once made, and whether it is
// still being uploaded.
type pictureView struct {
	widget.BaseWidget
	r     *msgRow
	index int
	block attBlock

	bg     *canvas.Rectangle
	img    *canvas.Image
	status *canvas.Text
	texts  []*canvas.Text // the sentence shown instead of a file that is no picture
	objs   []fyne.CanvasObject
	// shown is the file whose thumbnail is drawn, so that a recycled row never shows
	// the picture of another message.
	shown string
}

func newPictureView(r *msgRow) *pictureView {
	pv := &pictureView{r: r, bg: canvas.NewRectangle(color.Transparent), img: &canvas.Image{FillMode: canvas.ImageFillContain},
		status: canvas.NewText("", color.Black)}
	pv.status.TextSize = r.v.m.metaSize
	pv.ExtendBaseWidget(pv)
	return pv
}

// set shows file b.index of the row's message, asking for its thumbnail.
func (pv *pictureView) set(b attBlock, textColor color.Color) {
	pv.index, pv.block = b.index, b
	r, v := pv.r, pv.r.v
	a := r.msg.Attachments[b.index]
	pv.bg.FillColor = theme.Color(theme.ColorNameBackground)
	pv.bg.CornerRadius = 6
	pv.status.Text, pv.status.Color = visualLine(b.detail), textColor
	pv.objs = append(pv.objs[:0], pv.bg)
	id := msgID{r.msg.Author, r.msg.Timestamp}
	key := pictureKey(a.Path, picturePixels)
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
	pv.img.Image = nil
	pv.shown = ""
	switch {
	case done && ok:
		pv.img.Image, pv.shown = img, a.Path
		pv.objs = append(pv.objs, pv.img)
	case done:
		lines, _ := shownLines(wrapSpans(lang.L(pictureUnreadable), b.w-2*v.m.padX, v.m.metaAdv))
		for len(pv.texts) < len(lines) {
			t := canvas.NewText("", textColor)
			t.TextSize = v.m.metaSize
			pv.texts = append(pv.texts, t)
		}
		for i, l := range lines {
			t := pv.texts[i]
			t.Text, t.Color = l, theme.Color(theme.ColorNameForeground)
			pv.objs = append(pv.objs, t)
		}
	}
	if b.detail != "" {
		pv.objs = append(pv.objs, pv.status)
	}
	pv.layout()
	pv.img.Refresh()
	canvas.Refresh(pv)
}

func (pv *pictureView) layout() {
	m := pv.r.v.m
	boxH := pv.block.h
	if pv.block.detail != "" {
		boxH -= m.gap + m.metaH
	}
	box := fyne.NewSize(pv.block.w, boxH)
	pv.bg.Move(fyne.Position{})
	pv.bg.Resize(box)
	pv.img.Move(fyne.Position{})
	pv.img.Resize(box)
	y := m.padY
	for _, o := range pv.objs {
		if t, ok := o.(*canvas.Text); ok && t != pv.status {
			t.Move(fyne.NewPos(m.padX, y))
			t.Resize(fyne.NewSize(box.Width-2*m.padX, m.metaH))
			y += m.metaH
		}
	}
	pv.status.Move(fyne.NewPos(0, boxH+m.gap))
	pv.status.Resize(fyne.NewSize(box.Width, m.metaH))
}

// Tapped opens the picture in the viewer.
func (pv *pictureView) Tapped(*fyne.PointEvent) {
	if pv.index < len(pv.r.msg.Attachments) {
		pv.r.v.p.showPicture(pv.r.msg.Attachments[pv.index])
	}
}

// TappedSecondary opens the message's menu, as anywhere else on the bubble.
func (pv *pictureView) TappedSecondary(ev *fyne.PointEvent) { pv.r.TappedSecondary(ev) }

func (pv *pictureView) MinSize() fyne.Size {
	pv.ExtendBaseWidget(pv)
	return fyne.NewSize(pv.block.w, pv.block.h)
}

func (pv *pictureView) CreateRenderer() fyne.WidgetRenderer { return &pictureRenderer{pv} }

type pictureRenderer struct{ pv *pictureView }

func (pr *pictureRenderer) Destroy()                     {}
func (pr *pictureRenderer) Objects() []fyne.CanvasObject { return pr.pv.objs }
func (pr *pictureRenderer) MinSize() fyne.Size           { return pr.pv.MinSize() }
func (pr *pictureRenderer) Layout(fyne.Size)             { pr.pv.layout() }
func (pr *pictureRenderer) Refresh()                     { pr.pv.layout(); canvas.Refresh(pr.pv) }

// fileCard is a file in a bubble that is not shown as a picture.
type fileCard struct {
	widget.BaseWidget
	r     *msgRow
	index int
	block attBlock

	icon                        *widget.Icon
	name, detail                *canvas.Text
	note                        []*canvas.Text
	save, open, download, retry *widget.Button
	objs                        []fyne.CanvasObject
}

func newFileCard(r *msgRow) *fileCard {
	c := &fileCard{r: r, icon: widget.NewIcon(theme.FileIcon()),
		name: canvas.NewText("", color.Black), detail: canvas.NewText("", color.Black)}
	c.name.TextStyle.Bold = true
	c.name.TextSize = r.v.m.textSize
	c.detail.TextSize = r.v.m.metaSize
	file := func() (engine.Message, int) { return c.r.msg, c.index }
	c.save = widget.NewButtonWithIcon(lang.L("Save…"), theme.DocumentSaveIcon(), func() { m, i := file(); r.v.saveFile(m.Attachments[i]) })
	c.open = widget.NewButtonWithIcon(lang.L("Open"), theme.FolderOpenIcon(), func() { m, i := file(); r.v.p.openFile(m.Attachments[i]) })
	c.download = widget.NewButtonWithIcon(lang.L("Download"), theme.DownloadIcon(), func() { m, i := file(); r.v.download(m, i) })
	c.download.Importance = widget.HighImportance
	c.retry = widget.NewButtonWithIcon(lang.L("Try again"), theme.ViewRefreshIcon(), func() { m, i := file(); r.v.download(m, i) })
	c.ExtendBaseWidget(c)
	return c
}

// set shows file b.index of the row's message.
func (c *fileCard) set(b attBlock, textColor color.Color) {
	c.index, c.block = b.index, b
	a := c.r.msg.Attachments[b.index]
	switch {
	case strings.HasPrefix(a.ContentType, "image/"):
		c.icon.SetResource(theme.FileImageIcon())
	case strings.HasPrefix(a.ContentType, "audio/") || a.Voice:
		c.icon.SetResource(theme.FileAudioIcon())
	case strings.HasPrefix(a.ContentType, "video/"):
		c.icon.SetResource(theme.FileVideoIcon())
	default:
		c.icon.SetResource(theme.FileIcon())
	}
	c.name.Text, c.name.Color = b.name, textColor
	c.detail.Text, c.detail.Color = visualLine(b.detail), textColor
	c.objs = append(c.objs[:0], c.icon, c.name, c.detail)
	for len(c.note) < len(b.note) {
		t := canvas.NewText("", textColor)
		t.TextSize = c.r.v.m.metaSize
		c.note = append(c.note, t)
	}
	for i, l := range b.note {
		c.note[i].Text, c.note[i].Color = l, textColor
		c.objs = append(c.objs, c.note[i])
	}
	for _, act := range b.actions {
		c.objs = append(c.objs, c.button(act))
	}
	c.layout()
	canvas.Refresh(c)
}

func (c *fileCard) button(act attAction) *widget.Button {
	switch act {
	case actSave:
		return c.save
	case actOpen:
		return c.open
	case actDownload:
		return c.download
	}
	return c.retry
}

func (c *fileCard) layout() {
	m := c.r.v.m
	top := max(cardIcon, m.lineH+m.metaH)
	c.icon.Move(fyne.NewPos(0, (top-cardIcon)/2))
	c.icon.Resize(fyne.NewSize(cardIcon, cardIcon))
	tx := float32(cardIcon) + m.padX
	ty := (top - m.lineH - m.metaH) / 2
	c.name.Move(fyne.NewPos(tx, ty))
	c.name.Resize(fyne.NewSize(c.block.w-tx, m.lineH))
	c.detail.Move(fyne.NewPos(tx, ty+m.lineH))
	c.detail.Resize(fyne.NewSize(c.block.w-tx, m.metaH))
	y := top
	if len(c.block.note) > 0 {
		y += m.gap
		for i := range c.block.note {
			c.note[i].Move(fyne.NewPos(0, y))
			c.note[i].Resize(fyne.NewSize(c.block.w, m.metaH))
			y += m.metaH
		}
	}
	x := float32(0)
	for _, act := range c.block.actions {
		b := c.button(act)
		s := b.MinSize()
		b.Move(fyne.NewPos(x, y+m.gap))
		b.Resize(fyne.NewSize(s.Width, m.retryH))
		x += s.Width + m.gap
	}
}

// TappedSecondary opens the message's menu, as anywhere else on the bubble.
func (c *fileCard) TappedSecondary(ev *fyne.PointEvent) { c.r.TappedSecondary(ev) }

func (c *fileCard) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return fyne.NewSize(c.block.w, c.block.h)
}

func (c *fileCard) CreateRenderer() fyne.WidgetRenderer { return &cardRenderer{c} }

type cardRenderer struct{ c *fileCard }

func (cr *cardRenderer) Destroy()                     {}
func (cr *cardRenderer) Objects() []fyne.CanvasObject { return cr.c.objs }
func (cr *cardRenderer) MinSize() fyne.Size           { return cr.c.MinSize() }
func (cr *cardRenderer) Layout(fyne.Size)             { cr.c.layout() }
func (cr *cardRenderer) Refresh()                     { cr.c.layout(); canvas.Refresh(cr.c) }

// setAttachments shows where the files of a message are now.
func (v *conversationView) setAttachments(author crypto.SessionID, ts int64, atts []engine.Attachment) {
	if i := v.find(author, ts); i >= 0 {
		v.msgs[i].Attachments = atts
		for j, a := range atts {
			if a.State != engine.AttachmentUploading && a.State != engine.AttachmentDownloading {
				delete(v.progress, fileID{msgID{author, ts}, j})
			}
		}
		v.refreshMsg(i)
	}
}

// fileID names one file of a message of the conversation.
type fileID struct {
	msg   msgID
	index int
}

// setProgress shows how far a file's upload or download has come, in whole percent.
func (v *conversationView) setProgress(p engine.FileProgress) {
	if p.Total <= 0 {
		return
	}
	i := v.find(p.Author, p.Timestamp)
	if i < 0 || p.Index >= len(v.msgs[i].Attachments) {
		return
	}
	switch v.msgs[i].Attachments[p.Index].State {
	case engine.AttachmentUploading, engine.AttachmentDownloading:
	default:
		return // a late report of a file that has moved on
	}
	pct := int(min(100, 100*p.Done/p.Total))
	id := fileID{msgID{p.Author, p.Timestamp}, p.Index}
	if old, ok := v.progress[id]; ok && old == pct {
		return
	}
	if v.progress == nil {
		v.progress = make(map[fileID]int)
	}
	v.progress[id] = pct
	v.refreshMsg(i)
}

// withProgress adds to what a file's card says how far its transfer has come, once the
// engine has said.
func (v *conversationView) withProgress(detail string, m *engine.Message, index int) string {
	if pct, ok := v.progress[fileID{msgID{m.Author, m.Timestamp}, index}]; ok {
		return lang.L("{{.Detail}} {{.Percent}}%", map[string]any{"Detail": detail, "Percent": num(pct)})
	}
	return detail
}

// refreshShown redraws a message's row, if it is shown, without measuring it again: its
// picture is ready.
func (v *conversationView) refreshShown(id msgID) {
	i := v.find(id.author, id.ts)
	for r := len(v.rows) - 1; i >= 0 && r >= 0; r-- {
		if v.rows[r].msg == i {
			v.list.RefreshItem(r)
			return
		}
	}
}

// download fetches file i of a message now.
func (v *conversationView) download(m engine.Message, i int) {
	v.p.call(func(e *engine.Engine) error { return e.Download(m.Conversation, m.Author, m.Timestamp, i) },
		lang.L("Allium could not start the download. Try again in a moment."))
}

// saveFile asks where to save a copy of a file, and copies it there off the Fyne
// goroutine.
func (v *conversationView) saveFile(a engine.Attachment) {
	p, src := v.p, a.Path
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.showError(lang.L("Allium could not save the file there. Choose another folder and try again."))
			return
		}
		if w == nil {
			return // cancelled
		}
		background(p, func(*engine.Engine) (struct{}, error) { return struct{}{}, copyTo(w, src) },
			func(_ struct{}, err error) {
				if err != nil {
					p.showError(lang.L("Allium could not save the file there. Check that the disk is not full and that you can write to that folder, then try again."))
				}
			})
	}, p.win)
	d.SetFileName(a.Name)
	p.showDialog(d)
}

// copyTo copies the file at src to w and closes w. It reads and writes the disk: call
// it off the Fyne goroutine.
func copyTo(w io.WriteCloser, src string) error {
	in, err := engine.OpenFile(src)
	if err != nil {
		w.Close()
		return err
	}
	defer in.Close()
	_, err = io.Copy(w, in)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// openFile opens a file with the program the computer uses for its kind. The first
// time, the person is told what that means, as for links.
func (p *Profile) openFile(a engine.Attachment) {
	if p.prefs.FilesAllowed {
		p.launch(a.Path, a.Name)
		return
	}
	msg := wrapped(fmt.Sprintf(lang.L("Allium will open %s with the program your computer uses for this kind of file. Opening a file sends nothing over the internet by itself, but some files, such as documents and web pages, can make that program go online, and then whoever made the file could learn your computer's internet address. Allium will not ask again."), a.Name))
	path, name := a.Path, a.Name
	p.showDialog(newConfirm(lang.L("Open this file?"), lang.L("Open"), lang.L("Cancel"), column(380, msg), func(ok bool) {
		if !ok {
			return
		}
		p.prefs.FilesAllowed = true
		p.savePrefs(nil)
		p.launch(path, name)
	}, p.win))
}

// launch opens a decrypted copy of the profile's file at path, named name, with the
// program the computer uses for its kind (the copy is removed when Allium quits).
func (p *Profile) launch(path, name string) {
	step(p, func() (string, error) { return plainCopyForOpening(path, name) }, func(plainPath string, err error) {
		if err != nil {
			p.showError(lang.L("Allium could not open the file: it could not be read. Save it, then open it from the folder you saved it in."))
			return
		}
		p.launchPlain(plainPath)
	})
}

func (p *Profile) launchPlain(path string) {
	if err := p.ui.fa.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
		p.showError(lang.L("Allium could not open the file: no program answered. Save it, then open it from the folder you saved it in."))
	}
}
