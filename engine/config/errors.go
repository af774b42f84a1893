package config

import "errors"

// ErrBencode is returned for bytes that are not canonical bencode: libsession's oxenc
// reader accepts only the one encoding a value has, so anything else is refused.
var ErrBencode = errors.New("config: invalid bencode")

// ErrParse is returned for a bencoded document that is not a valid config message.
var ErrParse = errors.New("config: invalid config message")

// ErrSignature is returned when a config that must be signed has a missing or bad signature.
var ErrSignature = errors.New("config: bad config signature")

// ErrNoConfigs is returned by merge when none of the given messages could be used.
var ErrNoConfigs = errors.New("config: no valid config messages")

// ErrTooLarge is returned by Push when a config would not fit one storage message.
var ErrTooLarge = errors.New("config: config too large to push")
