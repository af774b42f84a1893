package app

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// stagedFiles are the files chosen to go with the next message, above the message
// field: each with its name, size and, for a picture, a thumbnail, and a button that
// takes it off. The field's text is their caption; Send sends them all in one message.
type stagedFiles struct {
	c     *composer
	files []stagedFile
	box   *fyne.Container
	// onStaged, if set, is told which files an add looked at, once they are staged or
	// refused (the demo's log, for scripts).
	onStaged func([]chosen)
}

// stagedFile is one file chosen to send, as it was when it was chosen.
type stagedFile struct {
	path, name string
	info       os.FileInfo
	row        fyne.CanvasObject
	remove     *widget.Button
}

// stagedThumb is the size of a staged picture's thumbnail, in points.
const stagedThumb = 48

func newStagedFiles(c *composer) *stagedFiles {
	s := &stagedFiles{c: c, box: container.NewVBox()}
	s.box.Hide()
	return s
}

// chosen is a file looked at before staging: its description, or why it can't be sent.
type chosen struct {
	path    string
	info    os.FileInfo
	problem string
}

// add looks at files off the Fyne goroutine and stages those that can be sent. For any
// other (a folder, one over the size limit), it says why beside the field instead.
func (s *stagedFiles) add(paths []string) {
	if len(paths) == 0 {
		return
	}
	background(s.c.p, func(*engine.Engine) ([]chosen, error) {
		out := make([]chosen, len(paths))
		for i, path := range paths {
			out[i] = look(path)
		}
		return out, nil
	}, func(cs []chosen, _ error) {
		var problems []string
		for _, ch := range cs {
			switch {
			case ch.problem != "":
				problems = append(problems, ch.problem)
			case len(s.files) >= engine.MaxFilesPerMessage:
				problems = append(problems, tooManyFiles())
			default:
				s.stage(ch)
			}
		}
		if len(problems) > 0 {
			s.c.notice(strings.Join(problems, "\n"))
		}
		if s.onStaged != nil {
			s.onStaged(cs)
		}
	})
}

// look describes a file chosen to send. It reads the disk: call it off the Fyne
// goroutine.
func look(path string) chosen {
	name := engine.SanitizeFileName(filepath.Base(path))
	fi, err := os.Stat(path)
	switch {
	case err != nil || !fi.Mode().IsRegular():
		return chosen{path: path, problem: notAFile(name)}
	case fi.Size() > engine.MaxFileSize:
		return chosen{path: path, problem: fileTooLarge(name, fi.Size())}
	}
	return chosen{path: path, info: fi}
}

// stage shows one file above the field.
func (s *stagedFiles) stage(ch chosen) {
	f := stagedFile{path: ch.path, name: engine.SanitizeFileName(filepath.Base(ch.path)), info: ch.info}
	var face fyne.CanvasObject = widget.NewIcon(theme.FileIcon())
	if isPictureName(f.name) {
		img := &canvas.Image{FillMode: canvas.ImageFillContain}
		img.SetMinSize(fyne.NewSize(stagedThumb, stagedThumb))
		face = img
		key := fileKey(f.path, 2*stagedThumb, f.info)
		set := func() {
			if im, ok, done := s.c.p.thumbs.get(s.c.p, key, nil); done && ok {
				img.Image = im
				img.Refresh()
			}
		}
		if im, ok, done := s.c.p.thumbs.get(s.c.p, key, set); done && ok {
			img.Image = im
		}
	}
	name := newBidiLabel(f.name, fyne.TextStyle{Bold: true}) // a name of a person's choosing
	size := label(visualLine(sizeText(f.info.Size())))
	size.Importance = widget.LowImportance
	f.remove = widget.NewButtonWithIcon(lang.L("Remove"), theme.CancelIcon(), nil)
	f.row = border(nil, nil,
		container.NewGridWrap(fyne.NewSize(stagedThumb, stagedThumb), face),
		hbox(size, container.NewCenter(f.remove)), name)
	row := f.row
	f.remove.OnTapped = func() { s.removeRow(row) }
	s.files = append(s.files, f)
	s.show()
}

// isPictureName reports whether a file's name says it is a picture Allium shows.
func isPictureName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp":
		return true
	}
	return false
}

// removeRow takes one file off.
func (s *stagedFiles) removeRow(row fyne.CanvasObject) {
	for i, f := range s.files {
		if f.row == row {
			s.files = append(s.files[:i], s.files[i+1:]...)
			break
		}
	}
	s.show()
}

func (s *stagedFiles) show() {
	objs := make([]fyne.CanvasObject, len(s.files))
	for i, f := range s.files {
		objs[i] = f.row
	}
	s.box.Objects = objs
	if len(objs) == 0 {
		s.box.Hide()
	} else {
		s.box.Show()
	}
	s.box.Refresh()
	if s.c.grew != nil {
		s.c.grew()
	}
}

// take empties the staging and returns the files to send.
func (s *stagedFiles) take() []stagedFile {
	fs := s.files
	s.files = nil
	s.show()
	return fs
}

// giveBack stages again the files of a message that could not be sent, unless others
// were chosen meanwhile.
func (s *stagedFiles) giveBack(fs []stagedFile) {
	if len(s.files) == 0 {
		s.files = fs
		s.show()
	}
}

// choose offers the file dialog, and stages what is chosen.
func (s *stagedFiles) choose() {
	p := s.c.p
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.add([]string{path})
	}, p.win)
	p.showDialog(d)
}

// dropped stages the files dropped onto the window, for the open conversation.
func (p *Profile) dropped(_ fyne.Position, uris []fyne.URI) {
	if p.conv == nil {
		p.showError(lang.L("Open a conversation first, then drop the files on it to send them."))
		return
	}
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	p.conv.composer.staged.add(paths)
}
