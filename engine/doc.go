// Package engine is Allium's client without a window: it owns one account (one profile
// directory), talks to the network only through three-node onion paths, keeps every
// conversation in its database, and tells the app what happened through one channel of
// events.
//
// Lifecycle: Create or Restore makes a profile; Open starts the engine on it (a second
// process opening the same profile gets ErrProfileInUse); Close stops every goroutine,
// in order: the pollers and the sender first, then the event pump, then the database.
//
// At rest: the database is encrypted (engine/store), the files of the profile are sealed
// (sealedfiles.go: read them with OpenFile or ReadFile), and the key that opens both is
// kept by engine/vault. A profile with a passphrase opens only once vault.Unlock has
// been given it; before that Open, HasAccount and LoadIdentity return
// vault.ErrNeedPassphrase.
//
// Threads: every exported method is safe for concurrent use. Methods that touch the
// network take a context; the others only touch the database and return quickly.
package engine
