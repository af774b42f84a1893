package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"io"
)

// ProfileKeySize is the length of DataMessage.profileKey.
const ProfileKeySize = 32

// ProfileKey encrypts a person's legacy profile picture; it travels in their messages.
type ProfileKey [ProfileKeySize]byte

// profileIVSize is the AES-GCM nonce of a legacy avatar: 12 bytes, GCM's standard nonce.
const profileIVSize = 12

// EncryptProfilePicture encrypts image as a legacy avatar (Session desktop's
// profileEncrypter): iv(12, from rand) ‖ AES-256-GCM(key, iv, image), 16-byte tag, no
// additional data. Avatars of the deterministic scheme use EncryptAttachment with
// DomainProfilePic instead.
func EncryptProfilePicture(rand io.Reader, key *ProfileKey, image []byte) ([]byte, error) {
	if len(image) > MaxAttachmentSize {
		return nil, ErrAttachmentTooLarge
	}
	gcm := profileGCM(key)
	out := make([]byte, profileIVSize, profileIVSize+len(image)+gcm.Overhead())
	if _, err := io.ReadFull(rand, out); err != nil {
		return nil, fmt.Errorf("crypto: profile picture iv: %w", err)
	}
	return gcm.Seal(out, out[:profileIVSize], image, nil), nil
}

// DecryptProfilePicture opens a legacy avatar. Any failure, and a blob longer than
// MaxAttachmentUpload, is ErrDecrypt.
func DecryptProfilePicture(key *ProfileKey, blob []byte) ([]byte, error) {
	gcm := profileGCM(key)
	if len(blob) > MaxAttachmentUpload || len(blob) < profileIVSize+gcm.Overhead() {
		return nil, ErrDecrypt
	}
	image, err := gcm.Open(nil, blob[:profileIVSize], blob[profileIVSize:], nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	if image == nil {
		image = []byte{} // an empty picture is still a success
	}
	return image, nil
}

func profileGCM(key *ProfileKey) cipher.AEAD {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic("crypto: aes-256 with a 32-byte key failed: " + err.Error())
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic("crypto: gcm: " + err.Error())
	}
	return gcm
}
