// Package qr draws a Session ID as a QR code and reads one back from a picture. A
// Session ID in a QR code is its 66 characters as plain text, as Session's apps write and
// read it.
package qr

import (
	"bytes"
	"errors"
	"image"
	_ "image/gif" // pictures of QR codes may come in any of these formats
	_ "image/jpeg"
	_ "image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"

	"allium/crypto"
)

// PNGSize is the side of a saved QR code in pixels: large enough to print or photograph.
const PNGSize = 512

// Encode returns the QR code of a Session ID. Medium error correction survives a
// photograph of a screen and keeps the code small.
func Encode(id crypto.SessionID) (*qrcode.QRCode, error) {
	return qrcode.New(id.String(), qrcode.Medium)
}

// PNG returns the QR code of a Session ID as a PNG image.
func PNG(id crypto.SessionID) ([]byte, error) {
	q, err := Encode(id)
	if err != nil {
		return nil, err
	}
	return q.PNG(PNGSize)
}

// Sentences for pictures that hold no Session ID, in English; the app translates them
// by these errors.
var (
	//lint:ignore ST1005 a sentence shown as it is
	ErrNotPicture = errors.New("This file is not a picture Allium can read. Choose a PNG, JPEG or GIF picture of a QR code.")
	//lint:ignore ST1005 a sentence shown as it is
	ErrNoQR = errors.New("No QR code was found in this picture. Choose a sharper picture in which the whole code is visible.")
	//lint:ignore ST1005 a sentence shown as it is
	ErrNotSessionID = errors.New("This QR code does not hold a Session ID.")
)

// NotSessionIDError is a QR code whose text is not a Session ID; Reason says why.
type NotSessionIDError struct {
	Reason *crypto.SessionIDError
}

func (e *NotSessionIDError) Error() string { return ErrNotSessionID.Error() + " " + e.Reason.Reason }

func (e *NotSessionIDError) Unwrap() error { return ErrNotSessionID }

// maxPixels bounds the pictures Decode reads: a photograph from a phone is a few
// tens of megapixels at most, and a file that claims more would only exhaust the memory.
const maxPixels = 50_000_000

// Decode reads the Session ID in a picture of a QR code. Its errors are sentences for
// people.
func Decode(r io.Reader) (crypto.SessionID, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return crypto.SessionID{}, ErrNotPicture
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return crypto.SessionID{}, ErrNotPicture
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return crypto.SessionID{}, ErrNotPicture
	}
	text, ok := scan(img)
	if !ok {
		return crypto.SessionID{}, ErrNoQR
	}
	id, err := crypto.ParseSessionID(text)
	if err != nil {
		var ie *crypto.SessionIDError
		if errors.As(err, &ie) {
			return id, &NotSessionIDError{Reason: ie}
		}
		return id, ErrNotSessionID
	}
	return id, nil
}

// scan finds a QR code in img and returns its text. The decoder is a port of a large
// Java library; a picture that trips it up counts as one without a code. Photographs need
// the decoder's search for the code; a clean saved code is read best as a "pure" one (the
// search misreads the finder patterns of a small share of them), so both are tried.
func scan(img image.Image) (text string, ok bool) {
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
