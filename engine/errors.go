package engine

import (
	"errors"

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
	// ErrEmptyMessage: nothing to send.
	ErrEmptyMessage = errors.New("engine: the message is empty")
	// ErrTooLong: a message or name over its limit.
	ErrTooLong = errors.New("engine: too long")
	// ErrNotFound: no such message or conversation.
	ErrNotFound = errors.New("engine: not found")
	// ErrClosed: the engine was closed.
	ErrClosed = errors.New("engine: closed")
)

// InputError is a mistake in what a person typed (a name or message too long, an empty
// message). Its Error is a sentence to show them; Unwrap gives the sentinel (ErrTooLong,
// ErrEmptyMessage) for code that needs to tell the cases apart.
type InputError struct {
	Err    error
	Reason string
}

func (e *InputError) Error() string { return e.Reason }
func (e *InputError) Unwrap() error { return e.Err }
