package app

import (
	"fmt"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// requestsView lists message requests: people we have not accepted who wrote to us. Each
// can be accepted (it moves to the conversations), declined (deleted without telling
// them) or blocked. Requests never raise a notification.
type requestsView struct {
	p       *Profile
	box     *fyne.Container
	content fyne.CanvasObject
	// buttons by conversation, and the requests warned of as lookalikes, for tests
	accept, decline, block map[crypto.SessionID]*widget.Button
	twins                  []crypto.SessionID
}

func (p *Profile) showRequests() {
	if !p.ready {
		return
	}
	v := &requestsView{p: p, box: container.NewVBox()}
	closeBtn := widget.NewButton(lang.L("Close"), p.closePane)
	top := border(nil, nil, nil, closeBtn, heading(lang.L("Message requests")))
	info := wrapped(lang.L("These people wrote to you, but you have not accepted them. They don't know whether you read their messages. Accept to answer them; decline to delete the request; block to never hear from them again."))
	v.content = container.NewBorder(container.NewVBox(top, info, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(v.box))
	p.showRight(v.content)
	p.requests = v
	v.refresh()
}

func (v *requestsView) refresh() {
	p := v.p
	v.box.RemoveAll()
	v.accept = map[crypto.SessionID]*widget.Button{}
	v.decline = map[crypto.SessionID]*widget.Button{}
	v.block = map[crypto.SessionID]*widget.Button{}
	v.twins = nil
	for _, c := range p.sidebar.convs {
		if c.Approved || c.Blocked {
			continue
		}
		v.box.Add(v.row(c))
	}
	if len(v.box.Objects) == 0 {
		v.box.Add(label(lang.L("No message requests.")))
	}
	v.box.Refresh()
}

func (v *requestsView) row(c engine.Conversation) fyne.CanvasObject {
	p, id := v.p, c.ID
	name := newBidiLabel(convName(c, p.me), fyne.TextStyle{Bold: true})
	who := widget.NewLabelWithStyle(id.String(), leading(), fyne.TextStyle{Monospace: true})
	who.Wrapping = fyne.TextWrapBreak
	who.SizeName = "captionText"
	face := newAvatar(44)
	face.set(p, id, c.Name, c.Avatar)
	head := border(nil, nil, container.NewCenter(face.content), nil, container.NewVBox(name, who))
	last := newBidiText(c.LastBody) // what they wrote, laid out with the bidi algorithm
	parts := []fyne.CanvasObject{head}
	if twin, ok := lookalike(c, p.sidebar.convs); ok {
		warn := wrapped(twinRequestSentence(c, twin))
		warn.Importance = widget.WarningImportance
		parts = append(parts, warn)
		v.twins = append(v.twins, id)
	}
	accept := widget.NewButton(lang.L("Accept"), func() {
		background(p, func(e *engine.Engine) (struct{}, error) { return struct{}{}, e.Accept(id) },
			func(_ struct{}, err error) {
				if err != nil {
					p.showError(plain(err, lang.L("Allium could not accept the request. Try again.")))
					return
				}
				p.openConversation(id)
			})
	})
	accept.Importance = widget.HighImportance
	decline := widget.NewButton(lang.L("Decline"), func() {
		p.call(func(e *engine.Engine) error { return e.Decline(id) }, lang.L("Allium could not decline the request. Try again."))
	})
	block := widget.NewButton(lang.L("Block"), func() {
		p.showDialog(newQuestion(fmt.Sprintf(lang.L("Block %s?"), namedID(c, p.me)), lang.L("You will never receive their messages. You can unblock them in Settings › Privacy."), lang.L("Block"), lang.L("Cancel"), func(ok bool) {
			if ok {
				p.call(func(e *engine.Engine) error { return e.Block(id) }, lang.L("Allium could not block this person. Try again."))
			}
		}, p.win))
	})
	block.Importance = widget.DangerImportance
	v.accept[id], v.decline[id], v.block[id] = accept, decline, block
	parts = append(parts, last, hbox(accept, decline, layout.NewSpacer(), block), widget.NewSeparator())
	return container.NewVBox(parts...)
}
