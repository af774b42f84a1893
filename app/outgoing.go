package app

import "allium/engine"

// The messages this account sends, from engine.Send to their bubble. Send writes the
// message to the outbox and returns it, and the view shows it when it returns; the
// engine may report the first delivery states before that, so the view keeps them in
// early until the message is shown. All the code that knows this is here.

// send hands text to the engine, which writes it to its outbox at once and delivers it
// in the background. typing says whether the other person was told we are typing, which
// sending ends. If the engine can't take the message, its text goes back to the composer.
func (v *conversationView) send(text string, typing bool) {
	id := v.id
	background(v.p, func(e *engine.Engine) (engine.Message, error) {
		m, err := e.Send(id, text)
		if typing {
			e.SetTyping(id, false)
		}
		return m, err
	}, func(m engine.Message, err error) {
		if err != nil {
			v.composer.giveBack(text)
			v.p.showError(plain(err, "Allium could not save your message to send it. Check that the disk is not full, then try again."))
			return
		}
		if !v.closed {
			v.add(m)
		}
	})
}

// withEarlyState gives one of our messages, as it is first shown, the delivery state
// reported before Send returned it.
func (v *conversationView) withEarlyState(m engine.Message) engine.Message {
	if ev, ok := v.early[m.Timestamp]; ok && m.Author == v.p.me {
		delete(v.early, m.Timestamp)
		if m.State != engine.Read {
			m.State, m.Error = ev.State, ev.Error
		}
	}
	return m
}

// setState shows a new delivery state for one of our messages, or keeps it until the
// message is shown.
func (v *conversationView) setState(ts int64, st engine.MessageState, reason string) {
	i := v.find(v.p.me, ts)
	if i < 0 {
		v.early[ts] = engine.MessageStatusChanged{Conversation: v.id, Timestamp: ts, State: st, Error: reason}
		return
	}
	v.msgs[i].State, v.msgs[i].Error = st, reason
	v.refreshMsg(i)
}
