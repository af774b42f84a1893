package app

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"allium/app/seed"
	"allium/crypto"
)

const pictureMessages = 200

// openPictures opens a profile holding a conversation of 200 photos, in a window of a
// usual size.
func openPictures(t testing.TB) (*harness, *Profile, crypto.SessionID) {
	h := newHarness(t)
	dir, me := account(t, "Oto")
	_, other := account(t, "Noa")
	if err := seed.Pictures(dir, me, other, "Noa", pictureMessages); err != nil {
		t.Fatal(err)
	}
	p := h.open(dir)
	p.win.Resize(fyne.NewSize(960, 640))
	h.waitFor("the conversation list", func() bool { return len(p.sidebar.shown) == 1 })
	return h, p, other
}

// picturesShown reports whether the conversation is read and every picture on screen
// is drawn.
func picturesShown(p *Profile) bool {
	if p.conv == nil || !p.conv.loaded || len(p.thumbs.waiting) > 0 {
		return false
	}
	pics, _ := shown(p.win.Canvas())
	for _, pv := range pics {
		if pv.img.Image == nil {
			return false
		}
	}
	return len(pics) > 0
}

// TestPictureConversation: opening 200 photos decodes only those on screen, and
// scrolling decodes those that come into view.
func TestPictureConversation(t *testing.T) {
	h, p, other := openPictures(t)
	start := time.Now()
	p.openConversation(other)
	h.waitFor("the pictures on screen", func() bool { return picturesShown(p) })
	t.Logf("the first opening showed its pictures in %v (race detector: %v)", time.Since(start), raceEnabled)
	pics, _ := shown(p.win.Canvas())
	first := p.thumbs.decoded
	t.Logf("%d pictures on screen, %d decoded", len(pics), first)
	// The list builds a row or two beyond what it shows.
	if first > len(pics)+4 {
		t.Errorf("%d pictures decoded for %d on screen", first, len(pics))
	}
	p.conv.list.ScrollToTop()
	h.waitFor("the pictures at the top", func() bool { return picturesShown(p) })
	if p.thumbs.decoded <= first {
		t.Error("scrolling to the top decoded nothing")
	}
	if p.thumbs.decoded > 2*(len(pics)+4) {
		t.Errorf("scrolling to the top decoded %d pictures, more than what was passed on screen", p.thumbs.decoded)
	}

	// Opening it again uses the copies already made.
	decoded := p.thumbs.decoded
	p.showEmpty()
	p.openConversation(other)
	h.waitFor("the pictures on screen again", func() bool { return picturesShown(p) })
	if p.thumbs.decoded != decoded {
		t.Errorf("opening the conversation again decoded %d pictures again", p.thumbs.decoded-decoded)
	}
}

// BenchmarkOpenPictureConversation measures opening a conversation of 200 photos once
// it has been opened before: reading it, laying out its rows and drawing the pictures
// on screen from the copies already made.
func BenchmarkOpenPictureConversation(b *testing.B) {
	h, p, other := openPictures(b)
	p.openConversation(other)
	h.waitFor("the pictures on screen", func() bool { return picturesShown(p) })
	b.ResetTimer()
	for b.Loop() {
		p.showEmpty()
		p.openConversation(other)
		h.waitFor("the pictures on screen", func() bool { return picturesShown(p) })
	}
}

// TestSidewaysPhoto: a photo whose camera recorded it on its side (testdata/sideways.jpg:
// stored 40×20 with a blue band on the left, Exif orientation 6) is shown upright, 20×40
// with the band on top, as every photo viewer shows it.
func TestSidewaysPhoto(t *testing.T) {
	img, err := scaledPicture(filepath.Join("testdata", "sideways.jpg"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("shown %v, want 20×40", b)
	}
	blue := func(x, y int) bool {
		r, _, b, _ := img.At(x, y).RGBA()
		return b > 0xA000 && r < 0x6000
	}
	if !blue(10, 2) || blue(10, 37) {
		t.Fatal("the photo is not turned a quarter clockwise")
	}
}
