package node

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"allium/crypto"
)

// File names inside a node's data directory.
const (
	keyFile  = "node.key" // Ed25519 seed, hex
	certFile = "tls.crt"
	tlsKey   = "tls.key"
	dbFile   = "messages.db"
)

// Identity is a node's key material: the Ed25519 key that names it and signs its
// responses, and the X25519 key derived from it that onion layers are encrypted to.
type Identity struct {
	Ed25519 ed25519.PrivateKey
	X25519  crypto.X25519KeyPair
}

// PublicKey returns the node's Ed25519 public key.
func (id *Identity) PublicKey() [32]byte { return [32]byte(id.Ed25519.Public().(ed25519.PublicKey)) }

func newIdentity(seed []byte) *Identity {
	c := crypto.NewIdentityFromEd25519Seed([32]byte(seed))
	return &Identity{
		Ed25519: c.Ed25519PrivateKey(),
		X25519:  crypto.NewX25519KeyPair(c.X25519PrivateKey()),
	}
}

// EnsureDataDir creates dir with mode 0700, or tightens an existing one to 0700.
func EnsureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("node: data dir: %w", err)
	}
	return os.Chmod(dir, 0o700)
}

// LoadOrCreateIdentity reads the node key in dir, creating it (mode 0600, never
// overwriting) on first start.
func LoadOrCreateIdentity(dir string) (*Identity, error) {
	if err := EnsureDataDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, keyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createIdentity(path)
	}
	if err != nil {
		return nil, fmt.Errorf("node: read key: %w", err)
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("node: %s is not a node key", path)
	}
	return newIdentity(seed), nil
}

func createIdentity(path string) (*Identity, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("node: create key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(seed) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("node: write key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("node: write key: %w", err)
	}
	return newIdentity(seed), nil
}

// loadOrCreateCert returns the node's self-signed TLS certificate, creating it on first
// start. Clients do not verify it (Session's storage servers are self-signed too):
// confidentiality comes from the onion layers, and node calls are signed.
func loadOrCreateCert(dir string) (tls.Certificate, error) {
	certPath, keyPath := filepath.Join(dir, certFile), filepath.Join(dir, tlsKey)
	if c, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil {
		return c, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return c, fmt.Errorf("node: tls certificate: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "allium-node"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(20, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := writeExclusive(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return tls.Certificate{}, err
	}
	if err := writeExclusive(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return tls.Certificate{}, err
	}
	return tls.LoadX509KeyPair(certPath, keyPath)
}

func writeExclusive(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("node: create %s: %w", filepath.Base(path), err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
