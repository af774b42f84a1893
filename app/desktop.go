package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"allium/assets"
	"allium/engine"
)

// setForeground records whether the application has the user's attention: the engines
// poll faster, open conversations are marked read, and notifications are held back.
func (u *UI) setForeground(fg bool) {
	u.foreground = fg
	for _, p := range u.profiles {
		p.setActive(fg)
		p.touchActivity()
	}
}

// updateTray shows the unread count and one Open item per profile in the system tray,
// where the desktop has one.
func (u *UI) updateTray() {
	da, ok := u.fa.(desktop.App)
	if !ok || u.demo {
		return
	}
	if !u.trayChecked {
		u.trayChecked, u.trayOK = true, trayAvailable()
	}
	if !u.trayOK {
		return
	}
	unread := 0
	for _, p := range u.profiles {
		unread += p.unread()
	}
	if unread == u.trayUnread {
		return
	}
	u.trayUnread = unread
	var items []*fyne.MenuItem
	status := fyne.NewMenuItem(unreadSentence(unread), nil)
	status.Disabled = true
	items = append(items, status, fyne.NewMenuItemSeparator())
	for _, p := range u.profiles {
		items = append(items, fyne.NewMenuItem(lang.L("Open Allium"), p.showWindow))
	}
	// The tray menu always ends with Quit, which Fyne adds.
	da.SetSystemTrayMenu(fyne.NewMenu(lang.L("Allium"), items...))
	da.SetSystemTrayIcon(assets.Icon)
}

// notify shows a desktop notification for a new message when Allium is not in front,
// as the notification settings say.
func (p *Profile) notify(c engine.Conversation, m engine.Message) {
	if p.ui.foreground || !p.prefs.Notifications {
		return
	}
	n := fyne.NewNotification(lang.L("Allium"), lang.L("New message"))
	// A locked window's notifications say nothing more than a locked window shows.
	if p.prefs.NotifyPreview && !p.locked {
		n = fyne.NewNotification(namedID(c, p.me), firstLine(m.Body))
	}
	p.ui.notified++
	p.ui.fa.SendNotification(n)
}
