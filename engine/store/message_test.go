package store

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func in(conv byte, ts int64, body string) Message {
	return Message{Conversation: id(conv), Author: id(conv), Timestamp: ts, Direction: Incoming, Body: body, Unread: true}
}

func out(conv byte, ts int64, body string) Message {
	return Message{Conversation: id(conv), Author: me, Timestamp: ts, Direction: Outgoing, Body: body}
}

func mustAdd(t testing.TB, s *Store, ms ...Message) {
	t.Helper()
	for _, m := range ms {
		if ok, err := s.AddMessage(m); err != nil || !ok {
			t.Fatalf("AddMessage(%d) = %v, %v", m.Timestamp, ok, err)
		}
	}
}

func timestamps(ms []Message) []int64 {
	ts := []int64{}
	for _, m := range ms {
		ts = append(ts, m.Timestamp)
	}
	return ts
}

func TestAddMessage(t *testing.T) {
	full := Message{
		Conversation: alice, Author: alice, Timestamp: 1234, Received: 99, Direction: Incoming,
		Body: "héllo ✓", State: Received, Error: "", Hash: "h4sh", ExpiresAt: 5000,
		ExpireMode: ExpireAfterSend, ExpireTimer: 60, Unread: true,
	}
	for _, c := range []struct {
		name string
		m    Message
		want Message
		err  error
	}{
		{"every field", full, full, nil},
		{"incoming unread defaults", Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming, Unread: true},
			Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming, State: Received, Received: testNow, Unread: true}, nil},
		{"incoming already read", Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming},
			Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming, State: Read, Received: testNow}, nil},
		{"outgoing defaults", Message{Conversation: alice, Author: me, Timestamp: 1, Direction: Outgoing, Unread: true},
			Message{Conversation: alice, Author: me, Timestamp: 1, Direction: Outgoing, State: Pending, Received: testNow}, nil},
		{"no conversation", Message{Author: alice, Timestamp: 1, Direction: Incoming}, Message{}, ErrInvalid},
		{"no author", Message{Conversation: alice, Timestamp: 1, Direction: Incoming}, Message{}, ErrInvalid},
		{"no direction", Message{Conversation: alice, Author: alice, Timestamp: 1}, Message{}, ErrInvalid},
		{"bad state", Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming, State: Read + 1}, Message{}, ErrInvalid},
		{"negative timestamp", Message{Conversation: alice, Author: alice, Timestamp: -1, Direction: Incoming}, Message{}, ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newStore(t)
			added, err := s.AddMessage(c.m)
			if !errors.Is(err, c.err) {
				t.Fatalf("AddMessage = %v, want %v", err, c.err)
			}
			if err != nil {
				if added {
					t.Error("added = true with an error")
				}
				return
			}
			got, ok, err := s.Message(c.m.Conversation, c.m.Author, c.m.Timestamp)
			if err != nil || !ok {
				t.Fatalf("Message = %v, %v", ok, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("stored\n %+v\nwant\n %+v", got, c.want)
			}
		})
	}
}

func TestAddMessageDuplicate(t *testing.T) {
	s, _ := newStore(t)
	m := in(2, 10, "first")
	mustAdd(t, s, m)
	before, _, _ := s.Conversation(alice)
	for _, c := range []struct {
		name string
		m    Message
	}{
		{"same message", m},
		{"same identity, other body", func() Message { d := m; d.Body = "changed"; return d }()},
		{"same identity, read", func() Message { d := m; d.Unread = false; d.State = Read; return d }()},
	} {
		t.Run(c.name, func(t *testing.T) {
			added, err := s.AddMessage(c.m)
			if err != nil || added {
				t.Fatalf("AddMessage = %v, %v; want false, nil", added, err)
			}
			got, _, _ := s.Message(alice, alice, 10)
			if got.Body != "first" || !got.Unread {
				t.Errorf("duplicate changed the message: %+v", got)
			}
			if conv, _, _ := s.Conversation(alice); !reflect.DeepEqual(conv, before) {
				t.Errorf("duplicate changed the conversation: %+v, was %+v", conv, before)
			}
		})
	}
	n, err := s.AddMessages([]Message{m, in(2, 11, "new"), in(2, 11, "new again")})
	if err != nil || n != 1 {
		t.Errorf("AddMessages = %d, %v; want 1 new", n, err)
	}
}

func TestMessagesPaging(t *testing.T) {
	s, _ := newStore(t)
	// Alice's history, added out of order; at 40 both of us wrote in the same millisecond.
	// Bob's messages sort next to hers and must never leak into her pages.
	mustAdd(t, s, in(2, 30, "c"), in(2, 10, "a"), out(2, 20, "b"), in(2, 40, "d1"),
		out(2, 40, "d2"), in(2, 50, "e"), out(2, 60, "f"), in(3, 15, "bob"), in(3, 70, "bob"))
	for _, c := range []struct {
		name   string
		before int64
		limit  int
		want   []int64
	}{
		{"newest page", 0, 3, []int64{40, 40, 50, 60}}, // extended over the tie at 40
		{"newest, no tie", 0, 2, []int64{50, 60}},
		{"page above", 40, 3, []int64{10, 20, 30}},
		{"before the oldest", 10, 3, []int64{}},
		{"short first page", 25, 5, []int64{10, 20}},
		{"between keys", 45, 1, []int64{40, 40}},
		{"no limit", 0, 0, []int64{10, 20, 30, 40, 40, 50, 60}},
		{"before past the newest", math.MaxInt64, 2, []int64{50, 60}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms, err := s.Messages(alice, c.before, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := timestamps(ms); !reflect.DeepEqual(got, c.want) {
				t.Errorf("timestamps = %v, want %v", got, c.want)
			}
			for _, m := range ms {
				if m.Conversation != alice {
					t.Errorf("message %d of another conversation", m.Timestamp)
				}
			}
		})
	}
	t.Run("walk up", func(t *testing.T) {
		var all []int64
		for before := int64(0); ; {
			page, err := s.Messages(alice, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			all = append(timestamps(page), all...)
			before = page[0].Timestamp
		}
		if want := []int64{10, 20, 30, 40, 40, 50, 60}; !reflect.DeepEqual(all, want) {
			t.Errorf("walked %v, want %v", all, want)
		}
	})
	t.Run("unknown conversation", func(t *testing.T) {
		ms, err := s.Messages(id(9), 0, 10)
		if err != nil || len(ms) != 0 {
			t.Errorf("Messages = %v, %v", ms, err)
		}
	})
}

func TestConversationSummary(t *testing.T) {
	s, _ := newStore(t)
	steps := []struct {
		name       string
		do         func() error
		conv       byte
		lastBody   string
		lastAt     int64
		lastState  MessageState
		unread     int
		approved   bool
		wantExists bool
	}{
		{"incoming creates a request", func() error { _, err := s.AddMessage(in(2, 10, "hi")); return err },
			2, "hi", 10, Received, 1, false, true},
		{"second unread", func() error { _, err := s.AddMessage(in(2, 20, "there")); return err },
			2, "there", 20, Received, 2, false, true},
		{"older message keeps the last", func() error { _, err := s.AddMessage(in(2, 5, "late")); return err },
			2, "there", 20, Received, 3, false, true},
		{"outgoing creates an approved conversation", func() error { _, err := s.AddMessage(out(3, 7, "yo")); return err },
			3, "yo", 7, Pending, 0, true, true},
		{"state of the last message", func() error { return s.SetMessageState(id(3), me, 7, Sent, "") },
			3, "yo", 7, Sent, 0, true, true},
		{"outgoing into a request keeps it unapproved", func() error { _, err := s.AddMessage(out(2, 30, "ok")); return err },
			2, "ok", 30, Pending, 3, false, true},
		{"deleting the last falls back", func() error { _, err := s.DeleteMessage(alice, me, 30); return err },
			2, "there", 20, Received, 3, false, true},
		{"deleting an unread message", func() error { _, err := s.DeleteMessage(alice, alice, 5); return err },
			2, "there", 20, Received, 2, false, true},
		{"deleting every message keeps LastAt", func() error { _, err := s.DeleteMessage(id(3), me, 7); return err },
			3, "", 7, 0, 0, true, true},
		{"deleting a conversation", func() error { return s.DeleteConversation(alice) },
			2, "", 0, 0, 0, false, false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			c, ok, err := s.Conversation(id(st.conv))
			if err != nil || ok != st.wantExists {
				t.Fatalf("Conversation = %v, %v", ok, err)
			}
			want := Conversation{ID: id(st.conv), LastBody: st.lastBody, LastAt: st.lastAt,
				LastState: st.lastState, Unread: st.unread, Approved: st.approved}
			if !ok {
				want = Conversation{}
			}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("conversation\n %+v\nwant\n %+v", c, want)
			}
		})
	}
	if ms, _ := s.Messages(alice, 0, 0); len(ms) != 0 {
		t.Errorf("messages of a deleted conversation: %v", timestamps(ms))
	}
	// A new message starts the deleted conversation afresh.
	mustAdd(t, s, in(2, 100, "again"))
	if c, _, _ := s.Conversation(alice); c.Unread != 1 || c.LastBody != "again" {
		t.Errorf("conversation after delete and new message = %+v", c)
	}
}

func TestSetMessageState(t *testing.T) {
	s, _ := newStore(t)
	mustAdd(t, s, out(2, 10, "x"))
	for _, c := range []struct {
		name    string
		st      MessageState
		errText string
		ts      int64
		err     error
	}{
		{"sent", Sent, "", 10, nil},
		{"failed with a reason", Failed, "Can't reach the network.", 10, nil},
		{"retried and sent clears the reason", Sent, "", 10, nil},
		{"read", Read, "", 10, nil},
		{"unset state", 0, "", 10, ErrInvalid},
		{"missing message", Sent, "", 11, ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.SetMessageState(alice, me, c.ts, c.st, c.errText)
			if !errors.Is(err, c.err) {
				t.Fatalf("SetMessageState = %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			m, _, _ := s.Message(alice, me, 10)
			if m.State != c.st || m.Error != c.errText {
				t.Errorf("message state %v %q, want %v %q", m.State, m.Error, c.st, c.errText)
			}
			if conv, _, _ := s.Conversation(alice); conv.LastState != c.st {
				t.Errorf("LastState = %v, want %v", conv.LastState, c.st)
			}
		})
	}
}

func TestDeleteMessage(t *testing.T) {
	s, _ := newStore(t)
	mustAdd(t, s, in(2, 10, "a"), out(2, 20, "b"))
	for _, c := range []struct {
		name   string
		author byte
		ts     int64
		found  bool
		left   []int64
	}{
		{"theirs", 2, 10, true, []int64{20}},
		{"again", 2, 10, false, []int64{20}},
		{"wrong author", 2, 20, false, []int64{20}},
		{"ours", 1, 20, true, []int64{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			found, err := s.DeleteMessage(alice, id(c.author), c.ts)
			if err != nil || found != c.found {
				t.Fatalf("DeleteMessage = %v, %v; want %v", found, err, c.found)
			}
			ms, _ := s.Messages(alice, 0, 0)
			if got := timestamps(ms); !reflect.DeepEqual(got, c.left) {
				t.Errorf("left %v, want %v", got, c.left)
			}
		})
	}
}

func TestUpdateMessage(t *testing.T) {
	s, _ := newStore(t)
	mustAdd(t, s, in(2, 10, "a"))
	m, err := s.UpdateMessage(alice, alice, 10, func(m *Message) {
		m.Timestamp = 99 // ignored: the identity cannot change
		m.ExpiresAt = 500
	})
	if err != nil || m.Timestamp != 10 || m.ExpiresAt != 500 {
		t.Fatalf("UpdateMessage = %+v, %v", m, err)
	}
	if exp, _ := s.ExpiredMessages(500); len(exp) != 1 {
		t.Errorf("expiry set by UpdateMessage not indexed: %v", exp)
	}
	if _, err := s.UpdateMessage(alice, alice, 11, func(*Message) {}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateMessage of a missing message = %v", err)
	}
}
