package engine_test

import (
	"testing"

	"allium/engine"
	"allium/network/testnet/testnettest"
)

func TestTwoUsersChat(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")

	m, err := alice.e.Send(bob.id, "Hello Bob")
	if err != nil {
		t.Fatal(err)
	}
	// The app learns of its own message from events: MessageQueued comes first.
	first := alice.waitEvent("the message's first event", func(ev engine.Event) bool {
		switch ev := ev.(type) {
		case engine.MessageQueued:
			return ev.Message.Timestamp == m.Timestamp
		case engine.MessageStatusChanged:
			return ev.Timestamp == m.Timestamp
		}
		return false
	})
	if q, ok := first.(engine.MessageQueued); !ok || q.Message.State != engine.Pending || q.Message.Body != "Hello Bob" || q.Conversation.ID != bob.id {
		t.Fatalf("first event %#v, want MessageQueued of the pending message", first)
	}
	alice.waitState(m.Timestamp, engine.Sent)
	got := bob.waitMessage("Hello Bob")
	if got.Author != alice.id || got.Timestamp != m.Timestamp {
		t.Fatalf("bob got %+v", got)
	}
	conv, ok, _ := bob.e.Conversation(alice.id)
	if !ok || conv.Name != "Alice" || conv.Approved || conv.Unread != 1 {
		t.Fatalf("bob's conversation %+v", conv)
	}
	// Bob replies, which accepts the request.
	if _, err := bob.e.Send(alice.id, "Hi Alice"); err != nil {
		t.Fatal(err)
	}
	alice.waitMessage("Hi Alice")
	conv, _, _ = alice.e.Conversation(bob.id)
	if conv.Name != "Bob" || !conv.Approved {
		t.Fatalf("alice's conversation %+v", conv)
	}
	if len(alice.e.Paths()) == 0 || len(alice.e.Paths()[0].Nodes) != 3 {
		t.Fatalf("paths %+v", alice.e.Paths())
	}
}
