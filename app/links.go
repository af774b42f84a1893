package app

import (
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// linksIn finds the web links (http and https) in a message's text, in order. A link
// ends at a space; punctuation that closes a sentence around it is not part of it.
func linksIn(text string) []string {
	var links []string
	for _, word := range strings.Fields(text) {
		i := linkStart(word)
		if i < 0 {
			continue
		}
		link := strings.TrimRight(word[i:], ".,;:!?'\")]}>»”’")
		u, err := url.Parse(link)
		if err != nil || u.Host == "" {
			continue
		}
		links = append(links, link)
	}
	return links
}

// linkStart is where "http://" or "https://", in any case, first starts in word, or
// -1. It compares bytes: lowering the case of invalid UTF-8 would move the offsets.
func linkStart(word string) int {
	for i := 0; i+len("http://") <= len(word); i++ {
		rest := word[i:]
		if strings.EqualFold(rest[:len("http://")], "http://") ||
			(len(rest) >= len("https://") && strings.EqualFold(rest[:len("https://")], "https://")) {
			return i
		}
	}
	return -1
}

// openLinks opens the link of a message, or offers a menu of them if there are several.
func (v *conversationView) openLinks(links []string, at fyne.Position) {
	if len(links) == 1 {
		v.p.openLink(links[0])
		return
	}
	items := make([]*fyne.MenuItem, len(links))
	for i, l := range links {
		items[i] = fyne.NewMenuItem(fmt.Sprintf(lang.L("Open %s"), l), func() { v.p.openLink(l) })
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), v.p.win.Canvas(), at)
}

// openLink opens a link in the web browser. The browser reaches the website directly,
// not through Allium's onion paths, so the first time the person is asked.
func (p *Profile) openLink(link string) {
	if p.prefs.LinksAllowed {
		p.browse(link)
		return
	}
	msg := wrapped(fmt.Sprintf(lang.L("Allium will open %s in your web browser. The website will see your computer's internet address, because your browser does not travel through Allium's relays. Allium will not ask again."), link))
	p.showDialog(newConfirm(lang.L("Open this link?"), lang.L("Open"), lang.L("Cancel"), column(380, msg), func(ok bool) {
		p.linkAnswered(link, ok)
	}, p.win))
}

// linkAnswered opens the link if the person agreed, and remembers that they did.
func (p *Profile) linkAnswered(link string, ok bool) {
	if !ok {
		return
	}
	p.prefs.LinksAllowed = true
	p.savePrefs(nil)
	p.browse(link)
}

func (p *Profile) browse(link string) {
	u, err := url.Parse(link)
	if err == nil {
		err = p.ui.fa.OpenURL(u)
	}
	if err != nil {
		p.showError(lang.L("Allium could not open the link: no web browser answered. Copy the text of the message and paste the link into your browser."))
	}
}
