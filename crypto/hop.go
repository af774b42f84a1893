package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20poly1305"
)

// EncType is the symmetric scheme of one onion layer.
type EncType uint8

const (
	// AESGCM is AES-256-GCM with a 12-byte IV and a key of HMAC-SHA256("LOKI", shared
	// secret). It is the default when a request names none, and what Session Desktop and
	// Android send.
	AESGCM EncType = iota
	// XChaCha20 is XChaCha20-Poly1305 with a 24-byte nonce and a key of BLAKE2b-256 of
	// the shared secret and both public keys (libsession's choice).
	XChaCha20
)

// ParseEncType reads an enc_type value from an onion request. The empty string means the
// default, AESGCM; the short aliases the storage server accepts are accepted too.
func ParseEncType(s string) (EncType, error) {
	switch s {
	case "", "aes-gcm", "gcm":
		return AESGCM, nil
	case "xchacha20", "xchacha20-poly1305":
		return XChaCha20, nil
	}
	return 0, fmt.Errorf("crypto: unknown onion enc_type %q", s)
}

// String returns the canonical enc_type name.
func (e EncType) String() string {
	if e == XChaCha20 {
		return "xchacha20"
	}
	return "aes-gcm"
}

const (
	gcmIVSize = 12
	tagSize   = 16
)

// HopOverhead returns how many bytes a layer of enc adds to its plaintext.
func HopOverhead(enc EncType) int {
	if enc == XChaCha20 {
		return chacha20poly1305.NonceSizeX + tagSize
	}
	return gcmIVSize + tagSize
}

// HopKey is the symmetric key a client and one node share for one onion layer. The same
// key encrypts the request and the node's reply.
type HopKey struct {
	enc EncType
	key [32]byte
}

// EncType returns the scheme the key is for.
func (k *HopKey) EncType() EncType { return k.enc }

// ClientHopKey derives the key for a layer from the client's one-time key pair and the
// node's X25519 public key.
func ClientHopKey(enc EncType, eph *X25519KeyPair, node *[32]byte) (HopKey, error) {
	return hopKey(enc, eph, node, &eph.Public, node)
}

// NodeHopKey derives the same key on the node, from its X25519 key pair and the client's
// one-time public key.
func NodeHopKey(enc EncType, node *X25519KeyPair, eph *[32]byte) (HopKey, error) {
	return hopKey(enc, node, eph, eph, &node.Public)
}

// hopKey derives a layer key from X25519(own, peer). client and node are the two public
// keys in the order the xchacha20 hash takes them: the client's one-time key first.
func hopKey(enc EncType, own *X25519KeyPair, peer, client, node *[32]byte) (HopKey, error) {
	k := HopKey{enc: enc}
	shared, err := own.sharedSecret(peer)
	if err != nil {
		return k, err
	}
	switch enc {
	case AESGCM:
		m := hmac.New(sha256.New, []byte("LOKI"))
		m.Write(shared[:])
		m.Sum(k.key[:0])
	case XChaCha20:
		h, _ := blake2b.New256(nil) // unkeyed: cannot fail
		h.Write(shared[:])
		h.Write(client[:])
		h.Write(node[:])
		h.Sum(k.key[:0])
	default:
		return k, fmt.Errorf("crypto: unknown onion enc_type %d", enc)
	}
	return k, nil
}

// Seal encrypts plaintext for the layer and appends nonce || ciphertext || tag to dst,
// reading the nonce from rand.
func (k *HopKey) Seal(rand io.Reader, dst, plaintext []byte) ([]byte, error) {
	aead, err := k.aead()
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	total := len(dst) + ns + len(plaintext) + aead.Overhead()
	if cap(dst) < total {
		grown := make([]byte, len(dst), total)
		copy(grown, dst)
		dst = grown
	}
	nonce := dst[len(dst) : len(dst)+ns]
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return nil, fmt.Errorf("crypto: onion nonce: %w", err)
	}
	return aead.Seal(dst[:len(dst)+ns], nonce, plaintext, nil), nil
}

// Open decrypts a layer (nonce || ciphertext || tag) and appends the plaintext to dst.
// Every failure is ErrDecrypt.
func (k *HopKey) Open(dst, ciphertext []byte) ([]byte, error) {
	aead, err := k.aead()
	if err != nil {
		return nil, ErrDecrypt
	}
	ns := aead.NonceSize()
	if len(ciphertext) < ns+aead.Overhead() {
		return nil, ErrDecrypt
	}
	out, err := aead.Open(dst, ciphertext[:ns], ciphertext[ns:], nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}

func (k *HopKey) aead() (cipher.AEAD, error) {
	if k.enc == XChaCha20 {
		return chacha20poly1305.NewX(k.key[:])
	}
	b, err := aes.NewCipher(k.key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
