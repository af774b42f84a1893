package crypto

import (
	"crypto/ed25519"
	"fmt"
	"io"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/nacl/secretbox"
	//lint:ignore SA1019 HSalsa20 is crypto_box's key derivation, which no other package exports alone (box.Precompute redoes the X25519 and rejects no low-order key)
	"golang.org/x/crypto/salsa20/salsa"
)

// Sizes of Session protocol v1 framing.
const (
	// SealOverhead is what a sealed box adds: the ephemeral public key and the
	// Poly1305 tag.
	SealOverhead = 32 + secretbox.Overhead
	// sealedExtra is what the sender appends inside the box: its Ed25519 key and the
	// signature.
	sealedExtra = ed25519.PublicKeySize + ed25519.SignatureSize
	// MinCiphertext is the smallest valid ciphertext: an empty message.
	MinCiphertext = SealOverhead + sealedExtra
)

// Message is a decrypted Session protocol v1 message.
type Message struct {
	// Plaintext is the message contents (a Content protobuf for real messages).
	Plaintext []byte
	// Sender is the sender's Session ID, recovered from their Ed25519 key.
	Sender SessionID
	// SenderEd25519 is the key that signed the message.
	SenderEd25519 ed25519.PublicKey
}

// Encrypt pads plaintext and encrypts it from sender to recipient with Session protocol v1:
// the padded message is signed together with the sender's Ed25519 key and the recipient's
// X25519 key, then sealed to the recipient with a one-time key read from rand.
func Encrypt(rand io.Reader, sender *Identity, recipient SessionID, plaintext []byte) ([]byte, error) {
	return seal(rand, sender, recipient, plaintext, true)
}

// Seal is Encrypt without padding: it signs and seals m exactly as given (libsession's
// encrypt_for_recipient). Callers normally want Encrypt.
func Seal(rand io.Reader, sender *Identity, recipient SessionID, m []byte) ([]byte, error) {
	return seal(rand, sender, recipient, m, false)
}

func seal(rand io.Reader, sender *Identity, recipient SessionID, m []byte, pad bool) ([]byte, error) {
	if Prefix(recipient[0]) != PrefixStandard {
		return nil, fmt.Errorf("crypto: encrypt: recipient is not a 05 Session ID")
	}
	y := recipient.X25519PublicKey()
	mlen := len(m)
	if pad {
		mlen = PaddedLen(len(m))
	}

	// One buffer holds M || A || Y for signing, then M || A || SIG for sealing: the
	// signature (64 bytes) overwrites Y (32) and the room after it.
	p := make([]byte, 0, mlen+sealedExtra)
	if pad {
		p = AppendPadded(p, m)
	} else {
		p = append(p, m...)
	}
	p = append(p, sender.ed[ed25519.SeedSize:]...)
	p = append(p, y[:]...)
	sig := ed25519.Sign(sender.ed, p)
	p = append(p[:mlen+ed25519.PublicKeySize], sig...)

	eph, err := GenerateX25519(rand)
	if err != nil {
		return nil, err
	}
	key, err := boxKey(&eph, &y)
	if err != nil {
		return nil, err
	}
	nonce := sealNonce(&eph.Public, &y)
	out := make([]byte, 0, SealOverhead+len(p))
	out = append(out, eph.Public[:]...)
	return secretbox.Seal(out, p, &nonce, &key), nil
}

// Decrypt opens a Session protocol v1 message sent to recipient, verifies the sender's
// signature and removes the padding. Every failure is ErrDecrypt.
func Decrypt(recipient *Identity, ciphertext []byte) (Message, error) {
	msg, err := Open(recipient, ciphertext)
	if err != nil {
		return msg, err
	}
	msg.Plaintext = Unpad(msg.Plaintext)
	return msg, nil
}

// Open is Decrypt without unpadding (libsession's decrypt_incoming).
func Open(recipient *Identity, ciphertext []byte) (Message, error) {
	if len(ciphertext) < MinCiphertext {
		return Message{}, ErrDecrypt
	}
	var e [32]byte
	copy(e[:], ciphertext)
	key, err := boxKey(&recipient.x, &e)
	if err != nil {
		return Message{}, ErrDecrypt
	}
	nonce := sealNonce(&e, &recipient.x.Public)
	p, ok := secretbox.Open(nil, ciphertext[32:], &nonce, &key)
	if !ok {
		return Message{}, ErrDecrypt
	}
	// p = M || A || SIG. The signature covers M || A || Y with Y our own X25519 key, so
	// move SIG aside and write Y in its place to verify without another buffer.
	mlen := len(p) - sealedExtra
	var sig [ed25519.SignatureSize]byte
	copy(sig[:], p[mlen+ed25519.PublicKeySize:])
	signed := append(p[:mlen+ed25519.PublicKeySize], recipient.x.Public[:]...)
	a := ed25519.PublicKey(p[mlen : mlen+ed25519.PublicKeySize : mlen+ed25519.PublicKeySize])
	if !ed25519.Verify(a, signed, sig[:]) {
		return Message{}, ErrDecrypt
	}
	x, err := Ed25519PublicToX25519(a)
	if err != nil {
		return Message{}, ErrDecrypt
	}
	msg := Message{Plaintext: p[:mlen:mlen], SenderEd25519: a}
	msg.Sender[0] = byte(PrefixStandard)
	copy(msg.Sender[1:], x[:])
	return msg, nil
}

// boxKey is NaCl crypto_box's key: HSalsa20 of the X25519 secret, with the all-zero
// secret of a low-order key rejected.
func boxKey(own *X25519KeyPair, pub *[32]byte) ([32]byte, error) {
	var key [32]byte
	shared, err := own.sharedSecret(pub)
	if err != nil {
		return key, err
	}
	var zero [16]byte
	salsa.HSalsa20(&key, &zero, &shared, &salsa.Sigma)
	return key, nil
}

// sealNonce is libsodium's sealed-box nonce: BLAKE2b-192 of the ephemeral key then the
// recipient key, so the nonce never needs to be sent.
func sealNonce(eph, recipient *[32]byte) [24]byte {
	var n [24]byte
	h, _ := blake2b.New(24, nil) // size 24 and no key cannot fail
	h.Write(eph[:])
	h.Write(recipient[:])
	h.Sum(n[:0])
	return n
}
