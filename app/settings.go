package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/assets"
	"allium/engine"
)

// settingsView is Settings, shown in place of a conversation: profile, privacy,
// notifications, appearance, network (with the onion path view), recovery phrase and
// about. Each change is handed to the engine (or saved with the app's own choices) at
// once, off the Fyne goroutine.
type settingsView struct {
	p       *Profile
	content fyne.CanvasObject
	tabs    *container.AppTabs
	closeBt *widget.Button

	picture    *pictureSection
	name       *textField
	nameIssue  *bidiText
	receipts   *check
	typing     *check
	previews   *check
	blocked    *fyne.Container
	notify     *check
	preview    *radioGroup
	background *check
	appearance *radioGroup
	language   *radioGroup
	// appearanceTabContent is the Appearance tab's, to show it again after the
	// language changed.
	appearanceTabContent fyne.CanvasObject
	networkPick          *radioGroup
	networkFile          *field
	networkInfo          *bidiText // in the demo, instead of the choice of network
	proxy                *proxyForm
	networkItem          *container.TabItem
	paths                *pathView
	licencesBtn          *widget.Button
	licences             *widget.List // in the licences dialog, once it was opened
}

func (p *Profile) showSettings() {
	if !p.ready {
		return
	}
	if p.settings != nil {
		return
	}
	v := &settingsView{p: p}
	v.networkItem = container.NewTabItem(lang.L("Network"), v.networkTab())
	v.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Profile"), v.profileTab()),
		container.NewTabItem(lang.L("Privacy"), v.privacyTab()),
		container.NewTabItem(lang.L("Notifications"), v.notificationsTab()),
		container.NewTabItem(lang.L("Appearance"), v.appearanceTab()),
		v.networkItem,
		container.NewTabItem(lang.L("Recovery phrase"), v.phraseTab()),
		container.NewTabItem(lang.L("About"), v.aboutTab()),
	)
	v.tabs.SetTabLocation(tabsLeading())
	v.closeBt = widget.NewButton(lang.L("Close"), p.closePane)
	v.content = container.NewBorder(border(nil, nil, nil, v.closeBt, heading(lang.L("Settings"))), nil, nil, nil, v.tabs)
	p.showRight(v.content)
	p.settings = v
	v.load()
}

// showNetworkSettings opens Settings at its Network tab (proxy and Tor).
func (p *Profile) showNetworkSettings() {
	p.showSettings()
	if p.settings != nil {
		p.settings.tabs.Select(p.settings.networkItem)
	}
}

// load reads what the engine knows (settings, blocked people, paths) off the Fyne
// goroutine.
func (v *settingsView) load() {
	background(v.p, func(e *engine.Engine) (engineSettings, error) {
		blocked, _ := e.Blocked()
		return engineSettings{e.Settings(), blocked, e.Paths(), e.Avatar()}, nil
	}, func(s engineSettings, _ error) {
		v.picture.show(s.avatar)
		v.receipts.SetChecked(s.settings.ReadReceipts)
		v.typing.SetChecked(s.settings.TypingIndicators)
		v.previews.SetChecked(s.settings.LinkPreviews)
		v.receipts.OnChanged = func(bool) { v.saveEngineSettings() }
		v.typing.OnChanged = func(bool) { v.saveEngineSettings() }
		v.previews.OnChanged = func(bool) { v.saveEngineSettings() }
		v.receipts.Enable()
		v.typing.Enable()
		v.previews.Enable()
		v.showBlocked(s.blocked)
		v.paths.set(s.paths)
	})
}

// engineSettings is what Settings shows of the engine.
type engineSettings struct {
	settings engine.Settings
	blocked  []engine.Conversation
	paths    []engine.Path
	avatar   string
}

func section(title, text string, objs ...fyne.CanvasObject) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(title, leading(), fyne.TextStyle{Bold: true})
	items := []fyne.CanvasObject{head}
	if text != "" {
		items = append(items, wrapped(text))
	}
	items = append(items, objs...)
	return container.NewVBox(items...)
}

func (v *settingsView) profileTab() fyne.CanvasObject {
	p := v.p
	v.name = newTextField(p.keys, lang.L("Your name"))
	v.name.SetText(p.name)
	v.nameIssue = wrapped("")
	save := widget.NewButton(lang.L("Save name"), v.saveName)
	v.name.OnSubmitted = func(string) { v.saveName() }
	v.picture = newPictureSection(p)
	return container.NewVScroll(container.NewVBox(v.picture.content, widget.NewSeparator(),
		section(lang.L("Your name"), lang.L("People see this name when you write to them."), v.name, v.nameIssue, hbox(save))))
}

func (v *settingsView) saveName() {
	p := v.p
	name := strings.TrimSpace(v.name.Text)
	msg := nameProblem(name)
	if name == "" {
		msg = lang.L(noName)
	}
	if msg != "" {
		v.nameIssue.Importance = widget.DangerImportance
		v.nameIssue.SetText(msg)
		return
	}
	background(p, func(e *engine.Engine) (struct{}, error) { return struct{}{}, e.SetDisplayName(name) },
		func(_ struct{}, err error) {
			if err != nil {
				v.nameIssue.Importance = widget.DangerImportance
				v.nameIssue.SetText(plain(err, lang.L("Allium could not save your name. Try again.")))
				return
			}
			p.name = name
			p.refresh()
			v.nameIssue.Importance = widget.SuccessImportance
			v.nameIssue.SetText(lang.L("Saved. People see it with your next message."))
		})
}

func (v *settingsView) privacyTab() fyne.CanvasObject {
	// The checks stay disabled until the engine's settings are read.
	v.receipts = newCheck(lang.L("Send read receipts"), nil)
	v.typing = newCheck(lang.L("Send and show typing indicators"), nil)
	v.previews = newCheck(lang.L(linkPreviewsCheck), nil)
	v.receipts.Disable()
	v.typing.Disable()
	v.previews.Disable()
	v.blocked = container.NewVBox()
	return container.NewVScroll(container.NewVBox(
		v.protectionSection(),
		widget.NewSeparator(),
		section(lang.L("Read receipts"), lang.L("When on, people see when you have read their messages, and you see when they have read yours."), v.receipts),
		widget.NewSeparator(),
		section(lang.L("Typing indicators"), lang.L("When on, people see when you are typing, and you see when they are."), v.typing),
		widget.NewSeparator(),
		section(lang.L(linkPreviewsTitle), lang.L(linkPreviewsText), v.previews),
		widget.NewSeparator(),
		section(lang.L("Blocked people"), lang.L("You don't receive messages from people you block."), v.blocked),
		widget.NewSeparator(),
		v.deleteSection(),
	))
}

// saveEngineSettings hands the privacy checks to the engine.
func (v *settingsView) saveEngineSettings() {
	p := v.p
	s := engine.Settings{ReadReceipts: v.receipts.Checked, TypingIndicators: v.typing.Checked, LinkPreviews: v.previews.Checked}
	p.call(func(e *engine.Engine) error { return e.SetSettings(s) }, lang.L("Allium could not save this setting. Try again."))
}

func (v *settingsView) showBlocked(blocked []engine.Conversation) {
	p := v.p
	v.blocked.RemoveAll()
	if len(blocked) == 0 {
		v.blocked.Add(label(lang.L("Nobody is blocked.")))
	}
	for _, c := range blocked {
		id := c.ID
		unblock := widget.NewButton(lang.L("Unblock"), func() {
			background(p, func(e *engine.Engine) ([]engine.Conversation, error) {
				err := e.Unblock(id)
				list, _ := e.Blocked()
				return list, err
			}, func(list []engine.Conversation, err error) {
				if err != nil {
					p.showError(plain(err, lang.L("Allium could not unblock this person. Try again.")))
				}
				v.showBlocked(list)
			})
		})
		v.blocked.Add(border(nil, nil, nil, unblock, lineLabel(namedID(c, p.me), fyne.TextStyle{})))
	}
	v.blocked.Refresh()
}

const (
	previewFull = "Show the sender and the message"
	previewNone = `Show only "New message"`
)

func (v *settingsView) notificationsTab() fyne.CanvasObject {
	p := v.p
	v.notify = newCheck(lang.L("Show a notification for new messages"), nil)
	v.notify.SetChecked(p.prefs.Notifications)
	v.preview = newRadioGroup([]string{lang.L(previewFull), lang.L(previewNone)}, nil)
	if p.prefs.NotifyPreview {
		v.preview.SetSelected(lang.L(previewFull))
	} else {
		v.preview.SetSelected(lang.L(previewNone))
	}
	v.background = newCheck(lang.L("Keep receiving messages when the window is closed"), nil)
	v.background.SetChecked(p.prefs.RunInBackground)
	v.notify.OnChanged = func(on bool) { p.prefs.Notifications = on; p.savePrefs(nil) }
	v.preview.OnChanged = func(s string) { p.prefs.NotifyPreview = s != lang.L(previewNone); p.savePrefs(nil) }
	v.background.OnChanged = func(on bool) {
		p.prefs.RunInBackground, p.prefs.AskedBackground = on, true
		p.savePrefs(nil)
	}
	return container.NewVScroll(container.NewVBox(
		section(lang.L("Notifications"), lang.L("Allium shows notifications only while its window is not in front, and never for message requests."), v.notify, v.preview),
		widget.NewSeparator(),
		section(lang.L("In the background"), lang.L("When on, closing the window keeps Allium running in the system tray."), v.background),
	))
}

const (
	lookSystem = "Follow the system"
	lookLight  = "Light"
	lookDark   = "Dark"
)

func (v *settingsView) appearanceTab() fyne.CanvasObject {
	p := v.p
	v.appearance = newRadioGroup([]string{lang.L(lookSystem), lang.L(lookLight), lang.L(lookDark)}, nil)
	switch p.prefs.Appearance {
	case appearanceLight:
		v.appearance.SetSelected(lang.L(lookLight))
	case appearanceDark:
		v.appearance.SetSelected(lang.L(lookDark))
	default:
		v.appearance.SetSelected(lang.L(lookSystem))
	}
	v.appearance.OnChanged = func(s string) {
		a := appearanceSystem
		switch s {
		case lang.L(lookLight):
			a = appearanceLight
		case lang.L(lookDark):
			a = appearanceDark
		}
		p.prefs.Appearance = a
		applyAppearance(p.ui.fa, a)
		p.savePrefs(nil)
	}
	v.appearanceTabContent = container.NewVScroll(container.NewVBox(section(lang.L("Appearance"), "", v.appearance), widget.NewSeparator(), v.languageSection()))
	return v.appearanceTabContent
}

// demoNetwork is what the demo says of its network.
const demoNetwork = "This demo runs its own private network of Allium nodes on this computer, for Alice and Bob only. Its messages never leave this computer, and it is gone when the demo ends."

const (
	netSession = "The Session network"
	netPrivate = "A private network (from a network file)"
)

func (v *settingsView) networkTab() fyne.CanvasObject {
	p := v.p
	v.paths = newPathView(p)
	if p.ui.demo {
		// The demo's network lives and dies with the demo: there is nothing to switch to.
		v.networkInfo = wrapped(lang.L(demoNetwork))
		return container.NewVScroll(container.NewVBox(section(lang.L("Network"), "", v.networkInfo), widget.NewSeparator(), v.paths.content))
	}
	v.networkPick = newRadioGroup([]string{lang.L(netSession), lang.L(netPrivate)}, nil)
	v.networkFile = newField(p.keys, lang.L("Network file (network.json)"))
	current := p.network
	if current == "" || current == engine.NetworkSession {
		v.networkPick.SetSelected(lang.L(netSession))
	} else {
		v.networkPick.SetSelected(lang.L(netPrivate))
		v.networkFile.SetText(current)
	}
	choose := widget.NewButton(lang.L("Choose…"), func() {
		p.chooseNetworkFile(func(path string) {
			v.networkFile.SetText(path)
			v.networkPick.SetSelected(lang.L(netPrivate))
		})
	})
	apply := widget.NewButton(lang.L("Use this network"), func() {
		network := engine.NetworkSession
		if v.networkPick.Selected == lang.L(netPrivate) {
			network = strings.TrimSpace(v.networkFile.Text)
			if network == "" {
				p.showError(lang.L("Choose the network file of the private network first."))
				return
			}
		}
		p.switchNetwork(network)
	})
	return container.NewVScroll(container.NewVBox(
		section(lang.L("Network"), lang.L("Allium can use the public Session network, or a private network of Allium nodes described by a network file."),
			v.networkPick, border(nil, nil, nil, choose, v.networkFile), hbox(apply)),
		widget.NewSeparator(),
		v.proxyForm(),
		widget.NewSeparator(),
		v.paths.content,
	))
}

func (v *settingsView) proxyForm() fyne.CanvasObject {
	v.proxy = newProxyForm(v.p)
	return v.proxy.content
}

func (v *settingsView) phraseTab() fyne.CanvasObject {
	p := v.p
	holder := container.NewVBox()
	show := widget.NewButton(lang.L("Show my recovery phrase"), nil)
	show.OnTapped = func() {
		p.showDialog(newQuestion(lang.L("Show your recovery phrase?"),
			lang.L("Anyone who sees these 13 words can take over your account. Make sure nobody is looking at your screen."),
			lang.L("Show"), lang.L("Cancel"),
			func(ok bool) {
				if !ok {
					return
				}
				phrase := p.eng.Phrase()
				words := widget.NewLabelWithStyle(phrase, leading(), fyne.TextStyle{Monospace: true})
				words.Wrapping = fyne.TextWrapWord
				copyBtn := widget.NewButton(lang.L("Copy"), func() { p.ui.fa.Clipboard().SetContent(phrase) })
				holder.Objects = []fyne.CanvasObject{words, hbox(copyBtn)}
				holder.Refresh()
				show.Hide()
			}, p.win))
	}
	return container.NewVScroll(section(lang.L("Recovery phrase"),
		lang.L("These 13 words bring your account back on another computer. Keep them secret and somewhere safe."),
		hbox(show), holder))
}

func (v *settingsView) aboutTab() fyne.CanvasObject {
	p := v.p
	v.licencesBtn = widget.NewButton(lang.L("Open-source licences"), v.showLicences)
	return container.NewVScroll(container.NewVBox(
		heading(lang.L("Allium")),
		lineLabel(fmt.Sprintf(lang.L("Version %s"), p.ui.version), fyne.TextStyle{}),
		wrapped(lang.L("A private messenger that speaks the Session protocol: no phone number, end-to-end encryption, and onion routing so that nobody in the middle knows who talks to whom.")),
		hbox(v.licencesBtn),
		layout.NewSpacer(),
	))
}

// showLicences shows the licences of the code Allium is built from. The text runs to
// thousands of lines, so a list draws only the lines in view.
func (v *settingsView) showLicences() {
	lines := strings.Split(assets.Licenses, "\n")
	list := widget.NewList(
		func() int { return len(lines) },
		func() fyne.CanvasObject {
			// Plain text rather than labels: a label's padding would space the lines
			// out twice as far as a page of text.
			t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
			t.TextStyle = fyne.TextStyle{Monospace: true}
			t.TextSize = theme.CaptionTextSize()
			return t
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			t := o.(*canvas.Text)
			t.Text = lines[i]
			t.Color = theme.Color(theme.ColorNameForeground)
			t.Refresh()
		},
	)
	list.HideSeparators = true
	v.licences = list
	v.p.showDialog(newInfo(lang.L("Open-source licences"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(720, 460), list), v.p.win))
}
