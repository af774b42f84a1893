package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// Ordered keys. The messages, unread, expiries and hash_expiries buckets are indexes that
// used to be read in key order (a conversation's newest page, the messages due to
// disappear). Their keys in the clear would say who we talk to and when, so they are
// stored as:
//
//	messages, unread  conversation tag (16) ‖ AES(timestamp ‖ author tag (8))
//	expiries          AES(expires-at ‖ message tag (8))
//	hash_expiries     AES(expiry ‖ hash tag (8))
//
// A tag is a keyed hash (HMAC-SHA256 under the store's key for keys, cut short), and AES
// is one block of AES-256 under a key of its own: a permutation, so equal blocks give equal
// keys (which lookups need) and nothing else about the timestamp shows. The order is lost,
// so a read decrypts the 16-byte block of each candidate key (about 20 ns each) and sorts in
// memory: a page of a conversation costs a scan of that conversation's keys, not a seek.
//
// What an examiner still learns: how many conversations there are, and how many messages
// (and unread messages) each has, since one conversation's keys share a tag; not whose
// conversation it is, nor when anything was sent, read or will disappear.

const (
	convTagLen = 16
	blockLen   = 16
	// storedMsgKeyLen is a messages (and unread) key as stored.
	storedMsgKeyLen = convTagLen + blockLen
)

var (
	tagConv   = []byte("conversation")
	tagAuthor = []byte("author")
	tagMsg    = []byte("message")
	tagHash   = []byte("hash")
)

func (s *sealer) convTag(conv crypto.SessionID) []byte {
	return s.tag(convTagLen, tagConv, conv[:])
}

// block encrypts t ‖ tag under b.
func block(b interface{ Encrypt(dst, src []byte) }, t int64, tag []byte) []byte {
	var in [blockLen]byte
	binary.BigEndian.PutUint64(in[:], uint64(t))
	copy(in[8:], tag)
	out := make([]byte, blockLen)
	b.Encrypt(out, in[:])
	return out
}

// storedMsgKey is k's key in the messages and unread buckets.
func (s *sealer) storedMsgKey(k *msgKey) []byte {
	conv, ts, author, _ := parseMsgKey(k[:])
	out := make([]byte, 0, storedMsgKeyLen)
	out = append(out, s.convTag(conv)...)
	return append(out, block(s.msgs, ts, s.tag(8, tagAuthor, author[:]))...)
}

// msgRef is a stored messages key with its timestamp decrypted.
type msgRef struct {
	ts int64
	sk [storedMsgKeyLen]byte
}

// convRefs returns the keys of conv's messages in b (messages or unread), in no order.
func (s *sealer) convRefs(b *bolt.Bucket, conv crypto.SessionID) []msgRef {
	prefix := s.convTag(conv)
	var refs []msgRef
	var plain [blockLen]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); len(k) == storedMsgKeyLen && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		s.msgs.Decrypt(plain[:], k[convTagLen:])
		r := msgRef{ts: int64(binary.BigEndian.Uint64(plain[:]))}
		copy(r.sk[:], k)
		refs = append(refs, r)
	}
	return refs
}

// newestFirst sorts refs by timestamp, newest first.
func newestFirst(refs []msgRef) {
	// Sorting 8-byte numbers is several times faster than moving 40-byte refs around: a
	// timestamp below 2^42 ms (the year 2109) and an index below 2^21 fit in one uint64,
	// which is sorted and then used to place the refs.
	const idxBits = 21
	ok := len(refs) < 1<<idxBits
	for i := 0; ok && i < len(refs); i++ {
		ok = refs[i].ts >= 0 && refs[i].ts < 1<<(63-idxBits)
	}
	if !ok {
		slices.SortFunc(refs, func(a, b msgRef) int { return cmp.Compare(b.ts, a.ts) })
		return
	}
	order := make([]uint64, len(refs))
	for i, r := range refs {
		order[i] = uint64(r.ts)<<idxBits | uint64(i)
	}
	slices.Sort(order)
	sorted := make([]msgRef, len(refs))
	for i, o := range order {
		sorted[len(refs)-1-i] = refs[o&(1<<idxBits-1)]
	}
	copy(refs, sorted)
}

// sealMessage is m's stored value: conversation ‖ author ‖ record, sealed.
func (s *sealer) sealMessage(sk []byte, m *Message) []byte {
	p := make([]byte, 0, 2*idLen+32+len(m.Body)+len(m.Hash))
	p = append(p, m.Conversation[:]...)
	p = append(p, m.Author[:]...)
	return s.seal(bucketMessages, sk, appendMessage(p, m))
}

// openMessage decodes the stored value v of the stored key sk.
func (s *sealer) openMessage(sk, v []byte, m *Message) error {
	if len(sk) != storedMsgKeyLen {
		return fmt.Errorf("%w: message key of %d bytes", ErrCorrupt, len(sk))
	}
	p, err := s.open(bucketMessages, sk, v)
	if err != nil {
		return err
	}
	if len(p) < 2*idLen {
		return fmt.Errorf("%w: message record of %d bytes", ErrCorrupt, len(p))
	}
	var plain [blockLen]byte
	s.msgs.Decrypt(plain[:], sk[convTagLen:])
	var k msgKey
	copy(k[:idLen], p[:idLen])
	copy(k[idLen:], plain[:8])
	copy(k[idLen+tsLen:], p[idLen:2*idLen])
	return decodeMessage(k[:], p[2*idLen:], m)
}

// getMessage loads the message with identity k.
func (s *sealer) getMessage(msgs *bolt.Bucket, k *msgKey) (Message, bool, error) {
	var m Message
	sk := s.storedMsgKey(k)
	v := msgs.Get(sk)
	if v == nil {
		return m, false, nil
	}
	return m, true, s.openMessage(sk, v, &m)
}

// loadRefs decodes the messages refs name.
func (s *sealer) loadRefs(msgs *bolt.Bucket, refs []msgRef) ([]Message, error) {
	out := make([]Message, len(refs))
	for i := range refs {
		v := msgs.Get(refs[i].sk[:])
		if v == nil {
			return nil, fmt.Errorf("%w: an index names a missing message", ErrCorrupt)
		}
		if err := s.openMessage(refs[i].sk[:], v, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// shownOrder sorts messages as a conversation shows them: by sent time, then author.
func shownOrder(ms []Message) {
	slices.SortFunc(ms, func(a, b Message) int {
		if c := cmp.Compare(a.Timestamp, b.Timestamp); c != 0 {
			return c
		}
		return bytes.Compare(a.Author[:], b.Author[:])
	})
}

// storedExpKey is the expiries key of message k expiring at at.
func (s *sealer) storedExpKey(at int64, k *msgKey) []byte {
	return block(s.expires, at, s.tag(8, tagMsg, k[:]))
}

// storedHashExpKey is the hash_expiries key of hash expiring at expiry.
func (s *sealer) storedHashExpKey(expiry int64, hash string) []byte {
	return block(s.hashExp, expiry, s.tag(8, tagHash, []byte(hash)))
}

// due is an entry of expiries or hash_expiries whose time has come.
type due struct {
	at int64
	sk []byte
	v  []byte // the opened value: a message identity or a hash
}

// dueEntries returns the entries of an ordered time index (expiries with s.expires,
// hash_expiries with s.hashExp) at or before now, the earliest first.
func (s *sealer) dueEntries(b *bolt.Bucket, name []byte, bc interface{ Decrypt(dst, src []byte) }, now int64) ([]due, error) {
	var out []due
	var plain [blockLen]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != blockLen {
			return nil, fmt.Errorf("%w: %s key of %d bytes", ErrCorrupt, name, len(k))
		}
		bc.Decrypt(plain[:], k)
		at := int64(binary.BigEndian.Uint64(plain[:]))
		if at > now {
			continue
		}
		p, err := s.open(name, k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, due{at: at, sk: bytes.Clone(k), v: p})
	}
	slices.SortFunc(out, func(a, b due) int { return cmp.Compare(a.at, b.at) })
	return out, nil
}
