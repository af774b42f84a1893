package exif

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// tiff builds the TIFF part of an Exif segment with the given entries in IFD0.
func tiff(bo binary.ByteOrder, entries [][12]byte) []byte {
	var b bytes.Buffer
	if bo == binary.LittleEndian {
		b.WriteString("II*\x00")
	} else {
		b.WriteString("MM\x00*")
	}
	binary.Write(&b, bo, uint32(8))
	binary.Write(&b, bo, uint16(len(entries)))
	for _, e := range entries {
		b.Write(e[:])
	}
	binary.Write(&b, bo, uint32(0)) // no next IFD
	return b.Bytes()
}

func entry(bo binary.ByteOrder, tag, typ uint16, count uint32, value uint16) [12]byte {
	var e [12]byte
	bo.PutUint16(e[0:], tag)
	bo.PutUint16(e[2:], typ)
	bo.PutUint32(e[4:], count)
	bo.PutUint16(e[8:], value)
	return e
}

// jpegWith wraps an Exif segment's TIFF data (nil: no Exif segment) in a real JPEG.
func jpegWith(t *testing.T, tiffData []byte) []byte {
	t.Helper()
	var pic bytes.Buffer
	if err := jpeg.Encode(&pic, image.NewGray(image.Rect(0, 0, 4, 2)), nil); err != nil {
		t.Fatal(err)
	}
	if tiffData == nil {
		return pic.Bytes()
	}
	raw := pic.Bytes()
	seg := append([]byte("Exif\x00\x00"), tiffData...)
	var out bytes.Buffer
	out.Write(raw[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(raw[2:])
	return out.Bytes()
}

func TestOrientation(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	other := entry(le, 0x010F, 2, 4, 0) // Make, before Orientation
	cases := []struct {
		name string
		data []byte
		want int
	}{
		{"no exif", jpegWith(t, nil), Normal},
		{"little endian 6", jpegWith(t, tiff(le, [][12]byte{other, entry(le, orientationTag, 3, 1, 6)})), Rotate90},
		{"big endian 8", jpegWith(t, tiff(be, [][12]byte{entry(be, orientationTag, 3, 1, 8)})), Rotate270},
		{"big endian 3", jpegWith(t, tiff(be, [][12]byte{entry(be, orientationTag, 3, 1, 3)})), Rotate180},
		{"mirrored 2", jpegWith(t, tiff(le, [][12]byte{entry(le, orientationTag, 3, 1, 2)})), FlipH},
		{"out of range 9", jpegWith(t, tiff(le, [][12]byte{entry(le, orientationTag, 3, 1, 9)})), Normal},
		{"zero", jpegWith(t, tiff(le, [][12]byte{entry(le, orientationTag, 3, 1, 0)})), Normal},
		{"wrong type", jpegWith(t, tiff(le, [][12]byte{entry(le, orientationTag, 4, 1, 6)})), Normal},
		{"two values", jpegWith(t, tiff(le, [][12]byte{entry(le, orientationTag, 3, 2, 6)})), Normal},
		{"no orientation tag", jpegWith(t, tiff(le, [][12]byte{other})), Normal},
		{"bad byte order", jpegWith(t, []byte("XX*\x00\x08\x00\x00\x00\x00\x00")), Normal},
		{"ifd past the end", jpegWith(t, []byte("II*\x00\xff\x00\x00\x00")), Normal},
		{"ifd count past the end", jpegWith(t, []byte("II*\x00\x08\x00\x00\x00\x09\x00")), Normal},
		{"png", []byte("\x89PNG\r\n\x1a\n"), Normal},
		{"empty", nil, Normal},
		{"segment longer than the file", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E'}, Normal},
		{"segment length below 2", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0, 0}, Normal},
		{"garbage after SOI", []byte{0xFF, 0xD8, 0x12, 0x34, 0x56, 0x78}, Normal},
	}
	for _, c := range cases {
		if got := Orientation(c.data); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
		if got := Read(bytes.NewReader(c.data)); got != c.want {
			t.Errorf("%s (Read): %d, want %d", c.name, got, c.want)
		}
	}
	// The JPEG with an Exif segment still decodes: the test data is a real file.
	if _, err := jpeg.Decode(bytes.NewReader(cases[1].data)); err != nil {
		t.Fatal(err)
	}
}

// TestApply turns a 3×2 picture with distinct pixels every way and checks where its
// top-left pixel (as stored) ends up and the shown size.
func TestApply(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for y := range 2 {
		for x := range 3 {
			src.Set(x, y, color.RGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	corner := color.RGBA{0, 0, 0, 255}     // stored top-left
	farCorner := color.RGBA{2, 1, 0, 255}  // stored bottom-right
	topRight := color.RGBA{2, 0, 0, 255}   // stored top-right
	bottomLeft := color.RGBA{0, 1, 0, 255} // stored bottom-left
	cases := []struct {
		o            int
		w, h         int
		topLeftShown color.RGBA
	}{
		{Normal, 3, 2, corner},
		{FlipH, 3, 2, topRight},
		{Rotate180, 3, 2, farCorner},
		{FlipV, 3, 2, bottomLeft},
		{Transpose, 2, 3, corner},
		{Rotate90, 2, 3, bottomLeft}, // a quarter clockwise: the left column becomes the top row, reversed
		{Transverse, 2, 3, farCorner},
		{Rotate270, 2, 3, topRight},
	}
	for _, c := range cases {
		for _, in := range []image.Image{src, nonRGBA{src}} {
			got := Apply(in, c.o)
			if b := got.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
				t.Fatalf("orientation %d: %v", c.o, b)
			}
			if px := color.RGBAModel.Convert(got.At(0, 0)).(color.RGBA); px != c.topLeftShown {
				t.Errorf("orientation %d (%T): top-left %v, want %v", c.o, in, px, c.topLeftShown)
			}
		}
		if Swaps(c.o) != (c.w == 2) {
			t.Errorf("Swaps(%d) = %v", c.o, Swaps(c.o))
		}
	}
}

// nonRGBA hides the *image.RGBA type so that Apply's general path is tested too.
type nonRGBA struct{ image.Image }

func FuzzOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', '*', 0, 8, 0, 0, 0})
	f.Add([]byte{0xFF, 0xD8})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := Orientation(data); o < Normal || o > Rotate270 {
			t.Fatalf("orientation %d", o)
		}
	})
}
