package app

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// sidebar is the left side of the main window: the profile's name, search, New
// conversation, the conversation list and the message requests button. It keeps every
// conversation of the account, which the other views read from it.
type sidebar struct {
	p      *Profile
	convs  []engine.Conversation // every conversation, most recent first
	shown  []engine.Conversation // the list's rows: accepted, not blocked, matching the search
	typing map[crypto.SessionID]bool
	// selecting is set while the list's selection follows the open conversation, so
	// that OnSelected does not open it again.
	selecting bool

	name        *bidiLabel
	search      *textField
	list        *widget.List
	requestsBtn *widget.Button
	content     fyne.CanvasObject
	// While searching, the list shares its place with the messages found.
	results *searchResults
	center  *fyne.Container
	split   *container.Split
}

func newSidebar(p *Profile) *sidebar {
	s := &sidebar{p: p, typing: map[crypto.SessionID]bool{}}
	s.name = newBidiLabel(p.name, fyne.TextStyle{Bold: true})
	qrBtn := widget.NewButtonWithIcon("", theme.AccountIcon(), p.showMyQR)
	settingsBtn := widget.NewButtonWithIcon("", theme.SettingsIcon(), p.showSettings)
	top := border(nil, nil, nil, hbox(qrBtn, settingsBtn), s.name)

	s.search = newTextField(p.keys, lang.L("Search"))
	s.search.OnChanged = func(string) { s.searchChanged() }
	newBtn := widget.NewButtonWithIcon(lang.L("New conversation"), theme.ContentAddIcon(), p.showNewConversation)
	newBtn.Importance = widget.HighImportance

	s.list = widget.NewList(
		func() int { return len(s.shown) },
		func() fyne.CanvasObject { return newConvRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.shown) {
				c := s.shown[id]
				_, twin := lookalike(c, s.convs)
				o.(*convRow).set(s.p, c, convName(c, s.p.me), s.typing[c.ID], twin)
			}
		})
	s.list.HideSeparators = true
	s.list.OnSelected = func(id widget.ListItemID) {
		if !s.selecting && id < len(s.shown) {
			p.openConversation(s.shown[id].ID)
		}
	}
	s.requestsBtn = widget.NewButtonWithIcon("", theme.MailComposeIcon(), p.showRequests)
	s.requestsBtn.Hide()

	s.results = newSearchResults(p)
	s.split = container.NewVSplit(s.list, s.results.content)
	s.center = container.NewStack(s.list)
	s.content = container.NewBorder(
		container.NewVBox(top, s.search, newBtn),
		s.requestsBtn, nil, nil, s.center)
	return s
}

// searchChanged narrows the list to the conversations that match, and looks for the
// messages that do.
func (s *sidebar) searchChanged() {
	q := s.query()
	if q == "" {
		s.center.Objects = []fyne.CanvasObject{s.list}
	} else {
		s.center.Objects = []fyne.CanvasObject{s.split}
	}
	s.center.Refresh()
	s.p.refresh()
	if q != "" {
		s.results.search(q)
	} else {
		s.results.query = ""
	}
}

// query is the search text, as it is matched.
func (s *sidebar) query() string { return strings.ToLower(strings.TrimSpace(s.search.Text)) }

// refresh rebuilds the list's rows from the conversations and the search text, and the
// requests button.
func (s *sidebar) refresh() {
	s.name.SetText(s.p.displayName())
	q := s.query()
	s.shown = s.shown[:0]
	requests := 0
	for _, c := range s.convs {
		if c.Blocked {
			continue
		}
		if !c.Approved {
			requests++
			continue
		}
		if c.Priority < 0 && c.Unread == 0 && q == "" {
			continue // hidden on one of the account's devices; a search still finds it
		}
		if q != "" && !strings.Contains(strings.ToLower(convName(c, s.p.me)), q) &&
			!strings.Contains(c.ID.String(), q) && !strings.Contains(strings.ToLower(c.LastBody), q) {
			continue
		}
		s.shown = append(s.shown, c)
	}
	s.list.Refresh()
	s.selectOpen()
	s.results.say()
	if requests > 0 {
		s.requestsBtn.SetText(visualLine(fmt.Sprintf(lang.L("Message requests (%s)"), num(requests))))
		s.requestsBtn.Show()
	} else {
		s.requestsBtn.Hide()
	}
}

// selectOpen highlights the open conversation in the list, if it is shown there.
func (s *sidebar) selectOpen() {
	s.selecting = true
	defer func() { s.selecting = false }()
	if id, ok := s.p.openID(); ok {
		for i, c := range s.shown {
			if c.ID == id {
				s.list.Select(i)
				return
			}
		}
	}
	s.list.UnselectAll()
}

// setTyping shows, or stops showing, that someone is typing.
func (s *sidebar) setTyping(id crypto.SessionID, typing bool) {
	if typing {
		s.typing[id] = true
	} else {
		delete(s.typing, id)
	}
	s.list.Refresh()
}

// unread counts unread messages in accepted conversations.
func (s *sidebar) unread() int {
	n := 0
	for _, c := range s.convs {
		if c.Approved && !c.Blocked {
			n += c.Unread
		}
	}
	return n
}

// setConversations replaces every conversation by what the engine read.
func (s *sidebar) setConversations(convs []engine.Conversation) {
	s.convs = convs
	sortConversations(s.convs)
}

// sortConversations orders the list as Session does: pinned conversations first (the
// highest priority first), then the most recent.
func sortConversations(cs []engine.Conversation) {
	sort.SliceStable(cs, func(i, j int) bool {
		pi, pj := max(cs[i].Priority, 0), max(cs[j].Priority, 0)
		if pi != pj {
			return pi > pj
		}
		return cs[i].LastAt > cs[j].LastAt
	})
}

// find returns the index of a conversation in s.convs, or -1.
func (s *sidebar) find(id crypto.SessionID) int {
	for i, c := range s.convs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// put stores a changed conversation and keeps the list in order, most recent first.
func (s *sidebar) put(c engine.Conversation) {
	if i := s.find(c.ID); i >= 0 {
		s.convs[i] = c
	} else {
		s.convs = append(s.convs, c)
	}
	sortConversations(s.convs)
}

// remove forgets a deleted conversation.
func (s *sidebar) remove(id crypto.SessionID) {
	if i := s.find(id); i >= 0 {
		s.convs = append(s.convs[:i], s.convs[i+1:]...)
	}
	delete(s.typing, id)
}

// conversation returns a conversation, or one with only its ID if there is none yet.
func (s *sidebar) conversation(id crypto.SessionID) (engine.Conversation, bool) {
	if i := s.find(id); i >= 0 {
		return s.convs[i], true
	}
	return engine.Conversation{ID: id}, false
}

// convRow is a row of the conversation list: the person's avatar, name, short ID and
// time, the last message or "typing…", and the unread count. A warning sign marks a
// contact whose name another contact also has.
type convRow struct {
	widget.BaseWidget
	avatar        *avatar
	name, preview *bidiLabel // text people wrote: laid out with the bidi algorithm
	id, when      *widget.Label
	twin          *widget.Icon
	badge         *fyne.Container
	badgeText     *canvas.Text
	content       fyne.CanvasObject
}

func newConvRow() *convRow {
	r := &convRow{
		avatar:  newAvatar(36),
		name:    newBidiLabel("", fyne.TextStyle{Bold: true}),
		preview: newBidiLabel("", fyne.TextStyle{}),
		id:      label(""),
		when:    label(""),
		twin:    widget.NewIcon(theme.WarningIcon()),
	}
	r.id.Importance = widget.LowImportance
	r.id.SizeName = theme.SizeNameCaptionText
	r.when.Importance = widget.LowImportance
	r.twin.Hide()
	r.badgeText = canvas.NewText("", theme.Color(theme.ColorNameForegroundOnPrimary))
	r.badgeText.TextSize = theme.CaptionTextSize()
	r.badgeText.TextStyle.Bold = true
	bg := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bg.CornerRadius = 9
	r.badge = container.NewStack(bg, container.NewPadded(container.NewCenter(r.badgeText)))
	line1 := border(nil, nil, nil, hbox(r.twin, r.id, r.when), r.name)
	line2 := border(nil, nil, nil, container.NewCenter(r.badge), r.preview)
	r.content = border(nil, nil, container.NewCenter(r.avatar.content), nil, container.NewVBox(line1, line2))
	r.ExtendBaseWidget(r)
	return r
}

func (r *convRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (r *convRow) set(p *Profile, c engine.Conversation, name string, typing, twin bool) {
	r.avatar.set(p, c.ID, c.Name, c.Avatar)
	r.name.SetText(name)
	if c.Name != "" {
		r.id.SetText(shortID(c.ID))
		r.id.Show()
	} else {
		r.id.Hide() // the name is the short ID already
	}
	if twin {
		r.twin.Show()
	} else {
		r.twin.Hide()
	}
	switch {
	case typing:
		r.preview.TextStyle = fyne.TextStyle{Italic: true}
		r.preview.SetText(lang.L("typing…"))
	default:
		r.preview.TextStyle = fyne.TextStyle{}
		r.preview.SetText(firstLine(c.LastBody))
	}
	if c.LastAt > 0 {
		r.when.SetText(listTime(time.UnixMilli(c.LastAt), time.Now()))
	} else {
		r.when.SetText("")
	}
	switch {
	case c.Unread > 0:
		r.badgeText.Text = num(c.Unread)
		r.badgeText.Refresh()
		r.badge.Show()
	case c.MarkedUnread:
		// Marked unread on one of our devices: a badge without a count, as Session shows.
		r.badgeText.Text = "•"
		r.badgeText.Refresh()
		r.badge.Show()
	default:
		r.badge.Hide()
	}
	// The short ID and the time change widths: the row is laid out again now, rather
	// than when the canvas next notices (a headless canvas never does).
	r.content.Refresh()
}
