package spool

import (
	"fmt"
)

// pruneBatch bounds the deletions of one PruneExpired transaction, so that pruning a day's
// worth of messages never holds bbolt's single write lock for long: stores and deletes from
// clients get their turn between batches.
const pruneBatch = 1000

// PruneExpired deletes the messages with Expiry <= nowMs and the tombstones past their
// expiry, in transactions of at most 1000 each, and returns the number of messages deleted.
func (s *Store) PruneExpired(nowMs int64) (int, error) {
	total := 0
	for {
		deleted, seen, err := s.pruneMessages(nowMs)
		total += deleted
		if err != nil {
			return total, err
		}
		if seen < pruneBatch {
			break
		}
	}
	for {
		n, err := s.pruneTombstones(nowMs)
		if err != nil {
			return total, err
		}
		if n < pruneBatch {
			return total, nil
		}
	}
}

// pruneMessages deletes up to pruneBatch expired messages, oldest expiry first. seen counts
// the index entries it went through, dangling ones included.
func (s *Store) pruneMessages(nowMs int64) (deleted, seen int, err error) {
	err = s.update("prune", func(t *txn) error {
		var es []entry
		var dangling [][]byte
		c := t.exps().Cursor()
		for k, v := c.First(); k != nil && len(es)+len(dangling) < pruneBatch; k, v = c.Next() {
			if len(k) != expKeyLen {
				return fmt.Errorf("%w: bad expiry index key", ErrCorrupt)
			}
			if getInt64(k) > nowMs {
				break
			}
			key, rec, err := t.load(v)
			if err != nil {
				// An index entry without its message would stop pruning for good;
				// drop it instead.
				dangling = append(dangling, append([]byte(nil), k...))
				continue
			}
			e := entry{key: key, expiry: getInt64(k)}
			copy(e.hash[:], rec.hash)
			es = append(es, e)
		}
		for _, k := range dangling {
			if err := t.exps().Delete(k); err != nil {
				return err
			}
		}
		for i := range es {
			if err := t.remove(&es[i]); err != nil {
				return err
			}
		}
		deleted, seen = len(es), len(es)+len(dangling)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return deleted, seen, nil
}

// pruneTombstones deletes up to pruneBatch tombstones that have expired.
func (s *Store) pruneTombstones(nowMs int64) (n int, err error) {
	err = s.update("prune", func(t *txn) error {
		n = 0
		var keys [][]byte
		c := t.tombExps().Cursor()
		for k, _ := c.First(); k != nil && len(keys) < pruneBatch; k, _ = c.Next() {
			if len(k) != tombExpKeyLen {
				return fmt.Errorf("%w: bad tombstone index key", ErrCorrupt)
			}
			if getInt64(k) > nowMs {
				break
			}
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			hash, exp := k[8:], getInt64(k)
			if cur, ok, err := t.tombstoneExpiry(hash); err != nil {
				return err
			} else if ok && cur != exp {
				// Not this entry's tombstone (cannot happen: a hash has at most one);
				// drop only the index entry.
				if err := t.tombExps().Delete(k); err != nil {
					return err
				}
				continue
			}
			if err := t.dropTombstone(hash, exp); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
