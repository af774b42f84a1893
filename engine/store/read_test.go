package store

import (
	"math"
	"reflect"
	"testing"
)

func TestMarkRead(t *testing.T) {
	s, _ := newStore(t)
	afterRead := in(2, 30, "secret")
	afterRead.ExpireMode, afterRead.ExpireTimer = ExpireAfterRead, 60
	mustAdd(t, s, in(2, 10, "a"), out(2, 15, "mine"), in(2, 20, "b"), afterRead, in(2, 40, "d"), in(3, 5, "bob"))
	for _, c := range []struct {
		name   string
		upTo   int64
		read   []int64
		unread int
	}{
		{"up to a timestamp", 20, []int64{10, 20}, 2},
		{"nothing new", 20, nil, 2},
		{"through an after-read message", 30, []int64{30}, 1},
		{"everything", math.MaxInt64, []int64{40}, 0},
		{"again", math.MaxInt64, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			read, err := s.MarkRead(alice, c.upTo)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(read, c.read) {
				t.Errorf("read %v, want %v", read, c.read)
			}
			for _, ts := range c.read {
				m, _, _ := s.Message(alice, alice, ts)
				if m.Unread || m.State != Read {
					t.Errorf("message %d: unread %v, state %v", ts, m.Unread, m.State)
				}
			}
			conv, _, _ := s.Conversation(alice)
			if conv.Unread != c.unread {
				t.Errorf("unread count %d, want %d", conv.Unread, c.unread)
			}
		})
	}
	t.Run("after-read timer started", func(t *testing.T) {
		m, _, _ := s.Message(alice, alice, 30)
		if want := testNow + 60_000; m.ExpiresAt != want {
			t.Errorf("ExpiresAt = %d, want %d", m.ExpiresAt, want)
		}
		if other, _, _ := s.Message(alice, alice, 40); other.ExpiresAt != 0 {
			t.Errorf("a message without a timer got ExpiresAt %d", other.ExpiresAt)
		}
	})
	t.Run("outgoing untouched", func(t *testing.T) {
		if m, _, _ := s.Message(alice, me, 15); m.State != Pending {
			t.Errorf("outgoing state = %v", m.State)
		}
	})
	t.Run("other conversation untouched", func(t *testing.T) {
		if conv, _, _ := s.Conversation(bob); conv.Unread != 1 {
			t.Errorf("Bob's unread count = %d", conv.Unread)
		}
	})
}

func TestMarkReadByPeer(t *testing.T) {
	s, _ := newStore(t)
	// At 20 Alice and we wrote in the same millisecond: only ours can be read by her.
	mustAdd(t, s, out(2, 10, "a"), in(2, 20, "hers"), out(2, 20, "ours"), out(2, 30, "c"))
	if err := s.SetMessageState(alice, me, 30, Failed, "Can't reach the network."); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkReadByPeer(alice, []int64{20, 30, 99, -1}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		author byte
		ts     int64
		want   MessageState
	}{
		{"not in the receipt", 1, 10, Pending},
		{"in the receipt", 1, 20, Read},
		{"failed but read", 1, 30, Read},
		{"hers at the same time", 2, 20, Received},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, ok, err := s.Message(alice, id(c.author), c.ts)
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			if m.State != c.want || m.Error != "" && c.want == Read {
				t.Errorf("state %v (error %q), want %v", m.State, m.Error, c.want)
			}
		})
	}
	if conv, _, _ := s.Conversation(alice); conv.LastState != Read {
		t.Errorf("LastState = %v, want read", conv.LastState)
	}
}
