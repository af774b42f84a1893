package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// MessageState is where a message is in its life; the package comment gives the two paths,
// one for each Direction. The zero value means "not set": AddMessage replaces it (see
// there).
type MessageState uint8

const (
	Pending  MessageState = iota + 1 // outgoing, not yet stored by the recipient's swarm
	Sent                             // outgoing, stored by the recipient's swarm
	Failed                           // outgoing, not delivered; Message.Error says why
	Received                         // incoming, not read by us yet
	Read                             // outgoing read by the peer, or incoming read by us
)

func (s MessageState) String() string {
	switch s {
	case 0:
		return "unset"
	case Pending:
		return "pending"
	case Sent:
		return "sent"
	case Failed:
		return "failed"
	case Received:
		return "received"
	case Read:
		return "read"
	}
	return fmt.Sprintf("MessageState(%d)", uint8(s))
}

// Direction says who wrote a message: we (Outgoing, including copies synced from our
// other devices) or the other person (Incoming).
type Direction uint8

const (
	Outgoing Direction = iota + 1
	Incoming
)

func (d Direction) String() string {
	switch d {
	case Outgoing:
		return "outgoing"
	case Incoming:
		return "incoming"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// Disappearing-message modes, as in Content.expirationType.
const (
	ExpireNone      uint8 = 0
	ExpireAfterRead uint8 = 1 // the timer starts when the message is read
	ExpireAfterSend uint8 = 2 // the timer starts when the message is sent
)

// Message is one message of a 1:1 conversation. Conversation, Author and Timestamp are its
// identity, as in the protocol, and its key in the store.
type Message struct {
	Conversation crypto.SessionID // the other person
	Author       crypto.SessionID // the other person, or our own ID for outgoing messages
	Timestamp    int64            // sent time in ms (Envelope.timestamp = sigTimestamp); never negative
	Received     int64            // ms when stored locally; AddMessage sets it if zero
	Direction    Direction
	Body         string
	State        MessageState
	Error        string // why it failed, in plain words
	Hash         string // storage-server hash of an incoming message
	ExpiresAt    int64  // ms when it disappears; 0 = never
	ExpireMode   uint8  // ExpireNone, ExpireAfterRead or ExpireAfterSend
	ExpireTimer  uint32 // seconds
	Unread       bool   // incoming and not read by us; always false for outgoing messages
	Attachments  []Attachment
	Preview      *Preview // the link preview the message carries, if any
}

func (m *Message) key() msgKey { return makeMsgKey(m.Conversation, m.Timestamp, m.Author) }

// normalize fills in the defaults AddMessage documents and checks what the store relies on.
func (m *Message) normalize(now int64) error {
	var zero crypto.SessionID
	switch {
	case m.Conversation == zero:
		return fmt.Errorf("%w: message without a conversation", ErrInvalid)
	case m.Author == zero:
		return fmt.Errorf("%w: message without an author", ErrInvalid)
	case m.Direction != Outgoing && m.Direction != Incoming:
		return fmt.Errorf("%w: message direction %v", ErrInvalid, m.Direction)
	case m.State > Read:
		return fmt.Errorf("%w: message state %v", ErrInvalid, m.State)
	case len(m.Attachments) > maxAttachments:
		return fmt.Errorf("%w: %d attachments", ErrInvalid, len(m.Attachments))
	}
	if err := checkTime("message timestamp", m.Timestamp); err != nil {
		return err
	}
	if err := checkTime("message expiry", m.ExpiresAt); err != nil {
		return err
	}
	if m.Direction == Outgoing {
		m.Unread = false
	}
	if m.State == 0 {
		switch {
		case m.Direction == Outgoing:
			m.State = Pending
		case m.Unread:
			m.State = Received
		default:
			m.State = Read
		}
	}
	if m.Received == 0 {
		m.Received = now
	}
	return nil
}

// messageFormat is the first byte of a message record. The record is
//
//	format ‖ direction ‖ state ‖ flags (bit 0: unread) ‖ expire mode ‖ expire timer (uint32)
//	‖ received (varint) ‖ expires at (varint) ‖ body ‖ error ‖ hash
//
// with length-prefixed strings. Conversation, timestamp and author are in the key. A
// message with attachments has format messageWithAttachments and one more string, the
// attachments as JSON; a message with a link preview has format messageWithPreview and
// two more, the attachments and the preview as JSON.
const (
	messageFormat          = 1
	messageWithAttachments = 2
	messageWithPreview     = 3
)

const flagUnread = 1

// messageHeaderLen is the fixed part of a message record, up to the expire timer.
const messageHeaderLen = 9

func appendMessage(b []byte, m *Message) []byte {
	var flags byte
	if m.Unread {
		flags |= flagUnread
	}
	format := byte(messageFormat)
	if len(m.Attachments) > 0 {
		format = messageWithAttachments
	}
	if m.Preview != nil {
		format = messageWithPreview
	}
	b = append(b, format, byte(m.Direction), byte(m.State), flags, m.ExpireMode)
	b = binary.BigEndian.AppendUint32(b, m.ExpireTimer)
	b = binary.AppendVarint(b, m.Received)
	b = binary.AppendVarint(b, m.ExpiresAt)
	b = appendString(b, m.Body)
	b = appendString(b, m.Error)
	b = appendString(b, m.Hash)
	if format >= messageWithAttachments {
		b = appendAttachments(b, m.Attachments)
	}
	if format == messageWithPreview {
		b = appendPreview(b, m.Preview)
	}
	return b
}

// decodeMessage reads the record v (opened: see keys.go) of the message whose identity is
// k. Strings are copied, so m outlives the transaction.
func decodeMessage(k, v []byte, m *Message) error {
	var ok bool
	m.Conversation, m.Timestamp, m.Author, ok = parseMsgKey(k)
	if !ok {
		return fmt.Errorf("%w: message key of %d bytes", ErrCorrupt, len(k))
	}
	if len(v) < messageHeaderLen {
		return fmt.Errorf("%w: message record of %d bytes", ErrCorrupt, len(v))
	}
	if v[0] < messageFormat || v[0] > messageWithPreview {
		return fmt.Errorf("%w: message record format %d", ErrCorrupt, v[0])
	}
	m.Direction = Direction(v[1])
	m.State = MessageState(v[2])
	m.Unread = v[3]&flagUnread != 0
	m.ExpireMode = v[4]
	m.ExpireTimer = binary.BigEndian.Uint32(v[5:messageHeaderLen])
	d := decoder{b: v[messageHeaderLen:], what: "message"}
	m.Received = d.varint()
	m.ExpiresAt = d.varint()
	m.Body = d.string()
	m.Error = d.string()
	m.Hash = d.string()
	m.Attachments, m.Preview = nil, nil
	if v[0] >= messageWithAttachments {
		var err error
		if m.Attachments, err = decodeAttachments(d.string()); err != nil && d.err == nil {
			return err
		}
	}
	if v[0] == messageWithPreview {
		var err error
		if m.Preview, err = decodePreview(d.string()); err != nil && d.err == nil {
			return err
		}
	}
	return d.finish()
}

// putMessage writes m, whose previous version is old (nil for a new message), and keeps the
// unread and expiry indexes and the conversation's unread count in step with it.
func (t *txn) putMessage(m, old *Message) error {
	k := m.key()
	e, err := t.conversation(m.Conversation, m.Direction == Outgoing)
	if err != nil {
		return err
	}
	sk := t.seal.storedMsgKey(&k)
	if err := t.tx.Bucket(bucketMessages).Put(sk, t.seal.sealMessage(sk, m)); err != nil {
		return err
	}
	t.touch(m.Conversation)
	var was Message
	if old != nil {
		was = *old
	}
	if m.Unread != was.Unread {
		unread := t.tx.Bucket(bucketUnread)
		if m.Unread {
			err = unread.Put(sk, nil)
			e.c.Unread++
		} else {
			err = unread.Delete(sk)
			e.c.Unread = max(e.c.Unread-1, 0)
		}
		if err != nil {
			return err
		}
	}
	if m.ExpiresAt != was.ExpiresAt {
		exps := t.tx.Bucket(bucketExpiries)
		if was.ExpiresAt != 0 {
			if err := exps.Delete(t.seal.storedExpKey(was.ExpiresAt, &k)); err != nil {
				return err
			}
		}
		if m.ExpiresAt != 0 {
			ek := t.seal.storedExpKey(m.ExpiresAt, &k)
			if err := exps.Put(ek, t.seal.seal(bucketExpiries, ek, k[:])); err != nil {
				return err
			}
		}
	}
	// A new message later than the conversation's last one is its new last one: no need
	// to scan the conversation for it (keys.go: a scan decrypts every key).
	if old == nil && !e.refresh && m.Timestamp > e.c.LastAt {
		e.c.LastBody, e.c.LastAt, e.c.LastState = m.Body, m.Timestamp, m.State
		return nil
	}
	e.refresh = true
	return nil
}

// deleteMessage removes m and its index entries.
func (t *txn) deleteMessage(m *Message) error {
	k := m.key()
	e, err := t.conversation(m.Conversation, m.Direction == Outgoing)
	if err != nil {
		return err
	}
	sk := t.seal.storedMsgKey(&k)
	if err := t.tx.Bucket(bucketMessages).Delete(sk); err != nil {
		return err
	}
	t.touch(m.Conversation)
	if m.Unread {
		if err := t.tx.Bucket(bucketUnread).Delete(sk); err != nil {
			return err
		}
		e.c.Unread = max(e.c.Unread-1, 0)
	}
	if m.ExpiresAt != 0 {
		if err := t.tx.Bucket(bucketExpiries).Delete(t.seal.storedExpKey(m.ExpiresAt, &k)); err != nil {
			return err
		}
	}
	e.refresh = true
	return nil
}

// add stores m unless a message with its identity exists.
func (t *txn) add(m *Message) (bool, error) {
	if err := m.normalize(t.now); err != nil {
		return false, err
	}
	k := m.key()
	if t.tx.Bucket(bucketMessages).Get(t.seal.storedMsgKey(&k)) != nil {
		return false, nil
	}
	return true, t.putMessage(m, nil)
}

// AddMessage stores m and updates its conversation's summary: the last message, and the
// unread count if m is unread. A conversation seen for the first time is created, approved
// if m is outgoing (we started it) and a message request if m is incoming. A zero State
// becomes Pending for an outgoing message, and Received or Read for an incoming one as it
// is Unread or not; a zero Received becomes now. Unread is ignored for outgoing messages.
//
// AddMessage is idempotent on (Conversation, Author, Timestamp): for a message already
// stored it returns false and changes nothing, which is how the engine drops a message it
// retrieved twice.
func (s *Store) AddMessage(m Message) (added bool, err error) {
	// A duplicate is common (every node of a swarm returns the message) and costs only a
	// read transaction: a write transaction commits, and syncs the file, even unchanged.
	k := m.key()
	sk := s.seal.storedMsgKey(&k)
	var dup bool
	if err := s.view("add message", func(tx *bolt.Tx) error {
		dup = tx.Bucket(bucketMessages).Get(sk) != nil
		return nil
	}); err != nil || dup {
		return false, err
	}
	err = s.update("add message", func(t *txn) error {
		added, err = t.add(&m)
		return err
	})
	return added, err
}

// AddMessages stores many messages in one transaction, as AddMessage does each, and returns
// how many were new. It is for imports and tests: one commit for all of them.
func (s *Store) AddMessages(ms []Message) (added int, err error) {
	err = s.update("add messages", func(t *txn) error {
		added = 0
		for i := range ms {
			m := ms[i]
			ok, err := t.add(&m)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return nil
	})
	return added, err
}

// Message returns the message with the given identity.
func (s *Store) Message(conv, author crypto.SessionID, ts int64) (Message, bool, error) {
	var (
		m  Message
		ok bool
	)
	k := makeMsgKey(conv, ts, author)
	err := s.view("read message", func(tx *bolt.Tx) (err error) {
		m, ok, err = s.seal.getMessage(tx.Bucket(bucketMessages), &k)
		return err
	})
	return m, ok, err
}

// Messages returns a page of conversation conv in the order it is shown, oldest first: the
// newest limit messages sent before the timestamp before, or the newest limit messages of
// all if before is 0. To load the page above, call Messages(conv, page[0].Timestamp, limit).
//
// So that this paging never skips a message, a page that would end between messages with
// the same timestamp (from both of us in the same millisecond) also includes the rest of
// them, and may be slightly longer than limit. A limit of 0 or less means no limit.
func (s *Store) Messages(conv crypto.SessionID, before int64, limit int) ([]Message, error) {
	var out []Message
	err := s.view("read messages", func(tx *bolt.Tx) error {
		refs := page(s.sortedRefs(tx, conv), before, limit)
		var err error
		out, err = s.seal.loadRefs(tx.Bucket(bucketMessages), refs)
		return err
	})
	if err != nil {
		return nil, err
	}
	shownOrder(out)
	return out, nil
}

// UpdateMessage changes the stored message with the given identity with fn and returns the
// result. fn cannot change the identity; the store keeps its indexes, the unread count and
// the conversation's summary in step. It returns ErrNotFound if there is no such message.
func (s *Store) UpdateMessage(conv, author crypto.SessionID, ts int64, fn func(*Message)) (Message, error) {
	var m Message
	err := s.update("update message", func(t *txn) (err error) {
		m, err = t.updateMessage(conv, author, ts, fn)
		return err
	})
	return m, err
}

func (t *txn) updateMessage(conv, author crypto.SessionID, ts int64, fn func(*Message)) (Message, error) {
	k := makeMsgKey(conv, ts, author)
	old, ok, err := t.seal.getMessage(t.tx.Bucket(bucketMessages), &k)
	if err != nil {
		return Message{}, err
	}
	if !ok {
		return Message{}, fmt.Errorf("%w: message %d", ErrNotFound, ts)
	}
	m := old
	fn(&m)
	m.Conversation, m.Author, m.Timestamp = conv, author, ts
	if err := m.normalize(t.now); err != nil {
		return Message{}, err
	}
	return m, t.putMessage(&m, &old)
}

// SetMessageState sets the state of a message, and its Error to errText (pass "" unless
// st is Failed). It returns ErrNotFound if the message is gone, for example deleted while
// it was being sent.
func (s *Store) SetMessageState(conv, author crypto.SessionID, ts int64, st MessageState, errText string) error {
	if st == 0 || st > Read {
		return fmt.Errorf("%w: message state %v", ErrInvalid, st)
	}
	_, err := s.UpdateMessage(conv, author, ts, func(m *Message) {
		m.State, m.Error = st, errText
	})
	return err
}

// DeleteMessage deletes a message (delete for me, or an unsend request for a message we
// received) and reports whether it existed.
func (s *Store) DeleteMessage(conv, author crypto.SessionID, ts int64) (bool, error) {
	var found bool
	err := s.update("delete message", func(t *txn) error {
		k := makeMsgKey(conv, ts, author)
		m, ok, err := t.seal.getMessage(t.tx.Bucket(bucketMessages), &k)
		if err != nil || !ok {
			return err
		}
		found = true
		return t.deleteMessage(&m)
	})
	return found, err
}
