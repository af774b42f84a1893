package engine

import (
	"time"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
)

// receive opens one stored message and acts on it. Anything that cannot be decrypted,
// verified or parsed is dropped and counted; it never stops the poller.
func (e *Engine) receive(data []byte) {
	env, err := sessionpb.UnwrapEnvelope(data)
	if err != nil {
		e.dropped.Add(1)
		return
	}
	msg, err := crypto.Decrypt(e.id, env.GetContent())
	if err != nil {
		e.dropped.Add(1)
		return
	}
	var c sessionpb.Content
	if err := proto.Unmarshal(msg.Plaintext, &c); err != nil {
		e.dropped.Add(1)
		return
	}
	ts := int64(env.GetTimestamp())
	// The envelope is not signed, the content is: its timestamp must match (PROTOCOL
	// §2.8). Legacy senders leave it out.
	if c.SigTimestamp != nil && int64(c.GetSigTimestamp()) != ts {
		e.dropped.Add(1)
		return
	}
	from := msg.Sender
	if from == e.SessionID() {
		e.receiveOwn(ts, &c)
		return
	}
	conv, exists, err := e.st.Conversation(from)
	if err != nil || (exists && conv.Blocked) {
		return // blocked senders are dropped
	}
	if p := profileOf(&c); p != nil {
		e.learnName(from, p)
	}
	defer func() {
		// After the message, which may have created the conversation.
		if p := profileOf(&c); p != nil {
			e.learnAvatar(from, p, profileKeyOf(&c))
		}
	}()
	switch {
	case c.DataMessage != nil:
		e.receiveData(from, ts, &c)
	case c.ReceiptMessage != nil:
		if c.ReceiptMessage.GetType() == sessionpb.ReceiptMessage_READ {
			tss := make([]int64, len(c.ReceiptMessage.Timestamp))
			for i, t := range c.ReceiptMessage.Timestamp {
				tss[i] = int64(t)
			}
			if err := e.st.MarkReadByPeer(from, tss); err == nil {
				for _, t := range tss {
					e.events.push(MessageStatusChanged{Conversation: from, Timestamp: t, State: Read})
				}
				e.pushConversation(from)
			}
		}
	case c.TypingMessage != nil:
		if e.Settings().TypingIndicators {
			e.peerTyping(from, c.TypingMessage.GetAction() == sessionpb.TypingMessage_STARTED)
		}
	case c.UnsendRequest != nil:
		// Only the author may unsend a message.
		if c.UnsendRequest.GetAuthor() == from.String() {
			t := int64(c.UnsendRequest.GetTimestamp())
			if ok, _ := e.deleteMessage(from, from, t); ok {
				e.events.push(MessageDeleted{Conversation: from, Author: from, Timestamp: t, Unsent: true})
				e.pushConversation(from)
			}
		}
	case c.MessageRequestResponse != nil:
		if c.MessageRequestResponse.GetIsApproved() {
			if updated, err := e.st.UpdateConversation(from, func(cv *store.Conversation) { cv.ApprovedMe = true }); err == nil {
				e.events.push(ConversationUpdated{Conversation: e.conversationOf(updated)})
			}
		}
	}
}

// profileKeyOf is the key of the profile picture a message announces.
func profileKeyOf(c *sessionpb.Content) []byte {
	if c.DataMessage != nil {
		return c.DataMessage.GetProfileKey()
	}
	if c.MessageRequestResponse != nil {
		return c.MessageRequestResponse.GetProfileKey()
	}
	return nil
}

func profileOf(c *sessionpb.Content) *sessionpb.LokiProfile {
	if c.DataMessage != nil && c.DataMessage.Profile != nil {
		return c.DataMessage.Profile
	}
	if c.MessageRequestResponse != nil {
		return c.MessageRequestResponse.Profile
	}
	return nil
}

// learnName keeps the newest display name a sender announced.
func (e *Engine) learnName(from crypto.SessionID, p *sessionpb.LokiProfile) {
	name := announcedName(p.GetDisplayName())
	if name == "" || CheckName(name) != nil {
		return
	}
	updated := int64(p.GetLastUpdateSeconds())
	conv, exists, _ := e.st.Conversation(from)
	if exists && (conv.Name == name || (updated > 0 && updated < conv.NameUpdated)) {
		return
	}
	if !exists {
		return // the message that follows creates the conversation, with this name
	}
	if c, err := e.st.UpdateConversation(from, func(cv *store.Conversation) { cv.Name = name; cv.NameUpdated = updated }); err == nil {
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
}

// receiveData stores an incoming message. Its expirationType and expirationTimer say only
// when this message disappears: the conversation's setting changes on an explicit timer
// update alone (DataMessage.flags EXPIRATION_TIMER_UPDATE), as Session Desktop applies
// them (ts/receiver/queuedJob.ts, handleMessageJob). Session clients send ordinary
// messages as UNKNOWN when they do not disappear, so taking the setting from every
// message would switch it off whenever a message crosses a timer change.
func (e *Engine) receiveData(from crypto.SessionID, ts int64, c *sessionpb.Content) {
	d := c.DataMessage
	if d.GetFlags()&uint32(sessionpb.DataMessage_EXPIRATION_TIMER_UPDATE) != 0 {
		mode, timer := uint8(c.GetExpirationType()), c.GetExpirationTimer()
		if (mode != store.ExpireAfterRead && mode != store.ExpireAfterSend) || timer == 0 {
			mode, timer = store.ExpireNone, 0 // off, however the sender wrote it
		}
		if cv, err := e.st.UpdateConversation(from, func(cv *store.Conversation) { cv.ExpireMode, cv.ExpireTimer = mode, timer }); err == nil {
			e.events.push(ConversationUpdated{Conversation: e.conversationOf(cv)})
		}
		return
	}
	atts := e.offered(d.Attachments)
	preview := e.offeredPreview(d.Preview, d.GetBody())
	if d.Body == nil && len(atts) == 0 {
		return
	}
	_, existed, _ := e.st.Conversation(from)
	// Received is set here, not left to the store, so that the event carries it too.
	m := store.Message{Conversation: from, Author: from, Timestamp: ts, Received: time.Now().UnixMilli(), Direction: store.Incoming,
		Body: d.GetBody(), State: store.Received, Unread: true, ExpireMode: uint8(c.GetExpirationType()), ExpireTimer: c.GetExpirationTimer(),
		Attachments: atts, Preview: preview}
	if m.ExpireMode == store.ExpireAfterSend && m.ExpireTimer > 0 {
		m.ExpiresAt = ts + int64(m.ExpireTimer)*1000
	}
	added, err := e.st.AddMessage(m)
	if err != nil || !added {
		return // a duplicate (same sender and time) is shown once
	}
	conv, err := e.st.UpdateConversation(from, func(cv *store.Conversation) {
		if p := d.Profile; p != nil && cv.Name == "" && CheckName(announcedName(p.GetDisplayName())) == nil {
			cv.Name, cv.NameUpdated = announcedName(p.GetDisplayName()), int64(p.GetLastUpdateSeconds())
		}
	})
	if err != nil {
		return
	}
	if !existed || !conv.Approved {
		e.events.push(RequestReceived{Message: e.messageOf(m), Conversation: e.conversationOf(conv)})
		return
	}
	e.events.push(MessageReceived{Message: e.messageOf(m), Conversation: e.conversationOf(conv)})
	// A contact's files are fetched at once; a stranger's wait until asked for, or until
	// the request is accepted.
	e.queueWaiting(m)
}

// receiveOwn handles a copy of a message we sent from another device. Its files and link
// preview are kept as the recipient's copy has them, and fetched at once: they are ours.
func (e *Engine) receiveOwn(ts int64, c *sessionpb.Content) {
	d := c.DataMessage
	if d == nil || d.GetSyncTarget() == "" {
		return
	}
	atts := e.offered(d.Attachments)
	if d.Body == nil && len(atts) == 0 {
		return
	}
	to, err := crypto.ParseSessionID(d.GetSyncTarget())
	if err != nil {
		e.dropped.Add(1)
		return
	}
	m := store.Message{Conversation: to, Author: e.SessionID(), Timestamp: ts, Direction: store.Outgoing, Body: d.GetBody(), State: store.Sent,
		Attachments: atts, Preview: e.offeredPreview(d.Preview, d.GetBody())}
	added, err := e.st.AddMessage(m)
	if err != nil || !added {
		return
	}
	conv, _, _ := e.st.Conversation(to)
	e.events.push(MessageReceived{Message: e.messageOf(m), Conversation: e.conversationOf(conv)})
	e.queueWaiting(m)
}
