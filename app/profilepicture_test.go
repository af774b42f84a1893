package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"allium/engine"
)

// TestOwnPicture: Settings › Profile shows our placeholder, then a chosen picture
// cropped to its middle square; a file that is not a picture is refused with a
// sentence; Remove picture brings the placeholder back. What it says is legible in
// both themes.
func TestOwnPicture(t *testing.T) {
	for _, look := range []string{appearanceLight, appearanceDark} {
		t.Run(look, func(t *testing.T) { ownPicture(t, look) })
	}
}

func ownPicture(t *testing.T, look string) {
	network(t) // started before TMPDIR changes: it lives longer than the test
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the cropped picture is written before the upload
	h := newHarness(t)
	dir, _ := account(t, "Nora")
	pr := defaultPrefs()
	pr.Appearance = look
	if err := savePrefs(dir, pr); err != nil {
		t.Fatal(err)
	}
	p := h.open(dir)
	p.showSettings()
	s := p.settings.picture
	h.waitFor("the picture to be read", func() bool { return s.loaded })
	if s.face.showsPicture() || !s.remove.Disabled() || s.choose.Disabled() {
		t.Fatal("without a picture, Settings does not show the placeholder and Choose a picture…")
	}

	s.usePicture(writePictureFile(t, "nora.png", encodePNG(t, framed(900, 600, red))))
	if !s.busy.Visible() || !s.choose.Disabled() {
		t.Fatal("no busy bar while the picture is saved")
	}
	h.waitFor("the picture saved", func() bool { return !s.busy.Visible() })
	if s.issue.Text != "Saved. People see your new picture with your next message." {
		t.Fatalf("after saving: %q", s.issue.Text)
	}
	own := p.eng.Avatar()
	if own == "" {
		t.Fatalf("the engine has no picture; Settings says %q", s.issue.Text)
	}
	img, err := decodePicture(own, maxOwnPixels, engine.MaxAvatarSize)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b != image.Rect(0, 0, ownPictureSize, ownPictureSize) || !near(img.At(256, 256), red) {
		t.Fatalf("the picture kept is %v with %v in the middle, not the chosen one's middle square", b, img.At(256, 256))
	}
	h.waitFor("the picture in Settings", s.face.showsPicture)
	checkContrast(t, p.win.Canvas(), "settings, picture saved")
	if s.remove.Disabled() {
		t.Fatal("Remove picture is disabled with a picture")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("the cropped picture was left behind: %v", left)
	}

	s.usePicture(writePictureFile(t, "notes.png", []byte("my notes, not a picture")))
	h.waitFor("the refusal", func() bool { return !s.busy.Visible() })
	if s.issue.Text != pictureSentence(engine.ErrNotPicture, "") || !s.issue.Visible() {
		t.Fatalf("a file that is not a picture: %q", s.issue.Text)
	}
	checkContrast(t, p.win.Canvas(), "settings, picture refused")
	if p.eng.Avatar() != own || !s.face.showsPicture() {
		t.Fatal("a refused file changed the picture")
	}

	test.Tap(s.remove)
	h.waitFor("the picture removed", func() bool { return !s.busy.Visible() && p.eng.Avatar() == "" })
	if s.face.showsPicture() || !s.face.circle.Visible() || !s.remove.Disabled() {
		t.Fatal("after Remove picture, Settings does not show the placeholder")
	}
	if _, err := os.Stat(own); !os.IsNotExist(err) {
		t.Fatalf("the removed picture is still in the profile: %v", err)
	}
}

// TestPictureSentences: every way a picture can fail is told in a sentence of its own,
// never the error's text.
func TestPictureSentences(t *testing.T) {
	const fallback = "fallback"
	seen := map[string]string{}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"not a picture", engine.ErrNotPicture},
		{"too many pixels", errPictureTooBig},
		{"too many bytes", &engine.FileTooLargeError{Name: "x.png", Size: 6_000_000, Limit: engine.MaxAvatarSize}},
		{"unreadable", &pictureReadError{os.ErrPermission}},
		{"no file server", fmt.Errorf("wrapped: %w", engine.ErrNoFileServer)},
		{"offline", engine.ErrUnreachable},
		{"timed out", context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pictureSentence(tc.err, fallback)
			if got == fallback || got == "" || strings.Contains(got, "engine:") || strings.Contains(got, "app:") {
				t.Fatalf("%v: %q", tc.err, got)
			}
			if other, ok := seen[got]; ok && !(tc.name == "too many bytes" && other == "too many pixels") &&
				!(tc.name == "timed out" && other == "offline") {
				t.Fatalf("%s and %s say the same: %q", tc.name, other, got)
			}
			seen[got] = tc.name
		})
	}
	if got := pictureSentence(errors.New("something else"), fallback); got != fallback {
		t.Fatalf("an unknown error: %q", got)
	}
}
