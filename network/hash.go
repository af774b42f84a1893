package network

import (
	"encoding/base64"

	"golang.org/x/crypto/blake2b"
)

// HashLen is the length of a message hash: 32 bytes as unpadded base64.
const HashLen = 43

// maxNamespaceDigits is the longest base-10 form of a Namespace ("-32768").
const maxNamespaceDigits = 6

// MessageHash returns the storage server's hash of a stored message (PROTOCOL
// §3.10): the unpadded standard base64 of BLAKE2b-256 over the pubkey's prefix
// byte, its 32 key bytes, the namespace as in signatures ("" for 0) and the
// raw data. Timestamp and expiry are not hashed, so storing the same data
// twice yields the same hash.
func MessageHash(pubkey [33]byte, ns Namespace, data []byte) string {
	// blake2b.New256 fails only for a key longer than 64 bytes.
	h, _ := blake2b.New256(nil)
	// The fixed-size head goes in with one Write so that data is hashed in
	// place, never copied into a concatenation buffer.
	var head [33 + maxNamespaceDigits]byte
	h.Write(ns.appendSig(append(head[:0], pubkey[:]...)))
	h.Write(data)
	var sum [blake2b.Size256]byte
	h.Sum(sum[:0])
	var out [HashLen]byte
	base64.RawStdEncoding.Encode(out[:], sum[:])
	return string(out[:])
}

// ValidHash reports whether s has the shape of a message hash: 43 characters
// of the standard base64 alphabet. Like the storage server it does not check
// that the unused low bits of the last character are zero; hashes are compared
// as strings.
func ValidHash(s string) bool {
	if len(s) != HashLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
