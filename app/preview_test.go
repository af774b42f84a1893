package app

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// TestLinkPreviewSetting: link previews are off until turned on in Settings › Privacy,
// which says in plain words who fetches the page; the check reaches the engine.
func TestLinkPreviewSetting(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Ivo")
	p := h.open(dir)
	p.keys.run(&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault})
	v := p.settings
	h.waitFor("the engine's settings", func() bool { return !v.previews.Disabled() })
	if v.previews.Checked || p.eng.Settings().LinkPreviews {
		t.Fatal("link previews are on by default")
	}
	if !labelShown(v.tabs.Items[1].Content, linkPreviewsText) {
		t.Fatal("the privacy tab does not explain link previews")
	}
	test.Tap(v.previews)
	h.waitFor("link previews on in the engine", func() bool { return p.eng.Settings().LinkPreviews })
	test.Tap(v.receipts)
	h.waitFor("read receipts on, previews still on", func() bool {
		s := p.eng.Settings()
		return s.ReadReceipts && s.LinkPreviews
	})
}

// labelShown reports whether a label under o says text.
func labelShown(o fyne.CanvasObject, text string) bool {
	switch o := o.(type) {
	case *widget.Label:
		return o.Text == text
	case *bidiText:
		return o.Text == text
	case *fyne.Container:
		for _, c := range o.Objects {
			if labelShown(c, text) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if labelShown(c, text) {
				return true
			}
		}
	}
	return false
}

// shownPreviews collects the preview cards drawn in a window.
func shownPreviews(c fyne.Canvas) []*previewCard { return shownOf[*previewCard](c) }

// TestLinkPreviewCard: a contact sends a link with previews on; the window shows the card
// with the page's title, the site and the picture, fetched from the file server (the
// site answers the sender only); tapping the card opens the link, asking first.
func TestLinkPreviewCard(t *testing.T) {
	var requests atomic.Int64
	img := image.NewRGBA(image.Rect(0, 0, 300, 150))
	for y := range 150 {
		for x := range 300 {
			img.Set(x, y, color.RGBA{200, 30, 30, 255})
		}
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	site := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch r.URL.Path {
		case "/article":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><meta property="og:title" content="Rivers in spring"><meta property="og:image" content="/river.png"></head></html>`)
		case "/river.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(pic.Bytes())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)

	h := newHarness(t)
	dir, _ := account(t, "Ada")
	p := h.open(dir)
	sdir, sid := account(t, "Sam")
	sender, err := engine.Open(engine.Options{Dir: sdir, Network: network(t), PollActive: 300 * time.Millisecond, PreviewClient: site.Client()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range sender.Events() {
		}
	}()
	t.Cleanup(func() { sender.Close(); <-done })
	if err := sender.SetSettings(engine.Settings{LinkPreviews: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.eng.SetContactName(sid, "Sam"); err != nil {
		t.Fatal(err)
	}
	link := site.URL + "/article"
	if _, err := sender.Send(p.me, "Look: "+link); err != nil {
		t.Fatal(err)
	}
	h.waitFor("Sam in the list", func() bool { return len(p.sidebar.shown) == 1 })
	p.openConversation(sid)
	var card *previewCard
	h.waitFor("the card with its picture", func() bool {
		for _, c := range shownPreviews(p.win.Canvas()) {
			if c.img.Image != nil {
				card = c
				return true
			}
		}
		return false
	})
	if card.title.Text != "Rivers in spring" || card.host.Text != "127.0.0.1" {
		t.Fatalf("the card shows %q, %q", card.title.Text, card.host.Text)
	}
	if n := requests.Load(); n != 2 {
		t.Fatalf("the site answered %d requests; only the sender's two were expected", n)
	}
	test.Tap(card)
	if p.dialogUp == nil {
		t.Fatal("tapping the card did not ask before opening the link")
	}
}
