package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
	"allium/engine/vault"
)

// The sections of Settings › Privacy that protect the profile on this computer: its
// passphrase, the lock, and deleting it.

// Key-protection sentences, shown above the passphrase buttons.
const (
	keyFileWarning    = "Warning: your messages are encrypted, but the key is stored next to them because this computer has no keyring Allium can use. Anyone who copies your profile folder can read them. Set a passphrase to protect them."
	secretStoreText   = "Your messages are encrypted on this computer. The key is kept in your system's keyring, which opens when you log in. A passphrase protects them even from someone who can log in as you."
	passphraseText    = "Your messages are encrypted on this computer with a key that only your passphrase opens. If you forget it, your recovery phrase brings your account back, but not your message history on this computer."
	deleteAccountText = "Removes your account, your conversations and your files from this computer. Your account itself goes on: your recovery phrase brings it back here or on another computer."
)

// protectionSection is Settings' Passphrase and Lock sections, built for the profile's
// current protection; it is rebuilt after a change.
func (v *settingsView) protectionSection() fyne.CanvasObject {
	holder := container.NewVBox()
	v.fillProtection(holder)
	return holder
}

func (v *settingsView) fillProtection(holder *fyne.Container) {
	p := v.p
	st, _ := vault.State(p.dir)
	refill := func() { holder.RemoveAll(); v.fillProtection(holder); holder.Refresh() }
	var text string
	var buttons []fyne.CanvasObject
	switch st {
	case vault.Passphrase:
		text = lang.L(passphraseText)
		buttons = append(buttons,
			widget.NewButton(lang.L("Change passphrase…"), func() { v.askPassphrase(true, true, refill) }),
			widget.NewButton(lang.L("Remove passphrase…"), func() { v.askPassphrase(true, false, refill) }))
	case vault.SecretStore:
		text = lang.L(secretStoreText)
		buttons = append(buttons, widget.NewButton(lang.L("Set a passphrase…"), func() { v.askPassphrase(false, true, refill) }))
	default:
		text = lang.L(keyFileWarning)
		buttons = append(buttons, widget.NewButton(lang.L("Set a passphrase…"), func() { v.askPassphrase(false, true, refill) }))
	}
	holder.Add(section(lang.L("Passphrase"), text, hbox(buttons...)))

	choices := lockChoices()
	options := make([]string, len(choices))
	selected := choices[0].label
	for i, c := range choices {
		options[i] = c.label
		if c.minutes == p.prefs.LockAfter {
			selected = c.label
		}
	}
	lockAfter := widget.NewSelect(options, nil)
	lockAfter.Alignment = leading()
	lockAfter.SetSelected(selected)
	lockAfter.OnChanged = func(s string) {
		for _, c := range choices {
			if c.label == s {
				p.prefs.LockAfter = c.minutes
				p.touchActivity()
				p.savePrefs(nil)
			}
		}
	}
	// Fyne draws a button's words in logical order: laid out first, a Persian label with
	// the shortcut in Latin letters reads as it should.
	lockNow := widget.NewButton(visualLine(lang.L("Lock now (Ctrl+L)")), p.lock)
	if st != vault.Passphrase {
		lockAfter.Disable()
		lockNow.Disable()
	}
	holder.Add(widget.NewSeparator())
	holder.Add(section(lang.L("Lock"), lang.L("With a passphrase, Allium can hide your conversations when you are away and ask for the passphrase again. Notifications then say only \"New message\"."),
		hbox(label(lang.L("Lock when idle")), lockAfter, lockNow)))
}

// askPassphrase asks for the current passphrase (if hasOld) and a new one twice (if
// wantNew), then sets, changes or removes it off the Fyne goroutine.
func (v *settingsView) askPassphrase(hasOld, wantNew bool, done func()) {
	p := v.p
	old, next, again := widget.NewPasswordEntry(), widget.NewPasswordEntry(), widget.NewPasswordEntry()
	var items []*widget.FormItem
	if hasOld {
		items = append(items, widget.NewFormItem(lang.L("Current passphrase"), old))
	}
	if wantNew {
		items = append(items, widget.NewFormItem(lang.L("New passphrase"), next), widget.NewFormItem(lang.L("Type it again"), again))
	}
	title, confirm := lang.L("Set a passphrase"), lang.L("Set passphrase")
	switch {
	case hasOld && wantNew:
		title, confirm = lang.L("Change your passphrase"), lang.L("Change")
	case hasOld:
		title, confirm = lang.L("Remove your passphrase"), lang.L("Remove")
	}
	d := newForm(title, confirm, lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if wantNew && next.Text != again.Text {
			p.showError(lang.L("The two new passphrases are not the same. Nothing was changed."))
			return
		}
		dir, o, n := p.dir, []byte(old.Text), []byte(next.Text)
		step(p, func() (struct{}, error) {
			if wantNew {
				return struct{}{}, vault.SetPassphrase(dir, o, n)
			}
			return struct{}{}, vault.RemovePassphrase(dir, o)
		}, func(_ struct{}, err error) {
			if err != nil {
				p.showError(plain(err, lang.L("Allium could not change how your messages are protected. Nothing was changed.")))
				return
			}
			done()
		})
	}, p.win)
	d.Resize(fyne.NewSize(440, 0))
	p.showDialog(d)
}

// deleteSection is the button that deletes the account from this computer.
func (v *settingsView) deleteSection() fyne.CanvasObject {
	b := widget.NewButton(lang.L("Delete this account from this computer…"), v.confirmDelete)
	b.Importance = widget.DangerImportance
	return section(lang.L("Delete this account from this computer"), lang.L(deleteAccountText), hbox(b))
}

// confirmDelete shows the recovery phrase, then asks twice, then deletes.
func (v *settingsView) confirmDelete() {
	p := v.p
	if p.eng == nil {
		return
	}
	words := widget.NewLabelWithStyle(p.eng.Phrase(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	words.Wrapping = fyne.TextWrapWord
	first := newConfirm(lang.L("Write down your recovery phrase first"), lang.L("I wrote it down"), lang.L("Cancel"),
		column(420, wrapped(lang.L("These 13 words are the only way back into your account once it is deleted from this computer. Make sure nobody is looking at your screen.")), words),
		func(ok bool) {
			if !ok {
				return
			}
			p.showDialog(newQuestion(lang.L("Delete everything?"),
				lang.L("Your conversations, files and settings on this computer will be overwritten and deleted. This cannot be undone."),
				lang.L("Delete"), lang.L("Cancel"),
				func(sure bool) {
					if sure {
						p.destroyProfile(func() { p.showOnboarding() })
					}
				}, p.win))
		}, p.win)
	p.showDialog(first)
}

// destroyProfile closes the engine, overwrites and removes the profile directory, and
// then runs then on the Fyne goroutine.
func (p *Profile) destroyProfile(then func()) {
	eng, dir := p.eng, p.dir
	p.ready, p.locked = false, false
	p.conv, p.requests, p.settings = nil, nil, nil
	p.mu.Lock()
	p.eng = nil
	p.mu.Unlock()
	p.epoch++
	p.win.SetContent(busyView(lang.L("Deleting this account from this computer…")))
	step(p, func() (struct{}, error) {
		if eng != nil {
			eng.Close()
		}
		return struct{}{}, vault.Destroy(dir)
	}, func(_ struct{}, err error) {
		if err != nil {
			p.showProblem(plain(err, lang.L("Allium could not delete every file of this account. Close Allium and delete the profile folder yourself: ")+dir))
			return
		}
		then()
	})
}

// plainCopyForOpening is the decrypted copy of a profile's file that another program
// opens (engine.PlainCopy).
func plainCopyForOpening(path, name string) (string, error) { return engine.PlainCopy(path, name) }
