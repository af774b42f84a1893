package engine

import (
	"allium/crypto"
	"allium/engine/store"
)

// Cancel gives up sending one of our messages that is still waiting in the outbox
// (Pending, or Failed while the engine keeps retrying): it leaves the outbox, with the
// copy for our other devices, and the message is deleted here (MessageDeleted fires).
// A message already sent is ErrAlreadySent (unsend it instead); an unknown one is
// ErrNotFound. An attempt already on its way when Cancel is called may still arrive.
func (e *Engine) Cancel(conv crypto.SessionID, ts int64) error {
	me := e.SessionID()
	m, ok, err := e.st.Message(conv, me, ts)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	if m.State == store.Sent || m.State == store.Read {
		return ErrAlreadySent
	}
	// A message that failed for good (expired or refused) has left the outbox already;
	// cancelling it just removes it.
	if err := e.dequeueMessage(conv, ts); err != nil {
		return err
	}
	if _, err := e.deleteMessage(conv, me, ts); err != nil {
		return err
	}
	e.events.push(MessageDeleted{Conversation: conv, Author: me, Timestamp: ts})
	e.pushConversation(conv)
	return nil
}

// dequeueMessage takes one of our messages (and its copy for our other devices) out of
// the outbox, so that it is not delivered after it was cancelled or unsent.
func (e *Engine) dequeueMessage(conv crypto.SessionID, ts int64) error {
	items, err := e.st.Outbox()
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Conversation == conv && it.Timestamp == ts && it.Kind != kindControl {
			if err := e.st.Dequeue(it.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
