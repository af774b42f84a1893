package engine

import (
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"allium/crypto"
	"allium/engine/store"
)

// Account record keys in the store's Account bucket.
const (
	keySeed        = "seed"
	keyName        = "name"
	keyNameUpdated = "name_updated"
	keyNetwork     = "network"
)

// MaxNameBytes bounds a display name, as Session clients do.
const MaxNameBytes = 100

// announcedName is a name someone announced, without the characters that override the
// direction of text (U+202A–U+202E, U+2066–U+2069): in a name they could reorder what
// is shown next to it, such as the Session ID that tells two people of one name apart.
func announcedName(name string) string {
	return strings.Map(func(r rune) rune {
		if (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, name)
}

// CheckName reports whether a display name can be used: a *TooLongError or ErrBadText
// if not.
func CheckName(name string) error {
	if len(name) > MaxNameBytes {
		return &TooLongError{What: "name", Length: len(name), Limit: MaxNameBytes}
	}
	if !utf8.ValidString(name) {
		return ErrBadText
	}
	return nil
}

// Create makes a new account in the profile directory dir on a network (NetworkSession,
// or the path of a private network file; empty is NetworkSession) and returns its
// identity. The directory is created with mode 0700; it must not hold an account
// already. An unusable network file is ErrUnknownNetwork, and nothing is written.
func Create(dir, network, name string) (*crypto.Identity, error) {
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		return nil, err
	}
	return id, saveAccount(dir, network, id, name, false)
}

// Restore brings an account back into dir, on a network as Create has it, from its
// 13-word recovery phrase. Mistakes in the phrase are *crypto.PhraseError values, which
// say what is wrong in plain words.
func Restore(dir, network, phrase, name string) (*crypto.Identity, error) {
	id, err := crypto.RestoreIdentity(phrase)
	if err != nil {
		return nil, err
	}
	return id, saveAccount(dir, network, id, name, true)
}

// saveAccount writes a new account. A restored one is marked to fetch its configs (its
// profile, contacts and group list) before anything else.
func saveAccount(dir, network string, id *crypto.Identity, name string, restored bool) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckNetwork(network); err != nil {
		return err
	}
	st, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, ok, err := st.Get(store.Account, keySeed); err != nil {
		return err
	} else if ok {
		return ErrAccountExists
	}
	if network == "" {
		network = NetworkSession
	}
	seed, _ := id.Seed()
	if err := st.Put(store.Account, keyName, []byte(name)); err != nil {
		return err
	}
	if err := st.Put(store.Account, keyNetwork, []byte(network)); err != nil {
		return err
	}
	if restored {
		if err := st.Put(store.Account, keyRestorePending, []byte("1")); err != nil {
			return err
		}
	}
	return st.Put(store.Account, keySeed, seed[:])
}

// LoadIdentity returns the account of dir without opening an engine (to show its Session
// ID or recovery phrase). Like HasAccount, it fails with ErrProfileInUse while an engine
// has the profile open.
func LoadIdentity(dir string) (*crypto.Identity, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return loadIdentity(st)
}

// HasAccount reports whether dir holds an account. It opens the profile briefly, so it
// fails with ErrProfileInUse while an engine has it open.
func HasAccount(dir string) (bool, error) {
	st, err := store.Open(dir)
	if err != nil {
		return false, err
	}
	defer st.Close()
	_, ok, err := st.Get(store.Account, keySeed)
	return ok, err
}

func loadIdentity(st *store.Store) (*crypto.Identity, error) {
	b, ok, err := st.Get(store.Account, keySeed)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoAccount
	}
	if len(b) != crypto.SeedSize {
		return nil, errors.New("engine: the account record is damaged")
	}
	return crypto.NewIdentity(crypto.Seed(b)), nil
}

func getString(st *store.Store, key string) string {
	b, _, _ := st.Get(store.Account, key)
	return string(b)
}

func getInt(st *store.Store, key string) int64 {
	v, _ := strconv.ParseInt(getString(st, key), 10, 64)
	return v
}
