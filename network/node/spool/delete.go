package spool

import (
	"allium/network"
)

// Delete deletes those of the messages named by hashes that belong to pk (in any namespace)
// and have not expired, leaving tombstones, and returns their hashes in request order.
// Unknown hashes and other accounts' messages are ignored.
func (s *Store) Delete(pk [33]byte, hashes []string) (deleted []string, err error) {
	err = s.update("delete", func(t *txn) error {
		deleted = nil
		for _, h := range hashes {
			// A hash repeated in the request is found only the first time.
			e, ok, err := t.owned(&pk, h)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if err := t.removeForever(&e); err != nil {
				return err
			}
			deleted = append(deleted, h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return deleted, nil
}

// Affected is a message that DeleteAll, DeleteBefore or ExpireAll changed.
type Affected struct {
	Hash      string
	Namespace network.Namespace
}

// Hashes returns the hashes of a, in the same order.
func Hashes(a []Affected) []string {
	out := make([]string, len(a))
	for i := range a {
		out[i] = a[i].Hash
	}
	return out
}

// DeleteAll deletes pk's unexpired messages in the selected namespace(s), leaving tombstones,
// and returns them in storage order (by namespace, then insertion).
func (s *Store) DeleteAll(pk [33]byte, ns network.NamespaceOrAll) (deleted []Affected, err error) {
	return s.deleteWhere("delete all", &pk, ns, func(record) bool { return true })
}

// DeleteBefore deletes pk's unexpired messages in the selected namespace(s) whose Timestamp
// is before beforeMs, leaving tombstones, and returns them in storage order.
func (s *Store) DeleteBefore(pk [33]byte, ns network.NamespaceOrAll, beforeMs int64) (deleted []Affected, err error) {
	return s.deleteWhere("delete before", &pk, ns, func(r record) bool { return r.timestamp < beforeMs })
}

func (s *Store) deleteWhere(op string, pk *[33]byte, ns network.NamespaceOrAll, keep func(record) bool) (deleted []Affected, err error) {
	err = s.update(op, func(t *txn) error {
		es, err := t.scan(prefix(pk, ns), keep)
		if err != nil {
			return err
		}
		deleted = make([]Affected, 0, len(es))
		for i := range es {
			if err := t.removeForever(&es[i]); err != nil {
				return err
			}
			deleted = append(deleted, es[i].affected())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return deleted, nil
}

// removeForever removes a message at its owner's request and leaves a tombstone, so that no
// copy from elsewhere can bring it back before it would have expired.
func (t *txn) removeForever(e *entry) error {
	if err := t.remove(e); err != nil {
		return err
	}
	return t.tombstone(e)
}
