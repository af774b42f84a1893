package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// conversationMenu is the menu in a conversation's header: pin or unpin, disappearing
// messages, rename, copy Session ID, block or unblock, delete; with the dialogs it opens.
type conversationMenu struct {
	p      *Profile
	conv   engine.Conversation
	button *widget.Button
}

func newConversationMenu(p *Profile, c engine.Conversation) *conversationMenu {
	m := &conversationMenu{p: p, conv: c}
	m.button = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), m.show)
	return m
}

// set keeps the menu up to date with a changed conversation (its name, whether it is
// blocked, its disappearing setting).
func (m *conversationMenu) set(c engine.Conversation) { m.conv = c }

func (m *conversationMenu) show() {
	p, id := m.p, m.conv.ID
	block := fyne.NewMenuItem(lang.L("Block"), func() {
		p.showDialog(newQuestion(fmt.Sprintf(lang.L("Block %s?"), namedID(m.conv, m.p.me)), lang.L("You will no longer receive their messages. You can unblock them in Settings › Privacy."), lang.L("Block"), lang.L("Cancel"), func(ok bool) {
			if ok {
				p.call(func(e *engine.Engine) error { return e.Block(id) }, lang.L("Allium could not block this person. Try again."))
			}
		}, p.win))
	})
	if m.conv.Blocked {
		block = fyne.NewMenuItem(lang.L("Unblock"), func() {
			p.call(func(e *engine.Engine) error { return e.Unblock(id) }, lang.L("Allium could not unblock this person. Try again."))
		})
	}
	pin := fyne.NewMenuItem(lang.L("Pin to the top"), func() {
		p.call(func(e *engine.Engine) error { return e.SetPriority(id, 1) }, lang.L("Allium could not pin this conversation. Try again."))
	})
	if m.conv.Priority > 0 {
		pin = fyne.NewMenuItem(lang.L("Unpin"), func() {
			p.call(func(e *engine.Engine) error { return e.SetPriority(id, 0) }, lang.L("Allium could not unpin this conversation. Try again."))
		})
	}
	items := []*fyne.MenuItem{
		pin,
		fyne.NewMenuItem(lang.L("Disappearing messages…"), m.showDisappearing),
		fyne.NewMenuItem(lang.L("Rename…"), m.showRename),
		fyne.NewMenuItem(visualLine(lang.L("Copy Session ID")), func() { p.ui.fa.Clipboard().SetContent(id.String()) }),
		fyne.NewMenuItemSeparator(),
		block,
		fyne.NewMenuItem(lang.L("Delete conversation…"), func() {
			p.showDialog(newQuestion(lang.L("Delete this conversation?"), lang.L("Its messages are deleted from this computer, and the conversation from your other devices. The other person keeps their copy."), lang.L("Delete"), lang.L("Cancel"), func(ok bool) {
				if ok {
					p.call(func(e *engine.Engine) error { return e.DeleteConversation(id) }, lang.L("Allium could not delete the conversation. Try again."))
				}
			}, p.win))
		}),
	}
	anchor := m.button
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(anchor).Add(fyne.NewPos(0, anchor.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), p.win.Canvas(), pos)
}

func (m *conversationMenu) showRename() {
	p, id := m.p, m.conv.ID
	e := newTextField(p.keys, lang.L("Name"))
	e.SetText(m.conv.Name)
	problem := wrapped("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	var d *confirmDialog
	save := func() {
		name := strings.TrimSpace(e.Text)
		if s := nameProblem(name); s != "" {
			problem.SetText(s)
			problem.Show()
			return
		}
		d.Hide()
		p.call(func(e *engine.Engine) error { return e.SetContactName(id, name) }, lang.L("Allium could not save the name. Try again."))
	}
	e.OnSubmitted = func(string) { save() }
	d = newConfirm(lang.L("Rename"), lang.L("Save"), lang.L("Cancel"),
		container.NewGridWrap(fyne.NewSize(340, e.MinSize().Height*3), container.NewVBox(e, problem)), func(ok bool) {
			if ok {
				save()
			}
		}, p.win)
	p.showDialog(d)
	p.win.Canvas().Focus(e)
}

// Timers offered for disappearing messages.
var disappearTimers = []time.Duration{5 * time.Minute, time.Hour, 12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour}

func (m *conversationMenu) showDisappearing() {
	p, id := m.p, m.conv.ID
	modes := []string{lang.L("Off"), lang.L("After it is read"), lang.L("After it is sent")}
	mode := newRadioGroup(modes, nil)
	var timers []string
	for _, d := range disappearTimers {
		timers = append(timers, visualLine(durationText(d)))
	}
	timer := widget.NewSelect(timers, nil)
	timer.Alignment = leading()
	timer.SetSelectedIndex(3)
	for i, d := range disappearTimers {
		if m.conv.Disappearing.Timer == d {
			timer.SetSelectedIndex(i)
		}
	}
	mode.SetSelected(modes[int(m.conv.Disappearing.Mode)%len(modes)])
	mode.OnChanged = func(s string) {
		if s == modes[0] {
			timer.Disable()
		} else {
			timer.Enable()
		}
	}
	mode.OnChanged(mode.Selected)
	info := wrapped(fmt.Sprintf(lang.L("Messages you and %s send from now on disappear from both computers."), namedID(m.conv, m.p.me)))
	d := newConfirm(lang.L("Disappearing messages"), lang.L("Save"), lang.L("Cancel"),
		column(360, info, mode, timer), func(ok bool) {
			if !ok {
				return
			}
			when := engine.DisappearOff
			switch mode.Selected {
			case modes[1]:
				when = engine.DisappearAfterRead
			case modes[2]:
				when = engine.DisappearAfterSend
			}
			t := disappearTimers[max(0, timer.SelectedIndex())]
			p.call(func(e *engine.Engine) error { return e.SetDisappearing(id, engine.Disappearing{Mode: when, Timer: t}) }, lang.L("Allium could not change the setting. Try again."))
		}, p.win)
	p.showDialog(d)
}
