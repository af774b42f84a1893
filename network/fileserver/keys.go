package fileserver

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"allium/crypto"
)

// keyFile holds the server's Ed25519 seed in hex. Its X25519 key, to which onion
// requests are encrypted, is the Ed25519 key's conversion, as for Session's server, so
// that clients given either key find the other.
const keyFile = "fileserver.key"

type keys struct {
	ed25519 [32]byte
	x25519  crypto.X25519KeyPair
}

func loadOrCreateKeys(dir string) (*keys, error) {
	path := filepath.Join(dir, keyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		var seed [ed25519.SeedSize]byte
		if _, err := rand.Read(seed[:]); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("fileserver: create key: %w", err)
		}
		_, werr := f.WriteString(hex.EncodeToString(seed[:]) + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, fmt.Errorf("fileserver: write key: %w", werr)
		}
		return newKeys(seed), nil
	}
	if err != nil {
		return nil, fmt.Errorf("fileserver: read key: %w", err)
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("fileserver: %s is not a file server key", path)
	}
	return newKeys([32]byte(seed)), nil
}

func newKeys(seed [32]byte) *keys {
	id := crypto.NewIdentityFromEd25519Seed(seed)
	return &keys{
		ed25519: [32]byte(id.Ed25519PrivateKey().Public().(ed25519.PublicKey)),
		x25519:  crypto.NewX25519KeyPair(id.X25519PrivateKey()),
	}
}
