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
)
