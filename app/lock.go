package app

import (
	"fyne.io/fyne/v2/lang"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"allium/engine/vault"
)

// A profile with a passphrase asks for it at start, and locks after the idle minutes
// chosen in Settings › Privacy or when the person chooses Lock now. A locked window shows
// only the passphrase prompt: the main window's widgets are kept but taken off the
// window, and notifications say only "New message". The engine keeps running, so
// messages still arrive while the window is locked.

// lockChoice is an idle time Settings offers, in minutes; 0 is never.
type lockChoice struct {
	label   string
	minutes int
}

// lockChoices are the idle times Settings offers, in the interface's language.
func lockChoices() []lockChoice {
	return []lockChoice{{lang.L("Never"), 0}, {lang.L("After 1 minute"), 1}, {lang.L("After 5 minutes"), 5},
		{lang.L("After 15 minutes"), 15}, {lang.L("After 1 hour"), 60}}
}

// forgotText is the button under the passphrase prompt.
const forgotText = "Forgot it? Restore from your recovery phrase — your message history stays behind"

// showUnlock fills the window with the passphrase prompt; then runs, on the Fyne
// goroutine, once the passphrase opened the profile's key.
func (p *Profile) showUnlock(title string, then func()) {
	entry := widget.NewPasswordEntry()
	entry.SetPlaceHolder(lang.L("Passphrase"))
	issue := wrapped("")
	issue.Hide()
	var open *widget.Button
	try := func() {
		pass := []byte(entry.Text)
		if len(pass) == 0 {
			issue.SetText(lang.L("Type your passphrase first."))
			issue.Show()
			return
		}
		open.Disable()
		issue.SetText(lang.L("Checking…"))
		issue.Show()
		dir := p.dir
		step(p, func() (struct{}, error) { _, err := vault.Unlock(dir, pass); return struct{}{}, err },
			func(_ struct{}, err error) {
				open.Enable()
				if err != nil {
					issue.SetText(plain(err, lang.L("Allium could not open the profile's key. Try again.")))
					entry.SetText("")
					p.win.Canvas().Focus(entry)
					return
				}
				p.touchActivity()
				then()
			})
	}
	open = widget.NewButton(lang.L("Unlock"), try)
	open.Importance = widget.HighImportance
	entry.OnSubmitted = func(string) { try() }
	forgot := widget.NewButton(lang.L(forgotText), p.confirmForgotten)
	forgot.Importance = widget.LowImportance
	p.win.SetContent(page(heading(title),
		wrapped(lang.L("This profile is protected by a passphrase. Type it to see your conversations.")),
		entry, hbox(layout.NewSpacer(), open), issue, widget.NewSeparator(), forgot))
	p.win.Canvas().Focus(entry)
}

// confirmForgotten explains what restoring without the passphrase means and, if the
// person goes on, deletes the profile and starts the restore.
func (p *Profile) confirmForgotten() {
	p.showDialog(newQuestion(lang.L("Restore from your recovery phrase?"),
		lang.L("Without the passphrase nobody, not even Allium, can read the messages on this computer. Your recovery phrase brings your account back, with your Session ID and your contacts' messages from now on, but your message history on this computer stays behind: it is deleted. Go on?"),
		lang.L("Restore my account"), lang.L("Cancel"),
		func(ok bool) {
			if ok {
				p.destroyProfile(func() { p.showOnboarding() })
			}
		}, p.win))
}

// lockable reports whether the profile can lock: it has a passphrase and its main
// window is up.
func (p *Profile) lockable() bool {
	st, _ := vault.State(p.dir)
	return p.ready && st == vault.Passphrase
}

// lock takes the conversations off the window and asks for the passphrase again. The
// key is forgotten too, so that the profile's files (pictures) cannot be opened until
// the passphrase is given.
func (p *Profile) lock() {
	if p.locked || !p.lockable() {
		return
	}
	p.locked = true
	if p.dialogUp != nil {
		p.dialogUp.Hide()
		p.dialogUp = nil
	}
	vault.Lock(p.dir)
	p.win.SetContent(widget.NewLabel("")) // nothing of the conversations, even for a frame
	p.showUnlock(lang.L("Allium is locked"), func() {
		p.locked = false
		p.win.SetContent(p.mainContent)
	})
}

// touchActivity records that the person did something, for the idle lock.
func (p *Profile) touchActivity() { p.lastActive = time.Now() }

// startIdleLock watches the keyboard and the window's focus, and locks the window once
// it was idle for the minutes chosen; it checks every 15 seconds.
func (p *Profile) startIdleLock() {
	p.touchActivity()
	if dc, ok := p.win.Canvas().(desktop.Canvas); ok {
		prev := dc.OnKeyDown()
		dc.SetOnKeyDown(func(ev *fyne.KeyEvent) {
			p.touchActivity()
			if prev != nil {
				prev(ev)
			}
		})
	}
	if p.idleTicker != nil {
		return
	}
	p.idleTicker = time.NewTicker(15 * time.Second)
	t := p.idleTicker
	go func() {
		for range t.C {
			p.ui.do(p.checkIdle)
		}
	}()
}

func (p *Profile) checkIdle() {
	if m := p.prefs.LockAfter; m > 0 && !p.locked && time.Since(p.lastActive) >= time.Duration(m)*time.Minute {
		p.lock()
	}
}
