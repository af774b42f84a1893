package store

import (
	"bytes"
	"fmt"

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
		var keys []msgKey
		c := t.tx.Bucket(bucketUnread).Cursor()
		for k, _ := c.Seek(conv[:]); hasConv(k, &conv); k, _ = c.Next() {
			_, ts, _, _ := parseMsgKey(k)
			if ts > upTo {
				break
			}
			keys = append(keys, msgKey(k))
		}
		msgs := t.tx.Bucket(bucketMessages)
		for i := range keys {
			old, ok, err := getMessage(msgs, &keys[i])
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: unread index names a missing message", ErrCorrupt)
			}
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
		var changed []Message
		c := msgs.Cursor()
		for _, ts := range timestamps {
			if ts < 0 {
				continue
			}
			// Messages from both of us may share a millisecond: look at every author.
			p := convTime(conv, ts)
			for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
				var m Message
				if err := decodeMessage(k, v, &m); err != nil {
					return err
				}
				if m.Direction == Outgoing && m.State != Read {
					changed = append(changed, m)
				}
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
