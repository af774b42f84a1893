package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"allium/engine/vault"
)

// TestWrongKey: a profile whose key file holds another key is ErrWrongKey, not a crash or
// a profile that looks empty.
func TestWrongKey(t *testing.T) {
	s, dir := newStore(t)
	if _, err := s.AddMessage(Message{Conversation: alice, Author: alice, Timestamp: 1, Direction: Incoming, Body: "hi"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	vault.Lock(dir)
	other := filepath.Join(t.TempDir(), "other")
	if _, err := vault.ProfileKey(other, true); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(other, vault.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := vault.WriteFileSync(filepath.Join(dir, vault.FileName), b); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open = %v, want ErrWrongKey", err)
	}
}

// TestSealedValuesCannotMove: a value moved under another key no longer opens, so an
// attacker who can write the file cannot give one contact another's name.
func TestSealedValuesCannotMove(t *testing.T) {
	s, dir := newStore(t)
	for _, c := range []struct {
		id   [33]byte
		name string
	}{{alice, "Alice"}, {bob, "Bob"}} {
		if _, err := s.UpdateConversation(c.id, func(cv *Conversation) { cv.Name = c.name }); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConversations)
		var ks, vs [][]byte
		b.ForEach(func(k, v []byte) error {
			ks, vs = append(ks, append([]byte(nil), k...)), append(vs, append([]byte(nil), v...))
			return nil
		})
		if len(ks) != 2 {
			t.Fatalf("%d conversation records", len(ks))
		}
		b.Put(ks[0], vs[1])
		return b.Put(ks[1], vs[0])
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Conversations(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Conversations = %v, want ErrCorrupt", err)
	}
}

func TestSealPadding(t *testing.T) {
	s, err := newSealer(vault.Key{1})
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 100; n++ {
		v := make([]byte, n)
		for i := range v {
			v[i] = byte(i) // zeros at the end must survive unpadding
		}
		sealed := s.seal([]byte("b"), []byte("k"), v)
		if (len(sealed)-40)%padTo != 0 {
			t.Fatalf("%d bytes seal to %d", n, len(sealed))
		}
		got, err := s.open([]byte("b"), []byte("k"), sealed)
		if err != nil || string(got) != string(v) {
			t.Fatalf("%d bytes: %x, %v", n, got, err)
		}
	}
}

// TestNewestFirst sorts refs by timestamp, newest first, on both of its paths: packed
// numbers, and refs moved directly for timestamps too large to pack.
func TestNewestFirst(t *testing.T) {
	for _, top := range []int64{1 << 41, 1 << 62} {
		refs := make([]msgRef, 1000)
		for i := range refs {
			refs[i].ts = (int64(i*7919) % 1000) * (top / 1000)
			refs[i].sk[0] = byte(i)
		}
		want := map[int64]byte{}
		for _, r := range refs {
			want[r.ts] = r.sk[0]
		}
		newestFirst(refs)
		for i := range refs {
			if i > 0 && refs[i].ts > refs[i-1].ts {
				t.Fatalf("top %d: not sorted at %d", top, i)
			}
			if want[refs[i].ts] != refs[i].sk[0] {
				t.Fatalf("top %d: ref %d lost its key", top, i)
			}
		}
	}
}
