package app

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"allium/crypto"
	"allium/engine"
	"allium/engine/store"
)

const pictureMessages = 200

// seedPictures adds n messages of one photo each (1600×1200 JPEGs, as a phone sends
// them) between me and other to the profile in dir, whose engine is not running.
func seedPictures(t testing.TB, dir string, me, other crypto.SessionID, n int) {
	t.Helper()
	files := filepath.Join(dir, "files")
	if err := os.MkdirAll(files, 0o700); err != nil {
		t.Fatal(err)
	}
	// A few different photos, each message with its own copy.
	var sources []string
	for s := range 4 {
		img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
		for y := range 1200 {
			for x := range 1600 {
				img.SetRGBA(x, y, color.RGBA{uint8(x/7 + s*60), uint8(y / 5), uint8((x + y) / 11), 255})
			}
		}
		path := filepath.Join(t.TempDir(), fmt.Sprintf("photo%d.jpg", s))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		sources = append(sources, path)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UpdateConversation(other, func(c *store.Conversation) { c.Name = "Noa"; c.Approved = true; c.ApprovedMe = true }); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	msgs := make([]store.Message, n)
	for i := range msgs {
		rel := fmt.Sprintf("%024d.jpg", i)
		data, err := os.ReadFile(sources[i%len(sources)])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(files, rel), data, 0o600); err != nil {
			t.Fatal(err)
		}
		m := store.Message{Conversation: other, Timestamp: now - int64(n-i)*60_000}
		a := store.Attachment{Name: fmt.Sprintf("photo-%d.jpg", i), ContentType: "image/jpeg", Size: int64(len(data)), Width: 1600, Height: 1200, Path: rel}
		if i%2 == 0 {
			m.Author, m.Direction, m.State = me, store.Outgoing, store.Read
			a.State = uint8(engine.AttachmentSent)
		} else {
			m.Author, m.Direction, m.State = other, store.Incoming, store.Read
			a.State = uint8(engine.AttachmentHere)
		}
		if i%3 == 0 {
			m.Body = fmt.Sprintf("Photo %d", i)
		}
		m.Attachments = []store.Attachment{a}
		msgs[i] = m
	}
	if _, err := st.AddMessages(msgs); err != nil {
		t.Fatal(err)
	}
}

// openPictures opens a profile holding a conversation of 200 photos, in a window of a
// usual size.
func openPictures(t testing.TB) (*harness, *Profile, crypto.SessionID) {
	h := newHarness(t)
	dir, me := account(t, "Oto")
	_, other := account(t, "Noa")
	seedPictures(t, dir, me, other, pictureMessages)
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
