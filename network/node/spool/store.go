package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"allium/network"
)

// Message is one stored message.
type Message struct {
	Pubkey    [33]byte // account: prefix byte ‖ 32 key bytes
	Namespace network.Namespace
	Hash      string // network.MessageHash of Pubkey, Namespace and Data: 43 base64 characters
	Timestamp int64  // ms since the epoch, as the client sent it
	Expiry    int64  // ms since the epoch
	Data      []byte
	// Seq is the store's insertion order, set by Put: strictly increasing across the whole
	// store and never reused. It is local to one node; peers exchange hashes, not Seqs.
	Seq uint64
}

// Options tune a Store. The zero value is what a node uses.
type Options struct {
	// Now is the clock deciding which messages have expired. Nil means time.Now; tests pass
	// a fixed clock.
	Now func() time.Time
}

// Store is a node's message database. Its methods are safe for concurrent use: bbolt lets
// many readers run beside one writer.
type Store struct {
	db  *bolt.DB
	now func() time.Time

	closeOnce sync.Once
	closeErr  error
}

// initialMmap reserves address space for the database up front, so that readers
// (retrieves) are not stalled while a growing file is remapped; it costs no memory until
// used. The freelist is kept in memory and rebuilt at open rather than written with every
// commit, which makes each store's commit smaller.
const initialMmap = 1 << 30

// Open opens or creates the message database at path, whose directory must exist, with the
// default Options.
func Open(path string) (*Store, error) { return OpenWithOptions(path, Options{}) }

// OpenWithOptions opens or creates the message database at path (mode 0600; the directory
// must exist), creates its buckets and checks its schema version. While one Store has the
// file open, opening it again — from this process or another — fails after a second with an
// error that Is ErrInUse.
func OpenWithOptions(path string, opts Options) (*Store, error) {
	// bbolt takes an exclusive flock on the file; the timeout turns a held lock into an
	// error instead of a hang.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, InitialMmapSize: initialMmap, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &inUseError{path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("spool: open %s: %w", path, err)
	}
	// Concurrent stores share a transaction if they arrive within a millisecond: one
	// fsync for many messages, at a cost of at most 1 ms of latency.
	db.MaxBatchDelay = time.Millisecond
	if err := db.Update(initSchema); err != nil {
		db.Close()
		if errors.Is(err, ErrSchemaVersion) || errors.Is(err, ErrCorrupt) {
			return nil, fmt.Errorf("%w (%s)", err, path)
		}
		return nil, fmt.Errorf("spool: open %s: %w", path, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}, nil
}

// initSchema creates the buckets of a new database, or checks the version of an existing one.
func initSchema(tx *bolt.Tx) error {
	all := bucketNames[iMeta+1:]
	if meta := tx.Bucket(bucketNames[iMeta]); meta != nil {
		v := meta.Get(keyVersion)
		if len(v) != 4 {
			return fmt.Errorf("%w: no schema version", ErrCorrupt)
		}
		if got := binary.BigEndian.Uint32(v); got != schemaVersion {
			return fmt.Errorf("%w: the file has version %d, this build reads %d",
				ErrSchemaVersion, got, schemaVersion)
		}
		for _, name := range all {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, name)
			}
		}
		return nil
	}
	// A file without a meta bucket must be empty: refuse to adopt some other bbolt database.
	if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		return fmt.Errorf("%w: not a message store (has bucket %q)", ErrCorrupt, name)
	}); err != nil {
		return err
	}
	meta, err := tx.CreateBucket(bucketNames[iMeta])
	if err != nil {
		return err
	}
	if err := meta.Put(keyVersion, binary.BigEndian.AppendUint32(nil, schemaVersion)); err != nil {
		return err
	}
	if err := meta.Put(keyCount, make([]byte, 8)); err != nil {
		return err
	}
	for _, name := range all {
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database. Calls after the first return its result and do nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("spool: close: %w", err)
		}
	})
	return s.closeErr
}

// Count returns the number of messages in the database, including expired ones not yet
// pruned.
func (s *Store) Count() (int, error) {
	var n uint64
	err := s.view("count", func(t *txn) error {
		v := t.meta().Get(keyCount)
		if len(v) != 8 {
			return fmt.Errorf("%w: bad message count", ErrCorrupt)
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return int(n), err
}

func (s *Store) nowMs() int64 { return s.now().UnixMilli() }

// txn is one transaction. Its buckets are looked up when first used: each lookup
// allocates, and most operations need only two or three. now is the store's clock when it
// began; delta is the change in the message count, written to meta when an update commits.
type txn struct {
	tx      *bolt.Tx
	buckets [len(bucketNames)]*bolt.Bucket

	now   int64
	delta int64
}

func bind(tx *bolt.Tx, now int64) *txn { return &txn{tx: tx, now: now} }

func (t *txn) bucket(i int) *bolt.Bucket {
	if t.buckets[i] == nil {
		t.buckets[i] = t.tx.Bucket(bucketNames[i])
	}
	return t.buckets[i]
}

func (t *txn) meta() *bolt.Bucket     { return t.bucket(iMeta) }
func (t *txn) msgs() *bolt.Bucket     { return t.bucket(iMessages) }
func (t *txn) hashes() *bolt.Bucket   { return t.bucket(iHashes) }
func (t *txn) seqs() *bolt.Bucket     { return t.bucket(iSequence) }
func (t *txn) exps() *bolt.Bucket     { return t.bucket(iExpiries) }
func (t *txn) tombs() *bolt.Bucket    { return t.bucket(iTombstones) }
func (t *txn) tombExps() *bolt.Bucket { return t.bucket(iTombstoneExps) }

func (s *Store) view(op string, fn func(t *txn) error) error {
	now := s.nowMs()
	return wrapErr(op, s.db.View(func(tx *bolt.Tx) error { return fn(bind(tx, now)) }))
}

func (s *Store) update(op string, fn func(t *txn) error) error {
	now := s.nowMs()
	return wrapErr(op, s.db.Update(func(tx *bolt.Tx) error {
		t := bind(tx, now)
		if err := fn(t); err != nil {
			return err
		}
		return t.saveCount()
	}))
}

// batch is update for single small writes that many clients make at once (stores): bbolt
// coalesces concurrent calls into one transaction and one fsync. fn may run twice if
// another call in the batch fails, so it must set its results afresh each time.
func (s *Store) batch(op string, fn func(t *txn) error) error {
	now := s.nowMs()
	return wrapErr(op, s.db.Batch(func(tx *bolt.Tx) error {
		t := bind(tx, now)
		if err := fn(t); err != nil {
			return err
		}
		return t.saveCount()
	}))
}

// wrapErr names the operation in an error from bbolt; the package's own errors already
// say what happened.
func wrapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return ErrClosed
	case errors.Is(err, ErrCorrupt), errors.Is(err, ErrBadMessage):
		return err
	default:
		return fmt.Errorf("spool: %s: %w", op, err)
	}
}

func (t *txn) saveCount() error {
	if t.delta == 0 {
		return nil
	}
	v := t.meta().Get(keyCount)
	if len(v) != 8 {
		return fmt.Errorf("%w: bad message count", ErrCorrupt)
	}
	n := int64(binary.BigEndian.Uint64(v)) + t.delta
	if n < 0 {
		return fmt.Errorf("%w: message count below zero", ErrCorrupt)
	}
	return t.meta().Put(keyCount, binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// entry locates one stored message: enough to remove it or change its expiry.
type entry struct {
	key    msgKey
	hash   [network.HashLen]byte
	expiry int64
}

func (e *entry) affected() Affected {
	return Affected{Hash: string(e.hash[:]), Namespace: e.key.namespace()}
}

// load reads the message stored under key k.
func (t *txn) load(k []byte) (msgKey, record, error) {
	var key msgKey
	if len(k) != msgKeyLen {
		return key, record{}, fmt.Errorf("%w: bad message key", ErrCorrupt)
	}
	copy(key[:], k)
	rec, ok := decodeRecord(t.msgs().Get(k))
	if !ok {
		return key, record{}, fmt.Errorf("%w: index names a missing message", ErrCorrupt)
	}
	return key, rec, nil
}

// owned finds the message with hash h if it belongs to pk and has not expired.
func (t *txn) owned(pk *[33]byte, h string) (entry, bool, error) {
	if len(h) != network.HashLen {
		return entry{}, false, nil
	}
	k := t.hashes().Get([]byte(h))
	if len(k) < pubkeyLen || string(k[:pubkeyLen]) != string(pk[:]) {
		return entry{}, false, nil
	}
	key, rec, err := t.load(k)
	if err != nil || rec.expiry <= t.now {
		return entry{}, false, err
	}
	e := entry{key: key, expiry: rec.expiry}
	copy(e.hash[:], h)
	return e, true, nil
}

// scan returns the unexpired messages whose key starts with pre (one account, perhaps one
// namespace) and for which keep returns true, in key order. It collects before anyone
// modifies, since bbolt cursors do not survive changes to their bucket.
func (t *txn) scan(pre []byte, keep func(record) bool) ([]entry, error) {
	var out []entry
	c := t.msgs().Cursor()
	for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
		rec, ok := decodeRecord(v)
		if !ok || len(k) != msgKeyLen {
			return nil, fmt.Errorf("%w: bad message record", ErrCorrupt)
		}
		if rec.expiry <= t.now || !keep(rec) {
			continue
		}
		var e entry
		copy(e.key[:], k)
		copy(e.hash[:], rec.hash)
		e.expiry = rec.expiry
		out = append(out, e)
	}
	return out, nil
}

func hasPrefix(b, pre []byte) bool { return len(b) >= len(pre) && string(b[:len(pre)]) == string(pre) }

// remove deletes a message and its index entries.
func (t *txn) remove(e *entry) error {
	seq := e.key.seq()
	var sk [seqLen]byte
	putSeq(sk[:], seq)
	for _, del := range []struct {
		b *bolt.Bucket
		k []byte
	}{
		{t.hashes(), e.hash[:]},
		{t.seqs(), sk[:]},
		{t.exps(), expKey(e.expiry, seq)},
		{t.msgs(), e.key[:]},
	} {
		if err := del.b.Delete(del.k); err != nil {
			return err
		}
	}
	t.delta--
	return nil
}

// tombstone records that the message e was deleted, until it would have expired.
func (t *txn) tombstone(e *entry) error {
	if err := t.tombs().Put(append([]byte(nil), e.hash[:]...), int64Bytes(e.expiry)); err != nil {
		return err
	}
	return t.tombExps().Put(tombExpKey(e.expiry, e.hash[:]), nil)
}

// tombstoneExpiry returns the expiry of hash's tombstone, if it has one.
func (t *txn) tombstoneExpiry(hash []byte) (int64, bool, error) {
	v := t.tombs().Get(hash)
	if v == nil {
		return 0, false, nil
	}
	if len(v) != 8 {
		return 0, false, fmt.Errorf("%w: bad tombstone", ErrCorrupt)
	}
	return getInt64(v), true, nil
}

func (t *txn) dropTombstone(hash []byte, expiry int64) error {
	if err := t.tombExps().Delete(tombExpKey(expiry, hash)); err != nil {
		return err
	}
	return t.tombs().Delete(hash)
}
