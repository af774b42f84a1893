package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPassphrase sets, uses, changes and removes a profile's passphrase from the command
// line; a wrong or missing passphrase is a plain sentence and changes nothing.
func TestPassphrase(t *testing.T) {
	r := buildCLI(t)
	dir := filepath.Join(t.TempDir(), "profile")
	id := r.ok("--profile", dir, "create", "--name", "Alice")
	if res := r.run("short\n", "--profile", dir, "passphrase", "set"); res.code != 1 || !strings.Contains(res.stderr, "too short") {
		t.Fatalf("short passphrase: exit %d, %q", res.code, res.stderr)
	}
	if res := r.run("first passphrase\n", "--profile", dir, "passphrase", "set"); res.code != 0 || !strings.Contains(res.stdout, "recovery phrase") {
		t.Fatalf("set: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	r.fails(1, "protected by a passphrase. Give it with --passphrase-file", "--profile", dir, "id")

	with := func(env ...string) cliRunner { return cliRunner{t: t, bin: r.bin, env: env} }
	if got := with("ALLIUM_PASSPHRASE=first passphrase").ok("--profile", dir, "id"); got != id {
		t.Fatalf("id with the passphrase: %q, want %q", got, id)
	}
	with("ALLIUM_PASSPHRASE=wrong passphrase").fails(1, "That passphrase is not the one", "--profile", dir, "id")
	file := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(file, []byte("first passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := r.ok("--profile", dir, "--passphrase-file", file, "phrase"); len(strings.Fields(got)) != 13 {
		t.Fatalf("phrase with the passphrase file: %q", got)
	}
	r.fails(1, "Can't read the passphrase file", "--profile", dir, "--passphrase-file", file+".missing", "id")

	if res := r.run("not it\nsecond passphrase\n", "--profile", dir, "passphrase", "change"); res.code != 1 || !strings.Contains(res.stderr, "Nothing was changed") {
		t.Fatalf("change with a wrong passphrase: exit %d, %q", res.code, res.stderr)
	}
	if res := r.run("first passphrase\nsecond passphrase\n", "--profile", dir, "passphrase", "change"); res.code != 0 {
		t.Fatalf("change: exit %d, %q", res.code, res.stderr)
	}
	with("ALLIUM_PASSPHRASE=first passphrase").fails(1, "That passphrase is not the one", "--profile", dir, "id")
	if got := with("ALLIUM_PASSPHRASE=second passphrase").ok("--profile", dir, "id"); got != id {
		t.Fatalf("id after the change: %q", got)
	}
	if res := r.run("second passphrase\n", "--profile", dir, "passphrase", "remove"); res.code != 0 || !strings.Contains(res.stdout, "anyone who copies the profile folder") {
		t.Fatalf("remove: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	if got := r.ok("--profile", dir, "id"); got != id {
		t.Fatalf("id without a passphrase: %q", got)
	}
	r.fails(1, "has no passphrase", "--profile", dir, "passphrase", "remove")
	r.fails(1, "No account", "--profile", filepath.Join(dir, "none"), "passphrase", "set")
}
