package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"allium/crypto"
	"allium/engine/vault"
)

// FileName is the database's name inside the profile directory.
const FileName = "allium.db"

// schemaVersion is the layout this package reads and writes: 2 is encrypted at rest.
// Version 1, the same buckets in the clear, is migrated on open (migrate.go).
const schemaVersion = 2

// keyCheck is the meta key of a sealed constant: opening it tells a wrong profile key
// from a damaged file.
var keyCheck = []byte("key check")

// checkPlain is what the key check seals.
var checkPlain = []byte("allium profile key")

// Store is one profile's database. Its methods are safe for concurrent use.
type Store struct {
	db    *bolt.DB
	seal  *sealer
	cache refCache
	// now returns the wall clock in ms. It stamps Received and starts after-read timers;
	// tests replace it.
	now func() int64

	closeOnce sync.Once
	closeErr  error
}

// Open opens the database of the profile in dir, creating dir (mode 0700) and the file
// (mode 0600) if needed. Its key comes from engine/vault: one that is unlocked in memory,
// else the secret store or key file; a profile with a passphrase that is not unlocked is
// vault.ErrNeedPassphrase. A new profile gets a new key. A profile of schema version 1,
// written before encryption at rest, is encrypted in place first (see migrate.go).
//
// bbolt locks the file for as long as it is open: if another Store, in this process or
// another, holds it, Open gives up after a second with ErrInUse. A file written with
// another schema version gives ErrSchema; one whose key does not open it, ErrWrongKey.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create profile directory: %w", err)
	}
	// A directory made by someone else (a test's temporary one, or an older Allium) may
	// let others list it.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: restrict the profile directory: %w", err)
	}
	if err := vault.Restrict(dir); err != nil {
		return nil, fmt.Errorf("store: restrict the profile directory: %w", err)
	}
	if err := migrate(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	_, statErr := os.Stat(path)
	key, err := vault.ProfileKey(dir, errors.Is(statErr, os.ErrNotExist))
	if err != nil {
		return nil, err
	}
	return openWithKey(path, key)
}

// openWithKey opens the encrypted database at path with key.
func openWithKey(path string, key vault.Key) (*Store, error) {
	seal, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	db, err := openBolt(path)
	if err != nil {
		return nil, err
	}
	if err := initSchema(db, seal); err != nil {
		db.Close()
		if errors.Is(err, ErrSchema) || errors.Is(err, ErrCorrupt) || errors.Is(err, ErrWrongKey) {
			return nil, fmt.Errorf("%w (%s)", err, path)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &Store{db: db, seal: seal, now: func() int64 { return time.Now().UnixMilli() }}, nil
}

// openBolt opens (or creates, mode 0600 and for the owner only) the bbolt file at path.
func openBolt(path string) (*bolt.DB, error) {
	// The timeout turns a lock held by another window into an error instead of a hang.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrInUse
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := vault.Restrict(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: restrict %s: %w", path, err)
	}
	return db, nil
}

// allBuckets are created with a new file and must exist in an opened one.
var allBuckets = [][]byte{
	bucketMessages, bucketUnread, bucketExpiries, bucketConversations, bucketOutbox,
	bucketHashes, bucketHashExpiries, bucketCursors,
	bucketSettings, bucketNodeCache, bucketSwarmCache, bucketAccount,
}

// initSchema checks the version of an existing file in a read transaction, so that opening
// a profile costs no disk write, and sets up a new file in a write transaction.
func initSchema(db *bolt.DB, seal *sealer) error {
	fresh := false
	err := db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			// Only an empty file may be adopted; refuse some other program's database.
			fresh = true
			return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
				return fmt.Errorf("%w: not an Allium profile database (has bucket %q)", ErrSchema, name)
			})
		}
		v := meta.Get(keyVersion)
		if len(v) != 4 {
			return fmt.Errorf("%w: no schema version", ErrCorrupt)
		}
		if got := binary.BigEndian.Uint32(v); got != schemaVersion {
			return fmt.Errorf("%w: the profile has version %d, this Allium reads version %d",
				ErrSchema, got, schemaVersion)
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, name)
			}
		}
		check := meta.Get(keyCheck)
		if check == nil {
			return fmt.Errorf("%w: no key check", ErrCorrupt)
		}
		if p, err := seal.open(bucketMeta, keyCheck, check); err != nil || !bytes.Equal(p, checkPlain) {
			return ErrWrongKey
		}
		return nil
	})
	if err != nil || !fresh {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keyVersion, binary.BigEndian.AppendUint32(nil, schemaVersion)); err != nil {
			return err
		}
		if err := meta.Put(keyCheck, seal.seal(bucketMeta, keyCheck, checkPlain)); err != nil {
			return err
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close closes the database and releases its lock. Later calls return the first call's
// result; other methods return ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("store: close: %w", err)
		}
	})
	return s.closeErr
}

// view runs fn in a read transaction.
func (s *Store) view(op string, fn func(tx *bolt.Tx) error) error {
	return wrapErr(op, s.db.View(fn))
}

// update runs fn in a write transaction and then writes the conversations it touched.
func (s *Store) update(op string, fn func(t *txn) error) error {
	now := s.now()
	return wrapErr(op, s.db.Update(func(tx *bolt.Tx) error {
		t := &txn{tx: tx, seal: s.seal, now: now}
		if err := fn(t); err != nil {
			return err
		}
		if err := t.flush(); err != nil {
			return err
		}
		s.cache.modified(t.touched, uint64(tx.ID()))
		return nil
	}))
}

// wrapErr names the operation in an error from bbolt or the file system; the package's own
// errors already say what happened.
func wrapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return ErrClosed
	case errors.Is(err, ErrCorrupt), errors.Is(err, ErrInvalid), errors.Is(err, ErrNotFound):
		return err
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}

// txn is one write transaction. It keeps the conversations that the transaction's message
// changes touch, and writes them once, with a fresh summary, when fn has finished.
type txn struct {
	tx   *bolt.Tx
	seal *sealer
	// touched are the conversations whose messages the transaction changes.
	touched map[crypto.SessionID]bool
	now     int64
	convs   map[crypto.SessionID]*convEntry
}

type convEntry struct {
	c       Conversation
	refresh bool // a message changed: recompute LastBody, LastAt and LastState
}

// conversation returns the transaction's copy of conversation id, loading it on first use
// and creating it (with approved as Approved) if the file has none.
func (t *txn) conversation(id crypto.SessionID, approved bool) (*convEntry, error) {
	if e, ok := t.convs[id]; ok {
		return e, nil
	}
	c, ok, err := getConversation(t.bucket(bucketConversations), id)
	if err != nil {
		return nil, err
	}
	if !ok {
		c = Conversation{ID: id, Approved: approved}
	}
	if t.convs == nil {
		t.convs = make(map[crypto.SessionID]*convEntry)
	}
	e := &convEntry{c: c}
	t.convs[id] = e
	return e, nil
}

// touch records that the transaction changes conv's messages.
func (t *txn) touch(conv crypto.SessionID) {
	if t.touched == nil {
		t.touched = make(map[crypto.SessionID]bool)
	}
	t.touched[conv] = true
}

// flush refreshes and writes every conversation the transaction touched.
func (t *txn) flush() error {
	convs := t.bucket(bucketConversations)
	msgs := t.tx.Bucket(bucketMessages)
	for id, e := range t.convs {
		if e.refresh {
			if err := t.seal.refreshSummary(msgs, id, &e.c); err != nil {
				return err
			}
		}
		if err := putConversation(convs, &e.c); err != nil {
			return err
		}
	}
	return nil
}
