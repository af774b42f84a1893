package app

import (
	"bytes"
	"errors"
	"image"
	_ "image/gif" // pictures of QR codes may come in any of these formats
	_ "image/jpeg"
	_ "image/png"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"

	"allium/crypto"
)

// A Session ID in a QR code is its 66 characters as plain text, as Session's apps write
// and read it.

// qrPNGSize is the side of a saved QR code in pixels: large enough to print or photograph.
const qrPNGSize = 512

// encodeQR returns the QR code of a Session ID. Medium error correction survives a
// photograph of a screen and keeps the code small.
func encodeQR(id crypto.SessionID) (*qrcode.QRCode, error) {
	return qrcode.New(id.String(), qrcode.Medium)
}

// qrPNG returns the QR code of a Session ID as a PNG image.
func qrPNG(id crypto.SessionID) ([]byte, error) {
	q, err := encodeQR(id)
	if err != nil {
		return nil, err
	}
	return q.PNG(qrPNGSize)
}

// Sentences for pictures that hold no Session ID.
var (
	errNotPicture = errors.New("This file is not a picture Allium can read. Choose a PNG, JPEG or GIF picture of a QR code.")
	errNoQR       = errors.New("No QR code was found in this picture. Choose a sharper picture in which the whole code is visible.")
)

// maxQRPixels bounds the pictures decodeQR reads: a photograph from a phone is a few
// tens of megapixels at most, and a file that claims more would only exhaust the memory.
const maxQRPixels = 50_000_000

// decodeQR reads the Session ID in a picture of a QR code. Its errors are sentences for
// people.
func decodeQR(r io.Reader) (crypto.SessionID, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return crypto.SessionID{}, errNotPicture
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxQRPixels {
		return crypto.SessionID{}, errNotPicture
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return crypto.SessionID{}, errNotPicture
	}
	text, ok := scanQR(img)
	if !ok {
		return crypto.SessionID{}, errNoQR
	}
	id, err := crypto.ParseSessionID(text)
	if err != nil {
		var ie *crypto.SessionIDError
		if errors.As(err, &ie) {
			return id, errors.New("This QR code does not hold a Session ID. " + ie.Reason)
		}
		return id, errors.New("This QR code does not hold a Session ID.")
	}
	return id, nil
}

// scanQR finds a QR code in img and returns its text. The decoder is a port of a large
// Java library; a picture that trips it up counts as one without a code. Photographs need
// the decoder's search for the code; a clean saved code is read best as a "pure" one (the
// search misreads the finder patterns of a small share of them), so both are tried.
func scanQR(img image.Image) (text string, ok bool) {
	defer func() {
		if recover() != nil {
			text, ok = "", false
		}
	}()
	for _, hints := range []map[gozxing.DecodeHintType]any{
		{gozxing.DecodeHintType_TRY_HARDER: true},
		{gozxing.DecodeHintType_PURE_BARCODE: true},
	} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			return "", false
		}
		if res, err := zxqr.NewQRCodeReader().Decode(bmp, hints); err == nil {
			return res.GetText(), true
		}
	}
	return "", false
}

// showMyQR shows the account's Session ID as text and as a QR code, with Copy and Save.
func (p *Profile) showMyQR() {
	id := p.me
	q, err := encodeQR(id)
	if err != nil {
		p.showError("Allium could not draw your QR code. Copy your Session ID as text instead.")
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
	copyBtn = widget.NewButton("Copy Session ID", func() {
		p.ui.fa.Clipboard().SetContent(id.String())
		copyBtn.SetText("Copied")
	})
	save := widget.NewButton("Save as PNG…", func() { p.saveQR(id) })
	info := wrapped("People who have your Session ID can write to you. Share it as text, or let them scan or import this QR code.")
	content := column(420, info, container.NewCenter(img), text, container.NewGridWithColumns(2, copyBtn, save))
	d := dialog.NewCustom("My Session ID", "Close", content, p.win)
	p.showDialog(d)
}

// saveQR asks where to save the QR code, then writes it off the Fyne goroutine.
func (p *Profile) saveQR(id crypto.SessionID) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		go func() {
			err := writeQR(w, id)
			if err != nil {
				p.ui.do(func() {
					p.showError("Allium could not save the picture there. Choose another folder, or check that the disk is not full.")
				})
			}
		}()
	}, p.win)
	d.SetFileName("allium-session-id.png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// writeQR writes the QR code of id as a PNG to w and closes it.
func writeQR(w io.WriteCloser, id crypto.SessionID) error {
	b, err := qrPNG(id)
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
	go func() {
		defer r.Close()
		id, err := decodeQR(r)
		p.ui.do(func() { done(id, err) })
	}()
}
