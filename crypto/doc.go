// Package crypto holds Allium's cryptographic core: account keys and the Session ID, the
// 13-word recovery phrase, Session protocol v1 (sign and seal, open and verify), message
// padding, the per-hop encryption of onion requests, and the encryption of attachments and
// profile pictures (Session desktop's legacy AES-CBC/HMAC and AES-GCM schemes, and
// libsession's deterministic secretstream scheme).
//
// Everything here is composed from standard primitives (Ed25519, X25519, XSalsa20-Poly1305,
// AES-GCM, AES-CBC, ChaCha20, Poly1305, XChaCha20-Poly1305, BLAKE2b, HMAC-SHA256) so that the bytes match Session's
// clients and storage servers exactly. The package does no I/O and keeps no state: every
// function that needs randomness takes an io.Reader, so tests can reproduce published
// vectors.
package crypto
