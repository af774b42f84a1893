package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"allium/engine/vault"
)

// sealer holds the keys derived from the profile key: one for the values of every bucket
// (XChaCha20-Poly1305), one that turns keys into keyed hashes (HMAC-SHA256), and three
// AES-256 keys that encrypt the 16-byte blocks of the ordered keys (see keys.go). Each is
// HKDF-SHA256 of the profile key with its own label, so no key serves two purposes.
type sealer struct {
	aead    cipher.AEAD
	mac     []byte
	msgs    cipher.Block // timestamp ‖ author tag of messages and unread keys
	expires cipher.Block // expires-at ‖ message tag of expiries keys
	hashExp cipher.Block // expiry ‖ hash tag of hash_expiries keys
}

func newSealer(k vault.Key) (*sealer, error) {
	derive := func(label string) []byte {
		b, err := hkdf.Key(sha256.New, k[:], nil, "allium store "+label, 32)
		if err != nil {
			panic(err) // only for a length HKDF cannot give; 32 it always can
		}
		return b
	}
	aead, err := chacha20poly1305.NewX(derive("values"))
	if err != nil {
		return nil, err
	}
	s := &sealer{aead: aead, mac: derive("keys")}
	for _, b := range []struct {
		label string
		dst   *cipher.Block
	}{{"message order", &s.msgs}, {"expiry order", &s.expires}, {"hash expiry order", &s.hashExp}} {
		if *b.dst, err = aes.NewCipher(derive(b.label)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// tag is the keyed hash of what, in the domain purpose, cut to n bytes.
func (s *sealer) tag(n int, purpose []byte, what ...[]byte) []byte {
	h := hmac.New(sha256.New, s.mac)
	h.Write(purpose)
	h.Write([]byte{0})
	for _, w := range what {
		h.Write(w)
	}
	return h.Sum(make([]byte, 0, sha256.Size))[:n]
}

// padTo is the granularity of sealed values: a value's length on disk says its size only
// to within padTo bytes, so a message's length is not exact.
const padTo = 32

// seal encrypts v for the stored key k of bucket name: a random nonce ‖ ciphertext of v
// padded with 0x80 and zeros. The bucket and key are the associated data, so a value
// moved to another key or bucket no longer opens.
func (s *sealer) seal(name, k, v []byte) []byte {
	n := len(v) + 1
	n += (padTo - n%padTo) % padTo
	out := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+n+chacha20poly1305.Overhead)
	if _, err := rand.Read(out); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	p := make([]byte, n)
	copy(p, v)
	p[len(v)] = 0x80
	return s.aead.Seal(out, out[:chacha20poly1305.NonceSizeX], p, ad(name, k))
}

// open decrypts a sealed value; the result is a fresh slice.
func (s *sealer) open(name, k, v []byte) ([]byte, error) {
	if len(v) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: sealed value of %d bytes in %s", ErrCorrupt, len(v), name)
	}
	p, err := s.aead.Open(nil, v[:chacha20poly1305.NonceSizeX], v[chacha20poly1305.NonceSizeX:], ad(name, k))
	if err != nil {
		return nil, fmt.Errorf("%w: a value in %s does not open with the profile's key", ErrCorrupt, name)
	}
	i := len(p) - 1
	for i >= 0 && p[i] == 0 {
		i--
	}
	if i < 0 || p[i] != 0x80 {
		return nil, fmt.Errorf("%w: a value in %s has bad padding", ErrCorrupt, name)
	}
	return p[:i], nil
}

func ad(name, k []byte) []byte {
	b := make([]byte, 0, len(name)+1+len(k))
	b = append(b, name...)
	b = append(b, 0)
	return append(b, k...)
}
