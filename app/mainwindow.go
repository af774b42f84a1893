package app

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// Profile is one account open in a window: its engine, once the account exists, and the
// main window's views.
type Profile struct {
	ui      *UI
	dir     string
	network string
	win     fyne.Window
	keys    *keymap

	mu  sync.Mutex // guards eng, which UI.Close reads after the Fyne loop has stopped
	eng *engine.Engine

	// onEvent, if set before the engine opens, sees every engine event on the pump
	// goroutine before the views apply it (the demo's machine-readable log).
	onEvent func(name string, ev engine.Event)
	// label names the profile in onEvent calls.
	label string

	// Fyne goroutine only, from here on.
	prefs  prefs
	me     crypto.SessionID
	name   string
	convs  []engine.Conversation // every conversation, most recent first
	shown  []engine.Conversation // the list's rows: accepted, not blocked, matching the search
	typing map[crypto.SessionID]bool
	status engine.Status
	paths  []engine.Path
	ready  bool // the main window is built
	// selecting is set while the list's selection follows the open conversation, so
	// that OnSelected does not open it again.
	selecting bool
	dialogUp  dialog.Dialog

	nameLabel   *widget.Label
	search      *field
	list        *widget.List
	requestsBtn *widget.Button
	statusLabel *widget.Label
	statusBusy  *widget.ProgressBarInfinite
	right       *fyne.Container
	empty       fyne.CanvasObject // the right side when nothing is open
	hello       *widget.Label     // its sentence
	helloID     *widget.Button    // its Show my Session ID, while there is no conversation

	onboarding *onboarding       // while the account is being created or restored
	newConv    *newConversation  // the last New conversation dialog
	conv       *conversationView // the open conversation, or nil
	requests   *requestsView     // shown instead of a conversation, or nil
	settings   *settingsView     // shown instead of a conversation, or nil
}

func newProfile(u *UI, dir, network, title string) *Profile {
	p := &Profile{ui: u, dir: dir, network: network, typing: map[crypto.SessionID]bool{}, prefs: defaultPrefs()}
	p.win = u.fa.NewWindow(title)
	p.win.Resize(fyne.NewSize(960, 640))
	p.win.SetCloseIntercept(p.closeWindow)
	p.keys = &keymap{
		ctrl: map[fyne.KeyName]func(){
			fyne.KeyN:     p.showNewConversation,
			fyne.KeyF:     p.focusSearch,
			fyne.KeyComma: p.showSettings,
			fyne.KeyQ:     p.quit,
		},
		escape: p.escape,
	}
	p.keys.install(p.win.Canvas())
	u.profiles = append(u.profiles, p)
	return p
}

// start looks for the account (off the Fyne goroutine) and shows onboarding or opens it.
func (p *Profile) start() {
	p.win.SetContent(busyView("Opening Allium…"))
	dir := p.dir
	go func() {
		has, err := engine.HasAccount(dir)
		p.ui.do(func() {
			switch {
			case err != nil:
				p.showProblem(plain(err, "Allium can't open its profile folder. Check that the disk is not full, then start Allium again."), nil)
			case !has:
				p.showOnboarding()
			default:
				p.openEngine()
			}
		})
	}()
}

// openEngine starts the engine on the profile, off the Fyne goroutine.
func (p *Profile) openEngine() {
	p.win.SetContent(busyView("Opening your account…"))
	opts := engine.Options{Dir: p.dir, Network: p.network, Logger: p.ui.log}
	go func() {
		eng, err := engine.Open(opts)
		pr := loadPrefs(opts.Dir)
		p.ui.do(func() {
			if err != nil {
				var retry func()
				if errors.Is(err, engine.ErrUnknownNetwork) {
					retry = func() { p.network = engine.NetworkSession; p.openEngine() }
				}
				p.showProblem(plain(err, "Allium can't open your account. Start Allium again; if this keeps happening, the profile folder may be damaged."), retry)
				return
			}
			p.attach(eng, pr)
		})
	}()
}

// showProblem fills the window with a sentence about what went wrong. A non-nil
// useSession offers to switch to the Session network.
func (p *Profile) showProblem(sentence string, useSession func()) {
	msg := widget.NewLabel(sentence)
	msg.Wrapping = fyne.TextWrapWord
	msg.Alignment = fyne.TextAlignCenter
	buttons := container.NewHBox(layout.NewSpacer())
	if useSession != nil {
		b := widget.NewButton("Use the Session network", useSession)
		b.Importance = widget.HighImportance
		buttons.Add(b)
	}
	buttons.Add(widget.NewButton("Quit", p.quit))
	buttons.Add(layout.NewSpacer())
	p.win.SetContent(container.NewPadded(container.NewVBox(layout.NewSpacer(), msg, buttons, layout.NewSpacer())))
}

// attach shows the main window for an open engine and starts applying its events.
func (p *Profile) attach(eng *engine.Engine, pr prefs) {
	p.mu.Lock()
	p.eng = eng
	p.mu.Unlock()
	p.onboarding = nil
	p.prefs = pr
	if pr.Appearance != appearanceSystem {
		applyAppearance(p.ui.fa, pr.Appearance)
	}
	p.me = eng.SessionID()
	p.status = eng.Status()
	p.buildMain()
	p.startPump(eng)
	p.reload()
	eng.SetActive(p.ui.foreground)
	p.ui.updateTray()
}

// startPump drains the engine's events on one goroutine and applies each on the Fyne
// goroutine, in order. It ends when the engine closes its channel.
func (p *Profile) startPump(eng *engine.Engine) {
	hook, label := p.onEvent, p.label
	p.ui.pumps.Add(1)
	go func() {
		defer p.ui.pumps.Done()
		for ev := range eng.Events() {
			if hook != nil {
				hook(label, ev)
			}
			p.ui.do(func() { p.apply(eng, ev) })
		}
	}()
}

// reload reads the conversations and the profile name again, off the Fyne goroutine.
func (p *Profile) reload() {
	eng := p.eng
	go func() {
		convs, err := eng.Conversations()
		name := eng.DisplayName()
		p.ui.do(func() {
			if eng != p.eng {
				return
			}
			if err != nil {
				p.ui.log.Warn("read conversations", "err", err)
			}
			p.name = name
			p.convs = convs
			if p.conv != nil {
				if c, ok := p.conversation(p.conv.id); ok {
					p.conv.setConversation(c)
				}
			}
			p.refreshList()
		})
	}()
}

func busyView(text string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return container.NewPadded(container.NewVBox(layout.NewSpacer(),
		widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(240, bar.MinSize().Height), bar)),
		layout.NewSpacer()))
}

// buildMain lays out the main window: the sidebar on the left, the open conversation (or
// requests, or settings) on the right, and the status line at the bottom.
func (p *Profile) buildMain() {
	p.nameLabel = widget.NewLabelWithStyle(p.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.nameLabel.Truncation = fyne.TextTruncateEllipsis
	qrBtn := widget.NewButtonWithIcon("", theme.AccountIcon(), p.showMyQR)
	settingsBtn := widget.NewButtonWithIcon("", theme.SettingsIcon(), p.showSettings)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(qrBtn, settingsBtn), p.nameLabel)

	p.search = newField(p.keys, "Search")
	p.search.OnChanged = func(string) { p.refreshList() }
	newBtn := widget.NewButtonWithIcon("New conversation", theme.ContentAddIcon(), p.showNewConversation)
	newBtn.Importance = widget.HighImportance

	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject { return newConvRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(p.shown) {
				c := p.shown[id]
				o.(*convRow).set(c, p.typing[c.ID])
			}
		})
	p.list.HideSeparators = true
	p.list.OnSelected = func(id widget.ListItemID) {
		if !p.selecting && id < len(p.shown) {
			p.openConversation(p.shown[id].ID)
		}
	}
	p.requestsBtn = widget.NewButtonWithIcon("", theme.MailComposeIcon(), p.showRequests)
	p.requestsBtn.Hide()

	sidebar := container.NewBorder(
		container.NewVBox(top, p.search, newBtn),
		p.requestsBtn, nil, nil, p.list)

	// With no conversation yet, the empty side says how one starts, and offers the
	// Session ID that others need to write first.
	p.hello = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	p.helloID = widget.NewButtonWithIcon("Show my Session ID", theme.AccountIcon(), p.showMyQR)
	p.helloID.Hide() // until the conversations are read
	p.empty = container.NewCenter(container.NewVBox(p.hello, container.NewCenter(p.helloID)))
	p.right = container.NewStack(p.empty)

	split := container.NewHSplit(sidebar, p.right)
	split.Offset = 0.3

	p.statusLabel = widget.NewLabel("")
	p.statusBusy = widget.NewProgressBarInfinite()
	statusRow := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(120, p.statusBusy.MinSize().Height), p.statusBusy), p.statusLabel)
	p.setStatus(p.status)

	p.win.SetContent(container.NewBorder(nil, statusRow, nil, nil, split))
	p.ready = true
	p.setTitle()
}

func (p *Profile) setTitle() {
	title := "Allium"
	if p.label != "" {
		title = p.label + " — Allium"
	}
	if n := p.unread(); n > 0 {
		title += " (" + itoa(n) + ")"
	}
	p.win.SetTitle(title)
}

// setStatus shows the connection status. The progress bar only runs while connecting:
// an animation that runs for nothing costs CPU all day.
func (p *Profile) setStatus(s engine.Status) {
	p.status = s
	if p.statusLabel == nil {
		return
	}
	p.statusLabel.SetText(s.String())
	switch s {
	case engine.Online:
		p.statusLabel.Importance = widget.LowImportance
	case engine.Connecting:
		p.statusLabel.Importance = widget.MediumImportance
	default:
		p.statusLabel.Importance = widget.WarningImportance
	}
	p.statusLabel.Refresh()
	if s == engine.Connecting {
		p.statusBusy.Show()
		p.statusBusy.Start()
	} else {
		p.statusBusy.Stop()
		p.statusBusy.Hide()
	}
}

// refreshList rebuilds the list's rows from the conversations and the search text, and
// the requests button.
func (p *Profile) refreshList() {
	if !p.ready {
		return
	}
	p.nameLabel.SetText(p.displayName())
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	p.shown = p.shown[:0]
	requests := 0
	for _, c := range p.convs {
		if c.Blocked {
			continue
		}
		if !c.Approved {
			requests++
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(convName(c)), q) &&
			!strings.Contains(c.ID.String(), q) && !strings.Contains(strings.ToLower(c.LastBody), q) {
			continue
		}
		p.shown = append(p.shown, c)
	}
	p.list.Refresh()
	p.selectOpen()
	if len(p.shown) == 0 && q == "" {
		p.hello.SetText("No conversations yet. Start one with New conversation,\nor show people your Session ID so that they can write to you.")
		p.helloID.Show()
	} else {
		p.hello.SetText("Choose a conversation, or start a new one.")
		p.helloID.Hide()
	}
	if requests > 0 {
		p.requestsBtn.SetText("Message requests (" + itoa(requests) + ")")
		p.requestsBtn.Show()
	} else {
		p.requestsBtn.Hide()
	}
	if p.requests != nil {
		p.requests.refresh()
	}
	p.setTitle()
	p.ui.updateTray()
}

func (p *Profile) displayName() string {
	if p.name != "" {
		return p.name
	}
	return shortID(p.me)
}

// unread counts unread messages in accepted conversations.
func (p *Profile) unread() int {
	n := 0
	for _, c := range p.convs {
		if c.Approved && !c.Blocked {
			n += c.Unread
		}
	}
	return n
}

// findConv returns the index of a conversation in p.convs, or -1.
func (p *Profile) findConv(id crypto.SessionID) int {
	for i, c := range p.convs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// putConv stores a changed conversation and keeps the list in order, most recent first.
func (p *Profile) putConv(c engine.Conversation) {
	if i := p.findConv(c.ID); i >= 0 {
		p.convs[i] = c
	} else {
		p.convs = append(p.convs, c)
	}
	sort.SliceStable(p.convs, func(i, j int) bool { return p.convs[i].LastAt > p.convs[j].LastAt })
}

func (p *Profile) conversation(id crypto.SessionID) (engine.Conversation, bool) {
	if i := p.findConv(id); i >= 0 {
		return p.convs[i], true
	}
	return engine.Conversation{ID: id}, false
}

// showRight shows obj in the right pane, closing whatever was there.
func (p *Profile) showRight(obj fyne.CanvasObject) {
	if p.conv != nil && p.conv.content != obj {
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
}

// openConversation shows a conversation on the right and marks it read.
func (p *Profile) openConversation(id crypto.SessionID) {
	if !p.ready {
		return
	}
	if p.conv != nil && p.conv.id == id {
		p.win.Canvas().Focus(p.conv.composer)
		return
	}
	c, _ := p.conversation(id)
	v := newConversationView(p, c)
	p.showRight(v.content)
	p.conv = v
	v.load()
	p.selectOpen()
	p.win.Canvas().Focus(v.composer)
	p.markRead(id)
}

// selectOpen highlights the open conversation in the list, if it is shown there.
func (p *Profile) selectOpen() {
	p.selecting = true
	defer func() { p.selecting = false }()
	if p.conv != nil {
		for i, s := range p.shown {
			if s.ID == p.conv.id {
				p.list.Select(i)
				return
			}
		}
	}
	p.list.UnselectAll()
}

// markRead marks a conversation read if the user can see it.
func (p *Profile) markRead(id crypto.SessionID) {
	if !p.ui.foreground {
		return
	}
	c, ok := p.conversation(id)
	if !ok || c.Unread == 0 || !c.Approved {
		return
	}
	eng := p.eng
	go func() {
		if err := eng.MarkRead(id); err != nil {
			p.ui.log.Debug("mark read", "err", err)
		}
	}()
}

func (p *Profile) setActive(active bool) {
	if p.eng == nil {
		return
	}
	p.eng.SetActive(active)
	if active && p.conv != nil {
		p.markRead(p.conv.id)
	}
}

func (p *Profile) focusSearch() {
	if p.search != nil {
		p.win.Canvas().Focus(p.search)
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
		p.showRight(p.empty)
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
	msg := widget.NewLabel(sentence)
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Something went wrong", "OK", column(360, msg), p.win)
	p.showDialog(d)
}

func (p *Profile) showWindow() {
	p.win.Show()
	p.win.RequestFocus()
}

func (p *Profile) quit() { p.ui.fa.Quit() }

// closeWindow runs when the window's close button is pressed: with "run in background"
// on, the window hides and messages keep arriving; the first time, the person is asked.
func (p *Profile) closeWindow() {
	if p.ui.demo || p.eng == nil {
		p.quit()
		return
	}
	if p.prefs.RunInBackground {
		p.win.Hide()
		return
	}
	if p.prefs.AskedBackground {
		p.quit()
		return
	}
	msg := widget.NewLabel("Allium can keep receiving messages after you close its window, and show them as notifications. You can change this later in Settings.")
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Keep receiving messages?", "Keep running", "Quit",
		column(380, msg), func(keep bool) {
			p.prefs.AskedBackground = true
			p.prefs.RunInBackground = keep
			p.savePrefs(func() {
				if keep {
					p.win.Hide()
				} else {
					p.quit()
				}
			})
		}, p.win)
	p.showDialog(d)
}

// savePrefs writes the app's choices off the Fyne goroutine, then runs then (if not nil)
// on the Fyne goroutine.
func (p *Profile) savePrefs(then func()) {
	dir, pr := p.dir, p.prefs
	go func() {
		err := savePrefs(dir, pr)
		p.ui.do(func() {
			if err != nil {
				p.showError("Allium could not save your choice: the profile folder can't be written. Check that the disk is not full.")
			}
			if then != nil {
				then()
			}
		})
	}()
}

// convRow is a row of the conversation list: name, time, last message or "typing…",
// and the unread count.
type convRow struct {
	widget.BaseWidget
	name, preview *widget.Label
	when          *widget.Label
	badge         *fyne.Container
	badgeText     *canvas.Text
	content       fyne.CanvasObject
}

func newConvRow() *convRow {
	r := &convRow{
		name:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		preview: widget.NewLabel(""),
		when:    widget.NewLabel(""),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.preview.Truncation = fyne.TextTruncateEllipsis
	r.when.Importance = widget.LowImportance
	r.badgeText = canvas.NewText("", theme.Color(theme.ColorNameForegroundOnPrimary))
	r.badgeText.TextSize = theme.CaptionTextSize()
	r.badgeText.TextStyle.Bold = true
	bg := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bg.CornerRadius = 9
	r.badge = container.NewStack(bg, container.NewPadded(container.NewCenter(r.badgeText)))
	line1 := container.NewBorder(nil, nil, nil, r.when, r.name)
	line2 := container.NewBorder(nil, nil, nil, container.NewCenter(r.badge), r.preview)
	r.content = container.NewVBox(line1, line2)
	r.ExtendBaseWidget(r)
	return r
}

func (r *convRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (r *convRow) set(c engine.Conversation, typing bool) {
	r.name.SetText(convName(c))
	switch {
	case typing:
		r.preview.TextStyle = fyne.TextStyle{Italic: true}
		r.preview.SetText("typing…")
	default:
		r.preview.TextStyle = fyne.TextStyle{}
		r.preview.SetText(firstLine(c.LastBody))
	}
	if c.LastAt > 0 {
		r.when.SetText(listTime(time.UnixMilli(c.LastAt), time.Now()))
	} else {
		r.when.SetText("")
	}
	if c.Unread > 0 {
		r.badgeText.Text = itoa(c.Unread)
		r.badgeText.Refresh()
		r.badge.Show()
	} else {
		r.badge.Hide()
	}
}
