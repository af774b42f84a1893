package assets

import (
	"bytes"
	"image/png"
	"testing"
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
