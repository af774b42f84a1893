package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// conversationView is an open conversation: a header with the person's name and a menu,
// the messages grouped by day, and the composer.
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
	// early holds status changes that arrived before Send returned the message.
	early map[int64]engine.MessageStatusChanged
	m     bubbleMetrics

	title      *widget.Label
	sub        *widget.Label
	listHolder *fyne.Container
	list       *widget.List
	composer   *composer
	counter    *widget.Label
	content    fyne.CanvasObject

	loaded   bool
	closed   bool
	more     bool      // older messages may be in the store
	loading  bool      // a page of older messages is being read
	typingAt time.Time // when we last told the engine we were typing
	// built counts the row widgets the list has filled, and measured the rows whose text
	// was measured for display (tests check that scrolling builds only what is visible).
	built, measured int
}

// chatRow is one row of the list: a day heading (msg < 0) or a message.
type chatRow struct {
	msg    int
	day    time.Time
	height float32
	lines  []string
	widths []float32 // exact widths of the lines, measured when first shown
}

func newConversationView(p *Profile, c engine.Conversation) *conversationView {
	v := &conversationView{p: p, id: c.ID, conv: c, early: map[int64]engine.MessageStatusChanged{}}
	v.m = newBubbleMetrics()

	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.sub = widget.NewLabel("")
	v.sub.Importance = widget.LowImportance
	v.sub.SizeName = theme.SizeNameCaptionText
	menu := widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), nil)
	menu.OnTapped = func() { v.showMenu(menu) }
	header := container.NewBorder(nil, nil, nil, menu, container.NewVBox(v.title, v.sub))

	v.list = v.newList()
	v.listHolder = container.NewStack(v.list)

	v.composer = newComposer(p.keys, v.send)
	v.composer.OnChanged = v.composerChanged
	v.counter = widget.NewLabel("")
	v.counter.Hide()
	sendBtn := widget.NewButtonWithIcon("", theme.MailSendIcon(), v.send)
	sendBtn.Importance = widget.HighImportance
	bottom := container.NewBorder(v.counter, nil, nil, container.NewVBox(sendBtn), v.composer)

	v.content = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), bottom, nil, nil, v.listHolder)
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
	eng, id := v.p.eng, v.id
	go func() {
		msgs, err := eng.Messages(id, 0, pageSize)
		v.p.ui.do(func() {
			if v.closed {
				return
			}
			if err != nil {
				v.p.showError("Allium could not read this conversation from the disk. Close it and open it again.")
				return
			}
			v.msgs = msgs
			v.more = len(msgs) >= pageSize
			v.rebuildRows()
			v.replaceList()
			v.loaded = true
			v.list.ScrollToBottom()
		})
	}()
}

// loadOlder reads the page before the first message shown and puts it above, keeping
// the rows on screen where they are.
func (v *conversationView) loadOlder() {
	if !v.loaded || !v.more || v.loading || len(v.msgs) == 0 {
		return
	}
	v.loading = true
	eng, id, before := v.p.eng, v.id, v.msgs[0].Timestamp
	go func() {
		older, err := eng.Messages(id, before, pageSize)
		v.p.ui.do(func() {
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
	}()
}

func (v *conversationView) close() { v.closed = true }

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
	lines := wrapText(m.Body, v.m.maxText, v.m.adv)
	return chatRow{msg: i, lines: lines, height: v.m.messageHeight(len(lines), m.Author == v.p.me && m.State == engine.Failed)}
}

// replaceList swaps in a fresh list after rows moved (a message removed or inserted in
// the middle): the list keeps row heights by position, so they must start again.
func (v *conversationView) replaceList() { v.replaceListAt(v.list.GetScrollOffset()) }

func (v *conversationView) replaceListAt(off float32) {
	v.list = v.newList()
	v.listHolder.Objects = []fyne.CanvasObject{v.list}
	v.listHolder.Refresh()
	v.list.ScrollToOffset(off)
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
	if ev, ok := v.early[m.Timestamp]; ok && m.Author == v.p.me {
		delete(v.early, m.Timestamp)
		if m.State != engine.Read {
			m.State, m.Error = ev.State, ev.Error
		}
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

// setState shows a new delivery state for one of our messages.
func (v *conversationView) setState(ts int64, st engine.MessageState, reason string) {
	i := v.find(v.p.me, ts)
	if i < 0 {
		v.early[ts] = engine.MessageStatusChanged{Conversation: v.id, Timestamp: ts, State: st, Error: reason}
		return
	}
	v.msgs[i].State, v.msgs[i].Error = st, reason
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
		row.widths = make([]float32, len(row.lines))
		for i, l := range row.lines {
			row.widths[i] = fyne.MeasureText(l, v.m.textSize, fyne.TextStyle{}).Width
		}
	}
	m := &v.msgs[row.msg]
	r.setMessage(*m, m.Author == v.p.me, row.lines, row.widths)
}

// setConversation shows a changed name, approval or disappearing setting.
func (v *conversationView) setConversation(c engine.Conversation) {
	v.conv = c
	v.title.SetText(convName(c))
	v.setTyping(v.p.typing[c.ID])
}

func (v *conversationView) setTyping(typing bool) {
	switch {
	case typing:
		v.sub.SetText("typing…")
	case v.conv.ExpireMode != engine.DisappearOff && v.conv.ExpireTimer > 0:
		v.sub.SetText("Messages disappear " + disappearWhen(v.conv.ExpireMode) + " " + durationText(time.Duration(v.conv.ExpireTimer)*time.Second))
	case v.conv.Blocked:
		v.sub.SetText("Blocked — you don't receive their messages")
	default:
		v.sub.SetText(shortID(v.id))
	}
}

// composerChanged updates the character counter and tells the other person we are typing.
func (v *conversationView) composerChanged(text string) {
	n := engine.MessageLength(text)
	switch {
	case n > engine.MaxMessageLength:
		v.counter.Importance = widget.DangerImportance
		v.counter.SetText(itoa(n) + " / " + itoa(engine.MaxMessageLength) + " — too long to send")
		v.counter.Show()
	case n >= engine.MaxMessageLength-200:
		v.counter.Importance = widget.WarningImportance
		v.counter.SetText(itoa(n) + " / " + itoa(engine.MaxMessageLength))
		v.counter.Show()
	default:
		v.counter.Hide()
	}
	// The engine sends at most one typing message every few seconds; asking it once every
	// three seconds keeps keystrokes from starting goroutines.
	if text != "" && time.Since(v.typingAt) > 3*time.Second && v.conv.Approved {
		v.typingAt = time.Now()
		eng, id := v.p.eng, v.id
		go eng.SetTyping(id, true)
	}
}

// send hands the composer's text to the engine, which writes it to its outbox at once and
// delivers it in the background.
func (v *conversationView) send() {
	text := strings.TrimRight(v.composer.Text, "\n")
	if strings.TrimSpace(text) == "" {
		return
	}
	if n := engine.MessageLength(text); n > engine.MaxMessageLength {
		v.p.showError(tooLongMessage(n))
		return
	}
	v.composer.SetText("")
	eng, id, typing := v.p.eng, v.id, !v.typingAt.IsZero()
	v.typingAt = time.Time{}
	go func() {
		m, err := eng.Send(id, text)
		if typing {
			eng.SetTyping(id, false)
		}
		v.p.ui.do(func() {
			if err != nil {
				if v.composer.Text == "" {
					v.composer.SetText(text)
				}
				v.p.showError(plain(err, "Allium could not save your message to send it. Check that the disk is not full, then try again."))
				return
			}
			if !v.closed {
				v.add(m)
			}
		})
	}()
}

// retry sends a failed message again.
func (v *conversationView) retry(m engine.Message) {
	eng := v.p.eng
	go func() {
		err := eng.Retry(m.Conversation, m.Timestamp)
		if err != nil {
			v.p.ui.do(func() { v.p.showError(plain(err, "Allium could not send the message again. Try again in a moment.")) })
		}
	}()
}

// messageMenu offers what can be done with one message.
func (v *conversationView) messageMenu(m engine.Message, at fyne.Position) {
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Copy text", func() { v.p.ui.fa.Clipboard().SetContent(m.Body) }),
	}
	if m.State == engine.Failed {
		items = append(items, fyne.NewMenuItem("Retry", func() { v.retry(m) }))
	}
	eng := v.p.eng
	items = append(items, fyne.NewMenuItem("Delete for me", func() {
		go func() {
			if err := eng.DeleteForMe(m.Conversation, m.Author, m.Timestamp); err != nil {
				v.p.ui.do(func() { v.p.showError(plain(err, "Allium could not delete the message. Try again.")) })
			}
		}()
	}))
	if m.Author == v.p.me && m.State != engine.Pending {
		items = append(items, fyne.NewMenuItem("Delete for everyone", func() {
			go func() {
				if err := eng.Unsend(m.Conversation, m.Timestamp); err != nil {
					v.p.ui.do(func() { v.p.showError(plain(err, "Allium could not delete the message. Try again.")) })
				}
			}()
		}))
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), v.p.win.Canvas(), at)
}

// showMenu is the header menu: disappearing messages, rename, copy Session ID, block,
// delete.
func (v *conversationView) showMenu(anchor fyne.CanvasObject) {
	p, id := v.p, v.id
	eng := p.eng
	block := fyne.NewMenuItem("Block", func() {
		p.showDialog(dialog.NewConfirm("Block "+convName(v.conv)+"?", "You will no longer receive their messages. You can unblock them in Settings › Privacy.", func(ok bool) {
			if ok {
				go p.engineCall(func() error { return eng.Block(id) }, "Allium could not block this person. Try again.")
			}
		}, p.win))
	})
	if v.conv.Blocked {
		block = fyne.NewMenuItem("Unblock", func() {
			go p.engineCall(func() error { return eng.Unblock(id) }, "Allium could not unblock this person. Try again.")
		})
	}
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Disappearing messages…", v.showDisappearing),
		fyne.NewMenuItem("Rename…", v.showRename),
		fyne.NewMenuItem("Copy Session ID", func() { p.ui.fa.Clipboard().SetContent(id.String()) }),
		fyne.NewMenuItemSeparator(),
		block,
		fyne.NewMenuItem("Delete conversation…", func() {
			p.showDialog(dialog.NewConfirm("Delete this conversation?", "Its messages are deleted from this computer. The other person keeps their copy.", func(ok bool) {
				if ok {
					go p.engineCall(func() error { return eng.DeleteConversation(id) }, "Allium could not delete the conversation. Try again.")
				}
			}, p.win))
		}),
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(anchor).Add(fyne.NewPos(0, anchor.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), p.win.Canvas(), pos)
}

// engineCall runs an engine method off the Fyne goroutine and shows a sentence if it
// fails. Call it with go.
func (p *Profile) engineCall(fn func() error, fallback string) {
	if err := fn(); err != nil {
		p.ui.do(func() { p.showError(plain(err, fallback)) })
	}
}

func (v *conversationView) showRename() {
	p, id := v.p, v.id
	e := newField(p.keys, "Name")
	e.SetText(v.conv.Name)
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	var d *dialog.ConfirmDialog
	save := func() {
		name := strings.TrimSpace(e.Text)
		if s := nameProblem(name); s != "" {
			problem.SetText(s)
			problem.Show()
			return
		}
		d.Hide()
		eng := p.eng
		go p.engineCall(func() error { return eng.SetContactName(id, name) }, "Allium could not save the name. Try again.")
	}
	e.OnSubmitted = func(string) { save() }
	d = dialog.NewCustomConfirm("Rename", "Save", "Cancel",
		container.NewGridWrap(fyne.NewSize(340, e.MinSize().Height*3), container.NewVBox(e, problem)), func(ok bool) {
			if ok {
				save()
			}
		}, p.win)
	p.showDialog(d)
	p.win.Canvas().Focus(e)
}

// Timers offered for disappearing messages.
var disappearTimers = []time.Duration{5 * time.Minute, time.Hour, 12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour}

func (v *conversationView) showDisappearing() {
	p, id := v.p, v.id
	modes := []string{"Off", "After it is read", "After it is sent"}
	mode := widget.NewRadioGroup(modes, nil)
	var timers []string
	for _, d := range disappearTimers {
		timers = append(timers, durationText(d))
	}
	timer := widget.NewSelect(timers, nil)
	timer.SetSelectedIndex(3)
	for i, d := range disappearTimers {
		if time.Duration(v.conv.ExpireTimer)*time.Second == d {
			timer.SetSelectedIndex(i)
		}
	}
	mode.SetSelected(modes[int(v.conv.ExpireMode)%len(modes)])
	mode.OnChanged = func(s string) {
		if s == modes[0] {
			timer.Disable()
		} else {
			timer.Enable()
		}
	}
	mode.OnChanged(mode.Selected)
	info := widget.NewLabel("Messages you and " + convName(v.conv) + " send from now on disappear from both computers.")
	info.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Disappearing messages", "Save", "Cancel",
		column(360, info, mode, timer), func(ok bool) {
			if !ok {
				return
			}
			m := uint8(engine.DisappearOff)
			switch mode.Selected {
			case modes[1]:
				m = engine.DisappearAfterRead
			case modes[2]:
				m = engine.DisappearAfterSend
			}
			t := disappearTimers[max(0, timer.SelectedIndex())]
			eng := p.eng
			go p.engineCall(func() error { return eng.SetDisappearing(id, m, t) }, "Allium could not change the setting. Try again.")
		}, p.win)
	p.showDialog(d)
}

func disappearWhen(mode uint8) string {
	if mode == engine.DisappearAfterRead {
		return "after reading,"
	}
	return "after sending,"
}

func durationText(d time.Duration) string {
	switch {
	case d >= 7*24*time.Hour && d%(7*24*time.Hour) == 0:
		if n := int(d / (7 * 24 * time.Hour)); n > 1 {
			return itoa(n) + " weeks"
		}
		return "1 week"
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		if n := int(d / (24 * time.Hour)); n > 1 {
			return itoa(n) + " days"
		}
		return "1 day"
	case d >= time.Hour && d%time.Hour == 0:
		if n := int(d / time.Hour); n > 1 {
			return itoa(n) + " hours"
		}
		return "1 hour"
	}
	n := int(d / time.Minute)
	if n == 1 {
		return "1 minute"
	}
	return itoa(n) + " minutes"
}

// composer is the message field: Enter sends, Shift+Enter starts a new line.
type composer struct {
	field
	onSend func()
	shift  bool
}

func newComposer(keys *keymap, onSend func()) *composer {
	c := &composer{onSend: onSend}
	c.keys = keys
	c.MultiLine = true
	c.Wrapping = fyne.TextWrapWord
	c.ExtendBaseWidget(c)
	c.SetPlaceHolder("Message")
	c.SetMinRowsVisible(2)
	return c
}

func (c *composer) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		c.shift = true
	}
	c.field.KeyDown(ev)
}

func (c *composer) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		c.shift = false
	}
	c.field.KeyUp(ev)
}

func (c *composer) TypedKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !c.shift {
		c.onSend()
		return
	}
	// With OnSubmitted unset, the Entry turns Shift+Enter into a new line.
	c.field.TypedKey(ev)
}
