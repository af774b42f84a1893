package app

import (
	"context"
	"errors"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// pictureSection is the picture part of Settings › Profile: our picture (or our
// placeholder), Choose a picture… and Remove picture. A chosen picture is cropped to its
// centre square and scaled down (preparePicture) before the engine uploads it; a busy
// bar shows meanwhile, and what went wrong is said below.
type pictureSection struct {
	p       *Profile
	face    *avatar
	choose  *widget.Button
	remove  *widget.Button
	busy    *widget.ProgressBarInfinite
	issue   *bidiText
	content fyne.CanvasObject
	// path is the file of our picture, "" without one; loaded says it was read.
	path   string
	loaded bool
}

// pictureFormats are the extensions the file dialog offers: the formats the engine
// takes, as Session's apps do.
var pictureFormats = []string{".jpg", ".jpeg", ".png", ".gif", ".JPG", ".JPEG", ".PNG", ".GIF"}

// pictureTimeout bounds an upload of our picture: it is small, but goes through an
// onion path to the file server.
const pictureTimeout = 2 * time.Minute

func newPictureSection(p *Profile) *pictureSection {
	s := &pictureSection{p: p, face: newAvatar(96)}
	s.choose = widget.NewButton(lang.L("Choose a picture…"), s.chooseFile)
	s.remove = widget.NewButton(lang.L("Remove picture"), s.removePicture)
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Stop()
	s.busy.Hide()
	s.issue = wrapped("")
	s.issue.Hide()
	// The buttons wait for the engine to say whether we have a picture.
	s.choose.Disable()
	s.remove.Disable()
	s.face.set(p, p.me, p.name, "")
	s.content = section(lang.L("Your picture"), lang.L("People see this picture next to your name. Allium uses the middle of the picture, cut to a square."),
		hbox(container.NewCenter(s.face.content), container.NewVBox(s.choose, s.remove)),
		s.busy, s.issue)
	return s
}

// show shows our picture, or our placeholder for "".
func (s *pictureSection) show(path string) {
	s.path, s.loaded = path, true
	s.face.set(s.p, s.p.me, s.p.name, path)
	s.choose.Enable()
	if path == "" {
		s.remove.Disable()
	} else {
		s.remove.Enable()
	}
}

// chooseFile asks for a picture, filtered to the formats Allium takes.
func (s *pictureSection) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.usePicture(path)
	}, s.p.win)
	d.SetFilter(storage.NewExtensionFileFilter(pictureFormats))
	s.p.showDialog(d)
}

// usePicture makes the picture in a file ours: cropped, scaled, uploaded and kept.
func (s *pictureSection) usePicture(path string) {
	s.setBusy(true)
	quit := s.p.ui.ctx
	background(s.p, func(e *engine.Engine) (string, error) {
		tmp, err := preparePicture(path)
		if err != nil {
			return e.Avatar(), err
		}
		defer os.Remove(tmp) // the engine keeps its own copy in the profile
		ctx, cancel := context.WithTimeout(quit, pictureTimeout)
		defer cancel()
		err = e.SetAvatar(ctx, tmp)
		return e.Avatar(), err
	}, func(now string, err error) {
		s.setBusy(false)
		s.show(now)
		if err != nil {
			s.say(widget.DangerImportance, pictureSentence(err, lang.L("Allium could not save your picture. Try again.")))
			return
		}
		s.say(widget.SuccessImportance, lang.L("Saved. People see your new picture with your next message."))
	})
}

// removePicture goes back to the placeholder.
func (s *pictureSection) removePicture() {
	s.setBusy(true)
	quit := s.p.ui.ctx
	background(s.p, func(e *engine.Engine) (string, error) {
		err := e.SetAvatar(quit, "")
		return e.Avatar(), err
	}, func(now string, err error) {
		s.setBusy(false)
		s.show(now)
		if err != nil {
			s.say(widget.DangerImportance, pictureSentence(err, lang.L("Allium could not remove your picture. Try again.")))
			return
		}
		s.say(widget.SuccessImportance, lang.L("Removed. People stop seeing your picture with your next message."))
	})
}

func (s *pictureSection) setBusy(busy bool) {
	if busy {
		s.choose.Disable()
		s.remove.Disable()
		s.issue.Hide()
		s.busy.Show()
		s.busy.Start()
		return
	}
	s.busy.Stop()
	s.busy.Hide()
}

func (s *pictureSection) say(importance widget.Importance, text string) {
	s.issue.Importance = importance
	s.issue.SetText(text)
	s.issue.Show()
}

// pictureSentence says what went wrong with our picture, or fallback.
func pictureSentence(err error, fallback string) string {
	var tooLarge *engine.FileTooLargeError
	var unreadable *pictureReadError
	switch {
	case errors.Is(err, engine.ErrNotPicture):
		return lang.L("This file is not a picture Allium can use. Choose a photo or picture in the JPEG, PNG or GIF format.")
	case errors.Is(err, errPictureTooBig), errors.As(err, &tooLarge):
		return lang.L("This picture is too big for Allium to open. Choose a smaller one, or make it smaller in a photo editor first.")
	case errors.As(err, &unreadable):
		return lang.L("Allium could not open this file. Check that it is still there, or choose another picture.")
	case errors.Is(err, engine.ErrNoFileServer):
		return lang.L("This network has no file server, so Allium can't share a picture on it.")
	case errors.Is(err, engine.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return lang.L("Can't reach the network, so your picture was not saved. Check your internet connection, then try again.")
	}
	return plain(err, fallback)
}
