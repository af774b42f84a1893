package app

import (
	"fyne.io/fyne/v2/lang"

	"allium/engine"
)

// The messages this account sends, from engine.Send to their bubble. Send writes the
// message to the outbox; the engine then reports it with MessageQueued, before any
// delivery state, on the same ordered event channel, so the view learns of every
// message, its own included, from events.

// send hands text to the engine, which writes it to its outbox at once and delivers it
// in the background. typing says whether the other person was told we are typing, which
// sending ends. If the engine can't take the message, its text goes back to the composer.
func (v *conversationView) send(text string, typing bool) {
	id := v.id
	background(v.p, func(e *engine.Engine) (struct{}, error) {
		_, err := e.Send(id, text)
		if typing {
			e.SetTyping(id, false)
		}
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		if err != nil {
			v.composer.giveBack(text)
			v.p.showError(plain(err, lang.L("Allium could not save your message to send it. Check that the disk is not full, then try again.")))
		}
	})
}

// setState shows a new delivery state for one of our messages.
func (v *conversationView) setState(ts int64, st engine.MessageState, f engine.Failure) {
	if i := v.find(v.p.me, ts); i >= 0 {
		v.msgs[i].State, v.msgs[i].Failure = st, f
		v.refreshMsg(i)
	}
}

// sendFiles hands files, with text as their caption, to the engine, which copies them
// into the profile at once and uploads them in the background. If it can't take them
// (one is over the size limit now), nothing is sent: the files and the text go back to
// the composer, which says why.
func (v *conversationView) sendFiles(text string, typing bool, files []stagedFile) {
	id := v.id
	fs := make([]engine.File, len(files))
	for i, f := range files {
		fs[i] = engine.File{Path: f.path, Name: f.name}
	}
	background(v.p, func(e *engine.Engine) (struct{}, error) {
		_, err := e.SendFiles(id, text, fs)
		if typing {
			e.SetTyping(id, false)
		}
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		if err != nil {
			v.composer.giveBack(text)
			v.composer.staged.giveBack(files)
			v.composer.notice(plain(err, lang.L("Allium could not copy the files to send them. Check that the disk is not full and that the files are still there, then try again.")))
		}
	})
}
