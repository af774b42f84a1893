package vault

import (
	"encoding/hex"
	"errors"
	"sync/atomic"
	"time"

	"github.com/zalando/go-keyring"
)

// secretService is the secret store's service name for Allium's entries.
const secretService = "Allium"

// secretTimeout bounds every call to the secret store: a Secret Service that is
// registered on D-Bus but never answers must not hang the app's start.
const secretTimeout = 3 * time.Second

var useSecretStore atomic.Bool

// UseSecretStore turns the operating system's secret store on (the app and allium-cli do)
// or off (the default, which tests and tools keep: their keys go to key files).
func UseSecretStore(on bool) { useSecretStore.Store(on) }

func secretStoreOn() bool { return useSecretStore.Load() }

var errSecretTimeout = errors.New("vault: the secret store did not answer")

// ErrSecretStoreDown: the secret store that keeps the key did not answer or refused.
const ErrSecretStoreDown = Error("The operating system's secret store, which keeps this profile's key, did not answer. Unlock it (or log in to your desktop again) and try once more.")

// withTimeout runs fn in a goroutine and gives up after secretTimeout; a call that hangs
// is left behind, which costs one goroutine.
func withTimeout(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(secretTimeout):
		return errSecretTimeout
	}
}

func secretSet(entry [16]byte, k Key) error {
	return withTimeout(func() error {
		return keyring.Set(secretService, entryName(entry), hex.EncodeToString(k[:]))
	})
}

func secretGet(entry [16]byte) (Key, error) {
	var s string
	err := withTimeout(func() (err error) {
		s, err = keyring.Get(secretService, entryName(entry))
		return err
	})
	var k Key
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return k, ErrSecretStoreLost
	case err != nil:
		return k, ErrSecretStoreDown
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(k) {
		return k, ErrSecretStoreLost
	}
	copy(k[:], b)
	return k, nil
}

func secretDelete(entry [16]byte) {
	withTimeout(func() error { return keyring.Delete(secretService, entryName(entry)) })
}
