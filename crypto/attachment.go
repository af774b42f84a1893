package crypto

import (
	"encoding"
	"encoding/binary"
	"math/bits"

	"golang.org/x/crypto/blake2b"
)

// Attachment limits. They are byte counts of one file as Session's clients and file
// server count them.
const (
	// MaxAttachmentSize is the largest file a person may send (Session's
	// MAX_ATTACHMENT_FILESIZE_BYTES), the figure to tell them.
	MaxAttachmentSize = 10_000_000

	// MaxDeterministicPlaintext is libsession's MAX_REGULAR_SIZE: the largest plaintext
	// the deterministic scheme encrypts, chosen so that its encryption is exactly
	// MaxAttachmentUpload bytes.
	MaxDeterministicPlaintext = 10_218_286

	// MaxAttachmentUpload is the largest encrypted file of either scheme: the
	// deterministic encryption of MaxDeterministicPlaintext, and more than any legacy
	// file of MaxAttachmentSize (10 000 064 bytes). Decryptors refuse anything longer
	// before allocating.
	MaxAttachmentUpload = 10_223_616
)

// AttachmentKeySize is the length of a deterministic attachment's key (the
// AttachmentPointer's key field when the URL carries the "d" fragment).
const AttachmentKeySize = 32

// AttachmentKey decrypts one deterministically encrypted attachment or avatar.
type AttachmentKey [AttachmentKeySize]byte

// AttachmentDomain separates the keys of attachments from those of profile pictures, so
// that the same bytes sent as both never share a key.
type AttachmentDomain uint8

const (
	// DomainAttachment is for files, images and voice notes in messages.
	DomainAttachment AttachmentDomain = iota + 1
	// DomainProfilePic is for profile pictures.
	DomainProfilePic
)

// personal is the domain's BLAKE2b personalisation (libsession Domain::ATTACHMENT and
// Domain::PROFILE_PIC); each is exactly 16 bytes.
func (d AttachmentDomain) personal() (*[16]byte, bool) {
	switch d {
	case DomainAttachment:
		return (*[16]byte)([]byte("SessionAttachmnt")), true
	case DomainProfilePic:
		return (*[16]byte)([]byte("Session_Prof_Pic")), true
	}
	return nil, false
}

// Deterministic stream layout (libsession session::attachment).
const (
	attachmentMagic      = 'S' // first byte; other values are reserved for other schemes
	attachmentChunk      = 32768
	attachmentChunkTotal = attachmentChunk + streamABytes // 32 785
	attachmentPrefix     = 1 + streamHeaderSize
	attachmentNonceKey   = streamHeaderSize + streamKeySize // BLAKE2b-56
)

// attachmentPadding is libsession's encrypted_padding: how many bytes of padding (zeros
// and the final 0x01 marker) go before n bytes of plaintext. Files are padded so that the
// encrypted size is a multiple of 1/32 of its power of two (at least 4096), which hides a
// file's exact length; the tags of chunks that padding adds count as padding.
func attachmentPadding(n int) int {
	chunks := (n + attachmentChunk - 1) / attachmentChunk
	enc := n + attachmentPrefix + 1 + chunks*streamABytes
	factor := (1 << (bits.Len(uint(max(enc, 131072))) - 1)) >> 5
	padded := (enc + factor - 1) / factor * factor
	pad := padded - enc + 1

	implicit := pad / attachmentChunkTotal * streamABytes
	// The part of the padding that does not fill whole chunks can still spill into one
	// more chunk than the plaintext needs, and that chunk's tag counts as padding too.
	if pad%attachmentChunkTotal > chunks*attachmentChunk-n {
		implicit += streamABytes
	}
	return pad - implicit
}

// AttachmentEncryptedSize is the exact length EncryptAttachment gives n bytes of
// plaintext (libsession encrypted_size), for any n ≥ 0, including those beyond
// MaxDeterministicPlaintext that only libsession's allow_large mode encrypts.
func AttachmentEncryptedSize(n int) int {
	padded := n + attachmentPadding(n)
	return attachmentPrefix + padded + (padded+attachmentChunk-1)/attachmentChunk*streamABytes
}

// EncryptAttachment encrypts plaintext with libsession's deterministic scheme: the nonce
// and key are a keyed hash of the file under the uploader's Ed25519 seed, so the same
// person uploading the same file twice makes the same bytes (the file server then keeps
// one copy) while nobody else can tell two people's uploads of the same file apart.
// The result is 'S' ‖ nonce(24) ‖ secretstream chunks, exactly
// AttachmentEncryptedSize(len(plaintext)) bytes; the key goes in the AttachmentPointer.
//
// The hash needs the whole file before the first byte can be encrypted, and the upload is
// one request body, so the API takes and returns whole byte slices: the output is
// allocated once at its exact size, and encryption holds the plaintext and the ciphertext
// and 65 KiB of scratch, nothing more.
func EncryptAttachment(uploader *Identity, domain AttachmentDomain, plaintext []byte) ([]byte, AttachmentKey, error) {
	var key AttachmentKey
	personal, ok := domain.personal()
	if !ok {
		return nil, key, ErrAttachmentDomain
	}
	if len(plaintext) > MaxDeterministicPlaintext {
		return nil, key, ErrAttachmentTooLarge
	}
	nk := personalBLAKE2b(attachmentNonceKey, uploader.ed.Seed(), personal, plaintext)
	var nonce [streamHeaderSize]byte
	copy(nonce[:], nk[:streamHeaderSize])
	copy(key[:], nk[streamHeaderSize:])
	clear(nk)

	n := len(plaintext)
	pad := attachmentPadding(n)
	total := AttachmentEncryptedSize(n)
	out := make([]byte, 0, total)
	out = append(out, attachmentMagic)
	out = append(out, nonce[:]...)

	ss := newSecretStream((*[streamKeySize]byte)(key[:]), &nonce, attachmentChunk)
	defer ss.wipe()
	chunk := make([]byte, attachmentChunk)
	defer clear(chunk)
	stream := pad + n
	for off := 0; off < stream; off += attachmentChunk {
		c := chunk[:min(attachmentChunk, stream-off)]
		fillAttachmentStream(c, off, pad, plaintext)
		tag := byte(streamTagMessage)
		if off+len(c) == stream {
			tag = streamTagFinal
		}
		out = ss.push(out, c, tag)
	}
	if len(out) != total {
		panic("crypto: deterministic attachment length differs from AttachmentEncryptedSize")
	}
	return out, key, nil
}

// fillAttachmentStream fills dst with the stream bytes at off of
// (pad-1)×0x00 ‖ 0x01 ‖ plaintext.
func fillAttachmentStream(dst []byte, off, pad int, plaintext []byte) {
	i := 0
	if off < pad-1 {
		i = min(len(dst), pad-1-off)
		clear(dst[:i])
	}
	if i < len(dst) && off+i == pad-1 {
		dst[i] = 0x01
		i++
	}
	if i < len(dst) {
		copy(dst[i:], plaintext[off+i-pad:])
	}
}

// DecryptAttachment decrypts a deterministically encrypted attachment or avatar. It
// checks everything libsession's decrypt checks, and a little more: the first byte is
// 'S'; every chunk authenticates; every chunk but the last carries the MESSAGE tag and
// the last one FINAL (libsession accepts any tag before the end, and FINAL inside leading
// padding, neither of which its encryptor makes); the padding is zeros ended by 0x01 and
// the data does not end inside it. Any failure, or a ciphertext longer than
// MaxAttachmentUpload, is ErrDecrypt, and no plaintext is returned. The caller compares
// the length with the AttachmentPointer's size.
func DecryptAttachment(key *AttachmentKey, ciphertext []byte) ([]byte, error) {
	// The shortest stream is one chunk of one byte (the 0x01 of an empty file).
	if len(ciphertext) > MaxAttachmentUpload || len(ciphertext) < attachmentPrefix+streamABytes+1 ||
		ciphertext[0] != attachmentMagic {
		return nil, ErrDecrypt
	}
	body := ciphertext[attachmentPrefix:]
	// Every chunk but the last holds attachmentChunk bytes, and a last chunk too short to
	// hold a byte is refused below, so this bounds the plaintext (less at least one byte
	// of padding) before anything is allocated.
	chunks := (len(body) + attachmentChunkTotal - 1) / attachmentChunkTotal
	bound := len(body) - chunks*streamABytes - 1
	if bound < 0 {
		return nil, ErrDecrypt
	}
	out := make([]byte, 0, bound)
	ss := newSecretStream((*[streamKeySize]byte)(key[:]), (*[streamHeaderSize]byte)(ciphertext[1:attachmentPrefix]), attachmentChunk)
	defer ss.wipe()

	inPadding := true
	for len(body) > 0 {
		c := body[:min(len(body), attachmentChunkTotal)]
		body = body[len(c):]
		if len(c) <= streamABytes {
			return failAttachment(out)
		}
		m, tag, ok := ss.pull(c)
		if !ok {
			return failAttachment(out)
		}
		last := len(body) == 0
		if (last && tag != streamTagFinal) || (!last && tag != streamTagMessage) {
			return failAttachment(out)
		}
		if inPadding {
			i := 0
			for i < len(m) && m[i] == 0 {
				i++
			}
			if i == len(m) {
				continue
			}
			if m[i] != 0x01 {
				return failAttachment(out)
			}
			inPadding = false
			m = m[i+1:]
		}
		out = append(out, m...)
	}
	if inPadding {
		return failAttachment(out)
	}
	return out, nil
}

// failAttachment wipes what was decrypted so far: a broken file is never half-returned.
func failAttachment(partial []byte) ([]byte, error) {
	clear(partial[:cap(partial)])
	return nil, ErrDecrypt
}

// personalBLAKE2b is libsodium's crypto_generichash_blake2b_salt_personal with no salt:
// BLAKE2b-size keyed with key (1…64 bytes) and personalised with personal.
//
// golang.org/x/crypto/blake2b has no personalisation parameter. Only the parameter block
// is set up here, as the BLAKE2 specification defines it (RFC 7693 §2.5 and §3.3 give the
// same block without salt and personalisation): the initial state is IV XOR the parameter
// block, whose bytes 0-3 are digest length, key length, fanout 1 and depth 1, bytes 32-47
// the salt (zero here) and bytes 48-63 the personalisation; a keyed hash then starts
// with the key, zero-padded to one block, as its first input block. The package's own
// state serialisation (MarshalBinary of an unkeyed hash: IV with the length word already
// mixed in) carries this state into it, so all compression is x/crypto's. The attachment
// vectors check the result against libsodium.
func personalBLAKE2b(size int, key []byte, personal *[16]byte, msg []byte) []byte {
	h, err := blake2b.New(size, nil)
	if err != nil || len(key) == 0 || len(key) > blake2b.Size {
		panic("crypto: personalBLAKE2b with an invalid size or key")
	}
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("crypto: blake2b state: " + err.Error())
	}
	// Layout: "b2b" ‖ h[0..7] (big-endian uint64) ‖ c[0..1] ‖ size ‖ block ‖ offset.
	const hOff, blockOff = 3, 3 + 8*8 + 2*8 + 1
	if len(state) != blockOff+blake2b.BlockSize+1 || string(state[:3]) != "b2b" {
		panic("crypto: unexpected blake2b state layout")
	}
	word := func(i int) []byte { return state[hOff+8*i : hOff+8*i+8] }
	xor := func(i int, v uint64) { binary.BigEndian.PutUint64(word(i), binary.BigEndian.Uint64(word(i))^v) }
	xor(0, uint64(len(key))<<8)
	xor(6, binary.LittleEndian.Uint64(personal[:8]))
	xor(7, binary.LittleEndian.Uint64(personal[8:]))
	block := state[blockOff : blockOff+blake2b.BlockSize]
	copy(block, key)
	state[blockOff+blake2b.BlockSize] = blake2b.BlockSize // the key block is pending
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		panic("crypto: blake2b state: " + err.Error())
	}
	clear(state)
	h.Write(msg)
	return h.Sum(nil)
}
