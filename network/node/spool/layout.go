package spool

import (
	"encoding/binary"

	"allium/network"
)

// Bucket names, indexed by the i constants below; see the package comment for what each
// holds.
var bucketNames = [...][]byte{
	iMeta:          []byte("meta"),
	iMessages:      []byte("messages"),
	iHashes:        []byte("hashes"),
	iSequence:      []byte("sequence"),
	iExpiries:      []byte("expiries"),
	iTombstones:    []byte("tombstones"),
	iTombstoneExps: []byte("tombstone_expiries"),
}

const (
	iMeta = iota
	iMessages
	iHashes
	iSequence
	iExpiries
	iTombstones
	iTombstoneExps
)

// Keys in the meta bucket.
var (
	keyVersion = []byte("version")
	keyCount   = []byte("count")
)

const (
	// schemaVersion is the layout this package reads and writes. A database with another
	// version is refused at Open; a future layout change adds a migration from this one.
	schemaVersion = 1

	pubkeyLen = 33
	nsLen     = 2
	seqLen    = 8
	// prefixLen is the length of pubkey ‖ ns: the common prefix of one (account,
	// namespace)'s messages keys.
	prefixLen = pubkeyLen + nsLen
	// msgKeyLen is the length of a messages key: pubkey ‖ ns ‖ seq.
	msgKeyLen = prefixLen + seqLen
	// headerLen is the fixed part of a messages value: hash ‖ timestamp ‖ expiry. Data
	// follows it.
	headerLen = network.HashLen + 8 + 8
	// expKeyLen is the length of an expiries key: expiry ‖ seq.
	expKeyLen = 8 + seqLen
	// tombExpKeyLen is the length of a tombstone_expiries key: expiry ‖ hash.
	tombExpKeyLen = 8 + network.HashLen
)

// msgKey is a messages key: pubkey ‖ ns ‖ seq.
type msgKey [msgKeyLen]byte

func makeMsgKey(pk *[33]byte, ns network.Namespace, seq uint64) msgKey {
	var k msgKey
	putPrefix(k[:prefixLen], pk, ns)
	binary.BigEndian.PutUint64(k[prefixLen:], seq)
	return k
}

func (k *msgKey) seq() uint64 { return binary.BigEndian.Uint64(k[prefixLen:]) }

func (k *msgKey) namespace() network.Namespace {
	return network.Namespace(int16(binary.BigEndian.Uint16(k[pubkeyLen:prefixLen]) ^ 0x8000))
}

// prefix is pubkey ‖ ns, or just pubkey when all namespaces are selected.
func prefix(pk *[33]byte, sel network.NamespaceOrAll) []byte {
	ns, one := sel.Namespace()
	if !one {
		return append([]byte(nil), pk[:]...)
	}
	p := make([]byte, prefixLen)
	putPrefix(p, pk, ns)
	return p
}

// putPrefix writes pubkey ‖ ns into b. The namespace's sign bit is flipped so that negative
// namespaces sort before non-negative ones.
func putPrefix(b []byte, pk *[33]byte, ns network.Namespace) {
	copy(b, pk[:])
	binary.BigEndian.PutUint16(b[pubkeyLen:], uint16(ns)^0x8000)
}

// putInt64 writes v so that byte order equals numeric order, negative values included.
func putInt64(b []byte, v int64) { binary.BigEndian.PutUint64(b, uint64(v)^(1<<63)) }

// int64Bytes returns v as putInt64 writes it, in a new slice (for bbolt values).
func int64Bytes(v int64) []byte {
	b := make([]byte, 8)
	putInt64(b, v)
	return b
}

func getInt64(b []byte) int64 { return int64(binary.BigEndian.Uint64(b) ^ (1 << 63)) }

func putSeq(b []byte, seq uint64) { binary.BigEndian.PutUint64(b, seq) }

// record is a decoded messages value whose hash and data still point into bbolt's memory:
// valid only inside the transaction that read it.
type record struct {
	hash      []byte
	timestamp int64
	expiry    int64
	data      []byte
}

func decodeRecord(v []byte) (record, bool) {
	if len(v) < headerLen {
		return record{}, false
	}
	return record{
		hash:      v[:network.HashLen],
		timestamp: getInt64(v[network.HashLen:]),
		expiry:    getInt64(v[network.HashLen+8:]),
		data:      v[headerLen:],
	}, true
}

// encodeRecord returns a new messages value. bbolt keeps the slice until the transaction
// commits, so every value put is freshly allocated.
func encodeRecord(hash []byte, timestamp, expiry int64, data []byte) []byte {
	v := make([]byte, headerLen+len(data))
	copy(v, hash)
	putInt64(v[network.HashLen:], timestamp)
	putInt64(v[network.HashLen+8:], expiry)
	copy(v[headerLen:], data)
	return v
}

func expKey(expiry int64, seq uint64) []byte {
	k := make([]byte, expKeyLen)
	putInt64(k, expiry)
	putSeq(k[8:], seq)
	return k
}

func tombExpKey(expiry int64, hash []byte) []byte {
	k := make([]byte, tombExpKeyLen)
	putInt64(k, expiry)
	copy(k[8:], hash)
	return k
}
