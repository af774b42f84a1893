package crypto

import "errors"

// ErrDecrypt is returned for every failure to open, authenticate or verify a ciphertext.
// It deliberately carries no detail: telling an attacker which check failed helps them.
var ErrDecrypt = errors.New("crypto: message cannot be decrypted")

// ErrInvalidKey is returned when a public key is not a usable curve point, or when a
// Diffie-Hellman exchange with it gives the all-zero output of a low-order point.
var ErrInvalidKey = errors.New("crypto: invalid public key")

// ErrAttachmentTooLarge is returned when a file is longer than its encryption scheme
// allows (MaxAttachmentSize for the legacy scheme, MaxDeterministicPlaintext for the
// deterministic one).
var ErrAttachmentTooLarge = errors.New("crypto: attachment too large")

// ErrAttachmentDomain is returned for an AttachmentDomain other than DomainAttachment and
// DomainProfilePic.
var ErrAttachmentDomain = errors.New("crypto: unknown attachment domain")
