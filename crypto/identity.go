package crypto

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/sha512"
	"fmt"
	"io"

	"filippo.io/edwards25519"
)

// SeedSize is the number of random bytes a Session account is made of. The recovery
// phrase encodes exactly these bytes.
const SeedSize = 16

// Seed is the secret an account is derived from. Session zero-pads it to the 32-byte
// Ed25519 seed, so an account and its phrase are the same thing.
type Seed [SeedSize]byte

// Identity is an account's key material: the Ed25519 key that signs, and the X25519 key
// derived from it that receives sealed messages and names the account (its Session ID).
type Identity struct {
	ed ed25519.PrivateKey // seed || public key, 64 bytes
	x  X25519KeyPair
}

// GenerateIdentity creates a new account from SeedSize bytes of rand.
func GenerateIdentity(rand io.Reader) (*Identity, error) {
	var s Seed
	if _, err := io.ReadFull(rand, s[:]); err != nil {
		return nil, fmt.Errorf("crypto: generate identity: %w", err)
	}
	return NewIdentity(s), nil
}

// NewIdentity derives an account's keys from its seed. The seed is right-padded with
// sixteen zero bytes to form the Ed25519 seed, exactly as Session clients do.
func NewIdentity(s Seed) *Identity {
	var full [ed25519.SeedSize]byte
	copy(full[:], s[:])
	return NewIdentityFromEd25519Seed(full)
}

// NewIdentityFromEd25519Seed derives the keys from a full 32-byte Ed25519 seed (old
// 25-word phrases encoded one). New accounts use NewIdentity.
func NewIdentityFromEd25519Seed(seed [ed25519.SeedSize]byte) *Identity {
	id := &Identity{ed: ed25519.NewKeyFromSeed(seed[:])}
	id.x = NewX25519KeyPair(ed25519SeedToX25519(seed[:]))
	// The X25519 public key is also the Montgomery form of the Ed25519 public key: the
	// two derivations must agree, or the account's halves would not belong together.
	pub, err := Ed25519PublicToX25519(id.ed.Public().(ed25519.PublicKey))
	if err != nil || pub != id.x.Public {
		// NewKeyFromSeed always yields a valid point, and the conversion is exact.
		panic("crypto: the ed25519 and x25519 halves of an identity differ")
	}
	return id
}

// Seed returns the 16-byte account seed, and false when the identity was made from a
// full 32-byte Ed25519 seed whose second half is not zero (it has no 13-word phrase).
func (id *Identity) Seed() (Seed, bool) {
	var s Seed
	copy(s[:], id.ed[:SeedSize])
	for _, b := range id.ed[SeedSize:ed25519.SeedSize] {
		if b != 0 {
			return s, false
		}
	}
	return s, true
}

// SessionID returns the account's public name: 0x05 followed by its X25519 public key.
func (id *Identity) SessionID() SessionID {
	var s SessionID
	s[0] = byte(PrefixStandard)
	copy(s[1:], id.x.Public[:])
	return s
}

// Ed25519PublicKey returns the account's signing public key.
func (id *Identity) Ed25519PublicKey() ed25519.PublicKey {
	return id.ed.Public().(ed25519.PublicKey)
}

// Ed25519PrivateKey returns the account's signing key (seed || public key). Callers must
// not modify it.
func (id *Identity) Ed25519PrivateKey() ed25519.PrivateKey { return id.ed }

// X25519PublicKey returns the key sealed messages are encrypted to.
func (id *Identity) X25519PublicKey() [32]byte { return id.x.Public }

// X25519PrivateKey returns the secret that opens sealed messages.
func (id *Identity) X25519PrivateKey() [32]byte { return id.x.Private }

// Sign signs msg with the account's Ed25519 key (pure Ed25519, no pre-hash).
func (id *Identity) Sign(msg []byte) []byte { return ed25519.Sign(id.ed, msg) }

// ed25519SeedToX25519 is libsodium's crypto_sign_ed25519_sk_to_curve25519: the first half
// of SHA-512(seed), clamped. It is the same scalar Ed25519 signs with.
func ed25519SeedToX25519(seed []byte) [32]byte {
	h := sha512.Sum512(seed)
	var s [32]byte
	copy(s[:], h[:32])
	s[0] &= 248
	s[31] &= 127
	s[31] |= 64
	return s
}

// Ed25519PublicToX25519 converts an Ed25519 public key to the X25519 public key of the
// same secret, by the birational map u = (1+y)/(1-y).
func Ed25519PublicToX25519(pub []byte) ([32]byte, error) {
	var out [32]byte
	if len(pub) != ed25519.PublicKeySize {
		return out, ErrInvalidKey
	}
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return out, ErrInvalidKey
	}
	copy(out[:], p.BytesMontgomery())
	return out, nil
}

// X25519KeyPair is an X25519 secret and its public key, used for the one-time keys of
// onion layers and sealed boxes, and for a node's onion key. Make one with
// NewX25519KeyPair or GenerateX25519: a pair made that way keeps the prepared secret, so
// each Diffie-Hellman costs one scalar multiplication instead of two.
type X25519KeyPair struct {
	Private [32]byte
	Public  [32]byte
	key     *ecdh.PrivateKey
}

// NewX25519KeyPair computes the public key of private and keeps the secret prepared for
// Diffie-Hellman.
func NewX25519KeyPair(private [32]byte) X25519KeyPair {
	k, err := ecdh.X25519().NewPrivateKey(private[:])
	if err != nil {
		// Every 32-byte string is an X25519 secret.
		panic("crypto: x25519 secret rejected: " + err.Error())
	}
	return X25519KeyPair{Private: private, Public: [32]byte(k.PublicKey().Bytes()), key: k}
}

// GenerateX25519 makes a fresh X25519 key pair from 32 bytes of rand.
func GenerateX25519(rand io.Reader) (X25519KeyPair, error) {
	var private [32]byte
	if _, err := io.ReadFull(rand, private[:]); err != nil {
		return X25519KeyPair{}, fmt.Errorf("crypto: generate x25519 key: %w", err)
	}
	return NewX25519KeyPair(private), nil
}

// sharedSecret computes the Diffie-Hellman secret with pub and rejects the all-zero
// output that a low-order public key forces, so a malicious key cannot fix the shared
// secret. A pair given as a literal, without its prepared secret, costs one more scalar
// multiplication.
func (kp *X25519KeyPair) sharedSecret(pub *[32]byte) ([32]byte, error) {
	var out [32]byte
	k := kp.key
	if k == nil {
		prepared := NewX25519KeyPair(kp.Private)
		k = prepared.key
	}
	p, err := ecdh.X25519().NewPublicKey(pub[:])
	if err != nil {
		return out, ErrInvalidKey
	}
	s, err := k.ECDH(p)
	if err != nil {
		return out, ErrInvalidKey
	}
	copy(out[:], s)
	return out, nil
}
