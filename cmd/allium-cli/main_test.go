package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"allium/crypto"
	"allium/network/testnet/testnettest"
)

// buildFlags are extra `go build` flags: -race when the tests run with it, so the binary
// is checked too.
var buildFlags []string

// cliRunner runs the allium-cli binary for one test.
type cliRunner struct {
	t   *testing.T
	bin string
	env []string // added to the test's environment
}

// result is what one run printed and how it exited.
type result struct {
	stdout, stderr string
	code           int
}

func buildCLI(t *testing.T) cliRunner {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "allium-cli")
	args := append(append([]string{"build"}, buildFlags...), "-o", bin, ".")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return cliRunner{t: t, bin: bin}
}

// run runs the binary with stdin and waits at most 45 s for it.
func (r cliRunner) run(stdin string, args ...string) result {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, args...)
	// The tests' profiles keep their keys in key files, never in the keyring of the
	// machine that runs them.
	cmd.Env = append(append(os.Environ(), "ALLIUM_KEYRING=off"), r.env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		r.t.Fatalf("allium-cli %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		r.t.Fatalf("allium-cli %s: no exit after 45 s", strings.Join(args, " "))
	}
	return res
}

// ok runs the binary, fails the test unless it exits 0, and returns its trimmed output.
func (r cliRunner) ok(args ...string) string {
	r.t.Helper()
	res := r.run("", args...)
	if res.code != 0 {
		r.t.Fatalf("allium-cli %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	return strings.TrimSpace(res.stdout)
}

// fails runs the binary and checks it exits with code and says want on stderr.
func (r cliRunner) fails(code int, want string, args ...string) {
	r.t.Helper()
	res := r.run("", args...)
	if res.code != code || !strings.Contains(res.stderr, want) {
		r.t.Errorf("allium-cli %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), res.code, res.stderr, code, want)
	}
}

// start runs the binary in the background; its stdout lines arrive on the channel.
func (r cliRunner) start(args ...string) (*exec.Cmd, <-chan string) {
	r.t.Helper()
	cmd := exec.Command(r.bin, args...)
	cmd.Env = append(append(os.Environ(), "ALLIUM_KEYRING=off"), r.env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		for s := bufio.NewScanner(stdout); s.Scan(); {
			lines <- s.Text()
		}
	}()
	return cmd, lines
}

func TestCLI(t *testing.T) {
	r := buildCLI(t)
	tn := testnettest.Start(t, 9, 3)
	dir := t.TempDir()
	alice, bob := filepath.Join(dir, "alice"), filepath.Join(dir, "bob")
	net := tn.NetworkFile()

	// Accounts. The network given at create is remembered: later commands omit it.
	aliceID := r.ok("--profile", alice, "--network", net, "create", "--name", "Alice")
	if _, err := crypto.ParseSessionID(aliceID); err != nil {
		t.Fatalf("create printed %q: %v", aliceID, err)
	}
	if got := r.ok("--profile", alice, "id"); got != aliceID {
		t.Fatalf("id %q, create said %q", got, aliceID)
	}
	phrase := r.ok("--profile", alice, "phrase")
	words := strings.Fields(phrase)
	if len(words) != crypto.PhraseWords {
		t.Fatalf("phrase %q has %d words", phrase, len(words))
	}
	res := r.run(strings.Join(words[:7], " ")+"\n"+strings.Join(words[7:], " ")+"\n", "--profile", filepath.Join(dir, "restored"), "restore")
	if got := strings.TrimSpace(res.stdout); res.code != 0 || got != aliceID {
		t.Fatalf("restore: exit %d, printed %q (%s); want %s", res.code, got, res.stderr, aliceID)
	}
	typo := mistype(t, words[2])
	bad := append(append(append([]string{}, words[:2]...), typo), words[3:]...)
	res = r.run(strings.Join(bad, " "), "--profile", filepath.Join(dir, "typo"), "restore")
	if res.code != 1 || !strings.Contains(res.stderr, `Word 3, "`+typo+`", is not a recovery phrase word`) {
		t.Fatalf("restore with a typo: exit %d, stderr %q", res.code, res.stderr)
	}
	bobID := r.ok("--profile", bob, "--network", net, "create", "--name", "Bob")

	// Alice writes to Bob, who has never heard of her: a message request for him.
	r.ok("--profile", alice, "send", bobID, "hello Bob")
	line := r.ok("--profile", bob, "receive")
	var got map[string]any
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("receive printed %q: %v", line, err)
	}
	ts, _ := got["timestamp"].(float64)
	if len(got) != 4 || got["from"] != aliceID || got["name"] != "Alice" || got["text"] != "hello Bob" ||
		time.Since(time.UnixMilli(int64(ts))).Abs() > time.Minute {
		t.Fatalf("receive printed %q", line)
	}
	if got := r.ok("--profile", bob, "conversations"); got != aliceID+"\tAlice\t1 unread\trequest\thello Bob" {
		t.Fatalf("conversations: %q", got)
	}
	history := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d\tAlice\t-\thello Bob$`)
	if got := r.ok("--profile", bob, "history", aliceID); !history.MatchString(got) {
		t.Fatalf("history: %q", got)
	}
	r.ok("--profile", bob, "accept", aliceID)
	if got := r.ok("--profile", bob, "conversations"); got != aliceID+"\tAlice\t1 unread\t-\thello Bob" {
		t.Fatalf("conversations after accept: %q", got)
	}

	// Alice waits for messages until interrupted; Bob answers.
	cmd, lines := r.start("--profile", alice, "receive", "--wait", "0")
	r.ok("--profile", bob, "send", aliceID, "hi Alice")
	select {
	case l := <-lines:
		if !strings.Contains(l, `"from":"`+bobID+`","name":"Bob"`) || !strings.Contains(l, `"text":"hi Alice"`) {
			t.Fatalf("receive --wait printed %q", l)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("receive --wait printed nothing")
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := waitExit(cmd); err != nil {
		t.Fatalf("receive --wait after Ctrl+C: %v", err)
	}
	// Disappearing messages: set on one side, the other side follows; an ordinary
	// message does not switch it off.
	if got := r.ok("--profile", alice, "disappear", bobID); got != "off" {
		t.Fatalf("disappear before any change printed %q", got)
	}
	r.ok("--profile", alice, "disappear", bobID, "after-send", "5m")
	if got := r.ok("--profile", alice, "disappear", bobID); got != "after-send 5m0s" {
		t.Fatalf("disappear after setting printed %q", got)
	}
	for i := 0; r.ok("--profile", bob, "disappear", aliceID) != "after-send 5m0s"; i++ {
		if i == 20 {
			t.Fatal("Bob never applied Alice's setting")
		}
		r.ok("--profile", bob, "receive", "--wait", "1s")
	}
	r.ok("--profile", bob, "disappear", aliceID, "after-read", "1h")
	r.ok("--profile", alice, "receive", "--wait", "2s")
	if got := r.ok("--profile", alice, "disappear", bobID); got != "after-read 1h0m0s" {
		t.Fatalf("Alice's setting after Bob's change: %q", got)
	}
	r.ok("--profile", bob, "disappear", aliceID, "off")

	history = regexp.MustCompile(`^\S+ \S+\tme\tsent\thello Bob\n\S+ \S+\tBob\t-\thi Alice$`)
	if got := r.ok("--profile", alice, "history", bobID); !history.MatchString(got) {
		t.Fatalf("Alice's history: %q", got)
	}

	// A message another command happened to fetch is still printed by the next receive,
	// once; what an earlier receive printed is not printed again.
	r.ok("--profile", bob, "send", aliceID, "news for Alice")
	for i := 0; !strings.Contains(r.ok("--profile", alice, "history", bobID), "news for Alice"); i++ {
		if i == 20 {
			t.Fatal("Alice's commands never fetched Bob's news")
		}
		r.ok("--profile", alice, "send", bobID, fmt.Sprintf("ping %d", i))
	}
	if got := r.ok("--profile", alice, "receive"); !strings.Contains(got, `"text":"news for Alice"`) || strings.Contains(got, "hi Alice") {
		t.Fatalf("receive after another command fetched the news: %q", got)
	}
	if got := r.ok("--profile", alice, "receive"); got != "" {
		t.Fatalf("a second receive printed %q", got)
	}

	r.ok("--profile", bob, "block", aliceID)
	if got := r.ok("--profile", bob, "conversations"); !strings.HasPrefix(got, aliceID+"\tAlice\t") || !strings.Contains(got, "\tblocked\t") {
		t.Fatalf("conversations after block: %q", got)
	}

	hop := `127\.0\.0\.1:\d+ \([0-9a-f]{8}\)`
	path := regexp.MustCompile(`^You → ` + hop + ` → ` + hop + ` → ` + hop + `$`)
	for _, l := range strings.Split(r.ok("--profile", bob, "path"), "\n") {
		if !path.MatchString(l) {
			t.Fatalf("path printed %q", l)
		}
	}
}

// mistype changes a phrase word into one that is not in the word list.
func mistype(t *testing.T, w string) string {
	for _, c := range "qxzjkv" {
		if typo := string(c) + string(c) + w; !crypto.PhraseWordKnown(typo) {
			return typo
		}
	}
	t.Fatalf("no typo found for %q", w)
	return ""
}

// waitExit waits for a command started in the background and reports a non-zero exit.
func waitExit(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		return errors.New("no exit after 15 s")
	}
}

func TestErrors(t *testing.T) {
	r := buildCLI(t)
	dir := t.TempDir()
	// A network whose only seed refuses connections: the tests touch no real network.
	dead := filepath.Join(dir, "dead.json")
	if err := os.WriteFile(dead, []byte(`{"name":"dead","seeds":["https://127.0.0.1:1"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "p")
	r.ok("--profile", profile, "--network", dead, "create")
	badID := "05" + strings.Repeat("a", 63) + "g"
	_, sidErr := crypto.ParseSessionID(badID)
	missing := filepath.Join(dir, "missing.json")
	empty := t.TempDir()

	for _, tc := range []struct {
		name string
		code int
		want string
		args []string
	}{
		{"bad Session ID", 1, sidErr.Error(), []string{"--profile", profile, "send", badID, "hi"}},
		{"bad Session ID in history", 1, "A Session ID has 66 characters", []string{"--profile", profile, "history", "05ab"}},
		{"unknown network file", 1, "Can't read the network file " + missing, []string{"--profile", profile, "--network", missing, "id"}},
		{"unknown network file at create", 1, "Can't read the network file " + missing, []string{"--profile", filepath.Join(dir, "new"), "--network", missing, "create"}},
		{"no account", 1, "No account in " + empty + " yet: run `allium-cli create` or `allium-cli restore` first.", []string{"--profile", empty, "id"}},
		{"no profile", 1, "No account in " + filepath.Join(dir, "none") + " yet", []string{"--profile", filepath.Join(dir, "none"), "conversations"}},
		{"account exists", 1, profile + " already has an account", []string{"--profile", profile, "create"}},
		{"unreachable", 1, "Can't reach the network's seed servers, which give the list of its nodes: this computer is connected, but the network you are on may block Session.", []string{"--profile", profile, "path", "--timeout", "2s"}},
		{"no conversation", 1, "No conversation with", []string{"--profile", profile, "accept", strings.Replace(badID, "g", "a", 1)}},
		{"empty message", 1, "The message is empty.", []string{"--profile", profile, "send", strings.Replace(badID, "g", "a", 1), " "}},
		{"no command", 2, "no command", []string{"--profile", profile}},
		{"unknown command", 2, `unknown command "fly"`, []string{"fly"}},
		{"missing argument", 2, "send needs SESSION_ID TEXT", []string{"--profile", profile, "send", badID}},
		{"bad flag", 2, "flag provided but not defined", []string{"--profile", profile, "receive", "--wiat", "1s"}},
		{"disappear without ID", 2, "disappear needs SESSION_ID", []string{"--profile", profile, "disappear"}},
		{"disappear bad mode", 2, `the mode is off, after-send or after-read, not "soon"`, []string{"--profile", profile, "disappear", badID, "soon"}},
		{"disappear bad duration", 2, `"5 minutes" is not a duration`, []string{"--profile", profile, "disappear", badID, "after-read", "5 minutes"}},
		{"disappear off with duration", 2, "off takes no duration", []string{"--profile", profile, "disappear", badID, "off", "5m"}},
	} {
		t.Run(tc.name, func(t *testing.T) { cliRunner{t: t, bin: r.bin}.fails(tc.code, tc.want, tc.args...) })
	}
	if _, err := os.Stat(filepath.Join(dir, "none")); err == nil {
		t.Error("a command on a missing profile created it")
	}

	if got := r.ok("-h"); !strings.Contains(got, "allium-cli [--profile DIR] [--network session|FILE] COMMAND") {
		t.Errorf("-h printed %q", got)
	}

	// While one process has the profile open, another is told so.
	cmd, _ := r.start("--profile", profile, "receive", "--wait", "0")
	deadline := time.Now().Add(10 * time.Second)
	for res := r.run("", "--profile", profile, "id"); !strings.Contains(res.stderr, "is open in another program"); res = r.run("", "--profile", profile, "id") {
		if time.Now().After(deadline) {
			t.Fatalf("profile in use: exit %d, stderr %q", res.code, res.stderr)
		}
	}
	// Ctrl+C closes the engine: the profile opens again at once.
	cmd.Process.Signal(syscall.SIGINT)
	if err := waitExit(cmd); err != nil {
		t.Fatalf("receive after Ctrl+C: %v", err)
	}
	r.ok("--profile", profile, "id")
}
