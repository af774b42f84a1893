package app

import (
	"container/list"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // pictures people send
	_ "image/jpeg"
	_ "image/png"
	"os"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"allium/engine"
	"allium/media/exif"
)

// thumbnails makes small copies of pictures for the screen and keeps the most recently
// shown ones. Pictures are decoded here, from the file itself, never from what a
// message says about it: the picture on screen is the file that was sent or received.
//
// The cache belongs to the Fyne goroutine: lookups, the list of decodes in flight and
// the finished copies are only touched there; decoding runs in the background, at most
// decoders at a time, so scrolling past many pictures never occupies every core.
type thumbnails struct {
	entries map[thumbKey]*list.Element
	order   *list.List // of *thumbEntry, most recently used first
	bytes   int
	// waiting holds, for each decode in flight, what to call when it is done.
	waiting map[thumbKey][]func()
	sem     chan struct{}
	// decoded counts the pictures decoded (tests check that only what is shown is).
	decoded int
}

// thumbKey names one scaled copy of one version of a file: a file replaced on disk
// (one chosen to send, then edited) is decoded again.
type thumbKey struct {
	path       string
	px         int // the longest side of the copy, in pixels
	size, time int64
}

type thumbEntry struct {
	key   thumbKey
	img   image.Image // nil if the file is not a picture Allium can show
	bytes int
}

const (
	// thumbCacheBytes bounds the memory the copies take: a screenful of pictures many
	// times over.
	thumbCacheBytes = 96 << 20
	// maxPicturePixels refuses to decode pictures that would take gigabytes of memory:
	// a file of a few megabytes can claim to be 100,000 pixels square.
	maxPicturePixels = 60_000_000
	decoders         = 2
)

func newThumbnails() *thumbnails {
	return &thumbnails{entries: map[thumbKey]*list.Element{}, order: list.New(), waiting: map[thumbKey][]func(){}, sem: make(chan struct{}, decoders)}
}

// errNotPicture: the file can't be shown as a picture.
var errNotPicture = errors.New("app: not a picture Allium can show")

// get returns the copy of the picture at path whose longest side is px pixels (smaller
// pictures are not enlarged). If it is not made yet, get starts making it and returns
// done false; ready then runs on the Fyne goroutine once it is made. ok is false for a
// file that is not a picture Allium can show.
func (t *thumbnails) get(p *Profile, key thumbKey, ready func()) (img image.Image, ok, done bool) {
	if img, ok, done := t.peek(key); done {
		return img, ok, true
	}
	if ready != nil {
		if ws, inFlight := t.waiting[key]; inFlight {
			t.waiting[key] = append(ws, ready)
			return nil, false, false
		}
		t.waiting[key] = []func(){ready}
	} else if _, inFlight := t.waiting[key]; inFlight {
		return nil, false, false
	} else {
		t.waiting[key] = nil
	}
	t.decoded++
	sem := t.sem
	background(p, func(*engine.Engine) (image.Image, error) {
		sem <- struct{}{}
		defer func() { <-sem }()
		return scaledPicture(key.path, key.px)
	}, func(img image.Image, err error) {
		ws := t.waiting[key]
		delete(t.waiting, key)
		t.put(key, img)
		for _, w := range ws {
			w()
		}
	})
	return nil, false, false
}

// peek is get without making the copy if it is not made yet.
func (t *thumbnails) peek(key thumbKey) (img image.Image, ok, done bool) {
	if el, found := t.entries[key]; found {
		t.order.MoveToFront(el)
		e := el.Value.(*thumbEntry)
		return e.img, e.img != nil, true
	}
	return nil, false, false
}

// put keeps a copy, forgetting the least recently shown ones beyond the bound.
func (t *thumbnails) put(key thumbKey, img image.Image) {
	e := &thumbEntry{key: key, img: img, bytes: 64}
	if img != nil {
		b := img.Bounds()
		e.bytes += 4 * b.Dx() * b.Dy()
	}
	t.entries[key] = t.order.PushFront(e)
	t.bytes += e.bytes
	for t.bytes > thumbCacheBytes && t.order.Len() > 1 {
		last := t.order.Back()
		old := last.Value.(*thumbEntry)
		t.order.Remove(last)
		delete(t.entries, old.key)
		t.bytes -= old.bytes
	}
}

// pictureKey names the copy of a picture in the profile: those files never change, so
// their path is enough.
func pictureKey(path string, px int) thumbKey { return thumbKey{path: path, px: px} }

// fileKey names the copy of a file chosen to send, which may change on disk.
func fileKey(path string, px int, fi os.FileInfo) thumbKey {
	return thumbKey{path: path, px: px, size: fi.Size(), time: fi.ModTime().UnixNano()}
}

// scaledPicture decodes the picture at path and scales it so that its longest side is
// at most px pixels. It reads the disk: call it off the Fyne goroutine.
func scaledPicture(path string, px int) (image.Image, error) {
	// The profile's pictures are sealed (engine.OpenFile decrypts them) and cannot seek:
	// the header is read from one opening and the picture from a second.
	f, err := engine.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	// The header and the Exif orientation both come from the file's first bytes.
	orientation, r := exif.Peek(f)
	cfg, _, err := image.DecodeConfig(r)
	f.Close()
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPicturePixels {
		return nil, errNotPicture
	}
	if f, err = engine.OpenFile(path); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, errNotPicture
	}
	return exif.Apply(scaleDown(src, px), orientation), nil
}

// scaleDown scales src so that its longest side is at most px pixels.
func scaleDown(src image.Image, px int) image.Image {
	b := src.Bounds()
	w, h := fitInside(float32(b.Dx()), float32(b.Dy()), float32(px), float32(px))
	dw, dh := max(1, int(w+0.5)), max(1, int(h+0.5))
	if dw >= b.Dx() && dh >= b.Dy() {
		dw, dh = b.Dx(), b.Dy()
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// BiLinear widens its kernel when it shrinks, so fine detail averages out instead
	// of flickering into noise as nearest-neighbour sampling would.
	draw.BiLinear.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

// fitInside scales w×h to fit a box of bw×bh, keeping its proportions; it never
// enlarges.
func fitInside(w, h, bw, bh float32) (float32, float32) {
	if w <= 0 || h <= 0 {
		return bw, bh
	}
	s := min(bw/w, bh/h, 1)
	return w * s, h * s
}
