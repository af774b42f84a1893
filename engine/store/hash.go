package store

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// A swarm may return a message again (an unknown last_hash restarts retrieval from the
// beginning, and every node of the swarm holds a copy), so the engine remembers the
// storage-server hash of each message it has processed until the message's own expiry,
// after which no node returns it.

// SeenHash reports whether MarkHashes recorded hash and PruneHashes has not yet dropped it.
func (s *Store) SeenHash(hash string) (bool, error) {
	if hash == "" {
		return false, nil
	}
	var seen bool
	err := s.view("read hash", func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketHashes).Get([]byte(hash)) != nil
		return nil
	})
	return seen, err
}

// MarkHashes records hashes as processed until expiry (ms), the messages' expiry as the
// swarm reported it. Marking a hash again moves its expiry.
func (s *Store) MarkHashes(hashes []string, expiry int64) error {
	if err := checkTime("hash expiry", expiry); err != nil {
		return err
	}
	return s.update("mark hashes", func(t *txn) error {
		hs := t.tx.Bucket(bucketHashes)
		idx := t.tx.Bucket(bucketHashExpiries)
		for _, h := range hashes {
			if h == "" {
				continue
			}
			if old := hs.Get([]byte(h)); len(old) == 8 {
				if err := idx.Delete(hashExpKey(int64(binary.BigEndian.Uint64(old)), h)); err != nil {
					return err
				}
			}
			if err := hs.Put([]byte(h), binary.BigEndian.AppendUint64(nil, uint64(expiry))); err != nil {
				return err
			}
			if err := idx.Put(hashExpKey(expiry, h), nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// PruneHashes forgets the hashes whose expiry is at or before nowMs and returns how many.
func (s *Store) PruneHashes(nowMs int64) (int, error) {
	n := 0
	err := s.update("prune hashes", func(t *txn) error {
		n = 0
		hs := t.tx.Bucket(bucketHashes)
		c := t.tx.Bucket(bucketHashExpiries).Cursor()
		// Delete then First again: a bbolt cursor's position after Delete is not reliable
		// for Next.
		for k, _ := c.First(); len(k) >= tsLen && int64(binary.BigEndian.Uint64(k)) <= nowMs; k, _ = c.First() {
			if err := hs.Delete(k[tsLen:]); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// hashExpKey is a hash_expiries key: expiry ‖ hash.
func hashExpKey(expiry int64, hash string) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, tsLen+len(hash)), uint64(expiry))
	return append(b, hash...)
}
