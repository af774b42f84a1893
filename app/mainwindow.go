package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// buildMain lays out the main window: the sidebar on the left, the open conversation (or
// requests, or settings) on the right, and the status line at the bottom.
func (p *Profile) buildMain(s engine.Status) {
	p.sidebar = newSidebar(p)
	p.empty = newEmptyPane(p)
	p.right = container.NewStack(p.empty.content)

	split := hsplit(p.sidebar.content, p.right, 0.3)

	if p.status != nil {
		p.status.stop()
	}
	p.status = newStatusLine(p)
	p.conn, p.problem = s, engine.NoProblem
	if s == engine.Offline {
		// s was read before: a problem read now may belong to a later status, which
		// its own event brings.
		p.problem = p.eng.Problem()
	}
	p.status.set(s, p.problem)

	p.mainContent = container.NewBorder(nil, p.status.content, nil, nil, split)
	p.win.SetContent(p.mainContent)
	p.ready = true
	p.startIdleLock()
	p.setTitle()
}

// refresh shows a change of the conversations, or of the profile's name, everywhere it
// is seen: the sidebar, the empty pane, message requests, the title and the tray.
func (p *Profile) refresh() {
	if !p.ready {
		return
	}
	p.sidebar.refresh()
	p.empty.set(len(p.sidebar.shown) == 0 && p.sidebar.query() == "")
	if p.requests != nil {
		p.requests.refresh()
	}
	p.setTitle()
	p.ui.updateTray()
}

func (p *Profile) setTitle() {
	title := "Allium"
	if p.label != "" {
		title = p.label + " — Allium"
	}
	if n := p.unread(); n > 0 {
		title += " (" + num(n) + ")"
	}
	p.win.SetTitle(title)
}

// unread counts unread messages in accepted conversations.
func (p *Profile) unread() int {
	if p.sidebar == nil {
		return 0
	}
	return p.sidebar.unread()
}

func (p *Profile) displayName() string {
	if p.name != "" {
		return p.name
	}
	return shortID(p.me)
}

// showRight shows obj in the right pane, closing whatever was there. A conversation it
// closes is remembered, so that closing settings or requests goes back to it; the
// sidebar's highlight follows, so that a row not open can always be clicked.
func (p *Profile) showRight(obj fyne.CanvasObject) {
	if p.conv != nil && p.conv.content != obj {
		p.back, p.hasBack = p.conv.id, true
		p.conv.close()
		p.conv = nil
	}
	if p.requests != nil && p.requests.content != obj {
		p.requests = nil
	}
	if p.settings != nil && p.settings.content != obj {
		p.settings = nil
	}
	p.right.Objects = []fyne.CanvasObject{obj}
	p.right.Refresh()
	p.sidebar.selectOpen()
}

// showEmpty closes what the right pane shows.
func (p *Profile) showEmpty() { p.showRight(p.empty.content) }

// closePane closes settings or requests, and goes back to the conversation that was
// open before them, if it is still there.
func (p *Profile) closePane() {
	id, ok := p.back, p.hasBack
	if c, exists := p.sidebar.conversation(id); ok && exists && c.Approved && !c.Blocked {
		p.openConversation(id)
		return
	}
	p.showEmpty()
}

// openConversation shows a conversation on the right and marks it read.
func (p *Profile) openConversation(id crypto.SessionID) { p.openConversationAt(id, msgID{}) }

// openConversationAt shows a conversation at one of its messages, marked, or at its
// newest if at is zero (a search result opens it this way).
func (p *Profile) openConversationAt(id crypto.SessionID, at msgID) {
	if !p.ready {
		return
	}
	if p.conv != nil && p.conv.id == id {
		if at.ts != 0 {
			p.conv.showMessage(at)
		}
		p.win.Canvas().Focus(p.conv.composer.entry)
		return
	}
	p.hasBack = false
	c, _ := p.sidebar.conversation(id)
	v := newConversationView(p, c)
	v.target = at
	p.showRight(v.content)
	p.conv = v
	v.load()
	p.sidebar.selectOpen()
	p.win.Canvas().Focus(v.composer.entry)
	p.markRead(id)
}

// open returns the view of the conversation id if it is the one open, or nil.
func (p *Profile) open(id crypto.SessionID) *conversationView {
	if p.conv != nil && p.conv.id == id {
		return p.conv
	}
	return nil
}

// openID is the conversation shown on the right, if any.
func (p *Profile) openID() (crypto.SessionID, bool) {
	if p.conv == nil {
		return crypto.SessionID{}, false
	}
	return p.conv.id, true
}

func (p *Profile) focusSearch() {
	if p.sidebar != nil {
		p.win.Canvas().Focus(p.sidebar.search)
	}
}

// escape closes the dialog that is up, or else the settings or requests pane.
func (p *Profile) escape() {
	switch {
	case p.dialogUp != nil:
		d := p.dialogUp
		p.dialogUp = nil
		d.Hide()
	case p.settings != nil || p.requests != nil:
		p.closePane()
	}
}

// showDialog shows d and remembers it, so that Esc can close it.
func (p *Profile) showDialog(d dialog.Dialog) {
	p.dialogUp = d
	d.SetOnClosed(func() {
		if p.dialogUp == d {
			p.dialogUp = nil
		}
	})
	d.Show()
}

// showError tells the person what went wrong, in a dialog.
func (p *Profile) showError(sentence string) {
	msg := wrapped(sentence)
	d := newInfo(lang.L("Something went wrong"), lang.L("OK"), column(360, msg), p.win)
	p.showDialog(d)
}

// emptyPane is the right side when nothing is open. With no conversation yet, it says
// how one starts, and offers the Session ID that others need to write first.
type emptyPane struct {
	hello   *bidiText      // its sentence
	helloID *widget.Button // its Show my Session ID, while there is no conversation
	restore *restoreView   // a restore in progress, and the group list
	content fyne.CanvasObject
}

func newEmptyPane(p *Profile) *emptyPane {
	e := &emptyPane{hello: wrapped(""), restore: newRestoreView()}
	e.hello.Alignment = fyne.TextAlignCenter
	e.helloID = widget.NewButtonWithIcon(visualLine(lang.L("Show my Session ID")), theme.AccountIcon(), p.showMyQR)
	e.helloID.Hide() // until the conversations are read
	e.content = container.NewCenter(column(420, container.NewVBox(e.restore.content, e.hello, container.NewCenter(e.helloID))))
	if p.eng != nil {
		if p.eng.Restoring() {
			e.restore.progress(engine.RestoreProgress{Total: 4})
		}
		e.restore.setGroups(p.eng.Groups())
	}
	return e
}

// set says how a conversation starts if there is none yet, or else asks to choose one.
// While a restore runs, it says nothing of an empty list: the list is still coming.
func (e *emptyPane) set(none bool) {
	if e.restore.active {
		e.hello.SetText("")
		e.helloID.Hide()
		return
	}
	if none {
		e.hello.SetText(lang.L("No conversations yet. Start one with New conversation,\nor show people your Session ID so that they can write to you."))
		e.helloID.Show()
	} else {
		e.hello.SetText(lang.L("Choose a conversation, or start a new one."))
		e.helloID.Hide()
	}
}

// statusLine shows the connection status under the window and, once the network has
// been out of reach for offerAfter, a line and a button to the proxy and Tor settings.
type statusLine struct {
	p       *Profile
	proxy   string // the proxy's host:port, to name when it can't be reached
	label   *bidiText
	busy    *widget.ProgressBarInfinite
	offer   *fyne.Container // offerProxySentence and offerBt, while shown
	offerBt *widget.Button
	content fyne.CanvasObject

	// offerAfter is how long the network is out of reach before the offer shows.
	offerAfter time.Duration
	// offerTimer runs while the offer waits; offerGen tells a timer that fired late
	// that the status changed since it was set.
	offerTimer *time.Timer
	offerGen   int
}

// offerProxyAfter is how long Allium tries to reach the network before it offers a
// proxy or Tor: long enough for a slow start, short enough not to leave people waiting.
const offerProxyAfter = 30 * time.Second

func newStatusLine(p *Profile) *statusLine {
	s := &statusLine{p: p, label: wrapped(""), busy: widget.NewProgressBarInfinite(), offerAfter: offerProxyAfter}
	hint := wrapped(lang.L(offerProxySentence))
	s.offerBt = widget.NewButton(lang.L(offerProxyButton), p.showNetworkSettings)
	s.offer = border(nil, nil, nil, s.offerBt, hint)
	s.offer.Hide()
	s.content = container.NewVBox(s.offer,
		border(nil, nil, nil, container.NewGridWrap(fyne.NewSize(120, s.busy.MinSize().Height), s.busy), s.label))
	return s
}

// set shows the connection status and, while offline, what fails. The progress bar
// only runs while connecting: an animation that runs for nothing costs CPU all day.
func (s *statusLine) set(st engine.Status, pr engine.Problem) {
	if st == engine.Offline && pr == engine.ProblemProxy && s.proxy != "" {
		s.label.SetText(proxyDownSentence(s.proxy))
	} else {
		s.label.SetText(statusSentence(st, pr))
	}
	s.offerLater(st == engine.Offline && pr != engine.ProblemOffline && pr != engine.ProblemProxy)
	switch st {
	case engine.Online:
		s.label.Importance = widget.LowImportance
	case engine.Connecting:
		s.label.Importance = widget.MediumImportance
	default:
		s.label.Importance = widget.WarningImportance
	}
	s.label.Refresh()
	if st == engine.Connecting {
		s.busy.Show()
		s.busy.Start()
	} else {
		s.busy.Stop()
		s.busy.Hide()
	}
}

// offerLater shows the offer of a proxy or Tor once the network has been out of reach
// for offerAfter (want), or takes it away (not want). A computer that is offline
// needs a network, not a proxy, and a proxy that fails is named already.
func (s *statusLine) offerLater(want bool) {
	if want && (s.offerTimer != nil || s.offer.Visible()) {
		return // already waiting, or shown
	}
	s.offerGen++
	if s.offerTimer != nil {
		s.offerTimer.Stop()
		s.offerTimer = nil
	}
	if !want {
		s.offer.Hide()
		return
	}
	gen := s.offerGen
	s.offerTimer = time.AfterFunc(s.offerAfter, func() {
		s.p.ui.do(func() {
			if s.offerGen != gen {
				return
			}
			s.offerTimer = nil
			s.offer.Show()
		})
	})
}

// stop ends the offer's timer, when the status line goes with its window.
func (s *statusLine) stop() { s.offerLater(false) }
