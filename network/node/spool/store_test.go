package spool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"allium/network"
)

// t0 is the tests' "now" in ms since the epoch, and day one day in ms.
const (
	t0  = int64(1_750_000_000_000)
	day = int64(24 * 3600 * 1000)
)

// clock is a test clock in ms that tests move by hand.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time { return time.UnixMilli(c.ms.Load()) }
func (c *clock) set(ms int64)   { c.ms.Store(ms) }

// openTest opens a store in a fresh directory with a clock at t0; it is closed and its
// indexes checked when the test ends.
func openTest(t testing.TB) (*Store, *clock) {
	t.Helper()
	c := new(clock)
	c.set(t0)
	s, err := OpenWithOptions(filepath.Join(t.TempDir(), "messages.db"), Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if tt, ok := t.(*testing.T); ok && !tt.Failed() {
			checkIndexes(tt, s)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, c
}

// account returns a test account key: prefix 05, then 32 bytes of b.
func account(b byte) [33]byte {
	var pk [33]byte
	pk[0] = 0x05
	for i := 1; i < len(pk); i++ {
		pk[i] = b
	}
	return pk
}

// msg returns a message for (pk, ns) with its real hash, timestamp t0 and a day to live.
func msg(pk [33]byte, ns network.Namespace, data string) Message {
	return Message{
		Pubkey:    pk,
		Namespace: ns,
		Hash:      network.MessageHash(pk, ns, []byte(data)),
		Timestamp: t0,
		Expiry:    t0 + day,
		Data:      []byte(data),
	}
}

func mustPut(t testing.TB, s *Store, ms ...Message) {
	t.Helper()
	for _, m := range ms {
		ok, err := s.Put(m)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("Put(%q): already stored", m.Data)
		}
	}
}

func hashesOf(ms []Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Hash
	}
	return out
}

// checkIndexes checks the invariants tying the buckets together: every message has its hash,
// sequence and expiry entries and nothing else does, the count matches, and every tombstone
// has exactly its index entry.
func checkIndexes(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		b := bind(tx, 0)
		n := 0
		err := b.msgs().ForEach(func(k, v []byte) error {
			n++
			rec, ok := decodeRecord(v)
			if !ok || len(k) != msgKeyLen {
				return fmt.Errorf("bad record under %x", k)
			}
			var key msgKey
			copy(key[:], k)
			var sk [8]byte
			putSeq(sk[:], key.seq())
			for _, c := range []struct {
				name string
				got  []byte
			}{
				{"hashes", b.hashes().Get(rec.hash)},
				{"sequence", b.seqs().Get(sk[:])},
				{"expiries", b.exps().Get(expKey(rec.expiry, key.seq()))},
			} {
				if !bytes.Equal(c.got, k) {
					return fmt.Errorf("%s entry of %x is %x", c.name, k, c.got)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, c := range []struct {
			name string
			b    *bolt.Bucket
		}{{"hashes", b.hashes()}, {"sequence", b.seqs()}, {"expiries", b.exps()}} {
			if got := c.b.Stats().KeyN; got != n {
				return fmt.Errorf("%s has %d entries for %d messages", c.name, got, n)
			}
		}
		if got := int(binary.BigEndian.Uint64(b.meta().Get(keyCount))); got != n {
			return fmt.Errorf("count is %d, %d messages stored", got, n)
		}
		tombs := 0
		err = b.tombs().ForEach(func(h, v []byte) error {
			tombs++
			if b.tombExps().Get(tombExpKey(getInt64(v), h)) == nil {
				return fmt.Errorf("tombstone %s has no index entry", h)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if got := b.tombExps().Stats().KeyN; got != tombs {
			return fmt.Errorf("%d tombstone index entries for %d tombstones", got, tombs)
		}
		return nil
	})
	if err != nil {
		t.Error("indexes:", err)
	}
}

func TestOpenCreatesFileMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "messages.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode %v, want 0600", got)
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "messages.db")
	if s, err := Open(path); err == nil {
		s.Close()
		t.Fatal("Open in a missing directory succeeded")
	} else if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "messages.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := account(1)
	// Expiry far ahead: this store runs on the real clock.
	m := msg(a, 0, "kept")
	m.Expiry = time.Now().Add(time.Hour).UnixMilli()
	mustPut(t, s, m)
	first, _, err := s.Retrieve(a, 0, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, _, err := s.Retrieve(a, 0, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Hash != m.Hash || string(got[0].Data) != "kept" ||
		got[0].Timestamp != m.Timestamp || got[0].Expiry != m.Expiry || got[0].Seq != first[0].Seq {
		t.Fatalf("after reopen: %+v", got)
	}
	if n, err := s.Count(); err != nil || n != 1 {
		t.Fatalf("Count = %d, %v; want 1", n, err)
	}
	// The sequence survives too: a new message comes after the old one.
	m2 := msg(a, 0, "new")
	m2.Expiry = m.Expiry
	mustPut(t, s, m2)
	got, _, err = s.Retrieve(a, 0, m.Hash, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Hash != m2.Hash || got[0].Seq <= first[0].Seq {
		t.Fatalf("after reopen, new message: %+v", got)
	}
}

func TestOpenRefusesOtherDatabases(t *testing.T) {
	tests := []struct {
		name  string
		setup func(tx *bolt.Tx) error
		want  error
	}{
		{"newer schema version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketNames[iMeta]).Put(keyVersion, binary.BigEndian.AppendUint32(nil, schemaVersion+1))
		}, ErrSchemaVersion},
		{"schema version missing", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketNames[iMeta]).Delete(keyVersion)
		}, ErrCorrupt},
		{"bucket missing", func(tx *bolt.Tx) error {
			return tx.DeleteBucket(bucketNames[iHashes])
		}, ErrCorrupt},
		{"some other bbolt database", func(tx *bolt.Tx) error {
			for _, name := range bucketNames {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
			_, err := tx.CreateBucket([]byte("contacts"))
			return err
		}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "messages.db")
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(tt.setup); err != nil {
				t.Fatal(err)
			}
			db.Close()

			s, err = Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open: %v, want %v", err, tt.want)
			}
			// The failed Open released the file.
			db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 100 * time.Millisecond})
			if err != nil {
				t.Fatalf("file still held after a failed Open: %v", err)
			}
			db.Close()
		})
	}
}

func TestOpenWhileOpen(t *testing.T) {
	// bbolt's lock is flock(2) on its own file descriptor, so a second Open conflicts
	// within one process just as from another.
	path := filepath.Join(t.TempDir(), "messages.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	s2, err := Open(path)
	if err == nil {
		s2.Close()
		t.Fatal("second Open succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second Open took %v", d)
	}
	if !errors.Is(err, ErrInUse) {
		t.Errorf("second Open: %v, want ErrInUse", err)
	}
	if want := fmt.Sprintf("spool: %s is in use by another process", path); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "messages.db"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	a := account(1)
	calls := []struct {
		name string
		call func() error
	}{
		{"Put", func() error { _, err := s.Put(msg(a, 0, "x")); return err }},
		{"Retrieve", func() error { _, _, err := s.Retrieve(a, 0, "", 0, 0); return err }},
		{"Count", func() error { _, err := s.Count(); return err }},
		{"PruneExpired", func() error { _, err := s.PruneExpired(t0); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", c.name, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s, _ := openTest(t)
	a := account(1)
	const writers, each = 4, 25
	done := make(chan error, writers+1)
	for w := range writers {
		go func() {
			for i := range each {
				if _, err := s.Put(msg(a, 0, fmt.Sprintf("w%d-%d", w, i))); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	go func() {
		last := ""
		for range 50 {
			ms, _, err := s.Retrieve(a, 0, last, 10, 0)
			if err != nil {
				done <- err
				return
			}
			if len(ms) > 0 {
				last = ms[len(ms)-1].Hash
			}
		}
		done <- nil
	}()
	for range writers + 1 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := s.Retrieve(a, 0, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != writers*each {
		t.Fatalf("%d messages, want %d", len(got), writers*each)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("Seq not increasing at %d: %d then %d", i, got[i-1].Seq, got[i].Seq)
		}
	}
}
