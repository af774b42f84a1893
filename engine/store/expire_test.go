package store

import (
	"reflect"
	"testing"
)

func TestDisappearingMessages(t *testing.T) {
	s, dir := newStore(t)
	exp := func(m Message, at int64) Message {
		m.ExpiresAt, m.ExpireMode, m.ExpireTimer = at, ExpireAfterSend, 60
		return m
	}
	mustAdd(t, s, in(2, 10, "keep"), exp(in(2, 20, "soon"), 1000), exp(out(2, 30, "later"), 3000),
		exp(in(3, 5, "bob"), 2000))
	s = reopen(t, s, dir) // the expiry index is in the file, not in memory
	for _, c := range []struct {
		name    string
		now     int64
		expired []int64 // soonest first
		deleted int
		alice   []int64
		bobLeft int
	}{
		{"nothing yet", 999, nil, 0, []int64{10, 20, 30}, 1},
		{"at the expiry", 1000, []int64{20}, 1, []int64{10, 30}, 1},
		{"two conversations", 5000, []int64{5, 30}, 2, []int64{10}, 0},
		{"nothing left", 9000, nil, 0, []int64{10}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms, err := s.ExpiredMessages(c.now)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range ms {
				got = append(got, m.Timestamp)
			}
			if !reflect.DeepEqual(got, c.expired) {
				t.Errorf("ExpiredMessages = %v, want %v", got, c.expired)
			}
			n, err := s.DeleteExpired(c.now)
			if err != nil || n != c.deleted {
				t.Errorf("DeleteExpired = %d, %v; want %d", n, err, c.deleted)
			}
			left, _ := s.Messages(alice, 0, 0)
			if got := timestamps(left); !reflect.DeepEqual(got, c.alice) {
				t.Errorf("Alice's messages %v, want %v", got, c.alice)
			}
			if left, _ := s.Messages(bob, 0, 0); len(left) != c.bobLeft {
				t.Errorf("Bob has %d messages, want %d", len(left), c.bobLeft)
			}
		})
	}
	if conv, _, _ := s.Conversation(alice); conv.LastBody != "keep" || conv.Unread != 1 {
		t.Errorf("Alice's summary after expiry = %+v", conv)
	}
	if conv, _, _ := s.Conversation(bob); conv.Unread != 0 {
		t.Errorf("Bob's unread count after his unread message expired = %d", conv.Unread)
	}
}

func TestDeleteConversationClearsIndexes(t *testing.T) {
	s, _ := newStore(t)
	m := in(2, 10, "x")
	m.ExpiresAt = 100
	mustAdd(t, s, m, in(2, 11, "y"), in(3, 12, "bob"))
	if err := s.DeleteConversation(alice); err != nil {
		t.Fatal(err)
	}
	if ms, err := s.ExpiredMessages(1000); err != nil || len(ms) != 0 {
		t.Errorf("expiry index kept %d entries, %v", len(ms), err)
	}
	if n, err := s.DeleteExpired(1000); err != nil || n != 0 {
		t.Errorf("DeleteExpired = %d, %v", n, err)
	}
	if read, err := s.MarkRead(alice, 1000); err != nil || len(read) != 0 {
		t.Errorf("unread index kept %v, %v", read, err)
	}
	if read, err := s.MarkRead(bob, 1000); err != nil || len(read) != 1 {
		t.Errorf("Bob's unread = %v, %v", read, err)
	}
	if err := s.DeleteConversation(alice); err != nil {
		t.Errorf("deleting a missing conversation: %v", err)
	}
}
