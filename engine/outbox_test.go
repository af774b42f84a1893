package engine

import (
	"context"
	"testing"
	"time"

	"allium/network"
)

// TestDeliveredButUnconfirmed: the swarm stored a message but the sender stopped before
// it recorded that. On the next start the sender sends the same bytes again, which the
// swarm keeps once, the message shows as sent, and the recipient sees it once.
func TestDeliveredButUnconfirmed(t *testing.T) {
	sw := newMemSwarm()
	bob := openMem(t, sw, "Bob", Options{})
	sw.setDown(ErrUnreachable)
	alice := openMem(t, sw, "Alice", Options{})
	m, err := alice.Send(bob.SessionID(), "only once")
	if err != nil {
		t.Fatal(err)
	}
	items, err := alice.st.Outbox()
	if err != nil || len(items) != 2 {
		t.Fatalf("outbox %+v, %v", items, err)
	}
	dir := alice.opts.Dir
	alice.Close()
	// What reached the swarm before the stop: the message for Bob.
	sw.setDown(nil)
	for _, it := range items {
		if it.Kind == kindVisible {
			if _, err := sw.connect(clientOptions()).Store(context.Background(), nil, [33]byte(it.Recipient), network.DefaultNamespace, it.Payload, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := sw.storeCount()
	alice = reopenMem(t, sw, dir, Options{})
	waitFor(t, alice, "sent", func(ev Event) bool {
		s, ok := ev.(MessageStatusChanged)
		return ok && s.Timestamp == m.Timestamp && s.State == Sent
	})
	if sw.storeCount() <= before {
		t.Fatal("the message was not sent again")
	}
	waitFor(t, bob, "the message", func(ev Event) bool {
		r, ok := ev.(RequestReceived)
		return ok && r.Message.Timestamp == m.Timestamp
	})
	bob.PollNow()
	time.Sleep(200 * time.Millisecond)
	ms, _ := bob.Messages(alice.SessionID(), 0, 0)
	if len(ms) != 1 {
		t.Fatalf("bob has %d messages, want 1", len(ms))
	}
}
