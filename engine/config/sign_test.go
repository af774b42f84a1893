package config

import "crypto/ed25519"

func ed25519Sign(sk, msg []byte) []byte { return ed25519.Sign(ed25519.PrivateKey(sk), msg) }
