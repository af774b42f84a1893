package spool

import (
	"errors"
	"slices"
	"testing"

	"allium/network"
)

func TestPut(t *testing.T) {
	a := account(1)
	m := msg(a, 0, "hello")
	tests := []struct {
		name   string
		before []Message // stored first
		put    Message
		want   bool
	}{
		{"new", nil, m, true},
		{"same hash again is already", []Message{m}, m, false},
		{"same hash, other timestamp and expiry is already", []Message{m},
			func() Message { m2 := m; m2.Timestamp++; m2.Expiry += day; return m2 }(), false},
		{"same data, other namespace is new", []Message{m}, msg(a, 2, "hello"), true},
		{"same data, other account is new", []Message{m}, msg(account(2), 0, "hello"), true},
		{"empty data", nil, msg(a, 0, ""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			mustPut(t, s, tt.before...)
			got, err := s.Put(tt.put)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Put = %v, want %v", got, tt.want)
			}
			n, err := s.Count()
			if err != nil {
				t.Fatal(err)
			}
			if want := len(tt.before) + map[bool]int{true: 1}[tt.want]; n != want {
				t.Errorf("Count = %d, want %d", n, want)
			}
		})
	}
}

func TestPutRejectsBadHash(t *testing.T) {
	tests := []struct {
		name string
		hash string
	}{
		{"empty", ""},
		{"short", "abc"},
		{"not base64", "!" + network.MessageHash(account(1), 0, nil)[1:]},
		{"padded", network.MessageHash(account(1), 0, nil) + "="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			m := msg(account(1), 0, "x")
			m.Hash = tt.hash
			if _, err := s.Put(m); !errors.Is(err, ErrBadMessage) {
				t.Errorf("Put: %v, want ErrBadMessage", err)
			}
			good := msg(account(1), 0, "good")
			if _, err := s.PutBatch([]Message{good, m}); !errors.Is(err, ErrBadMessage) {
				t.Errorf("PutBatch: %v, want ErrBadMessage", err)
			}
			// The batch is one transaction: its good message is not stored either.
			if n, err := s.Count(); err != nil || n != 0 {
				t.Errorf("Count = %d, %v; want 0", n, err)
			}
		})
	}
}

func TestPutBatch(t *testing.T) {
	a, b := account(1), account(2)
	m1, m2, m3 := msg(a, 0, "one"), msg(a, 0, "two"), msg(b, 3, "three")
	tests := []struct {
		name   string
		before []Message
		batch  []Message
		want   int
		order  []string // a's namespace-0 hashes afterwards
	}{
		{"empty", nil, nil, 0, nil},
		{"all new", nil, []Message{m1, m2, m3}, 3, []string{m1.Hash, m2.Hash}},
		{"some stored", []Message{m2}, []Message{m1, m2, m3}, 2, []string{m2.Hash, m1.Hash}},
		{"repeated within the batch", nil, []Message{m1, m1, m2, m1}, 2, []string{m1.Hash, m2.Hash}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			mustPut(t, s, tt.before...)
			got, err := s.PutBatch(tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PutBatch = %d, want %d", got, tt.want)
			}
			ms, _, err := s.Retrieve(a, 0, "", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(hashesOf(ms), tt.order) {
				t.Errorf("stored %q, want %q", hashesOf(ms), tt.order)
			}
		})
	}
}

func TestTombstones(t *testing.T) {
	a := account(1)
	m := msg(a, 0, "deleted")
	other := msg(a, 0, "other")
	tests := []struct {
		name   string
		delete func(s *Store) ([]string, error)
	}{
		{"Delete", func(s *Store) ([]string, error) { return s.Delete(a, []string{m.Hash}) }},
		{"DeleteAll", func(s *Store) ([]string, error) {
			d, err := s.DeleteAll(a, network.OneNamespace(0))
			return Hashes(d), err
		}},
		{"DeleteBefore", func(s *Store) ([]string, error) {
			d, err := s.DeleteBefore(a, network.AllNamespaces(), t0+1)
			return Hashes(d), err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := openTest(t)
			mustPut(t, s, m)
			if del, err := tt.delete(s); err != nil || !slices.Equal(del, []string{m.Hash}) {
				t.Fatalf("delete = %q, %v", del, err)
			}

			// A late copy (a replicated store, a peer's catch-up batch) is refused.
			if ok, err := s.Put(m); err != nil || ok {
				t.Fatalf("Put of a deleted message = %v, %v; want false", ok, err)
			}
			if n, err := s.PutBatch([]Message{m, other}); err != nil || n != 1 {
				t.Fatalf("PutBatch with a deleted message = %d, %v; want 1", n, err)
			}
			if ms, _, _ := s.Retrieve(a, 0, "", 0, 0); !slices.Equal(hashesOf(ms), []string{other.Hash}) {
				t.Fatalf("retrieved %q, want only the other message", hashesOf(ms))
			}

			// Pruning before the message would have expired keeps the tombstone.
			if _, err := s.PruneExpired(m.Expiry - 1); err != nil {
				t.Fatal(err)
			}
			if tombstones(t, s) != 1 {
				t.Fatal("tombstone pruned before its expiry")
			}
			// After that, it goes.
			c.set(m.Expiry + 1)
			if _, err := s.PruneExpired(m.Expiry); err != nil {
				t.Fatal(err)
			}
			if n := tombstones(t, s); n != 0 {
				t.Fatalf("%d tombstones after pruning, want 0", n)
			}
		})
	}
}

func TestExpiredTombstoneAllowsPut(t *testing.T) {
	// Without a prune in between, a tombstone past its expiry no longer blocks the hash.
	s, c := openTest(t)
	a := account(1)
	m := msg(a, 0, "again")
	mustPut(t, s, m)
	if _, err := s.Delete(a, []string{m.Hash}); err != nil {
		t.Fatal(err)
	}
	c.set(m.Expiry)
	m.Timestamp, m.Expiry = m.Expiry, m.Expiry+day
	if ok, err := s.Put(m); err != nil || !ok {
		t.Fatalf("Put after the tombstone expired = %v, %v; want true", ok, err)
	}
	if n := tombstones(t, s); n != 0 {
		t.Fatalf("%d tombstones, want the expired one replaced", n)
	}
}

func tombstones(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.view("test", func(tx *txn) error {
		n = tx.tombs().Stats().KeyN
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}
