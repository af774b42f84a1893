package store

import (
	"encoding/binary"
	"fmt"

	"allium/crypto"
)

// Bucket names; the package comment says what each holds.
var (
	bucketMeta          = []byte("meta")
	bucketMessages      = []byte("messages")
	bucketUnread        = []byte("unread")
	bucketExpiries      = []byte("expiries")
	bucketConversations = []byte("conversations")
	bucketOutbox        = []byte("outbox")
	bucketHashes        = []byte("hashes")
	bucketHashExpiries  = []byte("hash_expiries")
	bucketCursors       = []byte("cursors")
	bucketSettings      = []byte("settings")
	bucketNodeCache     = []byte("node_cache")
	bucketSwarmCache    = []byte("swarm_cache")
	bucketAccount       = []byte("account")

	keyVersion = []byte("version")
)

const (
	idLen = len(crypto.SessionID{})
	tsLen = 8
	// msgKeyLen is a message's identity: conversation ‖ timestamp ‖ author. It is kept in
	// memory only; keys.go has what is stored.
	msgKeyLen = idLen + tsLen + idLen
)

// msgKey is a message's identity.
type msgKey [msgKeyLen]byte

func makeMsgKey(conv crypto.SessionID, ts int64, author crypto.SessionID) msgKey {
	var k msgKey
	copy(k[:idLen], conv[:])
	binary.BigEndian.PutUint64(k[idLen:], uint64(ts))
	copy(k[idLen+tsLen:], author[:])
	return k
}

// parseMsgKey splits a messages key; ok is false if it has the wrong length.
func parseMsgKey(k []byte) (conv crypto.SessionID, ts int64, author crypto.SessionID, ok bool) {
	if len(k) != msgKeyLen {
		return conv, 0, author, false
	}
	copy(conv[:], k[:idLen])
	ts = int64(binary.BigEndian.Uint64(k[idLen:]))
	copy(author[:], k[idLen+tsLen:])
	return conv, ts, author, true
}

// checkTime refuses negative timestamps, whose big-endian keys would sort after every
// real one.
func checkTime(what string, ts int64) error {
	if ts < 0 {
		return fmt.Errorf("%w: negative %s %d", ErrInvalid, what, ts)
	}
	return nil
}

// copyBytes returns a copy of b that outlives the transaction; nil stays nil.
func copyBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
