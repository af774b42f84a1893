package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func sealTo(t *testing.T, path string, k Key, data []byte) {
	t.Helper()
	w, err := CreateSealed(path, k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func readSealed(path string, k Key) ([]byte, error) {
	r, err := OpenSealed(path, k)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestSealedFileRoundTrip(t *testing.T) {
	k := Key{9}
	dir := t.TempDir()
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17} {
		data := make([]byte, n)
		rand.Read(data)
		path := filepath.Join(dir, "f")
		os.Remove(path)
		sealTo(t, path, k, data)
		got, err := readSealed(path, k)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: got %d, %v", n, len(got), err)
		}
		if n > 16 {
			b, _ := os.ReadFile(path)
			if bytes.Contains(b, data[:16]) {
				t.Fatalf("%d bytes: the file holds its content in the clear", n)
			}
		}
	}
}

func TestSealedFileDamage(t *testing.T) {
	k := Key{9}
	dir := t.TempDir()
	data := make([]byte, 2*chunkSize+100)
	rand.Read(data)
	path := filepath.Join(dir, "f")
	sealTo(t, path, k, data)
	whole, _ := os.ReadFile(path)
	chunk := chunkSize + 16
	for _, c := range []struct {
		name string
		b    []byte
	}{
		{"cut at a chunk boundary", whole[:sealedHeader+2*chunk]},
		{"cut inside a chunk", whole[:len(whole)-5]},
		{"a bit flipped", func() []byte { b := bytes.Clone(whole); b[sealedHeader+10] ^= 1; return b }()},
		{"chunks swapped", func() []byte {
			b := bytes.Clone(whole)
			copy(b[sealedHeader:], whole[sealedHeader+chunk:sealedHeader+2*chunk])
			copy(b[sealedHeader+chunk:], whole[sealedHeader:sealedHeader+chunk])
			return b
		}()},
		{"a chunk dropped", append(bytes.Clone(whole[:sealedHeader+chunk]), whole[sealedHeader+2*chunk:]...)},
		{"no header", whole[:4]},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, "damaged")
			os.WriteFile(p, c.b, 0o600)
			if _, err := readSealed(p, k); !errors.Is(err, ErrFileDamaged) {
				t.Fatalf("got %v, want ErrFileDamaged", err)
			}
		})
	}
	if _, err := readSealed(path, Key{8}); !errors.Is(err, ErrFileDamaged) {
		t.Fatalf("another key: %v", err)
	}
}

// TestSealInPlace seals a plaintext file, and finishes the work after a crash at each
// point: before the copy was complete, and after the original was overwritten.
func TestSealInPlace(t *testing.T) {
	k := Key{5}
	dir := t.TempDir()
	data := []byte("MarkerPlain an old attachment")
	path := filepath.Join(dir, "old.jpg")
	check := func(t *testing.T) {
		t.Helper()
		if err := SealInPlace(path, k); err != nil {
			t.Fatal(err)
		}
		if got, err := readSealed(path, k); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("got %q, %v", got, err)
		}
		if _, err := os.Stat(path + ".sealing"); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("the .sealing copy is left behind")
		}
		if err := SealInPlace(path, k); err != nil { // a second run changes nothing
			t.Fatal(err)
		}
	}
	t.Run("plain", func(t *testing.T) {
		os.WriteFile(path, data, 0o600)
		check(t)
	})
	t.Run("crash while copying", func(t *testing.T) {
		os.Remove(path)
		os.WriteFile(path, data, 0o600)
		os.WriteFile(path+".sealing", []byte("ALLIUMF1 half"), 0o600)
		check(t)
	})
	t.Run("crash while overwriting", func(t *testing.T) {
		os.Remove(path)
		sealTo(t, path+".sealing", k, data)
		os.WriteFile(path, bytes.Repeat([]byte{0x5a}, len(data)), 0o600) // overwritten, not yet removed
		check(t)
	})
}

// FuzzOpenSealed: no file, however damaged, makes the sealed-file reader panic, and what
// it reads to the end is what was sealed (only the sealed file itself reads at all).
func FuzzOpenSealed(f *testing.F) {
	k := Key{3}
	dir := f.TempDir()
	for i, n := range []int{0, 10, chunkSize + 5} {
		p := filepath.Join(dir, "seed"+string(rune('a'+i)))
		w, _ := CreateSealed(p, k)
		w.Write(make([]byte, n))
		w.Close()
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readSealed(p, k)
		if err == nil && len(got) > len(b) {
			t.Fatalf("read %d bytes from a file of %d", len(got), len(b))
		}
	})
}
