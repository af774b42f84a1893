package app

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"allium/app/internal/qr"
	"allium/crypto"
)

// showMyQR shows the account's Session ID as text and as a QR code, with Copy and Save.
func (p *Profile) showMyQR() {
	id := p.me
	q, err := qr.Encode(id)
	if err != nil {
		p.showError(lang.L("Allium could not draw your QR code. Copy your Session ID as text instead."))
		return
	}
	img := canvas.NewImageFromImage(q.Image(256))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(256, 256))
	text := widget.NewLabelWithStyle(id.String(), fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	text.Wrapping = fyne.TextWrapBreak
	text.Selectable = true
	var copyBtn *widget.Button
	copyBtn = widget.NewButton(visualLine(lang.L("Copy Session ID")), func() {
		p.ui.fa.Clipboard().SetContent(id.String())
		copyBtn.SetText(lang.L("Copied"))
	})
	save := widget.NewButton(visualLine(lang.L("Save as PNG…")), func() { p.saveQR(id) })
	info := wrapped(lang.L("People who have your Session ID can write to you. Share it as text, or let them scan or import this QR code."))
	content := column(420, info, container.NewCenter(img), text, container.NewGridWithColumns(2, copyBtn, save))
	d := newInfo(lang.L("My Session ID"), lang.L("Close"), content, p.win)
	p.showDialog(d)
}

// saveQR asks where to save the QR code, then writes it off the Fyne goroutine.
func (p *Profile) saveQR(id crypto.SessionID) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		step(p, func() (struct{}, error) { return struct{}{}, writeQR(w, id) }, func(_ struct{}, err error) {
			if err != nil {
				p.showError(lang.L("Allium could not save the picture there. Choose another folder, or check that the disk is not full."))
			}
		})
	}, p.win)
	d.SetFileName("allium-session-id.png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// writeQR writes the QR code of id as a PNG to w and closes it.
func writeQR(w io.WriteCloser, id crypto.SessionID) error {
	b, err := qr.PNG(id)
	if err == nil {
		_, err = w.Write(b)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// importQR reads a picture of a QR code off the Fyne goroutine and hands the Session ID
// (or a sentence saying what is wrong) to done on the Fyne goroutine.
func (p *Profile) importQR(r io.ReadCloser, done func(crypto.SessionID, error)) {
	step(p, func() (crypto.SessionID, error) {
		defer r.Close()
		return qr.Decode(r)
	}, done)
}
