package store

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// OutboxItem is one request waiting to be stored in a swarm. It survives restarts, so a
// message written while offline is sent when the engine next has a path.
type OutboxItem struct {
	ID        uint64           // assigned by Enqueue; increasing, so the outbox is in enqueue order
	Recipient crypto.SessionID // whose swarm; our own ID for sync copies
	// Timestamp is the message's sent ms. It never changes across retries, and neither does
	// Payload, so a retry stores the same bytes, the swarm computes the same hash and the
	// recipient sees the message once.
	Timestamp   int64
	Payload     []byte // the encrypted, wrapped bytes for the store RPC, built before the first attempt
	TTL         int64  // ms
	Attempts    int
	NextAttempt int64 // ms
	// Conversation and Timestamp name the message this delivers, for state updates; zero
	// for control messages.
	Conversation crypto.SessionID
	Kind         uint8 // engine-defined (visible message, sync copy, receipt, ...); the store just keeps it
}

// outboxFormat is the first byte of an outbox record:
//
//	format ‖ recipient ‖ conversation ‖ kind ‖ timestamp (varint) ‖ ttl (varint)
//	‖ attempts (uvarint) ‖ next attempt (varint) ‖ payload (length-prefixed)
//
// The ID is the key.
const outboxFormat = 1

func appendOutboxItem(b []byte, it *OutboxItem) []byte {
	b = append(b, outboxFormat)
	b = append(b, it.Recipient[:]...)
	b = append(b, it.Conversation[:]...)
	b = append(b, it.Kind)
	b = binary.AppendVarint(b, it.Timestamp)
	b = binary.AppendVarint(b, it.TTL)
	b = binary.AppendUvarint(b, uint64(it.Attempts))
	b = binary.AppendVarint(b, it.NextAttempt)
	b = binary.AppendUvarint(b, uint64(len(it.Payload)))
	return append(b, it.Payload...)
}

func decodeOutboxItem(k, v []byte) (OutboxItem, error) {
	var it OutboxItem
	if len(k) != 8 {
		return it, fmt.Errorf("%w: outbox key of %d bytes", ErrCorrupt, len(k))
	}
	it.ID = binary.BigEndian.Uint64(k)
	d := decoder{b: v, what: "outbox item"}
	if f := d.byte(); f != outboxFormat && d.err == nil {
		return it, fmt.Errorf("%w: outbox record format %d", ErrCorrupt, f)
	}
	copy(it.Recipient[:], d.fixed(idLen))
	copy(it.Conversation[:], d.fixed(idLen))
	it.Kind = d.byte()
	it.Timestamp = d.varint()
	it.TTL = d.varint()
	it.Attempts = int(d.uvarint())
	it.NextAttempt = d.varint()
	it.Payload = copyBytes(d.bytes())
	return it, d.finish()
}

func outboxKey(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func (it *OutboxItem) check() error {
	if it.Recipient == (crypto.SessionID{}) {
		return fmt.Errorf("%w: outbox item without a recipient", ErrInvalid)
	}
	if it.Attempts < 0 {
		return fmt.Errorf("%w: outbox item with %d attempts", ErrInvalid, it.Attempts)
	}
	return nil
}

// Enqueue adds it to the outbox and returns the ID it was given; it.ID is ignored.
func (s *Store) Enqueue(it OutboxItem) (uint64, error) {
	if err := it.check(); err != nil {
		return 0, err
	}
	err := s.update("enqueue", func(t *txn) error { return t.enqueue(&it) })
	if err != nil {
		return 0, err
	}
	return it.ID, nil
}

func (t *txn) enqueue(it *OutboxItem) error {
	b := t.bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	it.ID = id
	return b.Put(outboxKey(id), appendOutboxItem(nil, it))
}

// AddOutgoing stores one of our messages and the outbox items that deliver it in one
// transaction, so that a crash leaves all of them or none: never a message that shows
// "pending" with nothing to send it, nor an item that delivers a message not shown. A
// message already stored (same identity) is an error wrapping ErrInvalid, and nothing is
// written.
func (s *Store) AddOutgoing(m Message, items ...OutboxItem) error {
	for i := range items {
		if err := items[i].check(); err != nil {
			return err
		}
	}
	return s.update("add outgoing", func(t *txn) error {
		added, err := t.add(&m)
		if err != nil {
			return err
		}
		if !added {
			return fmt.Errorf("%w: message %d is already stored", ErrInvalid, m.Timestamp)
		}
		for i := range items {
			if err := t.enqueue(&items[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Replace removes outbox item id and enqueues items in one transaction: a message whose
// files are uploaded moves from its upload item to the items that store it, and a crash
// leaves one or the other, never both or neither.
func (s *Store) Replace(id uint64, items ...OutboxItem) error {
	for i := range items {
		if err := items[i].check(); err != nil {
			return err
		}
	}
	return s.update("replace outbox item", func(t *txn) error {
		b := t.bucket(bucketOutbox)
		if !b.Has(outboxKey(id)) {
			return fmt.Errorf("%w: outbox item %d", ErrNotFound, id)
		}
		if err := b.Delete(outboxKey(id)); err != nil {
			return err
		}
		for i := range items {
			if err := t.enqueue(&items[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Finish removes outbox item id and, in the same transaction, sets the state (and the
// error text) of the message it delivered, so that a crash cannot leave a delivered
// message "pending" with no item to resend it. A message deleted meanwhile is not an
// error. st 0 removes the item only.
func (s *Store) Finish(id uint64, conv, author crypto.SessionID, ts int64, st MessageState, errText string) error {
	if st > Read {
		return fmt.Errorf("%w: message state %v", ErrInvalid, st)
	}
	return s.update("finish", func(t *txn) error {
		if err := t.bucket(bucketOutbox).Delete(outboxKey(id)); err != nil {
			return err
		}
		if st == 0 {
			return nil
		}
		_, err := t.updateMessage(conv, author, ts, func(m *Message) {
			if m.State == Read && st == Sent {
				return // a read receipt can arrive before the store confirmation
			}
			m.State, m.Error = st, errText
		})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
}

// Outbox returns every item in the outbox, in enqueue order.
func (s *Store) Outbox() ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.view("read outbox", func(tx *bolt.Tx) error {
		return s.bucket(tx, bucketOutbox).ForEach(func(k, v []byte) error {
			it, err := decodeOutboxItem(k, v)
			out = append(out, it)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	// The stored keys are hashes, in no order; the IDs are in enqueue order.
	slices.SortFunc(out, func(a, b OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// UpdateOutbox replaces the item with it.ID, typically to count an attempt and schedule
// the next. It returns ErrNotFound if the item was dequeued.
func (s *Store) UpdateOutbox(it OutboxItem) error {
	if err := it.check(); err != nil {
		return err
	}
	return s.update("update outbox", func(t *txn) error {
		b := t.bucket(bucketOutbox)
		k := outboxKey(it.ID)
		if !b.Has(k) {
			return fmt.Errorf("%w: outbox item %d", ErrNotFound, it.ID)
		}
		return b.Put(k, appendOutboxItem(nil, &it))
	})
}

// Dequeue removes the item with id from the outbox. Removing an item that is not there is
// not an error.
func (s *Store) Dequeue(id uint64) error {
	return s.update("dequeue", func(t *txn) error {
		return t.bucket(bucketOutbox).Delete(outboxKey(id))
	})
}
