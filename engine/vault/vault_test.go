package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func newProfile(t *testing.T) (string, Key) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "profile")
	k, err := ProfileKey(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Lock(dir) })
	return dir, k
}

func TestKeyFileByDefault(t *testing.T) {
	dir, k := newProfile(t)
	if p, err := State(dir); err != nil || p != KeyFile {
		t.Fatalf("state %v, %v; want a key file without the secret store", p, err)
	}
	Lock(dir)
	got, err := ProfileKey(dir, false)
	if err != nil || got != k {
		t.Fatalf("reloaded key %x, %v; want %x", got, err, k)
	}
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || fi.Mode().Perm() != 0o600 && os.PathSeparator == '/' {
		t.Fatalf("key file mode %v, %v", fi.Mode(), err)
	}
}

func TestNoKeyWithoutCreate(t *testing.T) {
	if _, err := ProfileKey(t.TempDir(), false); !errors.Is(err, ErrKeyMissing) {
		t.Fatalf("got %v, want ErrKeyMissing", err)
	}
}

func TestPassphraseLifecycle(t *testing.T) {
	dir, k := newProfile(t)
	pass, other := []byte("a long enough passphrase"), []byte("another passphrase")
	if err := SetPassphrase(dir, nil, []byte("short")); !errors.Is(err, ErrShortPassphrase) {
		t.Fatalf("short passphrase: %v", err)
	}
	if err := SetPassphrase(dir, nil, pass); err != nil {
		t.Fatal(err)
	}
	if p, _ := State(dir); p != Passphrase {
		t.Fatalf("state %v", p)
	}
	b, _ := os.ReadFile(filepath.Join(dir, FileName))
	if bytes.Contains(b, k[:]) {
		t.Fatal("the key file still holds the key in the clear")
	}
	Lock(dir)
	if _, err := ProfileKey(dir, true); !errors.Is(err, ErrNeedPassphrase) {
		t.Fatalf("locked: %v, want ErrNeedPassphrase", err)
	}
	// A wrong passphrase is a plain error and changes nothing.
	if _, err := Unlock(dir, other); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if err := SetPassphrase(dir, other, []byte("yet another one")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("change with a wrong passphrase: %v", err)
	}
	if err := RemovePassphrase(dir, other); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("remove with a wrong passphrase: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, FileName)); !bytes.Equal(after, b) {
		t.Fatal("a wrong passphrase changed the key file")
	}
	if got, err := Unlock(dir, pass); err != nil || got != k {
		t.Fatalf("unlock: %x, %v", got, err)
	}
	if err := SetPassphrase(dir, pass, other); err != nil {
		t.Fatal(err)
	}
	Lock(dir)
	if got, err := Unlock(dir, other); err != nil || got != k {
		t.Fatalf("unlock after a change: %x, %v", got, err)
	}
	if err := RemovePassphrase(dir, other); err != nil {
		t.Fatal(err)
	}
	if p, _ := State(dir); p != KeyFile {
		t.Fatalf("state after removing %v", p)
	}
	Lock(dir)
	if got, err := ProfileKey(dir, false); err != nil || got != k {
		t.Fatalf("after removing: %x, %v", got, err)
	}
	if err := RemovePassphrase(dir, nil); !errors.Is(err, ErrNoPassphrase) {
		t.Fatalf("remove twice: %v", err)
	}
	for _, leftover := range []string{FileName + ".old", FileName + ".tmp"} {
		if _, err := os.Stat(filepath.Join(dir, leftover)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind", leftover)
		}
	}
}

// TestCrashBetweenRenames: a crash after the old file was renamed aside and before the new
// one took its place leaves profile.key.old, which still opens the profile.
func TestCrashBetweenRenames(t *testing.T) {
	dir, k := newProfile(t)
	if err := os.Rename(filepath.Join(dir, FileName), filepath.Join(dir, FileName+".old")); err != nil {
		t.Fatal(err)
	}
	Lock(dir)
	if got, err := ProfileKey(dir, true); err != nil || got != k {
		t.Fatalf("got %x, %v; want the old file's key", got, err)
	}
}

func TestParse(t *testing.T) {
	good := (&record{mode: KeyFile, key: Key{1, 2, 3}}).encode()
	w, err := wrap(Key{4}, []byte("passphrase!"))
	if err != nil {
		t.Fatal(err)
	}
	wrappedFile := (&record{mode: Passphrase, wrap: w}).encode()
	lowered := bytes.Clone(wrappedFile)
	lowered[len(magic)+1+3] = 1 // time 3 → 1... as a big-endian uint32's last byte
	for _, c := range []struct {
		name string
		b    []byte
		err  error
	}{
		{"key file", good, nil},
		{"passphrase", wrappedFile, nil},
		{"empty", nil, ErrDamaged},
		{"other magic", append([]byte("ALLIUMK9"), good[8:]...), ErrDamaged},
		{"unknown mode", append(append([]byte(nil), magic...), 9), ErrDamaged},
		{"short key", good[:len(good)-1], ErrDamaged},
		{"long key", append(bytes.Clone(good), 0), ErrDamaged},
		{"short wrap", wrappedFile[:len(wrappedFile)-1], ErrDamaged},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := parse(c.b); !errors.Is(err, c.err) {
				t.Fatalf("parse = %v, want %v", err, c.err)
			}
		})
	}
	// Lowered Argon2 parameters still parse, but the seal no longer opens.
	r, err := parse(lowered)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.wrap.open([]byte("passphrase!")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("lowered parameters: %v", err)
	}
}

// FuzzParse: no key file, however damaged, makes parse panic, and what parses encodes to
// the same bytes.
func FuzzParse(f *testing.F) {
	f.Add((&record{mode: KeyFile}).encode())
	f.Add((&record{mode: SecretStore}).encode())
	w, _ := wrap(Key{}, []byte("passphrase"))
	f.Add((&record{mode: Passphrase, wrap: w}).encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parse(b)
		if err != nil {
			return
		}
		if again := r.encode(); !bytes.Equal(again, b) {
			t.Fatalf("encode(parse(%x)) = %x", b, again)
		}
	})
}

func TestDestroy(t *testing.T) {
	dir, _ := newProfile(t)
	os.MkdirAll(filepath.Join(dir, "files"), 0o700)
	os.WriteFile(filepath.Join(dir, "files", "a"), []byte("secret"), 0o600)
	if err := Destroy(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the profile is still there: %v", err)
	}
	if Unlocked(dir) {
		t.Fatal("the key is still in memory")
	}
}

// BenchmarkUnlockPassphrase is the Argon2id unlock at start (target < 1 s).
func BenchmarkUnlockPassphrase(b *testing.B) {
	w, err := wrap(Key{7}, []byte("a long enough passphrase"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := w.open([]byte("a long enough passphrase")); err != nil {
			b.Fatal(err)
		}
	}
}
