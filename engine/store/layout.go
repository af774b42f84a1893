package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

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
	// msgKeyLen is a messages key: conversation ‖ timestamp ‖ author. The unread index uses
	// the same keys.
	msgKeyLen = idLen + tsLen + idLen
	// expKeyLen is an expiries key: expires-at ‖ messages key.
	expKeyLen = tsLen + msgKeyLen
)

// msgKey is a messages key.
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

// convTime is the first idLen+tsLen bytes of the keys of conv's messages sent at ts.
func convTime(conv crypto.SessionID, ts int64) []byte {
	b := make([]byte, idLen+tsLen)
	copy(b, conv[:])
	binary.BigEndian.PutUint64(b[idLen:], uint64(ts))
	return b
}

// convEnd is a key greater than every messages key of conv and smaller than those of the
// next conversation.
func convEnd(conv crypto.SessionID) []byte {
	b := make([]byte, msgKeyLen+1)
	copy(b, conv[:])
	for i := idLen; i < len(b); i++ {
		b[i] = 0xff
	}
	return b
}

// makeExpKey is an expiries key: expires-at ‖ messages key.
func makeExpKey(at int64, k *msgKey) []byte {
	b := make([]byte, expKeyLen)
	binary.BigEndian.PutUint64(b, uint64(at))
	copy(b[tsLen:], k[:])
	return b
}

// last returns the greatest key below limit, or nil.
func last(c *bolt.Cursor, limit []byte) ([]byte, []byte) {
	k, _ := c.Seek(limit)
	if k == nil {
		return c.Last()
	}
	return c.Prev()
}

// hasConv reports whether k is a messages key of conv.
func hasConv(k []byte, conv *crypto.SessionID) bool {
	return len(k) == msgKeyLen && bytes.Equal(k[:idLen], conv[:])
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
