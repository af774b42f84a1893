package store

import "errors"

var (
	// ErrInUse is returned by Open when another Store — in another process or in this one —
	// holds the profile's database. Its message is fit to show to a person.
	ErrInUse = errors.New("store: this profile is already open in another Allium window or process")

	// ErrSchema is returned by Open for a database this version does not know how to read:
	// a newer or unknown schema version, or a bbolt file that is not an Allium profile. The
	// wrapping error says which.
	ErrSchema = errors.New("store: unknown database schema")

	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("store: closed")

	// ErrNotFound is returned by methods that change a record which does not exist, such as
	// SetMessageState for a deleted message or UpdateOutbox for a dequeued item.
	ErrNotFound = errors.New("store: not found")

	// ErrInvalid is returned for a record the store refuses to keep: a zero Session ID
	// where one is needed, a negative timestamp, an unknown direction, state or bucket, or
	// an empty key. The wrapping error says which.
	ErrInvalid = errors.New("store: invalid record")

	// ErrCorrupt is returned when a record in the file does not have the layout this package
	// writes.
	ErrCorrupt = errors.New("store: corrupt database")
)

// ErrWrongKey is returned by Open when the profile's key does not open its database: the
// key file or secret-store entry belongs to another profile, or the file was damaged.
var ErrWrongKey = errors.New("store: the profile's key does not open its database")
