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
		seen = s.bucket(tx, bucketHashes).Has([]byte(hash))
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
		hs := t.bucket(bucketHashes)
		idx := t.tx.Bucket(bucketHashExpiries)
		for _, h := range hashes {
			if h == "" {
				continue
			}
			old, err := hs.Get([]byte(h))
			if err != nil {
				return err
			}
			if len(old) == 8 {
				if err := idx.Delete(t.seal.storedHashExpKey(int64(binary.BigEndian.Uint64(old)), h)); err != nil {
					return err
				}
			}
			if err := hs.Put([]byte(h), binary.BigEndian.AppendUint64(nil, uint64(expiry))); err != nil {
				return err
			}
			ik := t.seal.storedHashExpKey(expiry, h)
			if err := idx.Put(ik, t.seal.seal(bucketHashExpiries, ik, []byte(h))); err != nil {
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
		hs := t.bucket(bucketHashes)
		idx := t.tx.Bucket(bucketHashExpiries)
		ds, err := t.seal.dueEntries(idx, bucketHashExpiries, t.seal.hashExp, nowMs)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := hs.Delete(d.v); err != nil {
				return err
			}
			if err := idx.Delete(d.sk); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// hashExpKey is a hash_expiries key: expiry ‖ hash.
