package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// column lays objects out one under another at a fixed width, and is as tall as they
// are at that width. A label that wraps its text knows how many lines it needs only once
// it has its width, so a height measured before layout is one line per label: text then
// spills over the widgets below it.
func column(width float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(columnLayout{width}, container.NewVBox(objs...))
}

// columnLayout holds one object, at least width wide.
type columnLayout struct{ width float32 }

func (l columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	col := objs[0]
	w := max(l.width, col.MinSize().Width)
	// Give the column its width before asking for its height.
	if col.Size().Width != w {
		col.Resize(fyne.NewSize(w, col.MinSize().Height))
	}
	return fyne.NewSize(w, col.MinSize().Height)
}

func (l columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}
