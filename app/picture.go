package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // the formats a profile picture may come in, as the engine accepts them
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"

	"golang.org/x/image/draw"

	"allium/engine"
	"allium/media/exif"
)

// Profile pictures: the one a person chooses for themselves is cropped to its centre
// square and scaled down before the engine uploads it (Session's apps do the same, and
// contacts then fetch a small file); contacts' pictures are decoded off the Fyne
// goroutine, scaled to the size they are drawn at, clipped to the avatar's circle and
// kept in memory by file.

// ownPictureSize is the side, in pixels, of the picture we upload: as sharp as any
// avatar Allium or Session draws, and a file of some tens of kilobytes.
const ownPictureSize = 512

// Limits on what is decoded. A small compressed file can decode to gigabytes of pixels,
// and contacts' pictures come from other people: their bound is tight (Session scales
// pictures to 640 pixels before uploading). A picture of our own may be a photo
// straight from a camera.
const (
	maxOwnPixels     = 60_000_000
	maxOwnFileBytes  = 100 << 20
	maxContactPixels = 16_000_000
)

// errPictureTooBig is a picture with more pixels (or a file with more bytes) than
// Allium decodes.
var errPictureTooBig = errors.New("app: picture too big to decode")

// pictureReadError is a chosen file that could not be opened or read at all.
type pictureReadError struct{ err error }

func (e *pictureReadError) Error() string { return "app: read picture: " + e.err.Error() }
func (e *pictureReadError) Unwrap() error { return e.err }

// decodePicture reads the picture in a file of at most maxBytes bytes (see
// parsePicture).
func decodePicture(path string, maxPixels, maxBytes int64) (image.Image, error) {
	f, err := engine.OpenFile(path) // a file of the profile is sealed; one chosen is not
	if err != nil {
		return nil, &pictureReadError{err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, &pictureReadError{err}
	}
	if int64(len(data)) > maxBytes {
		return nil, errPictureTooBig
	}
	return parsePicture(data, maxPixels)
}

// parsePicture decodes a JPEG, PNG or GIF (its first frame) of at most maxPixels
// pixels; anything else is engine.ErrNotPicture. The size is read from the header
// first, so that a picture too big is refused before its pixels take any memory.
func parsePicture(data []byte, maxPixels int64) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, engine.ErrNotPicture
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, engine.ErrNotPicture
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, errPictureTooBig
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, engine.ErrNotPicture
	}
	return exif.Apply(img, exif.Orientation(data)), nil
}

// centreSquare is the largest square in the middle of r.
func centreSquare(r image.Rectangle) image.Rectangle {
	side := min(r.Dx(), r.Dy())
	x := r.Min.X + (r.Dx()-side)/2
	y := r.Min.Y + (r.Dy()-side)/2
	return image.Rect(x, y, x+side, y+side)
}

// squarePicture crops img to its centre square and scales that to side pixels, or
// leaves it at its own size if it is smaller: enlarging adds nothing but bytes.
func squarePicture(img image.Image, side int) *image.NRGBA {
	src := centreSquare(img.Bounds())
	side = min(side, src.Dx())
	dst := image.NewNRGBA(image.Rect(0, 0, side, side))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	return dst
}

// encodePicture encodes a square picture for upload: a JPEG, unless it has
// transparent parts, which a JPEG would paint black; then a PNG. It returns the file's
// extension too.
func encodePicture(img *image.NRGBA) ([]byte, string, error) {
	var b bytes.Buffer
	if img.Opaque() {
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
			return nil, "", fmt.Errorf("app: encode picture: %w", err)
		}
		return b.Bytes(), ".jpg", nil
	}
	if err := png.Encode(&b, img); err != nil {
		return nil, "", fmt.Errorf("app: encode picture: %w", err)
	}
	return b.Bytes(), ".png", nil
}

// preparePicture makes the file we upload from the picture a person chose: its centre
// square, at most ownPictureSize pixels wide, in a new temporary file (readable only by
// us) that the caller removes once the engine has copied it.
func preparePicture(path string) (string, error) {
	img, err := decodePicture(path, maxOwnPixels, maxOwnFileBytes)
	if err != nil {
		return "", err
	}
	data, ext, err := encodePicture(squarePicture(img, ownPictureSize))
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "allium-picture-*"+ext)
	if err != nil {
		return "", fmt.Errorf("app: picture: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("app: picture: %w", err)
	}
	return f.Name(), nil
}

// roundPicture is the picture at path as an avatar draws it: its centre square scaled
// to side pixels, outside the inscribed circle transparent (with a soft edge, as the
// placeholder's circle has).
func roundPicture(path string, side int) (image.Image, error) {
	img, err := decodePicture(path, maxContactPixels, engine.MaxAvatarSize)
	if err != nil {
		return nil, err
	}
	sq := squarePicture(img, side)
	n := sq.Bounds().Dx()
	mask := image.NewAlpha(sq.Bounds())
	r := float64(n) / 2
	for y := range n {
		for x := range n {
			d := math.Hypot(float64(x)+0.5-r, float64(y)+0.5-r)
			// The pixel's share inside the circle, over a one-pixel ramp at the edge.
			cover := math.Max(0, math.Min(1, r-d+0.5))
			mask.SetAlpha(x, y, color.Alpha{A: uint8(math.Round(cover * 255))})
		}
	}
	out := image.NewNRGBA(sq.Bounds())
	draw.DrawMask(out, out.Bounds(), sq, image.Point{}, mask, image.Point{}, draw.Src)
	return out, nil
}

// avatarKey names a decoded avatar picture: its file, at a size.
type avatarKey struct {
	path string
	side int
}

// maxPictures bounds the decoded pictures kept: a few kilobytes each, and a picture
// no longer used (a contact's old one) is dropped when the bound is reached.
const maxPictures = 512

// pictureCache keeps contacts' pictures decoded, so that the list's rows, which Fyne
// reuses as it scrolls, draw them at once. The engine gives every picture a file of its
// own, never rewritten, so a file's path names its picture. Fyne goroutine only.
type pictureCache struct {
	done    map[avatarKey]image.Image // nil: the file could not be read as a picture
	waiting map[avatarKey][]func(image.Image)
}

// picture hands then the picture at path, round and side pixels wide, or nil if it is
// not one: at once if it is decoded already, otherwise (on the Fyne goroutine) once a
// background goroutine has decoded it. A picture asked for twice is decoded once.
func (u *UI) picture(path string, side int, then func(image.Image)) {
	c := &u.pictures
	k := avatarKey{path, side}
	if img, ok := c.done[k]; ok {
		then(img)
		return
	}
	if w, ok := c.waiting[k]; ok {
		c.waiting[k] = append(w, then)
		return
	}
	if c.waiting == nil {
		c.waiting = map[avatarKey][]func(image.Image){}
	}
	c.waiting[k] = []func(image.Image){then}
	spawn(u, nil, func() (image.Image, error) { return roundPicture(path, side) }, func(img image.Image, err error) {
		if err != nil {
			img = nil
		}
		if c.done == nil || len(c.done) >= maxPictures {
			c.done = map[avatarKey]image.Image{}
		}
		c.done[k] = img
		w := c.waiting[k]
		delete(c.waiting, k)
		for _, fn := range w {
			fn(img)
		}
	})
}
