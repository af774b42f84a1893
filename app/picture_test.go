package app

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"allium/engine"
)

var (
	red        = color.NRGBA{R: 0xe0, G: 0x20, B: 0x20, A: 0xff}
	blue       = color.NRGBA{R: 0x20, G: 0x20, B: 0xe0, A: 0xff}
	seeThrough = color.NRGBA{}
)

// framed is a w×h picture in blue with a red middle: what is left of the middle square
// once cropped, it is red; a crop off centre would take blue.
func framed(w, h int, middle color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	sq := centreSquare(img.Bounds()).Inset(min(w, h) / 10)
	for y := range h {
		for x := range w {
			if (image.Point{x, y}).In(sq) {
				img.SetNRGBA(x, y, middle)
			} else {
				img.SetNRGBA(x, y, blue)
			}
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writePictureFile writes a file for a test and returns its path.
func writePictureFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// near reports whether two colours differ by little in every channel, as after a JPEG.
func near(a color.Color, b color.NRGBA) bool {
	c := color.NRGBAModel.Convert(a).(color.NRGBA)
	d := func(x, y uint8) bool { return max(x, y)-min(x, y) < 24 }
	return d(c.R, b.R) && d(c.G, b.G) && d(c.B, b.B) && d(c.A, b.A)
}

func TestCentreSquare(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   image.Rectangle
		want image.Rectangle
	}{
		{"square", image.Rect(0, 0, 10, 10), image.Rect(0, 0, 10, 10)},
		{"wide", image.Rect(0, 0, 30, 10), image.Rect(10, 0, 20, 10)},
		{"tall", image.Rect(0, 0, 10, 31), image.Rect(0, 10, 10, 20)},
		{"offset", image.Rect(5, 5, 25, 15), image.Rect(10, 5, 20, 15)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := centreSquare(tc.in); got != tc.want {
				t.Fatalf("centreSquare(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestPreparePicture: a chosen picture becomes its middle square, at most 512 pixels
// wide; JPEG when opaque, PNG when it has transparent parts.
func TestPreparePicture(t *testing.T) {
	var gifData bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 90, 60), []color.Color{blue, red})
	for y := 12; y < 48; y++ {
		for x := 27; x < 63; x++ {
			pal.SetColorIndex(x, y, 1)
		}
	}
	if err := gif.Encode(&gifData, pal, nil); err != nil {
		t.Fatal(err)
	}
	var jpegData bytes.Buffer
	if err := jpeg.Encode(&jpegData, framed(600, 900, red), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		side       int
		ext        string
		middle     color.NRGBA
	}{
		{"large wide PNG", "wide.png", encodePNG(t, framed(1600, 1000, red)), ownPictureSize, ".jpg", red},
		{"small tall JPEG", "tall.jpg", jpegData.Bytes(), ownPictureSize, ".jpg", red},
		{"tiny GIF", "small.gif", gifData.Bytes(), 60, ".jpg", red},
		{"transparent middle", "clear.png", encodePNG(t, framed(200, 100, seeThrough)), 100, ".png", seeThrough},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := preparePicture(writePictureFile(t, tc.file, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			defer os.Remove(out)
			if filepath.Ext(out) != tc.ext {
				t.Fatalf("written as %s, want %s", filepath.Ext(out), tc.ext)
			}
			fi, err := os.Stat(out)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("the file is readable by others or missing: %v %v", fi, err)
			}
			img, err := decodePicture(out, maxOwnPixels, engine.MaxAvatarSize)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tc.side || b.Dy() != tc.side {
				t.Fatalf("%v, want %d pixels square", b, tc.side)
			}
			if c := img.At(tc.side/2, tc.side/2); !near(c, tc.middle) {
				t.Fatalf("the middle is %v, want %v", c, tc.middle)
			}
		})
	}
}

// TestNotAPicture: what is not a picture, or one too big to decode, is refused with an
// error that says which.
func TestNotAPicture(t *testing.T) {
	big := encodePNG(t, image.NewNRGBA(image.Rect(0, 0, 400, 300)))
	for _, tc := range []struct {
		name string
		data []byte
		max  int64
		want error
	}{
		{"text", []byte("hello, this is not a picture"), maxOwnPixels, engine.ErrNotPicture},
		{"empty", nil, maxOwnPixels, engine.ErrNotPicture},
		{"cut short", big[:len(big)/2], maxOwnPixels, engine.ErrNotPicture},
		{"too many pixels", big, 100_000, errPictureTooBig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parsePicture(tc.data, tc.max); !errors.Is(err, tc.want) {
				t.Fatalf("parsePicture: %v, want %v", err, tc.want)
			}
		})
	}
	var unreadable *pictureReadError
	if _, err := preparePicture(filepath.Join(t.TempDir(), "gone.png")); !errors.As(err, &unreadable) {
		t.Fatalf("a missing file: %v", err)
	}
}

// TestRoundPicture: a contact's picture is drawn round: its middle square at the size
// asked, transparent in the corners.
func TestRoundPicture(t *testing.T) {
	img, err := roundPicture(writePictureFile(t, "pic", encodePNG(t, framed(300, 200, red))), 72)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 72 || b.Dy() != 72 {
		t.Fatalf("%v, want 72 pixels square", b)
	}
	if !near(img.At(36, 36), red) {
		t.Fatalf("the middle is %v", img.At(36, 36))
	}
	for _, p := range []image.Point{{0, 0}, {71, 0}, {0, 71}, {71, 71}} {
		if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
			t.Fatalf("the corner %v is not transparent", p)
		}
	}
}

// FuzzParsePicture: any bytes are refused or give a picture within the bound, never a
// panic.
func FuzzParsePicture(f *testing.F) {
	f.Add(encodePNG(f, framed(20, 10, red)))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0xff, 0xd8, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := parsePicture(data, 1_000_000)
		if err == nil {
			if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > 1_000_000 {
				t.Fatalf("a picture of %v passed the bound", b)
			}
		}
	})
}
