package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ExpiredMessages returns the disappearing messages whose ExpiresAt is at or before nowMs,
// soonest first, so the engine can tell the app which bubbles to remove before
// DeleteExpired removes them.
func (s *Store) ExpiredMessages(nowMs int64) ([]Message, error) {
	var out []Message
	err := s.view("read expired messages", func(tx *bolt.Tx) error {
		msgs := tx.Bucket(bucketMessages)
		return s.forExpired(tx, nowMs, func(k *msgKey) error {
			m, ok, err := s.seal.getMessage(msgs, k)
			if ok {
				out = append(out, m)
			}
			return err
		})
	})
	return out, err
}

// DeleteExpired deletes the disappearing messages whose ExpiresAt is at or before nowMs and
// returns how many it deleted.
func (s *Store) DeleteExpired(nowMs int64) (int, error) {
	n := 0
	err := s.update("delete expired messages", func(t *txn) error {
		n = 0
		var keys []msgKey
		if err := s.forExpired(t.tx, nowMs, func(k *msgKey) error {
			keys = append(keys, *k)
			return nil
		}); err != nil {
			return err
		}
		msgs := t.tx.Bucket(bucketMessages)
		for i := range keys {
			m, ok, err := t.seal.getMessage(msgs, &keys[i])
			if err != nil {
				return err
			}
			if !ok || m.ExpiresAt == 0 || m.ExpiresAt > nowMs {
				return fmt.Errorf("%w: expiry index names a message that does not expire then", ErrCorrupt)
			}
			if err := t.deleteMessage(&m); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// forExpired calls fn with the message key of each expiries entry at or before nowMs.
func (s *Store) forExpired(tx *bolt.Tx, nowMs int64, fn func(k *msgKey) error) error {
	if nowMs < 0 {
		return nil
	}
	ds, err := s.seal.dueEntries(tx.Bucket(bucketExpiries), bucketExpiries, s.seal.expires, nowMs)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if len(d.v) != msgKeyLen {
			return fmt.Errorf("%w: expiry record of %d bytes", ErrCorrupt, len(d.v))
		}
		if err := fn((*msgKey)(d.v)); err != nil {
			return err
		}
	}
	return nil
}
