package spool

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("spool: closed")

	// ErrInUse is returned by Open when another process (or another Store in this one) holds
	// the database file. The error's message names the file.
	ErrInUse = errors.New("spool: database is in use by another process")

	// ErrSchemaVersion is returned by Open for a database written with a schema this version
	// does not know. The wrapped message names both versions.
	ErrSchemaVersion = errors.New("spool: unknown schema version")

	// ErrBadMessage is returned by Put and PutBatch for a message whose hash is not 43
	// base64 characters.
	ErrBadMessage = errors.New("spool: bad message")

	// ErrCorrupt is returned when a record in the database does not have the layout this
	// package writes.
	ErrCorrupt = errors.New("spool: corrupt database")
)

// inUseError is ErrInUse with the name of the file, in the words an operator needs.
type inUseError struct{ path string }

func (e *inUseError) Error() string {
	return fmt.Sprintf("spool: %s is in use by another process", e.path)
}

func (e *inUseError) Is(target error) bool { return target == ErrInUse }
