package store

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"allium/crypto"
)

func TestOutbox(t *testing.T) {
	s, dir := newStore(t)
	items := []OutboxItem{
		{Recipient: alice, Timestamp: 10, Payload: []byte("sealed for alice"), TTL: 14 * 24 * 3600 * 1000,
			Conversation: alice, Kind: 1},
		{Recipient: me, Timestamp: 10, Payload: bytes.Repeat([]byte{0xab}, 70_000), TTL: 1000,
			Conversation: alice, Kind: 2},
		{Recipient: bob, Timestamp: 11, Payload: []byte{}, TTL: 20_000, Kind: 3},
	}
	for i := range items {
		got, err := s.Enqueue(items[i])
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && got <= items[i-1].ID {
			t.Errorf("ID %d after %d", got, items[i-1].ID)
		}
		items[i].ID = got
	}
	check := func(t *testing.T, want []OutboxItem) {
		t.Helper()
		got, err := s.Outbox()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("outbox has %d items, want %d", len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if !bytes.Equal(g.Payload, w.Payload) {
				t.Errorf("item %d payload differs", i)
			}
			g.Payload, w.Payload = nil, nil
			if !reflect.DeepEqual(g, w) {
				t.Errorf("item %d\n %+v\nwant\n %+v", i, g, w)
			}
		}
	}
	t.Run("enqueued in order", func(t *testing.T) { check(t, items) })

	retry := items[0]
	retry.Attempts, retry.NextAttempt = 2, 123_456
	steps := []struct {
		name string
		do   func() error
		err  error
		want []OutboxItem
	}{
		{"update", func() error { return s.UpdateOutbox(retry) }, nil, []OutboxItem{retry, items[1], items[2]}},
		{"survives reopen", func() error { s = reopen(t, s, dir); return nil }, nil, []OutboxItem{retry, items[1], items[2]}},
		{"dequeue the middle", func() error { return s.Dequeue(items[1].ID) }, nil, []OutboxItem{retry, items[2]}},
		{"dequeue again", func() error { return s.Dequeue(items[1].ID) }, nil, []OutboxItem{retry, items[2]}},
		{"update a dequeued item", func() error { return s.UpdateOutbox(items[1]) }, ErrNotFound, []OutboxItem{retry, items[2]}},
		{"no recipient", func() error { _, err := s.Enqueue(OutboxItem{Timestamp: 1}); return err }, ErrInvalid, []OutboxItem{retry, items[2]}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); !errors.Is(err, st.err) {
				t.Fatalf("got %v, want %v", err, st.err)
			}
			check(t, st.want)
		})
	}
	t.Run("IDs are not reused", func(t *testing.T) {
		if err := s.Dequeue(retry.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Dequeue(items[2].ID); err != nil {
			t.Fatal(err)
		}
		next, err := s.Enqueue(OutboxItem{Recipient: alice, Timestamp: 12, Payload: []byte("x")})
		if err != nil || next <= items[2].ID {
			t.Errorf("Enqueue on an empty outbox = %d, %v; want more than %d", next, err, items[2].ID)
		}
	})
	t.Run("payload is copied in", func(t *testing.T) {
		p := []byte("abc")
		n, err := s.Enqueue(OutboxItem{Recipient: alice, Payload: p})
		if err != nil {
			t.Fatal(err)
		}
		p[0] = 'X'
		all, _ := s.Outbox()
		last := all[len(all)-1]
		if last.ID != n || string(last.Payload) != "abc" || last.Conversation != (crypto.SessionID{}) {
			t.Errorf("stored %+v", last)
		}
	})
}
