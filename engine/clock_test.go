package engine_test

import (
	"testing"
	"time"

	"allium/engine"
	"allium/engine/enginetest"
	"allium/network/testnet/testnettest"
)

// TestWrongClock sends from computers whose clocks are an hour ahead and an hour behind:
// the message is delivered, and dated by network time, not by the wrong clock.
func TestWrongClock(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	bob := newUser(t, tn, "Bob")
	for name, skew := range map[string]time.Duration{"fast": time.Hour, "slow": -time.Hour} {
		t.Run(name, func(t *testing.T) {
			dir, _ := enginetest.User(t, tn, "Alice "+name)
			e, err := engine.Open(engine.Options{Dir: dir, Network: tn.NetworkFile(), Clock: func() time.Time { return time.Now().Add(skew) }})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			m, err := e.Send(bob.id, "sent with a "+name+" clock")
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(time.UnixMilli(m.Timestamp)).Abs(); d > time.Minute {
				t.Errorf("the message is dated %v away from the network's time", d)
			}
			deadline := time.After(30 * time.Second)
			for {
				select {
				case ev := <-e.Events():
					if s, ok := ev.(engine.MessageStatusChanged); ok && s.Timestamp == m.Timestamp {
						if s.State == engine.Failed {
							t.Fatalf("the message failed: %v", s.Failure)
						}
						if s.State == engine.Sent {
							return
						}
					}
				case <-deadline:
					t.Fatal("the message was not sent")
				}
			}
		})
	}
}
