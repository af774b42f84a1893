package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// restoreView is the part of the empty pane that shows a restored account coming back
// (its name, contacts and settings are fetched from the network before anything else),
// and the groups and communities of the account, which Allium keeps for the account's
// other apps but cannot open yet.
type restoreView struct {
	box     *fyne.Container
	title   *widget.Label
	bar     *widget.ProgressBar
	detail  *widget.Label
	groups  *bidiText
	active  bool
	content fyne.CanvasObject
}

func newRestoreView() *restoreView {
	r := &restoreView{
		title:  widget.NewLabelWithStyle(lang.L("Restoring your account…"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		bar:    widget.NewProgressBar(),
		detail: widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{}),
		groups: wrapped(""),
	}
	r.groups.Alignment = fyne.TextAlignCenter
	r.box = container.NewVBox(r.title, r.bar, r.detail)
	r.box.Hide()
	r.groups.Hide()
	r.content = container.NewVBox(r.box, r.groups)
	return r
}

// progress shows how far the restore is.
func (r *restoreView) progress(ev engine.RestoreProgress) {
	r.active = true
	if ev.Total > 0 {
		r.bar.SetValue(float64(ev.Done) / float64(ev.Total))
	}
	if ev.Contacts > 0 {
		r.detail.SetText(lang.N("Found {{.Count}} contacts so far. Your name, contacts and settings are coming back from the network.",
			ev.Contacts, map[string]string{"Count": num(ev.Contacts)}))
	} else {
		r.detail.SetText(lang.L("Your name, contacts and settings are coming back from the network."))
	}
	r.box.Show()
}

// finished hides the progress.
func (r *restoreView) finished() {
	r.active = false
	r.box.Hide()
}

// setGroups lists the account's groups and communities as not supported yet.
func (r *restoreView) setGroups(gs []engine.Group) {
	if len(gs) == 0 {
		r.groups.Hide()
		return
	}
	names := make([]string, len(gs))
	for i, g := range gs {
		name := g.Name
		if name == "" {
			name = g.ID
		}
		names[i] = name
	}
	// One name a line: names are in any language, and a list needs no comma of either.
	r.groups.SetText(lang.L("Groups and communities are not supported yet. Allium keeps yours for your other devices:") +
		"\n" + strings.Join(names, "\n"))
	r.groups.Show()
}
