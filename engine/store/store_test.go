package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// testNow is the clock of stores made by newStore, in ms.
const testNow int64 = 1_700_000_000_000

// newStore opens a store in a fresh directory with a fixed clock and closes it at the end
// of the test.
func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "profile")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() int64 { return testNow }
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// reopen closes s and opens its directory again.
func reopen(t testing.TB, s *Store, dir string) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() int64 { return testNow }
	t.Cleanup(func() { s.Close() })
	return s
}

// id returns a distinct Session ID for n.
func id(n byte) crypto.SessionID {
	var s crypto.SessionID
	s[0] = byte(crypto.PrefixStandard)
	s[1], s[32] = n, n
	return s
}

var (
	me    = id(1)
	alice = id(2)
	bob   = id(3)
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	_, dir := newStore(t)
	for _, c := range []struct {
		name string
		path string
		mode os.FileMode
	}{
		{"directory", dir, 0o700 | os.ModeDir},
		{"database", filepath.Join(dir, FileName), 0o600},
	} {
		t.Run(c.name, func(t *testing.T) {
			fi, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode() != c.mode {
				t.Errorf("mode = %v, want %v", fi.Mode(), c.mode)
			}
		})
	}
}

func TestCloseIdempotent(t *testing.T) {
	s, _ := newStore(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if _, err := s.Conversations(); !errors.Is(err, ErrClosed) {
		t.Errorf("Conversations after Close = %v, want ErrClosed", err)
	}
	if _, err := s.AddMessage(Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming}); !errors.Is(err, ErrClosed) {
		t.Errorf("AddMessage after Close = %v, want ErrClosed", err)
	}
}

// TestOpenInUse opens a profile twice in this process. bbolt's lock is a flock, which
// belongs to an open file rather than to the process, so the second Open waits for it and
// gives up after its one-second timeout.
func TestOpenInUse(t *testing.T) {
	s, dir := newStore(t)
	start := time.Now()
	s2, err := Open(dir)
	if err == nil {
		s2.Close()
		t.Fatal("second Open succeeded while the profile was open")
	}
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open = %v, want ErrInUse", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second Open took %v", d)
	}
	if err.Error() != "store: this profile is already open in another Allium window or process" {
		t.Errorf("message = %q", err)
	}
	reopen(t, s, dir) // closing releases the lock
}

// holdEnv names the directory TestHelperHoldStore holds open in a child process.
const holdEnv = "ALLIUM_STORE_TEST_HOLD"

// TestHelperHoldStore is not a test: TestOpenInUseOtherProcess runs the test binary with
// holdEnv set, and this opens the store, says so, and holds it until stdin closes.
func TestHelperHoldStore(t *testing.T) {
	dir := os.Getenv(holdEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os.Stdout.WriteString("open\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
}

func TestOpenInUseOtherProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldStore$")
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "open\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	if s, err := Open(dir); !errors.Is(err, ErrInUse) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("Open while another process holds it = %v, want ErrInUse", err)
	}
}

func TestOpenSchema(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(tx *bolt.Tx) error
		want  error
	}{
		{"newer version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyVersion, binary.BigEndian.AppendUint32(nil, schemaVersion+1))
		}, ErrSchema},
		{"version zero", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyVersion, binary.BigEndian.AppendUint32(nil, 0))
		}, ErrSchema},
		{"no version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Delete(keyVersion)
		}, ErrCorrupt},
		{"missing bucket", func(tx *bolt.Tx) error {
			return tx.DeleteBucket(bucketOutbox)
		}, ErrCorrupt},
		{"another program's file", func(tx *bolt.Tx) error {
			if err := tx.DeleteBucket(bucketMeta); err != nil {
				return err
			}
			_, err := tx.CreateBucket([]byte("theirs"))
			return err
		}, ErrSchema},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, dir := newStore(t)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(c.setup); err != nil {
				t.Fatal(err)
			}
			db.Close()
			s, err = Open(dir)
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Open = %v, want %v", err, c.want)
			}
			// The failed Open released the file.
			db, err = bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{Timeout: 100 * time.Millisecond})
			if err != nil {
				t.Fatalf("file still locked after failed Open: %v", err)
			}
			db.Close()
		})
	}
}

func TestReopenKeepsData(t *testing.T) {
	s, dir := newStore(t)
	if _, err := s.AddMessage(Message{Conversation: alice, Author: alice, Timestamp: 5, Direction: Incoming, Body: "hi", Unread: true}); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, dir)
	m, ok, err := s.Message(alice, alice, 5)
	if err != nil || !ok || m.Body != "hi" {
		t.Fatalf("Message after reopen = %+v, %v, %v", m, ok, err)
	}
	c, ok, err := s.Conversation(alice)
	if err != nil || !ok || c.Unread != 1 {
		t.Fatalf("Conversation after reopen = %+v, %v, %v", c, ok, err)
	}
}
