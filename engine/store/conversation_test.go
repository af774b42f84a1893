package store

import (
	"errors"
	"reflect"
	"testing"

	"allium/crypto"
)

func TestUpdateConversation(t *testing.T) {
	s, dir := newStore(t)
	mustAdd(t, s, in(2, 10, "hi"))
	for _, c := range []struct {
		name string
		id   crypto.SessionID
		fn   func(*Conversation)
		want Conversation
		err  error
	}{
		{"creates a missing conversation", bob, func(c *Conversation) { c.Name = "Bob"; c.NameUpdated = 7 },
			Conversation{ID: bob, Name: "Bob", NameUpdated: 7}, nil},
		{"accept a request", alice, func(c *Conversation) { c.Approved = true },
			Conversation{ID: alice, LastBody: "hi", LastAt: 10, LastState: Received, Unread: 1, Approved: true}, nil},
		{"ID and Unread follow the store", alice, func(c *Conversation) { c.ID = bob; c.Unread = 0; c.ApprovedMe = true },
			Conversation{ID: alice, LastBody: "hi", LastAt: 10, LastState: Received, Unread: 1, Approved: true, ApprovedMe: true}, nil},
		{"settings", bob, func(c *Conversation) { c.Blocked = true; c.ExpireMode = ExpireAfterRead; c.ExpireTimer = 300 },
			Conversation{ID: bob, Name: "Bob", NameUpdated: 7, Blocked: true, ExpireMode: ExpireAfterRead, ExpireTimer: 300}, nil},
		{"zero ID", crypto.SessionID{}, func(*Conversation) {}, Conversation{}, ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.UpdateConversation(c.id, c.fn)
			if !errors.Is(err, c.err) {
				t.Fatalf("UpdateConversation = %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("returned\n %+v\nwant\n %+v", got, c.want)
			}
			if stored, _, _ := s.Conversation(c.id); !reflect.DeepEqual(stored, c.want) {
				t.Errorf("stored\n %+v\nwant\n %+v", stored, c.want)
			}
		})
	}
	s = reopen(t, s, dir)
	if c, _, _ := s.Conversation(bob); c.Name != "Bob" || !c.Blocked || c.ExpireTimer != 300 {
		t.Errorf("after reopen: %+v", c)
	}
}

func TestConversationsOrder(t *testing.T) {
	s, _ := newStore(t)
	if cs, err := s.Conversations(); err != nil || len(cs) != 0 {
		t.Fatalf("empty store: %v, %v", cs, err)
	}
	mustAdd(t, s, in(2, 10, "a"), in(3, 30, "b"), out(4, 20, "c"), in(5, 20, "d"))
	if _, err := s.UpdateConversation(id(6), func(c *Conversation) { c.Name = "new" }); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Conversations()
	if err != nil {
		t.Fatal(err)
	}
	var got []crypto.SessionID
	for _, c := range cs {
		got = append(got, c.ID)
	}
	// Newest first; a tie is broken by ID; a conversation without messages comes last.
	if want := []crypto.SessionID{id(3), id(4), id(5), id(2), id(6)}; !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	mustAdd(t, s, in(2, 40, "bump"))
	if cs, _ := s.Conversations(); cs[0].ID != alice || cs[0].Unread != 2 {
		t.Errorf("after a new message the first is %+v", cs[0])
	}
}
