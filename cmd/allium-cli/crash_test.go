package main

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"allium/network/testnet/testnettest"
)

// TestKilledSends kills `allium-cli send` at random moments, as a crash or a closed
// laptop would, and checks that no message is lost or stuck: after one more send that is
// left to finish, every message the history shows is sent, none shows twice, and the
// recipient receives each one exactly once.
func TestKilledSends(t *testing.T) {
	r := buildCLI(t)
	tn := testnettest.Start(t, 9, 3)
	dir := t.TempDir()
	alice, bob := filepath.Join(dir, "alice"), filepath.Join(dir, "bob")
	net := tn.NetworkFile()
	r.ok("--profile", alice, "--network", net, "create", "--name", "Alice")
	bobID := r.ok("--profile", bob, "--network", net, "create", "--name", "Bob")
	r.ok("--profile", alice, "send", bobID, "warm-up") // paths and the clock are known from here

	const kills = 12
	for i := range kills {
		cmd := exec.Command(r.bin, "--profile", alice, "send", bobID, fmt.Sprintf("message %d", i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
	}
	r.ok("--profile", alice, "send", bobID, "last")

	history := r.ok("--profile", alice, "history", bobID)
	sent := map[string]bool{}
	for _, line := range strings.Split(history, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("history line %q", line)
		}
		if f[2] != "sent" {
			t.Errorf("%q is %s after the last send finished", f[3], f[2])
		}
		if sent[f[3]] {
			t.Errorf("%q shows twice", f[3])
		}
		sent[f[3]] = true
	}
	// Bob receives what Alice's history shows, each once.
	got := map[string]int{}
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < len(sent) && time.Now().Before(deadline) {
		out := r.ok("--profile", bob, "receive", "--wait", "2s")
		for _, line := range strings.Split(out, "\n") {
			if i := strings.Index(line, `"text":"`); i >= 0 {
				got[strings.TrimSuffix(line[i+8:], `"}`)]++
			}
		}
	}
	for text := range sent {
		if got[text] != 1 {
			t.Errorf("bob received %q %d times", text, got[text])
		}
	}
	t.Logf("%d of %d killed sends got as far as the outbox", len(sent)-2, kills)
}
