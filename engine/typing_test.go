package engine_test

import (
	"testing"
	"time"

	"allium/engine"
	"allium/network/testnet/testnettest"
)

// A peer who starts typing and never sends a stop (it was lost, or they closed their
// window) stops showing as typing after the timeout, without any message arriving.
func TestTypingTimesOut(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	bob.close()
	bob.openWith(engine.Options{Dir: bob.dir, Network: bob.net, PollActive: 200 * time.Millisecond,
		TypingTimeout: 500 * time.Millisecond})
	for _, u := range []*user{alice, bob} {
		if err := u.e.SetSettings(engine.Settings{TypingIndicators: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := alice.e.SetTyping(bob.id, true); err != nil {
		t.Fatal(err)
	}
	bob.waitEvent("typing", func(ev engine.Event) bool {
		ty, ok := ev.(engine.TypingChanged)
		return ok && ty.Typing && ty.Conversation == alice.id
	})
	bob.waitEvent("typing to end by itself", func(ev engine.Event) bool {
		ty, ok := ev.(engine.TypingChanged)
		return ok && !ty.Typing && ty.Conversation == alice.id
	})
}
