package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// languageSection is Settings › Appearance's choice of language: the system's, or one
// of the catalogues, each named in itself so that a person who can't read the current
// language still finds theirs.
func (v *settingsView) languageSection() fyne.CanvasObject {
	p := v.p
	langs := languages()
	system := lang.L("The system's language")
	options := []string{system}
	for _, l := range langs {
		options = append(options, l.name)
	}
	v.language = newRadioGroup(options, nil)
	v.language.Required = true // a tap on the chosen one does not leave none chosen
	v.language.SetSelected(system)
	for _, l := range langs {
		if l.code == p.prefs.Language {
			v.language.SetSelected(l.name)
		}
	}
	v.language.OnChanged = func(s string) {
		code := languageSystem
		for _, l := range langs {
			if l.name == s {
				code = l.code
			}
		}
		if code == p.prefs.Language {
			return
		}
		p.ui.switchLanguage(code)
	}
	return section(lang.L("Language"), lang.L("The language of Allium's words. Messages stay as they were written."), v.language)
}

// switchLanguage shows every open window in another language: the views are built
// again in it, a window that shows Settings shows them again at Appearance, and one
// that shows a conversation shows it again with what was being typed.
func (u *UI) switchLanguage(code string) {
	useLanguage(code)
	u.trayUnread = -1 // the tray's menu is made again in the new language
	for _, p := range u.profiles {
		if !p.ready {
			continue
		}
		p.prefs.Language = code
		p.savePrefs(nil)
		inSettings := p.settings != nil
		open, hasOpen := p.openID()
		var draft string // what the other window of the demo was typing
		if p.conv != nil {
			draft = p.conv.composer.entry.Text
			p.conv.close()
		}
		p.conv, p.requests, p.settings = nil, nil, nil
		p.buildMain(p.conn)
		p.reload()
		switch {
		case inSettings:
			p.showSettings()
			if p.settings != nil {
				p.settings.selectAppearance()
			}
		case hasOpen:
			p.openConversation(open)
			if p.conv != nil {
				p.conv.composer.entry.SetText(draft)
			}
		}
	}
}

// selectAppearance shows the Appearance tab, where the language was chosen.
func (v *settingsView) selectAppearance() {
	for _, it := range v.tabs.Items {
		if it.Content == v.appearanceTabContent {
			v.tabs.Select(it)
		}
	}
}
