package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// composer is the bottom of a conversation: the message field, its character counter
// and the send button. It tells the other person when we type, and hands what is sent
// to onSend.
type composer struct {
	p        *Profile
	id       crypto.SessionID
	approved bool // typing is only sent to people we have accepted
	// onSend sends text; typing says whether the other person was told we are typing.
	onSend func(text string, typing bool)
	// onSendFiles sends files with text as their caption.
	onSendFiles func(text string, typing bool, files []stagedFile)

	staged *stagedFiles
	// grew is called when the composer's height changes, for the view to lay it out.
	grew     func()
	entry    *messageEntry
	counter  *bidiText
	content  fyne.CanvasObject
	typingAt time.Time // when we last told the engine we were typing

	attachBtn, sendBtn, mic *widget.Button
	// voice stands for the field while recording is the voice message being recorded
	// (voicerecord.go); nil when not recording.
	voice     *voiceBar
	recording *recording
}

func newComposer(p *Profile, id crypto.SessionID, onSend func(text string, typing bool)) *composer {
	c := &composer{p: p, id: id, onSend: onSend}
	c.entry = newMessageEntry(p.keys, c.send)
	c.entry.fits = c.fits
	c.entry.OnChanged = c.changed
	c.counter = wrapped("")
	c.counter.Hide()
	c.staged = newStagedFiles(c)
	c.attachBtn = widget.NewButtonWithIcon("", theme.MailAttachmentIcon(), c.staged.choose)
	c.sendBtn = widget.NewButtonWithIcon("", theme.MailSendIcon(), c.send)
	c.sendBtn.Importance = widget.HighImportance
	c.mic = widget.NewButtonWithIcon("", theme.MediaRecordIcon(), c.micPressed)
	c.voice = newVoiceBar(c)
	c.content = border(container.NewVBox(c.counter, c.staged.box), nil,
		container.NewVBox(c.attachBtn), container.NewVBox(hbox(c.mic, c.sendBtn)),
		container.NewStack(c.entry, c.voice.box))
	return c
}

// changed updates the character counter and tells the other person we are typing.
func (c *composer) changed(text string) {
	n := engine.MessageLength(text)
	switch {
	case n > engine.MaxMessageLength:
		c.counter.Importance = widget.DangerImportance
		c.counter.SetText(fmt.Sprintf(lang.L("%s / %s — too long to send"), num(n), num(engine.MaxMessageLength)))
		c.counter.Show()
	case n >= engine.MaxMessageLength-200:
		c.counter.Importance = widget.WarningImportance
		c.counter.SetText(num(n) + " / " + num(engine.MaxMessageLength))
		c.counter.Show()
	default:
		c.counter.Hide()
	}
	// The engine sends at most one typing message every few seconds; asking it once every
	// three seconds keeps keystrokes from starting goroutines.
	if text != "" && time.Since(c.typingAt) > 3*time.Second && c.approved {
		c.typingAt = time.Now()
		id := c.id
		background(c.p, func(e *engine.Engine) (struct{}, error) { return struct{}{}, e.SetTyping(id, true) }, nil)
	}
	// An emptied field means we stopped typing: say so at once, as Session does,
	// rather than leave the other person watching "typing…" until it times out.
	if text == "" && !c.typingAt.IsZero() {
		c.typingAt = time.Time{}
		id := c.id
		background(c.p, func(e *engine.Engine) (struct{}, error) { return struct{}{}, e.SetTyping(id, false) }, nil)
	}
}

// send empties the field and hands its text, and the files staged above it, to onSend
// or onSendFiles, unless there is nothing to send or the text is too long.
func (c *composer) send() {
	text := strings.TrimRight(c.entry.Text, "\n")
	files := len(c.staged.files) > 0 && c.onSendFiles != nil
	if strings.TrimSpace(text) == "" && !files {
		return
	}
	if strings.TrimSpace(text) == "" {
		text = ""
	}
	if n := engine.MessageLength(text); n > engine.MaxMessageLength {
		c.notice(tooLongMessage(n))
		return
	}
	// Sending ends typing (onSend says so after the message): typingAt is cleared before
	// the field empties, so that emptying it does not send a stop of its own.
	typing := !c.typingAt.IsZero()
	c.typingAt = time.Time{}
	c.entry.SetText("")
	if files {
		c.onSendFiles(text, typing, c.staged.take())
		return
	}
	c.onSend(text, typing)
}

// fits reports whether pasting text leaves the message within the limit, and says
// why not beside the field otherwise. A refused paste changes nothing, and the text
// is still on the clipboard.
func (c *composer) fits(text string) bool {
	// The paste replaces the selection, if there is one.
	n := engine.MessageLength(c.entry.Text) - engine.MessageLength(c.entry.SelectedText()) + engine.MessageLength(text)
	if n <= engine.MaxMessageLength {
		return true
	}
	c.notice(tooLongPaste(n))
	return false
}

// notice says what stopped the message, above the field, until the text changes.
func (c *composer) notice(sentence string) {
	c.counter.Importance = widget.DangerImportance
	c.counter.SetText(sentence)
	c.counter.Show()
}

// giveBack puts the text of a message that could not be sent back in the field, unless
// the person has started another one.
func (c *composer) giveBack(text string) {
	if c.entry.Text == "" {
		c.entry.SetText(text)
	}
}

// messageEntry is the message field, a bidiEditor (Persian is typed right to left):
// Enter sends, Shift+Enter starts a new line. A paste is first offered to fits: a
// text far over the message limit is refused before the field lays it out.
type messageEntry struct {
	bidiEditor
	onSend func()
	fits   func(text string) bool
}

func (e *messageEntry) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok && e.fits != nil && p.Clipboard != nil && !e.fits(p.Clipboard.Content()) {
		return
	}
	e.bidiEditor.TypedShortcut(s)
}

func newMessageEntry(keys *keymap, onSend func()) *messageEntry {
	e := &messageEntry{onSend: onSend}
	e.keys = keys
	e.minRows = 2
	e.self = e
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(lang.L("Message"))
	return e
}

func (e *messageEntry) TypedKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !e.shift {
		e.onSend()
		return
	}
	e.bidiEditor.TypedKey(ev)
}
