package app

import (
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"allium/app/instance"
	"allium/crypto"
	"allium/engine"
	"allium/engine/vault"
)

// Profile is one account open in a window: its engine, once the account exists, and the
// views of its main window, each of which keeps its own widgets and state. Profile
// opens and closes the engine, applies its events (events.go) and wires the views
// together (mainwindow.go).
type Profile struct {
	ui      *UI
	dir     string
	network string
	// proxy and proxyScope, when set, replace the profile's proxy at the next open
	// (engine.Options.Proxy and ProxyScope).
	proxy, proxyScope string
	win               fyne.Window
	keys              *keymap

	mu  sync.Mutex // guards eng, which UI.Close reads after the Fyne loop has stopped
	eng *engine.Engine

	// onEvent, if set before the engine opens, sees every engine event on the pump
	// goroutine before the views apply it (the demo's machine-readable log).
	onEvent func(name string, ev engine.Event)
	// label names the profile in onEvent calls.
	label string

	// Fyne goroutine only, from here on.

	// epoch changes whenever eng does, so that background work can tell that its
	// result belongs to views that are gone.
	epoch uint64
	prefs prefs
	me    crypto.SessionID
	name  string
	paths []engine.Path
	// conn and problem are the connection status and, while offline, what fails.
	conn    engine.Status
	problem engine.Problem
	ready   bool // the main window is built
	// dialogUp is the dialog Esc closes.
	dialogUp dialog.Dialog
	// thumbs are the scaled copies of pictures on screen.
	thumbs *thumbnails
	// raised counts the times the window was brought to the front, for tests;
	// toldHidden is set once the person was told how to reopen a hidden window.
	raised     int
	toldHidden bool

	problemButtons []*widget.Button // the buttons of the problem shown instead of the window, Quit last
	onboarding     *onboarding      // while the account is being created or restored
	newConv        *newConversation // the last New conversation dialog

	// The main window, once ready: the sidebar on the left, one pane on the right (the
	// open conversation, message requests, settings, or the empty pane), the status
	// line at the bottom.
	sidebar  *sidebar
	right    *fyne.Container
	empty    *emptyPane
	status   *statusLine
	conv     *conversationView // the open conversation, or nil
	requests *requestsView     // shown instead of a conversation, or nil
	settings *settingsView     // shown instead of a conversation, or nil
	// back is the conversation that settings or requests replaced, if hasBack.
	back    crypto.SessionID
	hasBack bool

	// mainContent is the main window's content, taken off the window while it is locked
	// (lock.go); lastActive is when the person last typed or brought the window forward.
	mainContent fyne.CanvasObject
	locked      bool
	lastActive  time.Time
	idleTicker  *time.Ticker
}

func newProfile(u *UI, dir, network, title string) *Profile {
	p := &Profile{ui: u, dir: dir, network: network, prefs: defaultPrefs(), thumbs: newThumbnails()}
	p.win = u.fa.NewWindow(title)
	p.win.SetOnDropped(p.dropped)
	p.win.Resize(fyne.NewSize(960, 640))
	p.win.SetCloseIntercept(p.closeWindow)
	p.keys = &keymap{
		ctrl: map[fyne.KeyName]func(){
			fyne.KeyN:     p.showNewConversation,
			fyne.KeyF:     p.focusSearch,
			fyne.KeyComma: p.showSettings,
			fyne.KeyQ:     p.quit,
			fyne.KeyL:     p.lock, // with a passphrase; otherwise nothing

		},
		escape: p.escape,
	}
	p.keys.install(p.win.Canvas())
	u.profiles = append(u.profiles, p)
	return p
}

// start looks for the account (off the Fyne goroutine) and shows onboarding or opens it.
func (p *Profile) start() {
	p.win.SetContent(busyView(lang.L("Opening Allium…")))
	dir := p.dir
	step(p, func() (bool, error) { return engine.HasAccount(dir) }, func(has bool, err error) {
		switch {
		case errors.Is(err, vault.ErrNeedPassphrase):
			p.showUnlock("Welcome back", p.start)
		case err != nil:
			p.showProblem(plain(err, lang.L("Allium can't open its profile folder. Check that the disk is not full, then start Allium again.")))
		case !has:
			p.showOnboarding()
		default:
			p.openEngine()
		}
	})
}

// opened is what opening the engine yields: the engine and the app's own choices.
type opened struct {
	eng   *engine.Engine
	prefs prefs
}

// openEngine starts the engine on the profile, off the Fyne goroutine.
func (p *Profile) openEngine() {
	p.win.SetContent(busyView(lang.L("Opening your account…")))
	opts := engine.Options{Dir: p.dir, Network: p.network, Proxy: p.proxy, ProxyScope: p.proxyScope, Logger: p.ui.log}
	step(p, func() (opened, error) {
		eng, err := engine.Open(opts)
		return opened{eng, loadPrefs(opts.Dir)}, err
	}, func(o opened, err error) {
		if err != nil {
			sentence := plain(err, lang.L("Allium can't open your account. Start Allium again; if this keeps happening, the profile folder may be damaged."))
			if !errors.Is(err, engine.ErrUnknownNetwork) {
				p.showProblem(sentence)
				return
			}
			choose := widget.NewButton(lang.L("Choose another network file…"), func() {
				p.chooseNetworkFile(func(path string) { p.network = path; p.openEngine() })
			})
			choose.Importance = widget.HighImportance
			session := widget.NewButton(visualLine(lang.L("Use the Session network")), func() { p.network = engine.NetworkSession; p.openEngine() })
			p.showProblem(sentence, choose, session)
			return
		}
		p.attach(o.eng, o.prefs)
	})
}

// showProblem fills the window with a sentence about what went wrong, the buttons of
// what can be done about it, and Quit.
func (p *Profile) showProblem(sentence string, actions ...*widget.Button) {
	msg := wrapped(sentence)
	msg.Alignment = fyne.TextAlignCenter
	buttons := hbox(layout.NewSpacer())
	for _, b := range actions {
		buttons.Add(b)
	}
	buttons.Add(widget.NewButton(lang.L("Quit"), p.quit))
	buttons.Add(layout.NewSpacer())
	p.problemButtons = append(actions, buttons.Objects[len(buttons.Objects)-2].(*widget.Button))
	p.win.SetContent(container.NewPadded(container.NewVBox(layout.NewSpacer(), msg, buttons, layout.NewSpacer())))
}

// chooseNetworkFile asks for a private network's file and hands its path to then.
func (p *Profile) chooseNetworkFile(then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		then(path)
	}, p.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	p.showDialog(d)
}

// attach shows the main window for an open engine and starts applying its events.
func (p *Profile) attach(eng *engine.Engine, pr prefs) {
	p.mu.Lock()
	p.eng = eng
	p.mu.Unlock()
	p.epoch++
	p.onboarding = nil
	p.prefs = pr
	if pr.Appearance != appearanceSystem {
		applyAppearance(p.ui.fa, pr.Appearance)
	}
	if pr.Language != languageSystem {
		useLanguage(pr.Language)
	}
	p.me = eng.SessionID()
	p.buildMain(eng.Status())
	p.status.proxy = eng.Proxy().Addr
	p.startPump(eng)
	p.reload()
	eng.SetActive(p.ui.foreground)
	p.ui.updateTray()
}

// switchNetwork reopens the engine on another network. The conversations stay; the
// engine rebuilds its paths on the new network. The views of the old engine go, and
// what they still had running in the background is dropped.
func (p *Profile) switchNetwork(network string) {
	old := p.eng
	p.network = network
	p.ready = false
	p.conv, p.requests, p.settings = nil, nil, nil
	p.mu.Lock()
	p.eng = nil
	p.mu.Unlock()
	p.epoch++
	p.win.SetContent(busyView(lang.L("Switching network…")))
	step(p, func() (struct{}, error) { return struct{}{}, old.Close() }, func(struct{}, error) { p.openEngine() })
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

// loadedList is what reload reads.
type loadedList struct {
	convs []engine.Conversation
	name  string
}

// reload reads the conversations and the profile name again, off the Fyne goroutine.
func (p *Profile) reload() {
	background(p, func(e *engine.Engine) (loadedList, error) {
		convs, err := e.Conversations()
		return loadedList{convs, e.DisplayName()}, err
	}, func(l loadedList, err error) {
		if err != nil {
			p.ui.log.Warn("read conversations", "err", err)
		}
		p.name = l.name
		p.sidebar.setConversations(l.convs)
		if p.conv != nil {
			if c, ok := p.sidebar.conversation(p.conv.id); ok {
				p.conv.setConversation(c)
			}
		}
		p.refresh()
	})
}

func busyView(text string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return container.NewPadded(container.NewVBox(layout.NewSpacer(),
		widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(240, bar.MinSize().Height), bar)),
		layout.NewSpacer()))
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

// markRead marks a conversation read if the user can see it.
func (p *Profile) markRead(id crypto.SessionID) {
	if !p.ui.foreground || p.sidebar == nil {
		return
	}
	c, ok := p.sidebar.conversation(id)
	if !ok || (c.Unread == 0 && !c.MarkedUnread) || !c.Approved {
		return
	}
	background(p, func(e *engine.Engine) (struct{}, error) { return struct{}{}, e.MarkRead(id) },
		func(_ struct{}, err error) {
			if err != nil {
				p.ui.log.Debug("mark read", "err", err)
			}
		})
}

func (p *Profile) showWindow() {
	p.raised++
	p.win.Show()
	p.win.RequestFocus()
}

// ShowOnRequest brings the window to the front whenever Allium is started again on
// this profile (the new launch hands over to this one and exits), so that a window
// closed to the background can always be opened again, with or without a tray.
func (p *Profile) ShowOnRequest(o *instance.Owner) {
	o.Serve(func() { p.ui.do(p.showWindow) })
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
		p.hideToBackground()
		return
	}
	if p.prefs.AskedBackground {
		p.quit()
		return
	}
	msg := wrapped(lang.L("Allium can keep receiving messages after you close its window, and show them as notifications. To open the window again, start Allium again, or use its icon in the system tray if your desktop shows one. You can change this later in Settings."))
	d := newConfirm(lang.L("Keep receiving messages?"), lang.L("Keep running"), lang.L("Quit"),
		column(380, msg), func(keep bool) {
			p.prefs.AskedBackground = true
			p.prefs.RunInBackground = keep
			p.savePrefs(func() {
				if keep {
					p.hideToBackground()
				} else {
					p.quit()
				}
			})
		}, p.win)
	p.showDialog(d)
}

// hideToBackground hides the window while the engine keeps receiving, and says once
// per run how to get the window back: not every desktop shows a tray icon.
func (p *Profile) hideToBackground() {
	p.win.Hide()
	if !p.toldHidden {
		p.toldHidden = true
		p.ui.notified++
		p.ui.fa.SendNotification(fyne.NewNotification(lang.L("Allium is still running"),
			lang.L("It keeps receiving your messages. To open its window again, start Allium again.")))
	}
}

// savePrefs writes the app's choices off the Fyne goroutine, then runs then (if not nil)
// on the Fyne goroutine.
func (p *Profile) savePrefs(then func()) {
	dir, pr := p.dir, p.prefs
	step(p, func() (struct{}, error) { return struct{}{}, savePrefs(dir, pr) }, func(_ struct{}, err error) {
		if err != nil {
			p.showError(lang.L("Allium could not save your choice: the profile folder can't be written. Check that the disk is not full."))
		}
		if then != nil {
			then()
		}
	})
}
