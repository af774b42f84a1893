package crypto

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"io"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20poly1305"
)

// ConfigOverhead is what EncryptConfig adds to a plaintext: the Poly1305 tag and the
// 24-byte nonce appended after it (libsession's ENCRYPT_DATA_OVERHEAD).
const ConfigOverhead = chacha20poly1305.Overhead + chacha20poly1305.NonceSizeX

// configNonceKeyPrefix keys the nonce hash together with the domain (libsession
// src/config/encrypt.cpp NONCE_KEY_PREFIX; docs/config-merge-logic.md names another key,
// but the code and its test vectors use this one).
const configNonceKeyPrefix = "libsessionutil-config-encrypted-"

// maxConfigDomain is libsession's DOMAIN_MAX_SIZE: prefix and domain must fit a BLAKE2b key.
const maxConfigDomain = 24

// configKey is libsession's make_encrypt_key: BLAKE2b-256(keyBase || u64_be(len) ||
// domain). The plaintext length is hashed in so that a nonce collision would also need
// equal lengths and domains, since the nonce is deterministic.
func configKey(keyBase *[32]byte, n int, domain string) []byte {
	h, _ := blake2b.New256(nil)
	h.Write(keyBase[:])
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(n))
	h.Write(l[:])
	h.Write([]byte(domain))
	return h.Sum(nil)
}

func checkConfigDomain(domain string) error {
	if len(domain) < 1 || len(domain) > maxConfigDomain {
		return fmt.Errorf("crypto: config domain must be 1 to %d bytes", maxConfigDomain)
	}
	return nil
}

// EncryptConfig encrypts a (padded) config plaintext as libsession's config::encrypt:
// XChaCha20-Poly1305 with a nonce that is a keyed hash of the plaintext, appended to the
// ciphertext. It is deterministic on purpose: two devices that produce the same config
// produce the same bytes, which the swarm stores once.
func EncryptConfig(keyBase *[32]byte, domain string, plaintext []byte) ([]byte, error) {
	if err := checkConfigDomain(domain); err != nil {
		return nil, err
	}
	nh, err := blake2b.New(chacha20poly1305.NonceSizeX, []byte(configNonceKeyPrefix+domain))
	if err != nil {
		return nil, fmt.Errorf("crypto: config nonce: %w", err)
	}
	nh.Write(plaintext)
	nonce := nh.Sum(nil)
	aead, err := chacha20poly1305.NewX(configKey(keyBase, len(plaintext), domain))
	if err != nil {
		return nil, fmt.Errorf("crypto: config key: %w", err)
	}
	out := aead.Seal(make([]byte, 0, len(plaintext)+ConfigOverhead), nonce, plaintext, nil)
	return append(out, nonce...), nil
}

// DecryptConfig reverses EncryptConfig. Every failure is ErrDecrypt.
func DecryptConfig(keyBase *[32]byte, domain string, ciphertext []byte) ([]byte, error) {
	if checkConfigDomain(domain) != nil || len(ciphertext) < ConfigOverhead {
		return nil, ErrDecrypt
	}
	n := len(ciphertext) - ConfigOverhead
	nonce := ciphertext[len(ciphertext)-chacha20poly1305.NonceSizeX:]
	aead, err := chacha20poly1305.NewX(configKey(keyBase, n, domain))
	if err != nil {
		return nil, ErrDecrypt
	}
	p, err := aead.Open(nil, nonce, ciphertext[:len(ciphertext)-chacha20poly1305.NonceSizeX], nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return p, nil
}

// ConfigPaddedSize is libsession's padded_size: the length that s bytes are padded to so
// that s plus overhead is a multiple of 256 bytes below 5 120, of 1 024 below 20 480, of
// 2 048 below 40 960 and of 5 120 above, so a config's size says little about its contents.
func ConfigPaddedSize(s, overhead int) int {
	s2 := s + overhead
	chunk := 5120
	switch {
	case s2 < 5120:
		chunk = 256
	case s2 < 20480:
		chunk = 1024
	case s2 < 40960:
		chunk = 2048
	}
	return (s2+chunk-1)/chunk*chunk - overhead
}

// SealDeterministic is Seal with libsession's encrypt_for_recipient_deterministic
// ephemeral key: the X25519 secret is crypto_box_seed_keypair of a BLAKE2b-256 hash
// (keyed "SessionBoxEphemeralHashKey") of the sender's seed, the recipient key and m.
// libsession wraps config pushes this way, so equal configs give equal bytes.
func SealDeterministic(sender *Identity, recipient SessionID, m []byte) ([]byte, error) {
	h, err := blake2b.New256([]byte("SessionBoxEphemeralHashKey"))
	if err != nil {
		return nil, fmt.Errorf("crypto: ephemeral hash: %w", err)
	}
	y := recipient.X25519PublicKey()
	h.Write(sender.ed[:32])
	h.Write(y[:])
	h.Write(m)
	return seal(seedKeypairReader(h.Sum(nil)), sender, recipient, m, false)
}

// seedKeypairReader yields the X25519 secret that libsodium's crypto_box_seed_keypair
// derives from seed: the first half of its SHA-512.
func seedKeypairReader(seed []byte) io.Reader {
	d := sha512.Sum512(seed)
	return bytes.NewReader(d[:32])
}
