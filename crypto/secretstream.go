package crypto

import (
	"encoding/binary"

	"golang.org/x/crypto/chacha20"
	//lint:ignore SA1019 secretstream authenticates with a bare Poly1305 whose input is not the AEAD's (see below), so the one-time authenticator is needed itself; its key is fresh per message as required.
	"golang.org/x/crypto/poly1305"
)

// libsodium's crypto_secretstream_xchacha20poly1305 has no Go package, so it is composed
// here from HChaCha20, ChaCha20 (IETF) and Poly1305, exactly as libsodium defines it.
//
// libsodium keeps a 32-byte key k and a 12-byte IETF nonce made of a 4-byte little-endian
// counter (starting at 1) and an 8-byte "inonce". Each message m with tag t, with no
// additional data (the attachment scheme uses none), is sealed as
//
//	polyKey = ChaCha20(k, nonce, block 0)[0:32]
//	block   = ChaCha20(k, nonce, block 1) XOR (t ‖ 63 zero bytes)
//	c       = ChaCha20(k, nonce, blocks 2…) XOR m
//	mac     = Poly1305(polyKey, block ‖ c ‖ zeros((0x10 - 64 + len m) & 0xf) ‖ le64(0) ‖ le64(64 + len m))
//	out     = block[0] ‖ c ‖ mac
//
// This is almost the IETF ChaCha20-Poly1305 AEAD of (t ‖ 63 zeros ‖ m), but not quite:
// libsodium pads the MAC input with (0x10 - 64 + len m) & 0xf zeros, not
// (-(64 + len m)) & 0xf, so the two differ whenever len m mod 16 is not 0 or 8. That is
// why the AEAD package cannot be used and Poly1305 is called directly.
//
// After each message inonce ^= mac[0:8] and the counter is incremented; the state is
// rekeyed after a REKEY (or FINAL) tag or when the counter wraps.
const (
	streamHeaderSize = 24 // crypto_secretstream_xchacha20poly1305_HEADERBYTES
	streamKeySize    = 32 // crypto_secretstream_xchacha20poly1305_KEYBYTES
	streamABytes     = 1 + poly1305.TagSize
	streamTagMessage = 0x00
	streamTagRekey   = 0x02
	streamTagFinal   = 0x03 // TAG_PUSH | TAG_REKEY
	streamBlock      = 64   // one ChaCha20 block: the encrypted tag
)

// secretStream is one direction of a secretstream. Its buffer is scratch space for one
// decrypted message of up to maxMessage bytes, reused so that a long stream allocates
// nothing per chunk.
type secretStream struct {
	k     [32]byte
	nonce [chacha20.NonceSize]byte // counter (LE32) ‖ inonce
	buf   []byte
}

// newSecretStream sets up the state that both init_push and init_pull produce for header
// (libsession chooses the header instead of drawing it at random, and so do we).
func newSecretStream(key *[streamKeySize]byte, header *[streamHeaderSize]byte, maxMessage int) *secretStream {
	k, err := chacha20.HChaCha20(key[:], header[:16])
	if err != nil {
		panic("crypto: hchacha20 with fixed-size inputs failed: " + err.Error())
	}
	s := &secretStream{buf: make([]byte, maxMessage)}
	copy(s.k[:], k)
	s.resetCounter()
	copy(s.nonce[4:], header[16:])
	return s
}

func (s *secretStream) resetCounter() {
	s.nonce[0], s.nonce[1], s.nonce[2], s.nonce[3] = 1, 0, 0, 0
}

// begin starts one message: the ChaCha20 stream at block 0, whose first 32 bytes key the
// message's Poly1305, and the keystream of block 1, which encrypts the tag. The stream is
// left at block 2.
func (s *secretStream) begin() (c *chacha20.Cipher, mac *poly1305.MAC, tagBlock [streamBlock]byte) {
	c, err := chacha20.NewUnauthenticatedCipher(s.k[:], s.nonce[:])
	if err != nil {
		panic("crypto: chacha20 with fixed-size inputs failed: " + err.Error())
	}
	var polyKey [streamBlock]byte
	c.XORKeyStream(polyKey[:], polyKey[:])
	mac = poly1305.New((*[32]byte)(polyKey[:32]))
	clear(polyKey[:])
	c.XORKeyStream(tagBlock[:], tagBlock[:])
	return c, mac, tagBlock
}

// finishMAC feeds the MAC its padding and lengths for a message of mlen bytes.
func finishMAC(mac *poly1305.MAC, mlen int) {
	var pad [16]byte
	mac.Write(pad[:(0x10-streamBlock+mlen)&0xf]) // libsodium's padding, see above
	var lens [16]byte
	binary.LittleEndian.PutUint64(lens[8:], uint64(streamBlock+mlen)) // adlen = 0
	mac.Write(lens[:])
}

// push appends the encryption of m with tag to dst.
func (s *secretStream) push(dst, m []byte, tag byte) []byte {
	c, mac, block := s.begin()
	block[0] ^= tag
	mac.Write(block[:])
	dst = append(dst, block[0])
	n := len(dst)
	dst = append(dst, m...)
	ct := dst[n:]
	c.XORKeyStream(ct, ct)
	mac.Write(ct)
	finishMAC(mac, len(m))
	dst = mac.Sum(dst)
	s.advance(dst[len(dst)-poly1305.TagSize:], tag)
	return dst
}

// pull authenticates and decrypts one message in (len(in) ≤ maxMessage+streamABytes).
// The plaintext it returns lives in the stream's scratch buffer and is only valid until
// the next call. After a failure the stream must not be used again, as in libsodium.
func (s *secretStream) pull(in []byte) (m []byte, tag byte, ok bool) {
	if len(in) < streamABytes || len(in)-streamABytes > len(s.buf) {
		return nil, 0, false
	}
	ct, sent := in[1:len(in)-poly1305.TagSize], in[len(in)-poly1305.TagSize:]
	c, mac, block := s.begin()
	tag = block[0] ^ in[0]
	// The MAC covers the block as the sender sent it: the received first byte, then the
	// keystream (the encryption of the 63 zero bytes, which are not transmitted).
	block[0] = in[0]
	mac.Write(block[:])
	mac.Write(ct)
	finishMAC(mac, len(ct))
	if !mac.Verify(sent) {
		return nil, 0, false
	}
	m = s.buf[:len(ct)]
	c.XORKeyStream(m, ct)
	s.advance(sent, tag)
	return m, tag, true
}

// advance moves the state past a message whose MAC was mac.
func (s *secretStream) advance(mac []byte, tag byte) {
	for i := range 8 {
		s.nonce[4+i] ^= mac[i]
	}
	// sodium_increment: little-endian counter.
	for i := range 4 {
		s.nonce[i]++
		if s.nonce[i] != 0 {
			break
		}
	}
	if tag&streamTagRekey != 0 || s.nonce[0]|s.nonce[1]|s.nonce[2]|s.nonce[3] == 0 {
		s.rekey()
	}
}

// rekey is crypto_secretstream_xchacha20poly1305_rekey: k ‖ inonce are replaced by
// themselves XOR the ChaCha20 keystream of the current state, and the counter restarts.
func (s *secretStream) rekey() {
	var kn [streamKeySize + 8]byte
	copy(kn[:], s.k[:])
	copy(kn[streamKeySize:], s.nonce[4:])
	c, err := chacha20.NewUnauthenticatedCipher(s.k[:], s.nonce[:])
	if err != nil {
		panic("crypto: chacha20 with fixed-size inputs failed: " + err.Error())
	}
	c.XORKeyStream(kn[:], kn[:])
	copy(s.k[:], kn[:streamKeySize])
	copy(s.nonce[4:], kn[streamKeySize:])
	clear(kn[:])
	s.resetCounter()
}

// wipe clears the key and the scratch buffer (which held plaintext).
func (s *secretStream) wipe() {
	clear(s.k[:])
	clear(s.buf)
}
