package engine_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/network/node"
	"allium/network/testnet/testnettest"
)

// collect waits until u has received n messages from someone and returns their bodies in
// the order the store keeps them (sent time).
func collect(t *testing.T, u *user, from crypto.SessionID, n int) []string {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for {
		msgs, err := u.e.Messages(from, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) >= n || time.Now().After(deadline) {
			var out []string
			for _, m := range msgs {
				out = append(out, m.Body)
			}
			if len(out) < n {
				t.Fatalf("got %d of %d messages: %q", len(out), n, out)
			}
			return out
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func expectBodies(t *testing.T, got []string, prefix string, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d messages, want %d: %q", len(got), n, got)
	}
	for i, b := range got {
		if want := fmt.Sprintf("%s %d", prefix, i); b != want {
			t.Fatalf("message %d is %q, want %q (all: %q)", i, b, want, got)
		}
	}
}

func TestOfflineDelivery(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	bob.close()
	var last engine.Message
	for i := 0; i < 5; i++ {
		m, err := alice.e.Send(bob.id, fmt.Sprintf("while you were away %d", i))
		if err != nil {
			t.Fatal(err)
		}
		last = m
	}
	alice.waitState(last.Timestamp, engine.Sent)
	bob.open()
	expectBodies(t, collect(t, bob, alice.id, 5), "while you were away", 5)
	// Nothing shows twice, even after more polls and a restart.
	time.Sleep(time.Second)
	bob.close()
	bob.open()
	time.Sleep(time.Second)
	expectBodies(t, collect(t, bob, alice.id, 5), "while you were away", 5)
}

func TestNodeFailures(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	m, _ := alice.e.Send(bob.id, "before 0")
	bob.waitMessage("before 0")
	alice.waitState(m.Timestamp, engine.Sent)

	// Stop the middle node of Alice's first path and a member of Bob's swarm.
	paths := alice.e.Paths()
	if len(paths) == 0 {
		t.Fatal("no paths")
	}
	stopped := map[int]bool{}
	stop := func(ed [32]byte) {
		for i, e := range tn.Registry().Nodes {
			if e.Ed25519 == fmt.Sprintf("%x", ed[:]) && !stopped[i] {
				if err := tn.StopNode(i); err != nil {
					t.Fatal(err)
				}
				stopped[i] = true
			}
		}
	}
	stop(paths[0].Nodes[1].Ed25519)
	// And one member of Bob's swarm (not the one Alice's path guards with).
	reg, err := node.NewRegistry(tn.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range reg.Members(reg.SwarmFor([33]byte(bob.id))) {
		if p.Ed25519 != paths[0].Nodes[0].Ed25519 {
			stop(p.Ed25519)
			break
		}
	}
	for i := 0; i < 6; i++ {
		if _, err := alice.e.Send(bob.id, fmt.Sprintf("after %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	got := collect(t, bob, alice.id, 7)
	want := []string{"before 0", "after 0", "after 1", "after 2", "after 3", "after 4", "after 5"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("bob has %q", got)
	}
}

// TestKilledSenderResumes kills a sender process while its messages are still in the
// outbox (the network is down), then opens the profile again: each message arrives once.
func TestKilledSenderResumes(t *testing.T) {
	if os.Getenv("ALLIUM_SENDER_DIR") != "" {
		runSenderProcess()
		return
	}
	tn := testnettest.Start(t, 6, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	alice.close()
	for i := 0; i < tn.Len(); i++ {
		tn.StopNode(i)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSenderResumes$")
	cmd.Env = append(os.Environ(), "ALLIUM_SENDER_DIR="+alice.dir, "ALLIUM_SENDER_NET="+alice.net, "ALLIUM_SENDER_TO="+bob.id.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.Contains(string(buf[:n]), "queued") {
		cmd.Process.Kill()
		t.Fatalf("sender said %q", buf[:n])
	}
	cmd.Process.Kill() // no Close, no goodbye
	cmd.Wait()

	for i := 0; i < tn.Len(); i++ {
		if err := tn.StartNode(i); err != nil {
			t.Fatal(err)
		}
	}
	alice.open()
	expectBodies(t, collect(t, bob, alice.id, 3), "queued", 3)
	time.Sleep(2 * time.Second)
	expectBodies(t, collect(t, bob, alice.id, 3), "queued", 3)
}

func runSenderProcess() {
	e, err := engine.Open(engine.Options{Dir: os.Getenv("ALLIUM_SENDER_DIR"), Network: os.Getenv("ALLIUM_SENDER_NET")})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	to, _ := crypto.ParseSessionID(os.Getenv("ALLIUM_SENDER_TO"))
	for i := 0; i < 3; i++ {
		if _, err := e.Send(to, fmt.Sprintf("queued %d", i)); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
	}
	fmt.Println("queued")
	time.Sleep(time.Minute)
}

func TestRestoreReceivesSwarmMessages(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	alice := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	bob.close()
	phrase := func() string {
		bob.open()
		defer bob.close()
		return bob.e.Phrase()
	}()
	m, _ := alice.e.Send(bob.id, "for whoever holds the phrase 0")
	alice.waitState(m.Timestamp, engine.Sent)

	dir := t.TempDir()
	id, err := engine.Restore(dir, tn.NetworkFile(), phrase, "Bob again")
	if err != nil {
		t.Fatal(err)
	}
	if id.SessionID() != bob.id {
		t.Fatalf("restored %s, want %s", id.SessionID(), bob.id)
	}
	restored := &user{t: t, dir: dir, net: tn.NetworkFile(), id: bob.id}
	restored.open()
	expectBodies(t, collect(t, restored, alice.id, 1), "for whoever holds the phrase", 1)
}
