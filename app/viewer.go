package app

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// viewerPixels is the longest side of the copy the viewer shows: a large screen's worth.
const viewerPixels = 2560

// pictureViewer is a picture opened from its bubble, fitted in a dialog most of the
// window's size, with Save… and Open beside Close.
type pictureViewer struct {
	img    *canvas.Image
	status *widget.Label
	dialog dialog.Dialog
}

// showPicture opens the viewer on a file of a message; the picture is decoded off the
// Fyne goroutine, from the file itself.
func (p *Profile) showPicture(a engine.Attachment) {
	pv := &pictureViewer{img: &canvas.Image{FillMode: canvas.ImageFillContain}, status: label(lang.L("Opening the picture…"))}
	pv.status.Alignment = fyne.TextAlignCenter
	win := p.win.Canvas().Size()
	size := fyne.NewSize(max(320, win.Width*0.85), max(240, win.Height*0.8))
	pv.img.SetMinSize(fyne.NewSize(size.Width-40, size.Height-120))
	save := widget.NewButtonWithIcon(lang.L("Save…"), theme.DocumentSaveIcon(), func() {
		if p.conv != nil {
			p.conv.saveFile(a)
		}
	})
	open := widget.NewButtonWithIcon(lang.L("Open"), theme.FolderOpenIcon(), func() { p.openFile(a) })
	body := container.NewBorder(nil, hbox(save, open), nil, nil, container.NewStack(pv.status, pv.img))
	pv.dialog = newInfo(a.Name, lang.L("Close"), body, p.win)
	pv.dialog.Resize(size)
	p.showDialog(pv.dialog)
	key := pictureKey(a.Path, viewerPixels)
	show := func(img image.Image, ok bool) {
		if !ok {
			pv.status.SetText(lang.L(pictureUnreadable))
			return
		}
		pv.status.Hide()
		pv.img.Image = img
		pv.img.Refresh()
	}
	ready := func() {
		img, ok, _ := p.thumbs.get(p, key, nil)
		show(img, ok)
	}
	if img, ok, done := p.thumbs.get(p, key, ready); done {
		show(img, ok)
	}
}
