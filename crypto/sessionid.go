package crypto

import (
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// SessionIDLen is the length of a Session ID in characters: 33 bytes, hex-encoded.
const SessionIDLen = 66

// Prefix is the first byte of a 33-byte Session-style public key. It says what kind of
// key follows.
type Prefix byte

const (
	// PrefixGroup marks a closed group whose key is an Ed25519 key.
	PrefixGroup Prefix = 0x03
	// PrefixStandard marks a person's account: an X25519 public key. Only these are
	// Session IDs that messages can be sent to.
	PrefixStandard Prefix = 0x05
	// PrefixBlinded15 and PrefixBlinded25 mark community-blinded IDs, which hide the
	// account behind them from the community server.
	PrefixBlinded15 Prefix = 0x15
	PrefixBlinded25 Prefix = 0x25
)

// SessionID is a person's account address: PrefixStandard followed by the account's
// X25519 public key.
type SessionID [33]byte

// String returns the 66-character lower-case hex form people see and share.
func (s SessionID) String() string { return hex.EncodeToString(s[:]) }

// X25519PublicKey returns the key after the prefix byte.
func (s SessionID) X25519PublicKey() [32]byte {
	var k [32]byte
	copy(k[:], s[1:])
	return k
}

// SessionIDError says, in words a person understands, why text is not a Session ID.
type SessionIDError struct {
	Input  string // the text after trimming spaces
	Reason string // the sentence shown to the person
}

func (e *SessionIDError) Error() string { return e.Reason }

// ParseSessionID reads a Session ID as a person pastes or types it: surrounding spaces are
// ignored and upper-case letters are accepted. Group and community IDs, which share the
// format but start with another prefix, are rejected with a sentence that says what they
// are.
func ParseSessionID(text string) (SessionID, error) {
	var id SessionID
	s := strings.TrimSpace(text)
	fail := func(format string, args ...any) (SessionID, error) {
		return id, &SessionIDError{Input: s, Reason: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return fail("Enter a Session ID: 66 characters starting with 05.")
	}
	if n := utf8.RuneCountInString(s); n != SessionIDLen {
		return fail("A Session ID has %d characters; this one has %d.", SessionIDLen, n)
	}
	pos := 0
	for _, r := range s {
		pos++
		if r >= utf8.RuneSelf || !isHexDigit(byte(r)) {
			return fail("A Session ID uses only the digits 0-9 and the letters a-f; character %d (%q) is not one of them.", pos, r)
		}
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return fail("This is not a valid Session ID.")
	}
	switch Prefix(id[0]) {
	case PrefixStandard:
	case PrefixGroup:
		return fail("This is the ID of a group, not of a person. A Session ID starts with 05.")
	case PrefixBlinded15, PrefixBlinded25:
		return fail("This is a community ID, which hides the account behind it. Ask the person for their Session ID, which starts with 05.")
	default:
		return fail("A Session ID starts with 05.")
	}
	if id.X25519PublicKey() == ([32]byte{}) {
		return fail("This Session ID is not valid: its key is all zeros.")
	}
	return id, nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
