package store

import (
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
)

// FileName is the database's name inside the profile directory.
const FileName = "allium.db"

// schemaVersion is the layout this package reads and writes.
const schemaVersion = 1

// Store is one profile's database. Its methods are safe for concurrent use.
type Store struct {
	db *bolt.DB
	// now returns the wall clock in ms. It stamps Received and starts after-read timers;
	// tests replace it.
	now func() int64

	closeOnce sync.Once
	closeErr  error
}

// Open opens the database of the profile in dir, creating dir (mode 0700) and the file
// (mode 0600) if needed. bbolt locks the file for as long as it is open: if another Store,
// in this process or another, holds it, Open gives up after a second with ErrInUse. A file
// written with another schema version gives ErrSchema.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create profile directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// The timeout turns a lock held by another window into an error instead of a hang.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrInUse
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := initSchema(db); err != nil {
		db.Close()
		if errors.Is(err, ErrSchema) || errors.Is(err, ErrCorrupt) {
			return nil, fmt.Errorf("%w (%s)", err, path)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &Store{db: db, now: func() int64 { return time.Now().UnixMilli() }}, nil
}

// allBuckets are created with a new file and must exist in an opened one.
var allBuckets = [][]byte{
	bucketMessages, bucketUnread, bucketExpiries, bucketConversations, bucketOutbox,
	bucketHashes, bucketHashExpiries, bucketCursors,
	bucketSettings, bucketNodeCache, bucketSwarmCache, bucketAccount,
}

// initSchema checks the version of an existing file in a read transaction, so that opening
// a profile costs no disk write, and sets up a new file in a write transaction.
func initSchema(db *bolt.DB) error {
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
		t := &txn{tx: tx, now: now}
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
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
	tx    *bolt.Tx
	now   int64
	convs map[crypto.SessionID]*convEntry
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
	c, ok, err := getConversation(t.tx.Bucket(bucketConversations), id)
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

// flush refreshes and writes every conversation the transaction touched.
func (t *txn) flush() error {
	convs := t.tx.Bucket(bucketConversations)
	msgs := t.tx.Bucket(bucketMessages)
	for id, e := range t.convs {
		if e.refresh {
			if err := refreshSummary(msgs, id, &e.c); err != nil {
				return err
			}
		}
		if err := putConversation(convs, &e.c); err != nil {
			return err
		}
	}
	return nil
}
