package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// FileName is the key file's name inside the profile directory.
const FileName = "profile.key"

// Key is a profile key.
type Key [32]byte

// Protection says where a profile's key lives.
type Protection uint8

const (
	None        Protection = iota // no key yet: a new profile
	KeyFile                       // in profile.key, readable by anyone who copies the profile
	SecretStore                   // in the operating system's secret store
	Passphrase                    // wrapped with the person's passphrase
)

func (p Protection) String() string {
	switch p {
	case None:
		return "none"
	case KeyFile:
		return "key file"
	case SecretStore:
		return "secret store"
	case Passphrase:
		return "passphrase"
	}
	return fmt.Sprintf("Protection(%d)", uint8(p))
}

// Error is an error a person may read as it is: a plain sentence.
type Error string

func (e Error) Error() string { return string(e) }

// Errors a person may see.
const (
	ErrWrongPassphrase = Error("That passphrase is not the one that protects this profile. Nothing was changed.")
	ErrNeedPassphrase  = Error("This profile is protected by a passphrase. Enter it to open the profile.")
	ErrNoPassphrase    = Error("This profile has no passphrase.")
	ErrEmptyPassphrase = Error("The passphrase is empty. Choose one of at least 8 characters.")
	ErrShortPassphrase = Error("The passphrase is too short. Choose one of at least 8 characters.")
	ErrKeyMissing      = Error("The key that opens this profile is missing, so its messages cannot be read. You can restore your account from its recovery phrase in a new profile.")
	ErrDamaged         = Error("The key file of this profile is damaged, so its messages cannot be read. You can restore your account from its recovery phrase in a new profile.")
	ErrSecretStoreLost = Error("The operating system's secret store no longer has this profile's key, so its messages cannot be read. You can restore your account from its recovery phrase in a new profile.")
)

// MinPassphrase is the shortest passphrase accepted, in bytes.
const MinPassphrase = 8

// The file: magic ‖ mode ‖ body. A KeyFile body is the key; a SecretStore body is the
// entry's 16-byte name; a Passphrase body is argon2 time (uint32) ‖ memory KiB (uint32)
// ‖ lanes (1 byte) ‖ salt (16) ‖ nonce (24) ‖ sealed key (48).
var magic = []byte("ALLIUMK1")

// cache holds unlocked keys by absolute profile directory.
var (
	cacheMu sync.Mutex
	cache   = map[string]Key{}
)

func abs(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}

// record is profile.key parsed.
type record struct {
	mode  Protection
	key   Key      // KeyFile
	entry [16]byte // SecretStore
	wrap  wrapped  // Passphrase
}

func parse(b []byte) (record, error) {
	var r record
	if len(b) < len(magic)+1 || !bytes.Equal(b[:len(magic)], magic) {
		return r, ErrDamaged
	}
	r.mode = Protection(b[len(magic)])
	body := b[len(magic)+1:]
	switch r.mode {
	case KeyFile:
		if len(body) != len(r.key) {
			return r, ErrDamaged
		}
		copy(r.key[:], body)
	case SecretStore:
		if len(body) != len(r.entry) {
			return r, ErrDamaged
		}
		copy(r.entry[:], body)
	case Passphrase:
		var err error
		if r.wrap, err = parseWrapped(body); err != nil {
			return r, err
		}
	default:
		return r, ErrDamaged
	}
	return r, nil
}

func (r *record) encode() []byte {
	b := append(append([]byte(nil), magic...), byte(r.mode))
	switch r.mode {
	case KeyFile:
		b = append(b, r.key[:]...)
	case SecretStore:
		b = append(b, r.entry[:]...)
	case Passphrase:
		b = r.wrap.append(b)
	}
	return b
}

// read loads dir's profile.key. A profile.key.old left by a crash between the two renames
// of replace is used when profile.key is missing.
func read(dir string) (record, bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		b, err = os.ReadFile(filepath.Join(dir, FileName+".old"))
	}
	if errors.Is(err, os.ErrNotExist) {
		return record{}, false, nil
	}
	if err != nil {
		return record{}, false, fmt.Errorf("vault: read the key file: %w", err)
	}
	r, err := parse(b)
	return r, true, err
}

// State says how dir's key is protected; None if the profile has no key yet.
func State(dir string) (Protection, error) {
	r, ok, err := read(dir)
	if err != nil || !ok {
		return None, err
	}
	return r.mode, nil
}

// Exists reports whether dir has a key.
func Exists(dir string) bool {
	p, err := State(dir)
	return err != nil || p != None
}

// Unlocked reports whether dir's key is in memory.
func Unlocked(dir string) bool {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	_, ok := cache[abs(dir)]
	return ok
}

// Unlock opens dir's key with passphrase (ignored unless the profile has one) and keeps it
// in memory until Lock. A wrong passphrase is ErrWrongPassphrase; a missing one, for a
// profile that has one, ErrNeedPassphrase.
func Unlock(dir string, passphrase []byte) (Key, error) {
	r, ok, err := read(dir)
	if err != nil {
		return Key{}, err
	}
	if !ok {
		return Key{}, ErrKeyMissing
	}
	var k Key
	switch r.mode {
	case KeyFile:
		k = r.key
	case SecretStore:
		if k, err = secretGet(r.entry); err != nil {
			return Key{}, err
		}
	case Passphrase:
		if len(passphrase) == 0 {
			return Key{}, ErrNeedPassphrase
		}
		if k, err = r.wrap.open(passphrase); err != nil {
			return Key{}, err
		}
	}
	remember(dir, k)
	return k, nil
}

func remember(dir string, k Key) {
	cacheMu.Lock()
	cache[abs(dir)] = k
	cacheMu.Unlock()
}

// Lock forgets dir's key; the next ProfileKey needs Unlock again if it has a passphrase.
func Lock(dir string) {
	cacheMu.Lock()
	delete(cache, abs(dir))
	cacheMu.Unlock()
}

// ProfileKey returns dir's key: from memory, else from where it lives (ErrNeedPassphrase
// if that is a passphrase). If dir has no key and create is true it makes one, stores it
// (in the secret store if UseSecretStore is on and it answers, else in a key file) and
// syncs it to disk before returning, so nothing is ever encrypted with a key that a crash
// could lose.
func ProfileKey(dir string, create bool) (Key, error) {
	cacheMu.Lock()
	k, ok := cache[abs(dir)]
	cacheMu.Unlock()
	if ok {
		return k, nil
	}
	k, err := Unlock(dir, nil)
	if !errors.Is(err, ErrKeyMissing) || !create {
		return k, err
	}
	if _, err := rand.Read(k[:]); err != nil {
		return Key{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Key{}, fmt.Errorf("vault: create profile directory: %w", err)
	}
	if err := storeKey(dir, k, record{}); err != nil {
		return Key{}, err
	}
	remember(dir, k)
	return k, nil
}

// storeKey writes k where it should live without a passphrase: the secret store if it is
// on and answers, else a key file. old is the record it replaces (for its secret-store
// entry, which is removed once the new file is in place).
func storeKey(dir string, k Key, old record) error {
	r := record{mode: KeyFile, key: k}
	if secretStoreOn() {
		var entry [16]byte
		rand.Read(entry[:])
		if secretSet(entry, k) == nil {
			r = record{mode: SecretStore, entry: entry}
		}
	}
	if err := replace(dir, r.encode()); err != nil {
		if r.mode == SecretStore {
			secretDelete(r.entry)
		}
		return err
	}
	if old.mode == SecretStore && (r.mode != SecretStore || r.entry != old.entry) {
		secretDelete(old.entry)
	}
	return nil
}

// entryName is the secret store's account name of an entry.
func entryName(entry [16]byte) string {
	return fmt.Sprintf("profile-%x", entry[:])
}
