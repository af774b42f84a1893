package main

import (
	"path/filepath"
	"strings"
	"testing"

	"allium/network/testnet/testnettest"
)

// TestCLIConfigSync restores an account on a second profile and checks that its name and
// contacts come back from the account's configs, and that an accepted contact is a
// conversation there, not a request.
func TestCLIConfigSync(t *testing.T) {
	r := buildCLI(t)
	tn := testnettest.Start(t, 9, 3)
	dir := t.TempDir()
	alice, bob, second := filepath.Join(dir, "alice"), filepath.Join(dir, "bob"), filepath.Join(dir, "second")
	net := tn.NetworkFile()
	r.ok("--profile", alice, "--network", net, "create", "--name", "Alice")
	bobID := r.ok("--profile", bob, "--network", net, "create", "--name", "Bob")
	r.ok("--profile", alice, "send", bobID, "hello Bob")
	r.ok("--profile", alice, "name", "Alice Liddell")
	if got := r.ok("--profile", alice, "name"); got != "Alice Liddell" {
		t.Fatalf("name printed %q", got)
	}
	phrase := r.ok("--profile", alice, "phrase")
	res := r.run(phrase+"\n", "--profile", second, "--network", net, "restore")
	if res.code != 0 {
		t.Fatalf("restore: %s", res.stderr)
	}
	if got := r.ok("--profile", second, "name"); got != "Alice Liddell" {
		t.Errorf("restored name %q", got)
	}
	if got := r.ok("--profile", second, "contacts"); got != bobID+"\t-\t-\tapproved" {
		t.Errorf("restored contacts %q", got)
	}
	got := r.ok("--profile", second, "conversations")
	if !strings.HasPrefix(got, bobID+"\t") || strings.Contains(got, "request") {
		t.Errorf("restored conversations %q", got)
	}
	r.fails(2, "at most one argument", "--profile", second, "name", "a", "b")
}
