package spool

import (
	"fmt"

	"allium/network"
)

// Put stores m and reports whether it was new. It returns false, and no error, when a
// message with m's hash is stored and unexpired, or was deleted and would not yet have
// expired (its tombstone): the node then answers "already". m.Hash must be
// network.MessageHash(m.Pubkey, m.Namespace, m.Data); the store checks only its shape.
// m.Seq is ignored: the store assigns the next sequence number, which Retrieve and Since
// report.
func (s *Store) Put(m Message) (inserted bool, err error) {
	err = s.batch("put", func(t *txn) error {
		var err error
		mc := m // insert may fill in fields; a rerun starts from the caller's message
		inserted, err = t.insert(&mc)
		return err
	})
	return inserted, err
}

// PutBatch stores ms in one transaction with Put's rules (a message repeated within ms is
// stored once) and returns how many were new. It is meant for a swarm member catching up
// from a peer. If any message is malformed nothing is stored.
func (s *Store) PutBatch(ms []Message) (inserted int, err error) {
	err = s.update("put batch", func(t *txn) error {
		inserted = 0
		for i := range ms {
			ok, err := t.insert(&ms[i])
			if err != nil {
				return err
			}
			if ok {
				inserted++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return inserted, nil
}

func (t *txn) insert(m *Message) (bool, error) {
	if !network.ValidHash(m.Hash) {
		return false, fmt.Errorf("%w: hash is not %d base64 characters", ErrBadMessage, network.HashLen)
	}
	hash := []byte(m.Hash)

	// An expired message or tombstone is as good as gone: replace it rather than answer
	// "already" for something no one can retrieve.
	if k := t.hashes().Get(hash); k != nil {
		key, rec, err := t.load(k)
		if err != nil {
			return false, err
		}
		if rec.expiry > t.now {
			return false, nil
		}
		e := entry{key: key, expiry: rec.expiry}
		copy(e.hash[:], hash)
		if err := t.remove(&e); err != nil {
			return false, err
		}
	}
	if exp, ok, err := t.tombstoneExpiry(hash); err != nil {
		return false, err
	} else if ok {
		if exp > t.now {
			return false, nil
		}
		if err := t.dropTombstone(hash, exp); err != nil {
			return false, err
		}
	}

	seq, err := t.msgs().NextSequence()
	if err != nil {
		return false, err
	}
	// bbolt keeps keys and values until commit, so each is a slice of its own; key is only
	// read after this, so the indexes share it.
	key := makeMsgKey(&m.Pubkey, m.Namespace, seq)
	k := key[:]
	sk := make([]byte, seqLen)
	putSeq(sk, seq)
	if err := t.msgs().Put(k, encodeRecord(hash, m.Timestamp, m.Expiry, m.Data)); err != nil {
		return false, err
	}
	if err := t.hashes().Put(hash, k); err != nil {
		return false, err
	}
	if err := t.seqs().Put(sk, k); err != nil {
		return false, err
	}
	if err := t.exps().Put(expKey(m.Expiry, seq), k); err != nil {
		return false, err
	}
	t.delta++
	return true, nil
}
