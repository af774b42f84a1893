package app

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"allium/crypto"
	"allium/engine"
)

// writePicture writes a w×h PNG whose top half is red and bottom half blue.
func writePicture(t testing.TB, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		c := color.RGBA{R: 220, A: 255}
		if y >= h/2 {
			c = color.RGBA{B: 220, A: 255}
		}
		for x := range w {
			img.SetRGBA(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// shownOf collects the widgets of type T drawn in a window, looking inside every
// visible container and widget but not inside a T itself.
func shownOf[T fyne.CanvasObject](c fyne.Canvas) (out []T) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		if t, ok := o.(T); ok {
			out = append(out, t)
			return
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, child := range o.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(o).Objects() {
				walk(child)
			}
		}
	}
	walk(c.Content())
	return out
}

// shown collects the pictures and file cards drawn in a window.
func shown(c fyne.Canvas) (pics []*pictureView, cards []*fileCard) {
	return shownOf[*pictureView](c), shownOf[*fileCard](c)
}

// has reports whether objs holds o.
func has(objs []fyne.CanvasObject, o fyne.CanvasObject) bool {
	for _, x := range objs {
		if x == o {
			return true
		}
	}
	return false
}

func attachmentsOf(p *Profile, body string) []engine.Attachment {
	for _, m := range p.conv.msgs {
		if m.Body == body {
			return m.Attachments
		}
	}
	return nil
}

// contacts opens Alice and Bob, who know each other, each with their conversation open.
func contacts(t *testing.T, h *harness) (alice, bob *Profile, aliceID, bobID crypto.SessionID) {
	aliceDir, aliceID := account(t, "Alice")
	bobDir, bobID := account(t, "Bob")
	alice, bob = h.open(aliceDir), h.open(bobDir)
	if err := alice.eng.SetContactName(bobID, "Bob"); err != nil {
		t.Fatal(err)
	}
	if err := bob.eng.SetContactName(aliceID, "Alice"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("each other in the lists", func() bool { return len(alice.sidebar.shown) == 1 && len(bob.sidebar.shown) == 1 })
	alice.openConversation(bobID)
	bob.openConversation(aliceID)
	h.waitFor("the conversations", func() bool { return alice.conv.loaded && bob.conv.loaded })
	return alice, bob, aliceID, bobID
}

// TestSendPictureAndFile: Alice stages a picture and a document, types a caption and
// presses Enter; Bob sees the picture as a thumbnail made from the file he received,
// and the document as a card he can save or open.
func TestSendPictureAndFile(t *testing.T) {
	h := newHarness(t)
	alice, bob, _, _ := contacts(t, h)
	dir := t.TempDir()
	pic, doc := filepath.Join(dir, "garden.png"), filepath.Join(dir, "notes.txt")
	writePicture(t, pic, 800, 600)
	if err := os.WriteFile(doc, []byte(strings.Repeat("seeds, water, sun\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}

	c := alice.conv.composer
	c.staged.add([]string{pic, doc})
	h.waitFor("the staged files", func() bool { return len(c.staged.files) == 2 })
	if !c.staged.box.Visible() || len(c.staged.box.Objects) != 2 {
		t.Fatal("the staged files are not shown above the field")
	}
	typeInto(c.entry, "The garden")
	pressEnter(c.entry)
	if len(c.staged.files) != 0 || c.staged.box.Visible() {
		t.Fatal("the staged files stay after sending")
	}

	const caption = "The garden"
	h.waitFor("Alice's files to be uploaded", func() bool {
		as := attachmentsOf(alice, caption)
		return len(as) == 2 && as[0].State == engine.AttachmentSent && as[1].State == engine.AttachmentSent
	})
	h.waitFor("Bob to receive both files", func() bool {
		as := attachmentsOf(bob, caption)
		return len(as) == 2 && as[0].State == engine.AttachmentHere && as[1].State == engine.AttachmentHere
	})
	as := attachmentsOf(bob, caption)
	if as[0].Name != "garden.png" || as[1].Name != "notes.txt" || as[1].Size != 1800 {
		t.Fatalf("Bob has %+v", as)
	}

	// Bob's bubble: the thumbnail, decoded from his copy of the file, and the card.
	var pv *pictureView
	h.waitFor("Bob's thumbnail", func() bool {
		pics, _ := shown(bob.win.Canvas())
		for _, p := range pics {
			if p.img.Image != nil && p.shown == as[0].Path {
				pv = p
				return true
			}
		}
		return false
	})
	b := pv.img.Image.Bounds()
	if b.Dx() != picturePixels || b.Dy() != picturePixels*3/4 {
		t.Fatalf("thumbnail is %v, want %d×%d", b, picturePixels, picturePixels*3/4)
	}
	top, bottom := color.RGBAModel.Convert(pv.img.Image.At(10, 10)).(color.RGBA), color.RGBAModel.Convert(pv.img.Image.At(10, b.Dy()-10)).(color.RGBA)
	if top.R < 200 || top.B > 20 || bottom.B < 200 || bottom.R > 20 {
		t.Fatalf("the thumbnail is not the picture sent: %v at the top, %v at the bottom", top, bottom)
	}
	if pv.Size().Width != pictureBox || pv.Size().Height != pictureBox*3/4 {
		t.Fatalf("the picture is shown at %v", pv.Size())
	}
	_, cards := shown(bob.win.Canvas())
	if len(cards) != 1 {
		t.Fatalf("Bob's window shows %d cards, want 1", len(cards))
	}
	card := cards[0]
	objs := test.WidgetRenderer(card).Objects()
	if card.name.Text != "notes.txt" || card.detail.Text != "2 KB" || !has(objs, card.save) || !has(objs, card.open) || has(objs, card.download) {
		t.Fatalf("the card shows %q, %q", card.name.Text, card.detail.Text)
	}

	// A tap on the thumbnail opens the viewer, with the picture fitted.
	test.Tap(pv)
	h.waitFor("the viewer's picture", func() bool {
		d, ok := bob.dialogUp.(interface{ Hide() })
		return ok && d != nil && bob.thumbs.entries[pictureKey(as[0].Path, viewerPixels)] != nil
	})
	if e := bob.thumbs.entries[pictureKey(as[0].Path, viewerPixels)].Value.(*thumbEntry); e.img.Bounds().Dx() != 800 {
		t.Fatalf("the viewer shows %v; a picture smaller than the screen is shown whole", e.img.Bounds())
	}

	// Alice's own bubble shows her picture too, from her profile's copy.
	h.waitFor("Alice's thumbnail", func() bool {
		pics, _ := shown(alice.win.Canvas())
		return len(pics) == 1 && pics[0].img.Image != nil
	})
}

// TestStrangerFile: a file from someone who is not a contact is not fetched; its card
// says why and offers Download, which fetches it.
func TestStrangerFile(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Lea")
	p := h.open(dir)
	stranger := newBareUser(t, "Max")
	doc := filepath.Join(t.TempDir(), "offer.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.4 not really"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := stranger.e.SendFiles(p.me, "Have a look", []engine.File{{Path: doc}}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the request", func() bool { return p.sidebar.requestsBtn.Visible() })
	p.openConversation(stranger.id)
	h.waitFor("the message", func() bool { return p.conv.loaded && len(p.conv.msgs) == 1 })
	if as := p.conv.msgs[0].Attachments; len(as) != 1 || as[0].State != engine.AttachmentOffered {
		t.Fatalf("a stranger's file is %+v; it must wait to be asked for", as)
	}
	var card *fileCard
	h.waitFor("the card", func() bool {
		_, cards := shown(p.win.Canvas())
		if len(cards) == 1 {
			card = cards[0]
		}
		return card != nil
	})
	objs := test.WidgetRenderer(card).Objects()
	if !has(objs, card.download) || has(objs, card.save) {
		t.Fatal("the card of a stranger's file offers no Download")
	}
	if got := strings.Join(card.block.note, " "); got != fileFromStranger {
		t.Fatalf("the card says %q, want %q", got, fileFromStranger)
	}

	test.Tap(card.download)
	h.waitFor("the file to be fetched", func() bool {
		as := p.conv.msgs[0].Attachments
		return as[0].State == engine.AttachmentHere && as[0].Path != ""
	})
	got, err := engine.ReadFile(p.conv.msgs[0].Attachments[0].Path)
	if err != nil || string(got) != "%PDF-1.4 not really" {
		t.Fatalf("the file fetched holds %q (%v)", got, err)
	}
	h.waitFor("Save… on the card", func() bool {
		_, cards := shown(p.win.Canvas())
		return len(cards) == 1 && has(test.WidgetRenderer(cards[0]).Objects(), cards[0].save)
	})
}

// TestFileTooLarge: a file over the limit is refused with a sentence that gives the
// limit, and nothing is staged or sent.
func TestFileTooLarge(t *testing.T) {
	h := newHarness(t)
	alice, _, _, _ := contacts(t, h)
	big := filepath.Join(t.TempDir(), "film.mp4")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(engine.MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	c := alice.conv.composer
	c.staged.add([]string{big})
	want := "film.mp4 is too large to send: it is 10 MB, and a file can be at most 10 MB. Nothing was sent. Send a smaller file, or make this one smaller first."
	h.waitFor("the sentence", func() bool { return c.counter.Visible() && c.counter.Text == want })
	if len(c.staged.files) != 0 {
		t.Fatal("a file over the limit was staged")
	}
	// The engine refuses it too, with the same sentence.
	_, err = alice.eng.SendFiles(alice.conv.id, "", []engine.File{{Path: big}})
	if plain(err, "") != want {
		t.Fatalf("the engine's refusal reads %q", plain(err, ""))
	}
	if len(alice.conv.msgs) != 0 {
		t.Fatal("something was sent")
	}
}

// TestStagedRemoval: staged files are removed one by one; Send sends the rest.
func TestStagedRemoval(t *testing.T) {
	h := newHarness(t)
	alice, bob, _, _ := contacts(t, h)
	dir := t.TempDir()
	var paths []string
	for _, n := range []string{"one.txt", "two.txt", "three.png"} {
		path := filepath.Join(dir, n)
		if strings.HasSuffix(n, ".png") {
			writePicture(t, path, 64, 64)
		} else if err := os.WriteFile(path, []byte(n), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	c := alice.conv.composer
	c.staged.add(paths)
	h.waitFor("three staged files", func() bool { return len(c.staged.files) == 3 })
	h.waitFor("the staged picture's thumbnail", func() bool {
		img, ok, done := alice.thumbs.get(alice, fileKey(paths[2], 2*stagedThumb, c.staged.files[2].info), nil)
		return done && ok && img.Bounds().Dx() == 64
	})
	test.Tap(c.staged.files[1].remove)
	if len(c.staged.files) != 2 || c.staged.files[0].name != "one.txt" || c.staged.files[1].name != "three.png" || len(c.staged.box.Objects) != 2 {
		t.Fatalf("after removing two.txt, %d files are staged", len(c.staged.files))
	}
	test.Tap(c.staged.files[0].remove)
	if len(c.staged.files) != 1 || c.staged.files[0].name != "three.png" {
		t.Fatal("removing one.txt took the wrong file")
	}
	// No caption: the files alone are sent.
	c.send()
	h.waitFor("Bob to receive the picture", func() bool {
		return len(bob.conv.msgs) == 1 && len(bob.conv.msgs[0].Attachments) == 1 && bob.conv.msgs[0].Attachments[0].Name == "three.png"
	})
	if bob.conv.msgs[0].Body != "" || bob.conv.rows[len(bob.conv.rows)-1].lines != nil {
		t.Fatal("a message of files alone shows an empty line of text")
	}
}

// TestSizeText words sizes as the limit is worded.
func TestSizeText(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{1, "1 byte"}, {999, "999 bytes"}, {1800, "2 KB"}, {2_400_000, "2.4 MB"}, {engine.MaxFileSize, "10 MB"}} {
		if got := sizeText(c.n); got != c.want {
			t.Errorf("sizeText(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestFileProgress: while a file comes in, its card says how far it has come, from the
// engine's FileProgress events; a late report, once the file is here, changes nothing.
func TestFileProgress(t *testing.T) {
	h := newHarness(t)
	_, bob, aliceID, _ := contacts(t, h)
	m := engine.Message{Conversation: aliceID, Author: aliceID, Timestamp: 1_700_000_000_000, Direction: engine.Incoming,
		State: engine.Received, Attachments: []engine.Attachment{{Name: "film.mp4", ContentType: "video/mp4", Size: 9_000_000, State: engine.AttachmentDownloading}}}
	bob.conv.add(m)
	card := func() *fileCard {
		var found *fileCard
		h.waitFor("the card", func() bool {
			_, cards := shown(bob.win.Canvas())
			for _, c := range cards {
				if c.name.Text == "film.mp4" {
					found = c
					return true
				}
			}
			return false
		})
		return found
	}
	if d := card().detail.Text; d != "9 MB · "+fileDownloading {
		t.Fatalf("before any progress: %q", d)
	}
	progress := engine.FileProgress{Conversation: aliceID, Author: aliceID, Timestamp: m.Timestamp, Done: 4_200_000, Total: 10_000_000}
	bob.apply(bob.eng, progress)
	h.waitFor("the share shown", func() bool { return card().detail.Text == "9 MB · "+fileDownloading+" 42%" })

	here := m.Attachments[0]
	here.State, here.Path = engine.AttachmentHere, filepath.Join(t.TempDir(), "film.mp4")
	bob.apply(bob.eng, engine.AttachmentsChanged{Conversation: aliceID, Author: aliceID, Timestamp: m.Timestamp, Attachments: []engine.Attachment{here}})
	progress.Done = progress.Total
	bob.apply(bob.eng, progress)
	h.waitFor("the card without progress", func() bool { return card().detail.Text == "9 MB" })
	if len(bob.conv.progress) != 0 {
		t.Fatalf("progress kept for files that moved on: %v", bob.conv.progress)
	}
}
