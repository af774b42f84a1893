package engine

import (
	"encoding/json"
	"math"
	"time"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
	"allium/network"
)

// Conversations returns every conversation, most recent first. Message requests are
// those with Approved false.
func (e *Engine) Conversations() ([]Conversation, error) {
	cs, err := e.st.Conversations()
	return e.conversationsOf(cs), err
}

// Conversation returns one conversation.
func (e *Engine) Conversation(id crypto.SessionID) (Conversation, bool, error) {
	c, ok, err := e.st.Conversation(id)
	return e.conversationOf(c), ok, err
}

// Messages returns a page of a conversation, oldest first, ending before the timestamp
// before (0: the newest page).
func (e *Engine) Messages(conv crypto.SessionID, before int64, limit int) ([]Message, error) {
	ms, err := e.st.Messages(conv, before, limit)
	return e.messagesOf(ms), err
}

// Message returns one message, by its identity.
func (e *Engine) Message(conv, author crypto.SessionID, ts int64) (Message, bool, error) {
	m, ok, err := e.st.Message(conv, author, ts)
	return e.messageOf(m), ok, err
}

// StartConversation opens (or returns) the conversation with someone, as accepted: we
// chose to write to them.
func (e *Engine) StartConversation(id crypto.SessionID) (Conversation, error) {
	c, err := e.st.UpdateConversation(id, func(c *store.Conversation) { c.Approved = true })
	if err == nil {
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
	return e.conversationOf(c), err
}

// SetContactName names a contact on this device (until they announce a newer name of
// their own), and accepts the conversation: naming someone is choosing to talk to them.
func (e *Engine) SetContactName(id crypto.SessionID, name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	c, err := e.st.UpdateConversation(id, func(c *store.Conversation) { c.Name = name; c.Approved = true })
	if err == nil {
		e.setNickname(id, name)
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
	return err
}

// MarkRead marks every incoming message of a conversation as read and, if read receipts
// are on, tells the sender.
func (e *Engine) MarkRead(conv crypto.SessionID) error {
	read, err := e.st.MarkRead(conv, math.MaxInt64)
	if err != nil {
		return err
	}
	if len(read) == 0 {
		// Nothing new, but a conversation marked unread (on any of our devices) is read
		// now: the mark goes, everywhere.
		if e.markedUnread(conv) {
			e.syncRead(conv)
			e.pushConversation(conv)
		}
		return nil
	}
	e.syncRead(conv)
	e.pushConversation(conv)
	c, _, _ := e.st.Conversation(conv)
	if !e.Settings().ReadReceipts || !c.Approved {
		return nil
	}
	tss := make([]uint64, len(read))
	for i, t := range read {
		tss[i] = uint64(t)
	}
	return e.sendControl(conv, &sessionpb.Content{ReceiptMessage: &sessionpb.ReceiptMessage{
		Type: sessionpb.ReceiptMessage_READ.Enum(), Timestamp: tss}}, ttlContent)
}

// Accept accepts a message request: the conversation moves to the list, and the sender
// is told (with our name) so that their app shows us as a contact.
func (e *Engine) Accept(id crypto.SessionID) error {
	c, err := e.st.UpdateConversation(id, func(c *store.Conversation) { c.Approved = true; c.Blocked = false })
	if err != nil {
		return err
	}
	e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	if c.AvatarURL != "" && c.AvatarPath == "" {
		e.queueDownload(download{conv: id, avatar: true}) // a contact now: their picture is fetched
	}
	// A contact now: the files of their request are fetched as a contact's are.
	if ms, err := e.st.Messages(id, 0, 200); err == nil {
		for _, m := range ms {
			e.queueWaiting(m)
		}
	}
	var d sessionpb.DataMessage
	e.announceProfile(&d)
	return e.sendControl(id, &sessionpb.Content{MessageRequestResponse: &sessionpb.MessageRequestResponse{
		IsApproved: proto.Bool(true), Profile: d.Profile, ProfileKey: d.ProfileKey}}, ttlContent)
}

// Decline deletes a message request without telling the sender.
func (e *Engine) Decline(id crypto.SessionID) error { return e.DeleteConversation(id) }

// Block drops everything the sender sends from now on, and hides their request.
func (e *Engine) Block(id crypto.SessionID) error {
	c, err := e.st.UpdateConversation(id, func(c *store.Conversation) { c.Blocked = true })
	if err == nil {
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
	return err
}

// Unblock lets the sender's messages through again.
func (e *Engine) Unblock(id crypto.SessionID) error {
	c, err := e.st.UpdateConversation(id, func(c *store.Conversation) { c.Blocked = false })
	if err == nil {
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
	return err
}

// DeleteConversation removes a conversation, its messages and their files from this
// device; the files are overwritten first.
func (e *Engine) DeleteConversation(id crypto.SessionID) error {
	ms, err := e.st.Messages(id, 0, 0)
	if err != nil {
		return err
	}
	var files []store.Attachment
	for _, m := range ms {
		files = append(files, messageFiles(m)...)
	}
	if c, ok, err := e.st.Conversation(id); err == nil && ok && c.AvatarPath != "" {
		files = append(files, store.Attachment{Path: c.AvatarPath})
	}
	if err := e.st.DeleteConversation(id); err != nil {
		return err
	}
	e.removeFiles(files)
	e.events.push(ConversationDeleted{ID: id})
	return nil
}

// DeleteForMe removes one message from this device only.
func (e *Engine) DeleteForMe(conv, author crypto.SessionID, ts int64) error {
	ok, err := e.deleteMessage(conv, author, ts)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	e.events.push(MessageDeleted{Conversation: conv, Author: author, Timestamp: ts})
	e.pushConversation(conv)
	return nil
}

// Unsend deletes one of our messages for everyone: here, and on the recipient's devices
// (and our own) when they receive the request.
func (e *Engine) Unsend(conv crypto.SessionID, ts int64) error {
	// Not yet delivered: it must not be delivered now (the request could otherwise
	// arrive before the message, which the recipient would then keep).
	if err := e.dequeueMessage(conv, ts); err != nil {
		return err
	}
	ok, err := e.deleteMessage(conv, e.SessionID(), ts)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	e.events.push(MessageDeleted{Conversation: conv, Author: e.SessionID(), Timestamp: ts, Unsent: true})
	e.pushConversation(conv)
	req := &sessionpb.Content{UnsendRequest: &sessionpb.UnsendRequest{Timestamp: proto.Uint64(uint64(ts)), Author: proto.String(e.SessionID().String())}}
	if err := e.sendControl(conv, req, ttlContent); err != nil {
		return err
	}
	return e.sendControl(e.SessionID(), req, ttlContent)
}

// SetDisappearing sets a conversation's disappearing messages (mode and timer) and tells
// the other person, whose app applies the same setting.
func (e *Engine) SetDisappearing(id crypto.SessionID, d Disappearing) error {
	secs := uint32(d.Timer / time.Second)
	mode := uint8(d.Mode)
	if d.Mode == DisappearOff || secs == 0 {
		mode, secs = store.ExpireNone, 0
	}
	c, err := e.st.UpdateConversation(id, func(c *store.Conversation) { c.ExpireMode, c.ExpireTimer = mode, secs })
	if err != nil {
		return err
	}
	e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	content := &sessionpb.Content{DataMessage: &sessionpb.DataMessage{
		Flags: proto.Uint32(uint32(sessionpb.DataMessage_EXPIRATION_TIMER_UPDATE))}}
	e.announceProfile(content.DataMessage)
	content.ExpirationType = sessionpb.Content_ExpirationType(mode).Enum()
	content.ExpirationTimer = proto.Uint32(secs)
	ttl := ttlContent
	if mode == store.ExpireAfterSend && secs > 0 {
		// After-send: the update lives as long as the messages it makes disappear, as
		// Session stores it (PROTOCOL §2.7); an after-read one must wait for the reader.
		ttl = max(time.Duration(secs)*time.Second, network.MinTTL)
	}
	return e.sendControl(id, content, ttl)
}

// SetTyping tells the other person we are typing (or stopped), if typing indicators are
// on. Repeated calls while typing send at most one message every few seconds.
func (e *Engine) SetTyping(id crypto.SessionID, typing bool) error {
	if !e.Settings().TypingIndicators {
		return nil
	}
	e.typingMu.Lock()
	last := e.typingSent[id]
	if typing && time.Since(last) < 5*time.Second {
		e.typingMu.Unlock()
		return nil
	}
	if typing {
		e.typingSent[id] = time.Now()
	} else {
		delete(e.typingSent, id)
	}
	e.typingMu.Unlock()
	action := sessionpb.TypingMessage_STOPPED
	if typing {
		action = sessionpb.TypingMessage_STARTED
	}
	return e.sendControl(id, &sessionpb.Content{TypingMessage: &sessionpb.TypingMessage{
		Timestamp: proto.Uint64(uint64(e.now().UnixMilli())), Action: action.Enum()}}, ttlTyping)
}

// Settings are the account's privacy choices. Read receipts and typing indicators are off
// until the user turns them on, as in Session. Link previews are off until the user turns
// them on: this computer then fetches the pages that messages it sends link to.
type Settings struct {
	ReadReceipts     bool `json:"read_receipts"`
	TypingIndicators bool `json:"typing_indicators"`
	LinkPreviews     bool `json:"link_previews"`
}

const settingsKey = "engine"

// Settings returns the current settings.
func (e *Engine) Settings() Settings {
	var s Settings
	if b, ok, err := e.st.Get(store.Settings, settingsKey); err == nil && ok {
		json.Unmarshal(b, &s)
	}
	return s
}

// SetSettings changes the settings.
func (e *Engine) SetSettings(s Settings) error {
	b, _ := json.Marshal(s)
	return e.st.Put(store.Settings, settingsKey, b)
}

// Blocked returns the conversations whose senders are blocked.
func (e *Engine) Blocked() ([]Conversation, error) {
	all, err := e.st.Conversations()
	var out []Conversation
	for _, c := range all {
		if c.Blocked {
			out = append(out, e.conversationOf(c))
		}
	}
	return out, err
}

// expireLoop deletes disappearing messages when their time comes, and forgets old
// message hashes.
func (e *Engine) expireLoop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	prune := 0
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		now := e.now().UnixMilli()
		if gone, err := e.st.ExpiredMessages(now); err == nil && len(gone) > 0 {
			if _, err := e.st.DeleteExpired(now); err == nil {
				convs := map[crypto.SessionID]bool{}
				for _, m := range gone {
					e.removeFiles(messageFiles(m))
					e.events.push(MessageDeleted{Conversation: m.Conversation, Author: m.Author, Timestamp: m.Timestamp})
					convs[m.Conversation] = true
				}
				for c := range convs {
					e.pushConversation(c)
				}
			}
		}
		if prune++; prune%3600 == 0 {
			e.st.PruneHashes(now)
		}
	}
}
