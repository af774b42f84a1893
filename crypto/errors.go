package crypto

import "errors"

// ErrDecrypt is returned for every failure to open, authenticate or verify a ciphertext.
// It deliberately carries no detail: telling an attacker which check failed helps them.
var ErrDecrypt = errors.New("crypto: message cannot be decrypted")

// ErrInvalidKey is returned when a public key is not a usable curve point, or when a
// Diffie-Hellman exchange with it gives the all-zero output of a low-order point.
var ErrInvalidKey = errors.New("crypto: invalid public key")
