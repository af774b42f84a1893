package engine_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"allium/engine"
	"allium/network/testnet/testnettest"
)

// unreachableNetwork writes a network file whose only seed refuses connections.
func unreachableNetwork(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	path := filepath.Join(t.TempDir(), "network.json")
	if err := os.WriteFile(path, []byte(`{"name":"blocked","seeds":["https://`+addr+`"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// On a network that can't be reached, the engine says which step fails, keeps the
// message queued, and Cancel takes it out of the outbox and off the conversation.
func TestUnreachableSaysWhyAndCancel(t *testing.T) {
	netFile := unreachableNetwork(t)
	dir := t.TempDir()
	if _, err := engine.Create(dir, netFile, "Mona"); err != nil {
		t.Fatal(err)
	}
	u := &user{t: t, dir: dir, net: netFile}
	u.openWith(engine.Options{Dir: dir, Network: netFile, PollActive: 200 * time.Millisecond})
	u.waitEvent("offline because of the seeds", func(ev engine.Event) bool {
		c, ok := ev.(engine.ConnectionChanged)
		return ok && c.Status == engine.Offline && c.Problem == engine.ProblemSeeds
	})
	if u.e.Problem() != engine.ProblemSeeds {
		t.Fatalf("Problem() = %v", u.e.Problem())
	}

	peer := newUser(t, testnettest.Start(t, 3, 3), "Nils")
	m, err := u.e.Send(peer.id, "are you there?")
	if err != nil {
		t.Fatal(err)
	}
	if err := u.e.Cancel(peer.id, m.Timestamp); err != nil {
		t.Fatal(err)
	}
	u.waitEvent("the cancelled message to go", func(ev engine.Event) bool {
		d, ok := ev.(engine.MessageDeleted)
		return ok && d.Timestamp == m.Timestamp
	})
	if msgs, _ := u.e.Messages(peer.id, 0, 10); len(msgs) != 0 {
		t.Fatalf("the cancelled message is still there: %v", msgs)
	}
	if err := u.e.Cancel(peer.id, m.Timestamp); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("second cancel: %v, want ErrNotFound", err)
	}
}

// A message that has left can't be cancelled.
func TestCancelSent(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	m, err := alice.e.Send(bob.id, "on its way")
	if err != nil {
		t.Fatal(err)
	}
	alice.waitState(m.Timestamp, engine.Sent)
	if err := alice.e.Cancel(bob.id, m.Timestamp); !errors.Is(err, engine.ErrAlreadySent) {
		t.Fatalf("cancel of a sent message: %v, want ErrAlreadySent", err)
	}
}
