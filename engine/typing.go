package engine

import (
	"time"

	"allium/crypto"
)

// typingTimeout is how long "typing" lasts without a fresh started message, as in
// Session (15 s): a stop that is lost, or a peer that closes its window mid-sentence,
// must not leave the indicator on.
const typingTimeout = 15 * time.Second

// peerTyping shows that a peer started or stopped typing. A start is forgotten after
// the timeout unless another start renews it (a message from them also ends it: the
// app stops showing "typing" when MessageReceived fires).
func (e *Engine) peerTyping(from crypto.SessionID, typing bool) {
	e.typingMu.Lock()
	defer e.typingMu.Unlock()
	if t, ok := e.typingTimers[from]; ok {
		t.Stop()
		delete(e.typingTimers, from)
	}
	if typing {
		var t *time.Timer
		t = time.AfterFunc(e.opts.TypingTimeout, func() {
			// The event is pushed under the lock (push never blocks), so that a new start
			// cannot be pushed between the decision and this stop.
			e.typingMu.Lock()
			defer e.typingMu.Unlock()
			if e.typingTimers[from] == t {
				delete(e.typingTimers, from)
				if e.ctx.Err() == nil {
					e.events.push(TypingChanged{Conversation: from, Typing: false})
				}
			}
		})
		e.typingTimers[from] = t
	}
	e.events.push(TypingChanged{Conversation: from, Typing: typing})
}

// stopTypingTimers stops the timers of peerTyping (Close).
func (e *Engine) stopTypingTimers() {
	e.typingMu.Lock()
	defer e.typingMu.Unlock()
	for id, t := range e.typingTimers {
		t.Stop()
		delete(e.typingTimers, id)
	}
}
