package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"allium/engine/vault"
)

// Migration of a profile written before encryption at rest (schema version 1, every
// bucket in the clear) happens in place, the first time Open sees it:
//
//  1. the profile gets a key (vault.ProfileKey, synced to disk before anything uses it);
//  2. allium.db is renamed to allium.db.plain;
//  3. allium.db.new is written from it, encrypted, in one transaction, and synced;
//  4. allium.db.new is renamed to allium.db and the directory synced;
//  5. allium.db.plain is overwritten with random bytes, synced and removed.
//
// Each step is atomic or repeatable, and the files present say which step comes next:
// allium.db.plain without allium.db means 3 (a half-written allium.db.new is thrown away
// and written again); allium.db.plain beside allium.db means 5. So a crash or a SIGKILL
// at any moment loses nothing, and the next Open finishes the work.

const (
	plainSuffix = ".plain"
	newSuffix   = ".new"
)

// migrateHook, when a test sets it, is called at each point of a migration named in
// migrate_test.go, so that the test can kill the process there.
var migrateHook func(point string)

func hook(point string) {
	if migrateHook != nil {
		migrateHook(point)
	}
}

// migrate brings the profile in dir to the current schema if it is older; see above.
func migrate(dir string) error {
	path := filepath.Join(dir, FileName)
	plain, tmp := path+plainSuffix, path+newSuffix
	if !exists(plain) {
		v, err := fileVersion(path)
		if err != nil || v != 1 {
			return err
		}
		hook("start")
		if _, err := vault.ProfileKey(dir, true); err != nil {
			return err
		}
		hook("key")
		if err := os.Rename(path, plain); err != nil {
			return fmt.Errorf("store: encrypt the profile: %w", err)
		}
		if err := vault.SyncDir(dir); err != nil {
			return fmt.Errorf("store: encrypt the profile: %w", err)
		}
		hook("renamed")
	}
	if !exists(path) {
		key, err := vault.ProfileKey(dir, true)
		if err != nil {
			return err
		}
		if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: encrypt the profile: %w", err)
		}
		if err := encryptCopy(plain, tmp, key); err != nil {
			return fmt.Errorf("store: encrypt the profile: %w", err)
		}
		hook("written")
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("store: encrypt the profile: %w", err)
		}
		if err := vault.SyncDir(dir); err != nil {
			return fmt.Errorf("store: encrypt the profile: %w", err)
		}
		hook("installed")
	}
	if err := vault.Shred(plain); err != nil {
		return err
	}
	hook("done")
	return vault.SyncDir(dir)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// fileVersion is the schema version of the database at path: 0 if there is no file or it
// has no version (a new or foreign file, which Open deals with).
func fileVersion(path string) (uint32, error) {
	if !exists(path) {
		return 0, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return 0, ErrInUse
	}
	if err != nil {
		return 0, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer db.Close()
	var v uint32
	err = db.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			if b := meta.Get(keyVersion); len(b) == 4 {
				v = binary.BigEndian.Uint32(b)
			}
		}
		return nil
	})
	return v, err
}

// derived are the buckets that encryptCopy rebuilds from the messages and hashes rather
// than copies.
var derived = [][]byte{bucketMeta, bucketUnread, bucketExpiries, bucketHashExpiries}

// encryptCopy writes the schema-1 database at from into a new encrypted database at to,
// and syncs it. Buckets it does not know are copied through the sealed bucket type, so a
// bucket added to schema 1 elsewhere migrates too.
func encryptCopy(from, to string, key vault.Key) error {
	src, err := bolt.Open(from, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openWithKey(to, key)
	if err != nil {
		return err
	}
	err = src.View(func(stx *bolt.Tx) error {
		return dst.db.Update(func(tx *bolt.Tx) error {
			t := &txn{tx: tx, seal: dst.seal}
			return stx.ForEach(func(name []byte, b *bolt.Bucket) error {
				for _, d := range derived {
					if bytes.Equal(name, d) {
						return nil
					}
				}
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
				switch {
				case bytes.Equal(name, bucketMessages):
					return t.copyMessages(b)
				case bytes.Equal(name, bucketHashes):
					return t.copyHashes(b)
				}
				nb := t.bucket(name)
				if err := tx.Bucket(name).SetSequence(b.Sequence()); err != nil {
					return err
				}
				return b.ForEach(func(k, v []byte) error {
					if v == nil {
						return fmt.Errorf("%w: nested bucket in %s", ErrCorrupt, name)
					}
					return nb.Put(k, v)
				})
			})
		})
	})
	if err == nil {
		err = dst.db.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyMessages writes schema-1 messages, their unread and expiry index entries with them.
func (t *txn) copyMessages(old *bolt.Bucket) error {
	msgs, unread, exps := t.tx.Bucket(bucketMessages), t.tx.Bucket(bucketUnread), t.tx.Bucket(bucketExpiries)
	c := old.Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var m Message
		if err := decodeMessage(k, v, &m); err != nil {
			return err
		}
		mk := m.key()
		sk := t.seal.storedMsgKey(&mk)
		if err := msgs.Put(sk, t.seal.sealMessage(sk, &m)); err != nil {
			return err
		}
		if m.Unread {
			if err := unread.Put(sk, nil); err != nil {
				return err
			}
		}
		if m.ExpiresAt != 0 {
			ek := t.seal.storedExpKey(m.ExpiresAt, &mk)
			if err := exps.Put(ek, t.seal.seal(bucketExpiries, ek, mk[:])); err != nil {
				return err
			}
		}
		if n++; n == 2 {
			hook("copying")
		}
	}
	return nil
}

// copyHashes writes schema-1 hash records and their expiry index.
func (t *txn) copyHashes(old *bolt.Bucket) error {
	hs, idx := t.bucket(bucketHashes), t.tx.Bucket(bucketHashExpiries)
	return old.ForEach(func(k, v []byte) error {
		if err := hs.Put(k, v); err != nil {
			return err
		}
		if len(v) != 8 {
			return nil
		}
		ik := t.seal.storedHashExpKey(int64(binary.BigEndian.Uint64(v)), string(k))
		return idx.Put(ik, t.seal.seal(bucketHashExpiries, ik, k))
	})
}
