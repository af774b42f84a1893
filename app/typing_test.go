package app

import (
	"testing"
	"time"

	"allium/engine"
)

// Typing into the composer tells the other side, and emptying the field tells them at
// once that we stopped, without a message. The other side's indicator would last an
// hour on its own, so only the stop can end it.
func TestTypingStopsWhenComposerEmpties(t *testing.T) {
	h := newHarness(t)
	aliceDir, aliceID := account(t, "Alice")
	bobDir, bobID := account(t, "Bob")
	bob, err := engine.Open(engine.Options{Dir: bobDir, Network: network(t), PollActive: 300 * time.Millisecond, TypingTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	typing := make(chan bool, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range bob.Events() {
			if ty, ok := ev.(engine.TypingChanged); ok && ty.Conversation == aliceID {
				typing <- ty.Typing
			}
		}
	}()
	t.Cleanup(func() { bob.Close(); <-done })
	if err := bob.SetSettings(engine.Settings{TypingIndicators: true}); err != nil {
		t.Fatal(err)
	}
	if err := bob.SetContactName(aliceID, "Alice"); err != nil {
		t.Fatal(err)
	}

	alice := h.open(aliceDir)
	if err := alice.eng.SetSettings(engine.Settings{TypingIndicators: true}); err != nil {
		t.Fatal(err)
	}
	if err := alice.eng.SetContactName(bobID, "Bob"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("Bob in Alice's list", func() bool { return len(alice.sidebar.shown) == 1 && alice.sidebar.shown[0].Approved })
	alice.openConversation(bobID)
	h.waitFor("the conversation to load", func() bool { return alice.conv.loaded })

	entry := alice.conv.composer.entry
	typeInto(entry, "I was about to say")
	waitTyping(t, h, typing, true)
	entry.SetText("")
	waitTyping(t, h, typing, false)
}

// waitTyping drains the views' work until Bob's engine reports want.
func waitTyping(t *testing.T, h *harness, typing <-chan bool, want bool) {
	t.Helper()
	h.waitFor("Bob's engine to report typing "+map[bool]string{true: "on", false: "off"}[want], func() bool {
		for {
			select {
			case got := <-typing:
				if got == want {
					return true
				}
			default:
				return false
			}
		}
	})
}
