package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"math"
)

// LegacyAttachmentKeySize is the length of a legacy attachment's key: an AES-256 key
// followed by an HMAC-SHA256 key.
const LegacyAttachmentKeySize = 64

// LegacyAttachmentKey is aesKey(32) ‖ macKey(32), the AttachmentPointer's key field of a
// legacy ("Signal-style") attachment.
type LegacyAttachmentKey [LegacyAttachmentKeySize]byte

// AttachmentDigest is the SHA-256 of a legacy attachment's encrypted blob, the
// AttachmentPointer's digest field.
type AttachmentDigest [sha256.Size]byte

const (
	legacyIVSize  = aes.BlockSize
	legacyMACSize = sha256.Size
	// The shortest blob: IV, one CBC block (PKCS#7 always adds at least one byte), MAC.
	legacyMinBlob = legacyIVSize + aes.BlockSize + legacyMACSize
	// legacyMinPadded is the smallest padded size (Session's BufferPadding.ts).
	legacyMinPadded = 541
)

// LegacyPaddedSize is the size Session desktop pads an attachment of n bytes to before
// legacy encryption: the next power of 1.05 at or above n, rounded down, at least 541
// bytes, and capped at MaxAttachmentSize for a file that is not larger itself. It is
// computed in float64 as desktop does; a receiver does not depend on it (it cuts to the
// pointer's size), so a last-bit difference from JavaScript's Math.pow at an exact
// boundary would only change which size class a file falls in.
func LegacyPaddedSize(n int) int {
	p := int(math.Floor(math.Pow(1.05, math.Ceil(math.Log(float64(n))/math.Log(1.05)))))
	p = max(p, legacyMinPadded)
	if p > MaxAttachmentSize && n <= MaxAttachmentSize {
		p = MaxAttachmentSize
	}
	return max(p, n)
}

// EncryptLegacyAttachment encrypts plaintext the way Session desktop uploads attachments:
// 64 key bytes and then a 16-byte IV are read from rand, the plaintext is zero-padded to
// LegacyPaddedSize when pad is set (regular attachments; link-preview images are not
// padded), and the blob is iv ‖ AES-256-CBC-PKCS#7(aesKey, iv, padded) ‖
// HMAC-SHA256(macKey, iv ‖ ct). The pointer carries key, digest and len(plaintext) as its
// size. The blob is allocated once at its final size.
func EncryptLegacyAttachment(rand io.Reader, plaintext []byte, pad bool) (blob []byte, key LegacyAttachmentKey, digest AttachmentDigest, err error) {
	if len(plaintext) > MaxAttachmentSize {
		return nil, key, digest, ErrAttachmentTooLarge
	}
	if _, err := io.ReadFull(rand, key[:]); err != nil {
		return nil, key, digest, fmt.Errorf("crypto: legacy attachment key: %w", err)
	}
	var iv [legacyIVSize]byte
	if _, err := io.ReadFull(rand, iv[:]); err != nil {
		return nil, key, digest, fmt.Errorf("crypto: legacy attachment iv: %w", err)
	}
	n := len(plaintext)
	if pad {
		n = LegacyPaddedSize(n)
	}
	// PKCS#7: 1 to 16 bytes, each the count, so the length is a multiple of the block.
	p := aes.BlockSize - n%aes.BlockSize
	ctLen := n + p
	blob = make([]byte, legacyIVSize+ctLen+legacyMACSize)
	copy(blob, iv[:])
	ct := blob[legacyIVSize : legacyIVSize+ctLen]
	copy(ct, plaintext) // the zero padding is already there
	for i := n; i < ctLen; i++ {
		ct[i] = byte(p)
	}
	block, err := aes.NewCipher(key[:32])
	if err != nil {
		panic("crypto: aes-256 with a 32-byte key failed: " + err.Error())
	}
	cipher.NewCBCEncrypter(block, iv[:]).CryptBlocks(ct, ct)
	mac := hmac.New(sha256.New, key[32:])
	mac.Write(blob[:legacyIVSize+ctLen])
	mac.Sum(blob[:legacyIVSize+ctLen])
	digest = sha256.Sum256(blob)
	return blob, key, digest, nil
}

// DecryptLegacyAttachment checks and decrypts a legacy attachment blob with the pointer's
// key, digest and size, in desktop's order: length and block alignment, the HMAC (in
// constant time), the digest (required: a legacy pointer without one is refused), then
// AES-CBC and PKCS#7. A result longer than size is cut to size (the sender's padding); a
// result shorter than size is an error. Every failure, and a blob longer than
// MaxAttachmentUpload, is ErrDecrypt, and no plaintext is returned.
func DecryptLegacyAttachment(key *LegacyAttachmentKey, digest []byte, size int, blob []byte) ([]byte, error) {
	if len(blob) > MaxAttachmentUpload || len(blob) < legacyMinBlob ||
		(len(blob)-legacyIVSize-legacyMACSize)%aes.BlockSize != 0 ||
		len(digest) != sha256.Size || size < 0 {
		return nil, ErrDecrypt
	}
	body, tag := blob[:len(blob)-legacyMACSize], blob[len(blob)-legacyMACSize:]
	mac := hmac.New(sha256.New, key[32:])
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), tag) {
		return nil, ErrDecrypt
	}
	sum := sha256.Sum256(blob)
	if subtle.ConstantTimeCompare(sum[:], digest) != 1 {
		return nil, ErrDecrypt
	}
	block, err := aes.NewCipher(key[:32])
	if err != nil {
		panic("crypto: aes-256 with a 32-byte key failed: " + err.Error())
	}
	pt := make([]byte, len(body)-legacyIVSize)
	cipher.NewCBCDecrypter(block, body[:legacyIVSize]).CryptBlocks(pt, body[legacyIVSize:])
	// The MAC is already checked, so this padding check is no oracle; it still refuses a
	// sender whose padding is malformed.
	p := int(pt[len(pt)-1])
	if p == 0 || p > aes.BlockSize {
		clear(pt)
		return nil, ErrDecrypt
	}
	for _, b := range pt[len(pt)-p:] {
		if int(b) != p {
			clear(pt)
			return nil, ErrDecrypt
		}
	}
	pt = pt[:len(pt)-p]
	if size > len(pt) {
		clear(pt)
		return nil, ErrDecrypt
	}
	clear(pt[size:])
	return pt[:size:size], nil
}
