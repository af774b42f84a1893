package vault

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Argon2id parameters for new passphrases; see the package comment for how they were
// chosen. A profile keeps the parameters it was wrapped with, so they can be raised later.
const (
	argonTime    = 3
	argonMemory  = 64 << 10 // KiB
	argonThreads = 4
)

// Bounds on parameters read from a file, so that a damaged or hostile file cannot make
// Unlock allocate gigabytes or run for hours.
const (
	maxArgonTime   = 64
	maxArgonMemory = 1 << 20 // KiB: 1 GiB
)

// wrapped is the profile key sealed under a passphrase.
type wrapped struct {
	time, memory uint32
	threads      uint8
	salt         [16]byte
	nonce        [chacha20poly1305.NonceSizeX]byte
	sealed       []byte // 32 + 16
}

const wrappedLen = 4 + 4 + 1 + 16 + chacha20poly1305.NonceSizeX + 32 + chacha20poly1305.Overhead

func parseWrapped(b []byte) (wrapped, error) {
	var w wrapped
	if len(b) != wrappedLen {
		return w, ErrDamaged
	}
	w.time = binary.BigEndian.Uint32(b)
	w.memory = binary.BigEndian.Uint32(b[4:])
	w.threads = b[8]
	b = b[9:]
	copy(w.salt[:], b)
	copy(w.nonce[:], b[16:])
	w.sealed = append([]byte(nil), b[16+len(w.nonce):]...)
	if w.time == 0 || w.time > maxArgonTime || w.memory < 8 || w.memory > maxArgonMemory || w.threads == 0 {
		return w, ErrDamaged
	}
	return w, nil
}

func (w *wrapped) append(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, w.time)
	b = binary.BigEndian.AppendUint32(b, w.memory)
	b = append(b, w.threads)
	b = append(b, w.salt[:]...)
	b = append(b, w.nonce[:]...)
	return append(b, w.sealed...)
}

// wrapAD binds the seal to its parameters, so they cannot be lowered in the file.
func (w *wrapped) ad() []byte {
	return w.append(append([]byte(nil), magic...))[:len(magic)+9+16]
}

func (w *wrapped) kek(passphrase []byte) []byte {
	return argon2.IDKey(passphrase, w.salt[:], w.time, w.memory, w.threads, chacha20poly1305.KeySize)
}

func wrap(k Key, passphrase []byte) (wrapped, error) {
	w := wrapped{time: argonTime, memory: argonMemory, threads: argonThreads}
	if _, err := rand.Read(w.salt[:]); err != nil {
		return w, err
	}
	rand.Read(w.nonce[:])
	aead, err := chacha20poly1305.NewX(w.kek(passphrase))
	if err != nil {
		return w, err
	}
	w.sealed = aead.Seal(nil, w.nonce[:], k[:], w.ad())
	return w, nil
}

func (w *wrapped) open(passphrase []byte) (Key, error) {
	aead, err := chacha20poly1305.NewX(w.kek(passphrase))
	if err != nil {
		return Key{}, err
	}
	p, err := aead.Open(nil, w.nonce[:], w.sealed, w.ad())
	if err != nil {
		return Key{}, ErrWrongPassphrase
	}
	var k Key
	copy(k[:], p)
	return k, nil
}

// CheckNew reports whether passphrase can be set: ErrEmptyPassphrase or
// ErrShortPassphrase if not.
func CheckNew(passphrase []byte) error {
	switch {
	case len(passphrase) == 0:
		return ErrEmptyPassphrase
	case len(passphrase) < MinPassphrase:
		return ErrShortPassphrase
	}
	return nil
}

// SetPassphrase protects dir's key with passphrase instead of where it lives now. old is
// the current passphrase if there is one (a change); a wrong one is ErrWrongPassphrase and
// nothing changes. The key's previous copy, in the secret store or the key file, is
// removed (the key file overwritten) once the new file is in place.
func SetPassphrase(dir string, old, passphrase []byte) error {
	if err := CheckNew(passphrase); err != nil {
		return err
	}
	r, k, err := current(dir, old)
	if err != nil {
		return err
	}
	w, err := wrap(k, passphrase)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := replace(dir, (&record{mode: Passphrase, wrap: w}).encode()); err != nil {
		return err
	}
	if r.mode == SecretStore {
		secretDelete(r.entry)
	}
	remember(dir, k)
	return nil
}

// RemovePassphrase takes the passphrase off dir's key, which then lives in the secret
// store (or a key file) again. A wrong passphrase is ErrWrongPassphrase and nothing
// changes; a profile without one is ErrNoPassphrase.
func RemovePassphrase(dir string, old []byte) error {
	r, k, err := current(dir, old)
	if err != nil {
		return err
	}
	if r.mode != Passphrase {
		return ErrNoPassphrase
	}
	if err := storeKey(dir, k, r); err != nil {
		return err
	}
	remember(dir, k)
	return nil
}

// current reads dir's record and key, checking old against it if it has a passphrase.
func current(dir string, old []byte) (record, Key, error) {
	r, ok, err := read(dir)
	if err != nil {
		return r, Key{}, err
	}
	if !ok {
		return r, Key{}, ErrKeyMissing
	}
	switch r.mode {
	case KeyFile:
		return r, r.key, nil
	case SecretStore:
		k, err := secretGet(r.entry)
		return r, k, err
	}
	if len(old) == 0 {
		return r, Key{}, ErrNeedPassphrase
	}
	k, err := r.wrap.open(old)
	if errors.Is(err, ErrWrongPassphrase) {
		return r, Key{}, err
	}
	return r, k, err
}
