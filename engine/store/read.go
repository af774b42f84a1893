package store

import (
	"slices"

	"allium/crypto"
)

// MarkRead marks the unread incoming messages of conv sent at or before upTo as read (pass
// math.MaxInt64 for all of them) and returns their timestamps, oldest first, for a read
// receipt. The conversation's unread count drops accordingly. An after-read disappearing
// message starts its timer here: its ExpiresAt becomes now + ExpireTimer.
func (s *Store) MarkRead(conv crypto.SessionID, upTo int64) (readTimestamps []int64, err error) {
	err = s.update("mark read", func(t *txn) error {
		readTimestamps = nil
		// Collect first: bbolt cursors do not survive changes to their bucket.
		msgs := t.tx.Bucket(bucketMessages)
		refs := slices.DeleteFunc(t.seal.convRefs(t.tx.Bucket(bucketUnread), conv),
			func(r msgRef) bool { return r.ts > upTo })
		unread, err := t.seal.loadRefs(msgs, refs)
		if err != nil {
			return err
		}
		shownOrder(unread)
		for _, old := range unread {
			m := old
			m.Unread = false
			if m.State == Received {
				m.State = Read
			}
			if m.ExpireMode == ExpireAfterRead && m.ExpireTimer > 0 && m.ExpiresAt == 0 {
				m.ExpiresAt = t.now + int64(m.ExpireTimer)*1000
			}
			if err := t.putMessage(&m, &old); err != nil {
				return err
			}
			readTimestamps = append(readTimestamps, m.Timestamp)
		}
		return nil
	})
	return readTimestamps, err
}

// MarkReadByPeer records a read receipt from conv: our outgoing messages sent at the given
// timestamps become Read. Timestamps that match no outgoing message are ignored.
func (s *Store) MarkReadByPeer(conv crypto.SessionID, timestamps []int64) error {
	return s.update("mark read by peer", func(t *txn) error {
		msgs := t.tx.Bucket(bucketMessages)
		want := make(map[int64]bool, len(timestamps))
		for _, ts := range timestamps {
			want[ts] = true
		}
		refs := slices.DeleteFunc(t.seal.convRefs(msgs, conv), func(r msgRef) bool { return !want[r.ts] })
		ms, err := t.seal.loadRefs(msgs, refs)
		if err != nil {
			return err
		}
		var changed []Message
		for _, m := range ms {
			if m.Direction == Outgoing && m.State != Read {
				changed = append(changed, m)
			}
		}
		for i := range changed {
			old := changed[i]
			m := old
			m.State, m.Error = Read, ""
			if err := t.putMessage(&m, &old); err != nil {
				return err
			}
		}
		return nil
	})
}
