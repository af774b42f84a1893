package network

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"time"

	"allium/crypto"
)

// Each method's file holds the …SigMessage functions that build the exact
// ASCII messages signed with Ed25519 in its requests and responses
// (PROTOCOL §3.4, §3.5, §3.8). Integers are base-10 with a leading '-' when
// negative; hashes and other strings are concatenated with no separator.
// Clients sign with the account's Ed25519 key (sent as pubkey_ed25519 for 05
// Session IDs); nodes sign responses with their own Ed25519 key. This file
// holds what they share: signing and checking a request, the signature's
// encoding, and the pieces the messages are built from.

// SignatureTolerance is how far the timestamp of a signed request may be
// from the node's clock (PROTOCOL §3.11).
const SignatureTolerance = 60 * time.Second

// sessionPrefix is the pubkey prefix of Session IDs, whose 32 key bytes are
// X25519 and cannot sign.
const sessionPrefix = 0x05

// Auth is the owner's signature on a request: the Ed25519 key that signed,
// the signature, and the signed timestamp in ms for the requests that sign
// one (store: sig_timestamp; retrieve, delete_all, get_expiries:
// timestamp). Delete, delete_before, expire and expire_all sign their own
// fields instead and leave Timestamp 0.
//
// For a 05 Session ID the key is the account's Ed25519 key, sent as
// pubkey_ed25519, whose X25519 form is the Session ID; for any other prefix
// it is the 32 key bytes of the pubkey itself.
type Auth struct {
	Ed25519   [32]byte
	Signature [64]byte
	Timestamp int64
}

// signRequest signs msg for the account pubkey with sk. sk must be the
// account's key: for a Session ID the Ed25519 key whose X25519 form is the
// ID, for any other prefix the key the pubkey names.
func signRequest(sk ed25519.PrivateKey, pubkey [33]byte, msg []byte, timestampMs int64) (Auth, error) {
	if len(sk) != ed25519.PrivateKeySize {
		return Auth{}, fmt.Errorf("%w: private key is %d bytes", ErrKeyMismatch, len(sk))
	}
	a := Auth{Ed25519: [32]byte(sk[32:]), Timestamp: timestampMs}
	want := [32]byte(pubkey[1:])
	if pubkey[0] == sessionPrefix {
		x, err := crypto.Ed25519PublicToX25519(a.Ed25519[:])
		if err != nil || x != want {
			return Auth{}, ErrKeyMismatch
		}
	} else if a.Ed25519 != want {
		return Auth{}, ErrKeyMismatch
	}
	a.Signature = [64]byte(ed25519.Sign(sk, msg))
	return a, nil
}

// verifyAuth checks a request signature over msg. explicitEd says that the
// Ed25519 key came as pubkey_ed25519, which for a Session ID must be the
// Ed25519 form of its X25519 key; without it the key bytes of the pubkey
// are used as they are, which for a Session ID fails, as on the storage
// server.
func verifyAuth(pubkey [33]byte, a *Auth, explicitEd bool, msg []byte) bool {
	if explicitEd {
		x, err := crypto.Ed25519PublicToX25519(a.Ed25519[:])
		if err != nil || x != [32]byte(pubkey[1:]) {
			return false
		}
	}
	return ed25519.Verify(a.Ed25519[:], msg, a.Signature[:])
}

func withinTolerance(ms, nowMs int64) bool {
	tol := SignatureTolerance.Milliseconds()
	return ms >= nowMs-tol && ms <= nowMs+tol
}

// SignatureBase64 returns sig as a JSON request or response carries it:
// padded standard base64 (88 characters for an Ed25519 signature).
func SignatureBase64(sig []byte) string {
	return base64.StdEncoding.EncodeToString(sig)
}

// ParseSignatureBase64 decodes an Ed25519 signature from JSON: standard base64
// of 64 bytes, padded (88 characters) or not (86), as the storage server
// accepts both.
func ParseSignatureBase64(s string) ([]byte, error) {
	var enc *base64.Encoding
	switch len(s) {
	case 88:
		enc = base64.StdEncoding.Strict()
	case 86:
		enc = base64.RawStdEncoding.Strict()
	default:
		return nil, fmt.Errorf("%w: %d characters", ErrBadSignatureEncoding, len(s))
	}
	sig, err := enc.DecodeString(s)
	// The length check also catches CR/LF, which the decoder skips.
	if err != nil || len(sig) != 64 {
		return nil, fmt.Errorf("%w: not base64 of 64 bytes", ErrBadSignatureEncoding)
	}
	return sig, nil
}

// maxInt64Digits is the longest base-10 form of an int64.
const maxInt64Digits = 20

func nsTimeMessage(method string, ns NamespaceOrAll, ms int64) []byte {
	b := make([]byte, 0, len(method)+maxNamespaceDigits+maxInt64Digits)
	b = append(b, method...)
	b = ns.appendSig(b)
	return strconv.AppendInt(b, ms, 10)
}

func pubkeyTimeHashesMessage(pubkeyHex string, ms int64, hashes []string) []byte {
	b := make([]byte, 0, len(pubkeyHex)+maxInt64Digits+totalLen(hashes))
	b = append(b, pubkeyHex...)
	b = strconv.AppendInt(b, ms, 10)
	return appendStrings(b, sortedHashes(hashes))
}

func totalLen(ss []string) int {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	return n
}

func appendStrings(b []byte, ss []string) []byte {
	for _, s := range ss {
		b = append(b, s...)
	}
	return b
}

// sortedHashes returns ss sorted byte-wise, the storage server's ASCII order,
// copying it first when it is not already sorted so the caller's slice is
// never modified.
func sortedHashes(ss []string) []string {
	if slices.IsSorted(ss) {
		return ss
	}
	return slices.Sorted(slices.Values(ss))
}
