package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// Conversation is a 1:1 conversation and the summary the conversation list shows.
//
// The store keeps LastBody, LastAt, LastState and Unread in step with the conversation's
// messages; the engine sets the rest with UpdateConversation.
type Conversation struct {
	ID          crypto.SessionID // the other person
	Name        string           // display name learnt from their profile
	NameUpdated int64            // the profile's lastUpdateSeconds: the newest profile wins
	LastBody    string           // body of the last message (highest timestamp)
	LastAt      int64            // sent ms of the last message; kept when the last message is deleted
	LastState   MessageState     // state of the last message; 0 if there is none
	Unread      int              // incoming messages not read yet
	Approved    bool             // we accepted (or started) it; false = message request
	ApprovedMe  bool             // they accepted us
	Blocked     bool
	ExpireMode  uint8  // disappearing-message setting for new messages: ExpireNone, ...
	ExpireTimer uint32 // seconds
	// Avatar is the profile picture they announced: its URL and key, and the file in
	// the profile's files directory once it is fetched (empty before).
	AvatarURL  string
	AvatarKey  []byte
	AvatarPath string
}

// convRecord is a conversation as stored: JSON, which lets fields be added without a
// migration. There are few conversations and they are read whole, so its cost does not
// matter. The ID is the key.
type convRecord struct {
	Name        string       `json:"name,omitempty"`
	NameUpdated int64        `json:"nameUpdated,omitempty"`
	LastBody    string       `json:"lastBody,omitempty"`
	LastAt      int64        `json:"lastAt,omitempty"`
	LastState   MessageState `json:"lastState,omitempty"`
	Unread      int          `json:"unread,omitempty"`
	Approved    bool         `json:"approved,omitempty"`
	ApprovedMe  bool         `json:"approvedMe,omitempty"`
	Blocked     bool         `json:"blocked,omitempty"`
	ExpireMode  uint8        `json:"expireMode,omitempty"`
	ExpireTimer uint32       `json:"expireTimer,omitempty"`
	AvatarURL   string       `json:"avatarURL,omitempty"`
	AvatarKey   []byte       `json:"avatarKey,omitempty"`
	AvatarPath  string       `json:"avatarPath,omitempty"`
}

func decodeConversation(k, v []byte) (Conversation, error) {
	var r convRecord
	if len(k) != idLen {
		return Conversation{}, fmt.Errorf("%w: conversation key of %d bytes", ErrCorrupt, len(k))
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return Conversation{}, fmt.Errorf("%w: conversation record: %v", ErrCorrupt, err)
	}
	c := Conversation{
		Name: r.Name, NameUpdated: r.NameUpdated,
		LastBody: r.LastBody, LastAt: r.LastAt, LastState: r.LastState, Unread: r.Unread,
		Approved: r.Approved, ApprovedMe: r.ApprovedMe, Blocked: r.Blocked,
		ExpireMode: r.ExpireMode, ExpireTimer: r.ExpireTimer,
		AvatarURL: r.AvatarURL, AvatarKey: r.AvatarKey, AvatarPath: r.AvatarPath,
	}
	copy(c.ID[:], k)
	return c, nil
}

func getConversation(b bucket, id crypto.SessionID) (Conversation, bool, error) {
	v, err := b.Get(id[:])
	if err != nil || v == nil {
		return Conversation{}, false, err
	}
	c, err := decodeConversation(id[:], v)
	return c, err == nil, err
}

func putConversation(b bucket, c *Conversation) error {
	v, err := json.Marshal(convRecord{
		Name: c.Name, NameUpdated: c.NameUpdated,
		LastBody: c.LastBody, LastAt: c.LastAt, LastState: c.LastState, Unread: c.Unread,
		Approved: c.Approved, ApprovedMe: c.ApprovedMe, Blocked: c.Blocked,
		ExpireMode: c.ExpireMode, ExpireTimer: c.ExpireTimer,
		AvatarURL: c.AvatarURL, AvatarKey: c.AvatarKey, AvatarPath: c.AvatarPath,
	})
	if err != nil {
		return err
	}
	return b.Put(c.ID[:], v)
}

// refreshSummary sets c's last-message fields from the conversation's newest message.
func (s *sealer) refreshSummary(msgs *bolt.Bucket, id crypto.SessionID, c *Conversation) error {
	refs := s.convRefs(msgs, id)
	if len(refs) == 0 {
		c.LastBody, c.LastState = "", 0
		return nil
	}
	newest := 0
	for i := range refs {
		if refs[i].ts > refs[newest].ts {
			newest = i
		}
	}
	// Two messages of the same millisecond: the one shown last (see shownOrder).
	var tied []msgRef
	for _, r := range refs {
		if r.ts == refs[newest].ts {
			tied = append(tied, r)
		}
	}
	ms, err := s.loadRefs(msgs, tied)
	if err != nil {
		return err
	}
	shownOrder(ms)
	m := ms[len(ms)-1]
	c.LastBody, c.LastAt, c.LastState = m.Body, m.Timestamp, m.State
	return nil
}

// Conversations returns every conversation, the most recently active first.
func (s *Store) Conversations() ([]Conversation, error) {
	var out []Conversation
	err := s.view("read conversations", func(tx *bolt.Tx) error {
		b := s.bucket(tx, bucketConversations)
		return b.ForEach(func(k, v []byte) error {
			c, err := decodeConversation(k, v)
			out = append(out, c)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].LastAt != out[j].LastAt {
			return out[i].LastAt > out[j].LastAt
		}
		return bytes.Compare(out[i].ID[:], out[j].ID[:]) < 0
	})
	return out, nil
}

// Conversation returns the conversation with id.
func (s *Store) Conversation(id crypto.SessionID) (Conversation, bool, error) {
	var (
		c  Conversation
		ok bool
	)
	err := s.view("read conversation", func(tx *bolt.Tx) (err error) {
		c, ok, err = getConversation(s.bucket(tx, bucketConversations), id)
		return err
	})
	return c, ok, err
}

// UpdateConversation changes conversation id with fn, creating it (not approved, no
// messages) if it does not exist, and returns the result. fn cannot change ID or Unread,
// which follow the messages (see MarkRead). A change to LastBody, LastAt or LastState is
// kept until the conversation's messages next change.
func (s *Store) UpdateConversation(id crypto.SessionID, fn func(*Conversation)) (Conversation, error) {
	var c Conversation
	if id == (crypto.SessionID{}) {
		return c, fmt.Errorf("%w: conversation without an ID", ErrInvalid)
	}
	err := s.update("update conversation", func(t *txn) error {
		e, err := t.conversation(id, false)
		if err != nil {
			return err
		}
		unread := e.c.Unread
		fn(&e.c)
		e.c.ID, e.c.Unread = id, unread
		c = e.c
		return nil
	})
	return c, err
}

// DeleteConversation deletes conversation id and all its messages. Outbox items for it
// stay: the engine decides whether to cancel them.
func (s *Store) DeleteConversation(id crypto.SessionID) error {
	return s.update("delete conversation", func(t *txn) error {
		exps := t.tx.Bucket(bucketExpiries)
		msgs := t.tx.Bucket(bucketMessages)
		t.touch(id)
		for _, r := range t.seal.convRefs(msgs, id) {
			var m Message
			if err := t.seal.openMessage(r.sk[:], msgs.Get(r.sk[:]), &m); err != nil {
				return err
			}
			if m.ExpiresAt != 0 {
				mk := m.key()
				if err := exps.Delete(t.seal.storedExpKey(m.ExpiresAt, &mk)); err != nil {
					return err
				}
			}
			if err := msgs.Delete(r.sk[:]); err != nil {
				return err
			}
		}
		unread := t.tx.Bucket(bucketUnread)
		for _, r := range t.seal.convRefs(unread, id) {
			if err := unread.Delete(r.sk[:]); err != nil {
				return err
			}
		}
		return t.bucket(bucketConversations).Delete(id[:])
	})
}
