package network

import "errors"

var (
	// ErrBadOnionPayload is returned for an onion layer that is not
	// [u32 LE N][N bytes ciphertext][JSON object]. The wrapped message names
	// the defect.
	ErrBadOnionPayload = errors.New("network: bad onion payload")

	// ErrBadRouting is returned for routing JSON inside a decrypted onion
	// layer that names no valid next step.
	ErrBadRouting = errors.New("network: bad onion routing")

	// ErrUnknownEncType is returned for an onion enc_type that is neither
	// AES-GCM nor XChaCha20-Poly1305 (nor one of their aliases).
	ErrUnknownEncType = errors.New("network: unknown enc_type")

	// ErrBadActiveNodes is returned for an active_nodes_bin body whose length
	// is not a whole number of records.
	ErrBadActiveNodes = errors.New("network: bad active_nodes_bin")

	// ErrBadSignatureEncoding is returned for a request or response signature
	// that is not the base64 form of 64 bytes.
	ErrBadSignatureEncoding = errors.New("network: bad signature encoding")

	// ErrKeyMismatch is returned when a request is to be signed with a key
	// that is not the account's: for a 05 Session ID, an Ed25519 key whose
	// X25519 form is not the ID; for other prefixes, not the key itself.
	ErrKeyMismatch = errors.New("network: signing key does not match the account pubkey")

	// ErrSignatureRequired is returned when an unsigned request is built
	// for a namespace that only its owner may write to.
	ErrSignatureRequired = errors.New("network: namespace requires a signed request")

	// ErrBadSwarmID is returned for a swarm id that is not a 64-bit
	// number in hex.
	ErrBadSwarmID = errors.New("network: bad swarm id")
)
