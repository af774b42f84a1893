package engine

import (
	"crypto/rand"
	"fmt"
	"time"
	"unicode/utf16"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
)

// MaxMessageLength is the longest message, in UTF-16 code units as Session counts them
// (the limit for accounts without Session Pro).
const MaxMessageLength = 2000

// MessageLength counts text as the message limit does.
func MessageLength(text string) int { return len(utf16.Encode([]rune(text))) }

// TTLs of what we store in swarms (Session Desktop's constants).
const (
	ttlContent = 14 * 24 * time.Hour
	ttlTyping  = 20 * time.Second
)

// Outbox item kinds: what a queued payload is, so that success and failure update the
// right things.
const (
	kindVisible  uint8 = iota + 1 // a text message (its bubble shows the state)
	kindSyncCopy                  // our own copy, for our other devices
	kindControl                   // receipts, unsend, request responses, timer updates
	kindUpload                    // a message's files, to upload before the message is stored
)

func (e *Engine) profile() *sessionpb.LokiProfile {
	p := &sessionpb.LokiProfile{}
	if name := e.DisplayName(); name != "" {
		p.DisplayName = proto.String(name)
	}
	if u := getInt(e.st, keyNameUpdated); u > 0 {
		p.LastUpdateSeconds = proto.Uint64(uint64(u))
	}
	return p
}

// applyExpiry puts a conversation's disappearing-message setting on a Content.
func applyExpiry(c *sessionpb.Content, conv store.Conversation) {
	if conv.ExpireMode == 0 || conv.ExpireTimer == 0 {
		return
	}
	c.ExpirationType = sessionpb.Content_ExpirationType(conv.ExpireMode).Enum()
	c.ExpirationTimer = proto.Uint32(conv.ExpireTimer)
}

// seal pads, signs and seals content for one recipient and wraps it for a store request:
// the bytes the recipient's swarm keeps. The envelope carries 64 random bytes where Pro
// senders put a signature, so that our messages look like everyone's.
func (e *Engine) seal(to crypto.SessionID, ts int64, c *sessionpb.Content) ([]byte, error) {
	c.SigTimestamp = proto.Uint64(uint64(ts))
	plain, err := proto.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("engine: encode message: %w", err)
	}
	sealed, err := crypto.Encrypt(rand.Reader, e.id, to, plain)
	if err != nil {
		return nil, err
	}
	decoy := make([]byte, 64)
	rand.Read(decoy)
	return sessionpb.WrapEnvelope(sessionpb.NewEnvelope(uint64(ts), sealed, decoy))
}
