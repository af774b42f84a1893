package assets

import (
	"bytes"
	"image/png"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
)

// The embedded icon must stay a raster image: Fyne rasterizes an SVG window icon in pure
// Go before it shows the first window, which made Allium open over a second later.
func TestIconIsPNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon.Content()))
	if err != nil {
		t.Fatalf("the embedded icon is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("icon is %dx%d, want 256x256", b.Dx(), b.Dy())
	}
}

// The bundled font must draw Persian, its digits and the zero-width non-joiner (the
// half-space inside words), and Latin, in both weights.
func TestFontCoversPersianAndLatin(t *testing.T) {
	for _, res := range []*fyne.StaticResource{FontRegular, FontBold} {
		face, err := font.ParseTTF(bytes.NewReader(res.Content()))
		if err != nil {
			t.Fatalf("%s: %v", res.Name(), err)
		}
		for _, r := range "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیئآءۀ۰۱۲۳۴۵۶۷۸۹\u200c،؛؟«»AZaz09.,!?()" {
			if _, ok := face.NominalGlyph(r); !ok {
				t.Errorf("%s has no glyph for %q (%U)", res.Name(), r, r)
			}
		}
	}
}
