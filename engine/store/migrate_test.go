//go:build !windows

package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// markerID is a Session ID whose bytes look random, so a scan cannot find it by chance.
func markerID(seed string) crypto.SessionID {
	var s crypto.SessionID
	h := sha256.Sum256([]byte(seed))
	s[0] = byte(crypto.PrefixStandard)
	copy(s[1:], h[:])
	return s
}

var (
	v1Me    = markerID("me")
	v1Peer  = markerID("peer")
	v1Seed  = []byte("MarkerSeed-16byt")
	v1Texts = []string{"MarkerOne the first text", "MarkerTwo the second", "MarkerThree read later", "MarkerFour disappears"}
)

// writeV1 writes a profile of schema version 1, as Allium wrote them before encryption at
// rest: every bucket in the clear.
func writeV1(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		meta.Put(keyVersion, binary.BigEndian.AppendUint32(nil, 1))
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		for i, text := range v1Texts {
			m := Message{Conversation: v1Peer, Author: v1Peer, Timestamp: int64(1000 + i), Received: 5000,
				Direction: Incoming, State: Read, Body: text, Hash: "MarkerHash" + text[:8]}
			if i == 0 {
				m.Author, m.Direction, m.State = v1Me, Outgoing, Sent
			}
			if i == 2 {
				m.State, m.Unread = Received, true
			}
			if i == 3 {
				m.ExpiresAt, m.ExpireMode, m.ExpireTimer = 90_000, ExpireAfterSend, 60
			}
			k := m.key()
			tx.Bucket(bucketMessages).Put(k[:], appendMessage(nil, &m))
			if m.Unread {
				tx.Bucket(bucketUnread).Put(k[:], nil)
			}
			if m.ExpiresAt != 0 {
				tx.Bucket(bucketExpiries).Put(append(binary.BigEndian.AppendUint64(nil, uint64(m.ExpiresAt)), k[:]...), nil)
			}
		}
		c, _ := json.Marshal(convRecord{Name: "MarkerPeerName", LastBody: v1Texts[3], LastAt: 1003, LastState: Read, Unread: 1, Approved: true})
		tx.Bucket(bucketConversations).Put(v1Peer[:], c)
		tx.Bucket(bucketAccount).Put([]byte("seed"), v1Seed)
		tx.Bucket(bucketAccount).Put([]byte("name"), []byte("MarkerMyName"))
		tx.Bucket(bucketHashes).Put([]byte("MarkerHashSeen"), binary.BigEndian.AppendUint64(nil, 7000))
		tx.Bucket(bucketHashExpiries).Put(append(binary.BigEndian.AppendUint64(nil, 7000), "MarkerHashSeen"...), nil)
		ob := tx.Bucket(bucketOutbox)
		ob.SetSequence(41)
		it := OutboxItem{ID: 41, Recipient: v1Peer, Payload: []byte("MarkerPayload"), TTL: 1000, Conversation: v1Peer, Timestamp: 1000}
		ob.Put(outboxKey(41), appendOutboxItem(nil, &it))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var v1Markers = [][]byte{[]byte("Marker"), v1Me[:], v1Peer[:], []byte(hex.EncodeToString(v1Peer[:])), v1Seed}

// checkMigrated opens dir and checks that everything writeV1 wrote is there, and that no
// file of the profile holds any of it in the clear.
func checkMigrated(t *testing.T, dir string) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() int64 { return 10_000 }
	ms, err := s.Messages(v1Peer, 0, 0)
	if err != nil || len(ms) != len(v1Texts) {
		t.Fatalf("%d messages, %v", len(ms), err)
	}
	for i, m := range ms {
		if m.Body != v1Texts[i] || m.Timestamp != int64(1000+i) {
			t.Fatalf("message %d is %+v", i, m)
		}
	}
	if ms[0].Author != v1Me || ms[1].Author != v1Peer {
		t.Fatalf("authors %x, %x", ms[0].Author, ms[1].Author)
	}
	c, ok, err := s.Conversation(v1Peer)
	if err != nil || !ok || c.Name != "MarkerPeerName" || c.Unread != 1 {
		t.Fatalf("conversation %+v, %v, %v", c, ok, err)
	}
	if seed, _, err := s.Get(Account, "seed"); err != nil || !bytes.Equal(seed, v1Seed) {
		t.Fatalf("seed %q, %v", seed, err)
	}
	if seen, err := s.SeenHash("MarkerHashSeen"); err != nil || !seen {
		t.Fatalf("hash seen %v, %v", seen, err)
	}
	items, err := s.Outbox()
	if err != nil || len(items) != 1 || items[0].ID != 41 || string(items[0].Payload) != "MarkerPayload" {
		t.Fatalf("outbox %+v, %v", items, err)
	}
	// The indexes were rebuilt: the unread message is found, the expired one is due.
	if read, err := s.MarkRead(v1Peer, 2000); err != nil || len(read) != 1 || read[0] != 1002 {
		t.Fatalf("mark read: %v, %v", read, err)
	}
	if exp, err := s.ExpiredMessages(100_000); err != nil || len(exp) != 1 || exp[0].Body != v1Texts[3] {
		t.Fatalf("expired: %+v, %v", exp, err)
	}
	if n, err := s.PruneHashes(8000); err != nil || n != 1 {
		t.Fatalf("pruned %d hashes, %v", n, err)
	}
	// A new enqueue continues the old sequence.
	if id, err := s.Enqueue(OutboxItem{Recipient: v1Peer, Payload: []byte("x"), TTL: 1}); err != nil || id != 42 {
		t.Fatalf("enqueue: %d, %v", id, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	names := scanDir(t, dir, v1Markers)
	for _, n := range names {
		if n != FileName && n != "profile.key" {
			t.Errorf("the profile still has %s after migrating", n)
		}
	}
}

// scanDir fails the test for any marker in any file under dir and returns the files' names.
func scanDir(t *testing.T, dir string, markers [][]byte) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, d.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range markers {
			if i := bytes.Index(b, m); i >= 0 {
				t.Errorf("%s holds %q at byte %d", d.Name(), m, i)
			}
		}
		return nil
	})
	return names
}

// TestMigrateV1 encrypts a schema-1 profile in place, and checks that the test's scan does
// see the markers in the file it started from.
func TestMigrateV1(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	writeV1(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v1Markers {
		if !bytes.Contains(b, m) && !bytes.Equal(m, []byte(hex.EncodeToString(v1Peer[:]))) {
			t.Fatalf("the schema-1 file does not hold %q: the scan below would prove nothing", m)
		}
	}
	checkMigrated(t, dir)
}

const (
	killDirEnv   = "ALLIUM_TEST_MIGRATE_DIR"
	killPointEnv = "ALLIUM_TEST_MIGRATE_KILL"
)

// TestHelperMigrateAndDie is the child of TestMigrateSurvivesKill: it opens the profile
// and kills itself with SIGKILL at the named point of the migration.
func TestHelperMigrateAndDie(t *testing.T) {
	dir := os.Getenv(killDirEnv)
	if dir == "" {
		t.Skip("only run by TestMigrateSurvivesKill")
	}
	point := os.Getenv(killPointEnv)
	migrateHook = func(p string) {
		if p == point {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	Open(dir)
	t.Fatalf("the migration never reached %q", point)
}

// TestMigrateSurvivesKill kills a process with SIGKILL at every point of a migration, and
// checks that the next Open finishes it with nothing lost and nothing left in the clear.
func TestMigrateSurvivesKill(t *testing.T) {
	for _, point := range []string{"start", "key", "renamed", "copying", "written", "installed", "done"} {
		t.Run(point, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "profile")
			writeV1(t, dir)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMigrateAndDie$")
			cmd.Env = append(os.Environ(), killDirEnv+"="+dir, killPointEnv+"="+point)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the child was not killed: %v\n%s", err, out)
			}
			checkMigrated(t, dir)
		})
	}
}
