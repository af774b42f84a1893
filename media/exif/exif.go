// Package exif reads the one thing Allium needs from a JPEG's Exif data: the orientation
// a camera recorded, so that a photo taken with the phone on its side is shown upright,
// as every browser and photo viewer (and so Session's clients) shows it.
//
// Only the Orientation tag (0x0112) of the first image file directory is read. Any other
// metadata, and any malformed input, is ignored: a photo whose Exif data cannot be read
// is shown as stored.
package exif

import (
	"bytes"
	"encoding/binary"
	"image"
	"io"
)

// HeadSize is how much of a file's start Orientation needs: the Exif segment (APP1) is at
// most 64 KiB and comes before the picture data.
const HeadSize = 128 << 10

// Orientation values (Exif 2.3, tag 0x0112): how the stored pixels must be turned to be
// upright. Normal is also what a file without the tag is.
const (
	Normal         = 1 // as stored
	FlipH          = 2 // mirrored left to right
	Rotate180      = 3
	FlipV          = 4 // mirrored top to bottom
	Transpose      = 5 // mirrored across the top-left to bottom-right diagonal
	Rotate90       = 6 // turned a quarter clockwise
	Transverse     = 7 // mirrored across the other diagonal
	Rotate270      = 8 // turned a quarter anticlockwise
	orientationTag = 0x0112
)

// Read returns the orientation recorded in the JPEG that r starts with, reading at most
// HeadSize bytes; Normal when there is none or it cannot be read.
func Read(r io.Reader) int {
	head, _ := io.ReadAll(io.LimitReader(r, HeadSize))
	return Orientation(head)
}

// Peek reads the orientation recorded in the JPEG that r starts with, and returns it with
// a reader that yields all of r again, from its first byte: for readers that cannot
// seek, such as the profile's sealed files.
func Peek(r io.Reader) (int, io.Reader) {
	head, _ := io.ReadAll(io.LimitReader(r, HeadSize))
	return Orientation(head), io.MultiReader(bytes.NewReader(head), r)
}

// Orientation returns the orientation recorded in a JPEG's first bytes (HeadSize are
// enough); Normal for anything else.
func Orientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return Normal
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return Normal
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD9 || marker == 0xDA { // end of image, start of scan: no Exif before
			return Normal
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return Normal
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return fromTIFF(seg[6:])
		}
		p += 2 + n
	}
	return Normal
}

// fromTIFF reads the orientation from the TIFF structure inside an Exif segment.
func fromTIFF(t []byte) int {
	if len(t) < 8 {
		return Normal
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return Normal
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return Normal
	}
	count := int64(bo.Uint16(t[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return Normal
		}
		if bo.Uint16(t[e:]) != orientationTag {
			continue
		}
		// SHORT (3), one value, kept in the first two bytes of the value field.
		if bo.Uint16(t[e+2:]) != 3 || bo.Uint32(t[e+4:]) != 1 {
			return Normal
		}
		if o := int(bo.Uint16(t[e+8:])); o >= Normal && o <= Rotate270 {
			return o
		}
		return Normal
	}
	return Normal
}

// Swaps reports whether orientation o turns the picture on its side, so that its width
// and height as shown are its stored height and width.
func Swaps(o int) bool { return o >= Transpose && o <= Rotate270 }

// Apply returns img turned upright as orientation o says; img itself for Normal or an
// unknown value.
func Apply(img image.Image, o int) image.Image {
	if o <= Normal || o > Rotate270 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if Swaps(o) {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	src, fast := img.(*image.RGBA)
	for y := range h {
		for x := range w {
			dx, dy := target(o, x, y, w, h)
			if fast {
				s := src.PixOffset(b.Min.X+x, b.Min.Y+y)
				d := dst.PixOffset(dx, dy)
				copy(dst.Pix[d:d+4], src.Pix[s:s+4])
				continue
			}
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

// target is where the pixel at x, y of a w×h picture goes when it is turned as o says.
func target(o, x, y, w, h int) (int, int) {
	switch o {
	case FlipH:
		return w - 1 - x, y
	case Rotate180:
		return w - 1 - x, h - 1 - y
	case FlipV:
		return x, h - 1 - y
	case Transpose:
		return y, x
	case Rotate90:
		return h - 1 - y, x
	case Transverse:
		return h - 1 - y, w - 1 - x
	case Rotate270:
		return y, w - 1 - x
	}
	return x, y
}
