package spool

import (
	"fmt"

	"allium/network"
)

// Expire changes the expiry of those of the messages named by hashes that belong to pk and
// have not expired. mode network.ExpireSet sets it to expiryMs, ExpireShorten only lowers it
// and ExpireExtend only raises it. updated lists the hashes changed, in request order (in set
// mode every found message counts as changed, as on the storage server); unchanged maps the
// other found hashes to their current expiry. Unknown hashes and other accounts' messages are
// in neither.
func (s *Store) Expire(pk [33]byte, hashes []string, expiryMs int64, mode network.ExpireMode) (updated []string, unchanged map[string]int64, err error) {
	var change func(cur int64) bool
	switch mode {
	case network.ExpireSet:
		change = func(int64) bool { return true }
	case network.ExpireShorten:
		change = func(cur int64) bool { return expiryMs < cur }
	case network.ExpireExtend:
		change = func(cur int64) bool { return expiryMs > cur }
	default:
		return nil, nil, fmt.Errorf("spool: expire: unknown mode %q", mode)
	}
	err = s.update("expire", func(t *txn) error {
		updated, unchanged = nil, map[string]int64{}
		done := make(map[string]bool, len(hashes))
		for _, h := range hashes {
			if done[h] {
				continue
			}
			done[h] = true
			e, ok, err := t.owned(&pk, h)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if !change(e.expiry) {
				unchanged[h] = e.expiry
				continue
			}
			if err := t.setExpiry(&e, expiryMs); err != nil {
				return err
			}
			updated = append(updated, h)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return updated, unchanged, nil
}

// ExpireAll shortens the expiry of pk's unexpired messages in the selected namespace(s) to
// expiryMs where it is later, and returns them in storage order. It never extends.
func (s *Store) ExpireAll(pk [33]byte, ns network.NamespaceOrAll, expiryMs int64) (updated []Affected, err error) {
	err = s.update("expire all", func(t *txn) error {
		es, err := t.scan(prefix(&pk, ns), func(r record) bool { return r.expiry > expiryMs })
		if err != nil {
			return err
		}
		updated = make([]Affected, 0, len(es))
		for i := range es {
			if err := t.setExpiry(&es[i], expiryMs); err != nil {
				return err
			}
			updated = append(updated, es[i].affected())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return updated, nil
}

// Expiries returns the expiry of each of the messages named by hashes that belong to pk and
// have not expired.
func (s *Store) Expiries(pk [33]byte, hashes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(hashes))
	err := s.view("expiries", func(t *txn) error {
		for _, h := range hashes {
			e, ok, err := t.owned(&pk, h)
			if err != nil {
				return err
			}
			if ok {
				out[h] = e.expiry
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// setExpiry rewrites message e with a new expiry and moves its expiries index entry.
func (t *txn) setExpiry(e *entry, expiry int64) error {
	_, rec, err := t.load(e.key[:])
	if err != nil {
		return err
	}
	seq := e.key.seq()
	if err := t.exps().Delete(expKey(e.expiry, seq)); err != nil {
		return err
	}
	k := append([]byte(nil), e.key[:]...)
	// encodeRecord copies rec's hash and data out of bbolt's memory before the Put.
	if err := t.msgs().Put(k, encodeRecord(rec.hash, rec.timestamp, expiry, rec.data)); err != nil {
		return err
	}
	if err := t.exps().Put(expKey(expiry, seq), k); err != nil {
		return err
	}
	e.expiry = expiry
	return nil
}
