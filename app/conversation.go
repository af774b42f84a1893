package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// conversationView is an open conversation: a header with the person's name and its
// menu (conversationmenu.go), the messages grouped by day, and the composer
// (composer.go).
//
// Messages are read a page at a time, newest first: opening a conversation reads one
// page, and reaching the top of the list reads the page before. They are shown through a
// widget.List, which builds rows only for what is on screen. Every row's height is
// computed when its page is read (wrapping is cheap, see advances) and given to a fresh
// list before it is shown, so that the list never re-lays itself out row by row.
type conversationView struct {
	p    *Profile
	id   crypto.SessionID
	conv engine.Conversation

	msgs []engine.Message
	rows []chatRow
	// unsent holds the messages their author deleted for everyone while the
	// conversation was open: their bubbles say so instead of their text.
	unsent map[msgID]bool
	// progress is how far the files being uploaded or downloaded have come, in percent.
	progress map[fileID]int
	// target is the message a search opened the conversation at, marked; zero if none.
	target msgID
	m      bubbleMetrics

	avatar     *avatar
	title      *bidiLabel
	sub        *bidiLabel
	twin       *bidiText // the warning that another contact has the same name
	menu       *conversationMenu
	listHolder *fyne.Container
	list       *widget.List
	composer   *composer
	content    fyne.CanvasObject

	loaded  bool
	closed  bool
	more    bool // older messages may be in the store
	loading bool // a page of older messages is being read
	// settling is set while a new list is put in place and scrolled (settle).
	settling bool
	// playing is the voice message playing or paused (voicecard.go); durations are the
	// lengths of the notes shown, by file, and seekTo where a note not playing will
	// start.
	playing   *voicePlayback
	durations map[string]time.Duration
	seekTo    map[string]time.Duration
	// built counts the row widgets the list has filled, and measured the rows whose text
	// was measured for display (tests check that scrolling builds only what is visible).
	built, measured int
}

// msgID identifies a message of the conversation.
type msgID struct {
	author crypto.SessionID
	ts     int64
}

// chatRow is one row of the list: a day heading (msg < 0) or a message.
type chatRow struct {
	msg    int
	day    time.Time
	height float32
	lines  []string
	spans  []lineSpan // where the lines lie in their paragraphs
	// shown and rtl are the lines laid out with the bidi algorithm and widths their
	// exact widths, made when the row is first shown.
	shown  []string
	rtl    []bool
	widths []float32
	atts   []attBlock
}

func newConversationView(p *Profile, c engine.Conversation) *conversationView {
	v := &conversationView{p: p, id: c.ID, conv: c}
	v.m = newBubbleMetrics()

	v.title = newBidiLabel("", fyne.TextStyle{Bold: true})
	v.sub = newBidiLabel("", fyne.TextStyle{})
	v.sub.Importance = widget.LowImportance
	v.sub.SizeName = theme.SizeNameCaptionText
	// The subtitle puts the short ID and a state side by side: it reads in the
	// interface's direction, the ID first, whichever piece is Latin. The name above
	// it does too, so that both start beside the avatar, whatever letters the name has.
	v.sub.Base = baseOf(rtl())
	v.title.Base = v.sub.Base
	v.avatar = newAvatar(40)
	v.twin = wrapped("")
	v.twin.Importance = widget.WarningImportance
	v.twin.Hide()
	v.menu = newConversationMenu(p, c)
	header := container.NewVBox(
		border(nil, nil, container.NewCenter(v.avatar.content), v.menu.button, container.NewVBox(v.title, v.sub)),
		v.twin)

	v.list = v.newList()
	v.listHolder = container.NewStack(v.list)

	v.composer = newComposer(p, c.ID, v.send)
	v.composer.onSendFiles = v.sendFiles

	v.content = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), v.composer.content, nil, nil, v.listHolder)
	v.composer.grew = func() { v.content.Refresh() }
	v.setConversation(c)
	return v
}

func (v *conversationView) newList() *widget.List {
	l := widget.NewList(
		func() int { return len(v.rows) },
		func() fyne.CanvasObject { return newMsgRow(v) },
		func(id widget.ListItemID, o fyne.CanvasObject) { v.updateRow(id, o.(*msgRow)) })
	l.HideSeparators = true
	// A chat has nothing to select: a tap on a row clears the highlight at once.
	l.OnSelected = func(id widget.ListItemID) { l.Unselect(id) }
	// The list is not on screen yet, so giving it the heights costs no layout.
	for i := range v.rows {
		l.SetItemHeight(i, v.rows[i].height)
	}
	return l
}

// pageSize is how many messages are read at a time: a few screens.
const pageSize = 300

// load reads the newest messages off the Fyne goroutine and shows them, newest at the
// bottom.
func (v *conversationView) load() {
	id, target := v.id, v.target
	background(v.p, func(e *engine.Engine) ([]engine.Message, error) {
		msgs, err := e.Messages(id, 0, pageSize)
		// A search result may be older than the newest page: read back to it.
		for err == nil && target.ts != 0 && len(msgs) > 0 && msgs[0].Timestamp > target.ts {
			var older []engine.Message
			if older, err = e.Messages(id, msgs[0].Timestamp, pageSize); len(older) == 0 {
				break
			}
			msgs = append(older, msgs...)
		}
		return msgs, err
	},
		func(msgs []engine.Message, err error) {
			if v.closed {
				return
			}
			if err != nil {
				v.p.showError(lang.L("Allium could not read this conversation from the disk. Close it and open it again."))
				return
			}
			v.settle(func() {
				v.msgs = msgs
				v.more = len(msgs) >= pageSize
				v.rebuildRows()
				v.replaceList()
				v.loaded = true
				if !v.scrollToTarget() {
					v.list.ScrollToBottom()
				}
			})
		})
}

// showMessage marks a message and scrolls to it, reading it from the store first if
// it is not shown.
func (v *conversationView) showMessage(at msgID) {
	v.target = at
	if v.scrollToTarget() {
		v.list.Refresh()
		return
	}
	if v.loaded {
		v.loaded = false
		v.load()
	}
}

// scrollToTarget scrolls to the target message, and reports whether it is shown.
func (v *conversationView) scrollToTarget() bool {
	if v.target.ts == 0 {
		return false
	}
	i := v.find(v.target.author, v.target.ts)
	if i < 0 {
		return false
	}
	// The list lays rows out at their heights, a padding apart (as totalHeight); the
	// message goes a third of the way down the list.
	y, pad := float32(0), theme.Padding()
	for r := range v.rows {
		if v.rows[r].msg == i {
			v.list.ScrollToOffset(max(0, y-v.list.Size().Height/3))
			return true
		}
		y += v.rows[r].height + pad
	}
	return false
}

// loadOlder reads the page before the first message shown and puts it above, keeping
// the rows on screen where they are.
func (v *conversationView) loadOlder() {
	if !v.loaded || !v.more || v.loading || len(v.msgs) == 0 {
		return
	}
	v.loading = true
	id, before := v.id, v.msgs[0].Timestamp
	background(v.p, func(e *engine.Engine) ([]engine.Message, error) { return e.Messages(id, before, pageSize) },
		func(older []engine.Message, err error) {
			v.loading = false
			if v.closed || err != nil {
				return
			}
			v.more = len(older) >= pageSize
			if len(older) == 0 {
				return
			}
			oldHeight := v.totalHeight()
			v.msgs = append(older, v.msgs...)
			v.rebuildRows()
			v.replaceListAt(v.list.GetScrollOffset() + v.totalHeight() - oldHeight)
		})
}

func (v *conversationView) close() {
	v.closed = true
	v.stopVoice()
	v.composer.cancelRecording()
}

// rebuildRows makes the rows from the messages: a day heading before the first message
// of each day.
func (v *conversationView) rebuildRows() {
	v.rows = v.rows[:0]
	var day time.Time
	for i := range v.msgs {
		d := startOfDay(time.UnixMilli(v.msgs[i].Timestamp))
		if !d.Equal(day) {
			v.rows = append(v.rows, v.dayRow(d))
			day = d
		}
		v.rows = append(v.rows, v.msgRow(i))
	}
}

func (v *conversationView) dayRow(d time.Time) chatRow {
	return chatRow{msg: -1, day: d, height: v.m.dayHeight}
}

func (v *conversationView) msgRow(i int) chatRow {
	m := &v.msgs[i]
	body, unsent := m.Body, v.unsent[msgID{m.Author, m.Timestamp}]
	if unsent {
		body = lang.L(unsentText)
	}
	var atts []attBlock
	if !unsent {
		atts = v.attachmentBlocks(m)
	}
	var lines []string
	var spans []lineSpan
	if body != "" || len(atts) == 0 {
		spans = wrapSpans(body, v.m.maxText, v.m.adv)
		lines = make([]string, len(spans))
		for i, l := range spans {
			lines[i] = l.text()
		}
	}
	h := v.m.messageHeight(len(lines), m.Author == v.p.me && m.State == engine.Failed && !unsent) + attachmentsHeight(atts, v.m.gap)
	if !unsent {
		h += v.m.previewHeight(shownPreview(m))
	}
	return chatRow{msg: i, lines: lines, spans: spans, atts: atts, height: h}
}

// replaceList swaps in a fresh list after rows moved (a message removed or inserted in
// the middle): the list keeps row heights by position, so they must start again.
func (v *conversationView) replaceList() { v.replaceListAt(v.list.GetScrollOffset()) }

func (v *conversationView) replaceListAt(off float32) {
	v.settle(func() {
		v.list = v.newList()
		v.listHolder.Objects = []fyne.CanvasObject{v.list}
		v.listHolder.Refresh()
		v.list.ScrollToOffset(off)
	})
}

// settle runs fn, which puts a new list in place and scrolls it, then redraws the rows
// it shows. A new list first lays out its top rows, which may never be seen: while it
// settles, rows ask for no pictures (pictureView.set).
func (v *conversationView) settle(fn func()) {
	if v.settling {
		fn()
		return
	}
	v.settling = true
	fn()
	v.settling = false
	v.list.Refresh()
}

// add shows a new message (or a newer copy of one already shown).
func (v *conversationView) add(m engine.Message) {
	if !v.loaded {
		return // the load in flight reads it from the store
	}
	if i := v.find(m.Author, m.Timestamp); i >= 0 {
		v.msgs[i] = m
		v.refreshMsg(i)
		return
	}
	atBottom := v.atBottom()
	n := len(v.msgs)
	if n == 0 || v.msgs[n-1].Timestamp <= m.Timestamp {
		v.msgs = append(v.msgs, m)
		d := startOfDay(time.UnixMilli(m.Timestamp))
		if len(v.rows) == 0 || !v.lastDay().Equal(d) {
			v.rows = append(v.rows, v.dayRow(d))
			v.list.SetItemHeight(len(v.rows)-1, v.rows[len(v.rows)-1].height)
		}
		v.rows = append(v.rows, v.msgRow(n))
		v.list.SetItemHeight(len(v.rows)-1, v.rows[len(v.rows)-1].height)
		v.list.Refresh()
	} else {
		// An older message arriving late goes in its place.
		i := n
		for i > 0 && v.msgs[i-1].Timestamp > m.Timestamp {
			i--
		}
		v.msgs = append(v.msgs, engine.Message{})
		copy(v.msgs[i+1:], v.msgs[i:])
		v.msgs[i] = m
		v.rebuildRows()
		v.replaceList()
	}
	if atBottom || m.Author == v.p.me {
		v.list.ScrollToBottom()
	}
}

func (v *conversationView) lastDay() time.Time {
	for i := len(v.rows) - 1; i >= 0; i-- {
		if v.rows[i].msg < 0 {
			return v.rows[i].day
		}
	}
	return time.Time{}
}

// remove takes a deleted message off the screen.
func (v *conversationView) remove(author crypto.SessionID, ts int64) {
	i := v.find(author, ts)
	if i < 0 {
		return
	}
	v.msgs = append(v.msgs[:i], v.msgs[i+1:]...)
	v.rebuildRows()
	v.replaceList()
}

// markUnsent shows, in place of a message, that its author deleted it for everyone.
func (v *conversationView) markUnsent(author crypto.SessionID, ts int64) {
	i := v.find(author, ts)
	if i < 0 {
		return
	}
	if v.unsent == nil {
		v.unsent = map[msgID]bool{}
	}
	v.unsent[msgID{author, ts}] = true
	v.msgs[i].Body = "" // gone from the store; not kept on screen either
	v.refreshMsg(i)
}

// find returns the index of a message, searching from the newest, or -1.
func (v *conversationView) find(author crypto.SessionID, ts int64) int {
	for i := len(v.msgs) - 1; i >= 0; i-- {
		if v.msgs[i].Timestamp == ts && v.msgs[i].Author == author {
			return i
		}
		if v.msgs[i].Timestamp < ts {
			break
		}
	}
	return -1
}

// refreshMsg redraws the row of message i, measuring it again (its footer may have
// changed).
func (v *conversationView) refreshMsg(i int) {
	for r := len(v.rows) - 1; r >= 0; r-- {
		if v.rows[r].msg == i {
			v.rows[r] = v.msgRow(i)
			v.list.SetItemHeight(r, v.rows[r].height)
			v.list.RefreshItem(r)
			return
		}
	}
}

// totalHeight is the height of all rows, as the list lays them out.
func (v *conversationView) totalHeight() float32 {
	total := float32(0)
	pad := theme.Padding()
	for i := range v.rows {
		total += v.rows[i].height + pad
	}
	return total
}

// atBottom reports whether the list shows its last rows.
func (v *conversationView) atBottom() bool {
	return v.list.GetScrollOffset()+v.list.Size().Height >= v.totalHeight()-2*v.m.oneLine
}

// updateRow fills a row and gives the list its height.
func (v *conversationView) updateRow(id widget.ListItemID, r *msgRow) {
	if id >= len(v.rows) {
		return
	}
	if !r.used {
		r.used = true
		v.built++
	}
	if id < 3 {
		v.loadOlder() // the top is in sight
	}
	row := &v.rows[id]
	if row.msg < 0 {
		r.setDay(dayLabel(row.day, time.Now()))
		return
	}
	if row.widths == nil {
		v.measured++
		row.shown, row.rtl = shownLines(row.spans)
		row.widths = make([]float32, len(row.shown))
		for i, l := range row.shown {
			row.widths[i] = measureLine(l, v.m.textSize)
		}
	}
	m := &v.msgs[row.msg]
	r.setMessage(*m, m.Author == v.p.me, v.unsent[msgID{m.Author, m.Timestamp}], row.shown, row.rtl, row.widths, row.atts)
}

// setConversation shows a changed name, approval or disappearing setting.
func (v *conversationView) setConversation(c engine.Conversation) {
	accepted := c.Approved && !v.conv.Approved
	v.conv = c
	if accepted && v.loaded {
		// The files of someone who was a stranger are worded for a contact now.
		v.rebuildRows()
		v.replaceList()
	}
	v.menu.set(c)
	v.composer.approved = c.Approved
	v.title.SetText(convName(c, v.p.me))
	v.avatar.set(v.p, c.ID, c.Name, c.Avatar)
	if other, ok := lookalike(c, v.p.sidebar.convs); ok {
		v.twin.SetText(twinContactSentence(c, other))
		v.twin.Show()
	} else {
		v.twin.Hide()
	}
	v.setTyping(v.p.sidebar.typing[c.ID])
}

// setTyping shows under the name the person's short ID (when the title is their name),
// then whether they are typing, or else the disappearing setting or that they are
// blocked.
func (v *conversationView) setTyping(typing bool) {
	var state string
	switch {
	case typing:
		state = lang.L("typing…")
	case v.conv.Disappearing.On():
		state = disappearSentence(v.conv.Disappearing.Mode, v.conv.Disappearing.Timer)
	case v.conv.Blocked:
		state = lang.L("Blocked — you don't receive their messages")
	}
	switch {
	case v.conv.Name == "":
		v.sub.SetText(state) // the title is the short ID
	case state == "":
		v.sub.SetText(shortID(v.id))
	default:
		v.sub.SetText(shortID(v.id) + " · " + state)
	}
}

// cancel gives up sending a message that has not gone yet, and removes it.
func (v *conversationView) cancel(m engine.Message) {
	v.p.call(func(e *engine.Engine) error { return e.Cancel(m.Conversation, m.Timestamp) },
		lang.L("Allium could not cancel the message. Try again."))
}

// retry sends a failed message again.
func (v *conversationView) retry(m engine.Message) {
	v.p.call(func(e *engine.Engine) error { return e.Retry(m.Conversation, m.Timestamp) },
		lang.L("Allium could not send the message again. Try again in a moment."))
}

// messageMenu offers what can be done with one message.
func (v *conversationView) messageMenu(m engine.Message, at fyne.Position) {
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Copy text"), func() { v.p.ui.fa.Clipboard().SetContent(m.Body) }),
	}
	for _, l := range linksIn(m.Body) {
		items = append(items, fyne.NewMenuItem(fmt.Sprintf(lang.L("Open %s"), l), func() { v.p.openLink(l) }))
	}
	for _, a := range m.Attachments {
		if a.Path != "" && (a.State == engine.AttachmentHere || a.State == engine.AttachmentSent || a.State == engine.AttachmentUploading) {
			items = append(items, fyne.NewMenuItem(fmt.Sprintf(lang.L("Save %s…"), a.Name), func() { v.saveFile(a) }))
		}
	}
	if m.State == engine.Failed {
		items = append(items, fyne.NewMenuItem(lang.L("Retry now"), func() { v.retry(m) }))
	}
	if m.Author == v.p.me && (m.State == engine.Pending || m.State == engine.Failed) {
		items = append(items, fyne.NewMenuItem(lang.L("Cancel sending"), func() { v.cancel(m) }))
	}
	items = append(items, fyne.NewMenuItem(lang.L("Delete for me"), func() {
		v.p.call(func(e *engine.Engine) error { return e.DeleteForMe(m.Conversation, m.Author, m.Timestamp) },
			lang.L("Allium could not delete the message. Try again."))
	}))
	if m.Author == v.p.me && m.State != engine.Pending {
		items = append(items, fyne.NewMenuItem(lang.L("Delete for everyone"), func() {
			v.p.call(func(e *engine.Engine) error { return e.Unsend(m.Conversation, m.Timestamp) },
				lang.L("Allium could not delete the message. Try again."))
		}))
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), v.p.win.Canvas(), at)
}
