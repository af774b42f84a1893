package engine_test

import (
	"testing"
	"time"

	"allium/engine"
	"allium/network/testnet/testnettest"
)

func TestMessageRequests(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	carol := newUser(t, tn, "Carol")

	// A first message from a stranger is a request.
	alice.e.Send(bob.id, "may I write to you?")
	ev := bob.waitEvent("request", func(ev engine.Event) bool { _, ok := ev.(engine.RequestReceived); return ok })
	if r := ev.(engine.RequestReceived); r.Conversation.Approved || r.Conversation.Name != "Alice" {
		t.Fatalf("request %+v", r.Conversation)
	}
	// Accepting tells the sender.
	if err := bob.e.Accept(alice.id); err != nil {
		t.Fatal(err)
	}
	alice.waitEvent("approval", func(ev engine.Event) bool {
		c, ok := ev.(engine.ConversationUpdated)
		return ok && c.Conversation.ID == bob.id && c.Conversation.ApprovedMe
	})
	// Now Alice's messages are ordinary messages.
	alice.e.Send(bob.id, "thanks")
	bob.waitEvent("message", func(ev engine.Event) bool {
		m, ok := ev.(engine.MessageReceived)
		return ok && m.Message.Body == "thanks"
	})

	// Declining removes the request; blocking drops what follows.
	carol.e.Send(bob.id, "buy my stuff")
	bob.waitMessage("buy my stuff")
	if err := bob.e.Block(carol.id); err != nil {
		t.Fatal(err)
	}
	carol.e.Send(bob.id, "buy it now")
	alice.e.Send(bob.id, "after the block")
	bob.waitMessage("after the block")
	msgs, _ := bob.e.Messages(carol.id, 0, 10)
	if len(msgs) != 1 {
		t.Fatalf("blocked sender got through: %+v", msgs)
	}
	if err := bob.e.Decline(carol.id); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := bob.e.Conversation(carol.id); ok {
		t.Fatal("declined request still listed")
	}
}

func TestReceiptsTypingUnsend(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	for _, u := range []*user{alice, bob} {
		if err := u.e.SetSettings(engine.Settings{ReadReceipts: true, TypingIndicators: true}); err != nil {
			t.Fatal(err)
		}
	}
	alice.e.SetContactName(bob.id, "Bob")
	bob.e.SetContactName(alice.id, "Alice")

	// Typing.
	if err := alice.e.SetTyping(bob.id, true); err != nil {
		t.Fatal(err)
	}
	bob.waitEvent("typing", func(ev engine.Event) bool {
		ty, ok := ev.(engine.TypingChanged)
		return ok && ty.Typing && ty.Conversation == alice.id
	})

	// Read receipt.
	m, _ := alice.e.Send(bob.id, "read me")
	bob.waitMessage("read me")
	if err := bob.e.MarkRead(alice.id); err != nil {
		t.Fatal(err)
	}
	alice.waitState(m.Timestamp, engine.Read)

	// Unsend.
	m2, _ := alice.e.Send(bob.id, "oops")
	bob.waitMessage("oops")
	if err := alice.e.Unsend(bob.id, m2.Timestamp); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*user{alice, bob} {
		u.waitEvent("unsend", func(ev engine.Event) bool {
			d, ok := ev.(engine.MessageDeleted)
			return ok && d.Timestamp == m2.Timestamp && d.Unsent && d.Author == alice.id
		})
	}
	if _, ok, _ := bob.e.Conversation(alice.id); !ok {
		t.Fatal("conversation gone")
	}
	msgs, _ := bob.e.Messages(alice.id, 0, 10)
	for _, m := range msgs {
		if m.Body == "oops" {
			t.Fatal("unsent message still there")
		}
	}

	// Receipts and typing are opt-in: with them off, nothing is sent.
	bob.e.SetSettings(engine.Settings{})
	m3, _ := alice.e.Send(bob.id, "no receipt please")
	bob.waitMessage("no receipt please")
	bob.e.MarkRead(alice.id)
	time.Sleep(1500 * time.Millisecond)
	if got, _, _ := alice.e.Conversation(bob.id); got.LastState == engine.Read && got.LastAt == m3.Timestamp {
		t.Fatal("a read receipt was sent with receipts off")
	}
}

func TestDisappearingMessages(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	alice.e.SetContactName(bob.id, "Bob")
	bob.e.SetContactName(alice.id, "Alice")

	if err := alice.e.SetDisappearing(bob.id, engine.Disappearing{Mode: engine.DisappearAfterSend, Timer: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	bob.waitEvent("timer update", func(ev engine.Event) bool {
		c, ok := ev.(engine.ConversationUpdated)
		return ok && c.Conversation.ID == alice.id && c.Conversation.Disappearing == engine.Disappearing{Mode: engine.DisappearAfterSend, Timer: 2 * time.Second}
	})
	m, _ := alice.e.Send(bob.id, "this will vanish")
	got := bob.waitMessage("this will vanish")
	if got.ExpiresAt != m.Timestamp+2000 {
		t.Fatalf("expires at %d, want %d", got.ExpiresAt, m.Timestamp+2000)
	}
	for _, u := range []*user{alice, bob} {
		u.waitEvent("expiry", func(ev engine.Event) bool {
			d, ok := ev.(engine.MessageDeleted)
			if ok && d.Timestamp == m.Timestamp && d.Unsent {
				t.Error("a message whose timer ran out is reported as unsent")
			}
			return ok && d.Timestamp == m.Timestamp
		})
	}
}

// TestFailureShowsQuickly sends on a network that does not answer: the message shows as
// failed after a few quick retries (seconds, not minutes), with a reason a person
// understands.
func TestFailureShowsQuickly(t *testing.T) {
	tn := testnettest.Start(t, 6, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	m, _ := alice.e.Send(bob.id, "hello")
	alice.waitState(m.Timestamp, engine.Sent)
	for i := 0; i < tn.Len(); i++ {
		tn.StopNode(i)
	}
	start := time.Now()
	m, err := alice.e.Send(bob.id, "into the void")
	if err != nil {
		t.Fatal(err)
	}
	ev := alice.waitEvent("failure", func(ev engine.Event) bool {
		s, ok := ev.(engine.MessageStatusChanged)
		return ok && s.Timestamp == m.Timestamp && s.State == engine.Failed
	}).(engine.MessageStatusChanged)
	if d := time.Since(start); d > 25*time.Second {
		t.Errorf("failure shown after %v", d)
	}
	if ev.Failure != engine.FailedOffline {
		t.Errorf("failure %v, want %v", ev.Failure, engine.FailedOffline)
	}
	// When the network is back, the queued message goes out.
	for i := 0; i < tn.Len(); i++ {
		if err := tn.StartNode(i); err != nil {
			t.Fatal(err)
		}
	}
	if err := alice.e.Retry(bob.id, m.Timestamp); err != nil {
		t.Fatal(err)
	}
	bob.waitMessage("into the void")
}
