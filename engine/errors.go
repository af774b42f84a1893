package engine

import (
	"errors"
	"fmt"

	"allium/engine/store"
	"allium/network/client"
)

var (
	// ErrNoAccount: the profile directory holds no account yet (Create or Restore first).
	ErrNoAccount = errors.New("engine: this profile has no account yet")
	// ErrAccountExists: Create or Restore on a profile that already has one.
	ErrAccountExists = errors.New("engine: this profile already has an account")
	// ErrProfileInUse: another process has the profile open.
	ErrProfileInUse = store.ErrInUse
	// ErrUnreachable: no node of the network answered.
	ErrUnreachable = client.ErrUnreachable
	// ErrClockWrong: the nodes reject our requests because our clock is far off.
	ErrClockWrong = client.ErrClockWrong
	// ErrUnknownNetwork: the network name or file is not usable.
	ErrUnknownNetwork = errors.New("engine: unknown network")
	// ErrBadProxy: a proxy address or scope that can't be used.
	ErrBadProxy = client.ErrBadProxy
	// ErrEmptyMessage: nothing to send.
	ErrEmptyMessage = errors.New("engine: the message is empty")
	// ErrTooLong: a message or name over its limit.
	ErrTooLong = errors.New("engine: too long")
	// ErrNotFound: no such message or conversation.
	ErrNotFound = errors.New("engine: not found")
	// ErrBadText: a name that is not valid UTF-8 text.
	ErrBadText = errors.New("engine: not text")
	// ErrNotPicture: a file chosen as a profile picture is not a picture Allium can read
	// (JPEG, PNG or GIF).
	ErrNotPicture = errors.New("engine: not a picture")
	// ErrClosed: the engine was closed.
	ErrClosed = errors.New("engine: closed")
	// ErrAlreadySent: Cancel on a message that has left already.
	ErrAlreadySent = errors.New("engine: the message was sent already")
)

// TooLongError is a message or display name over its limit. It wraps ErrTooLong. The app
// and the command line word it for people, with the limit.
type TooLongError struct {
	// What is "message" (Length and Limit count UTF-16 units, as Session does) or "name"
	// (they count bytes).
	What          string
	Length, Limit int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("engine: %s of %d over the limit of %d", e.What, e.Length, e.Limit)
}

func (e *TooLongError) Unwrap() error { return ErrTooLong }
