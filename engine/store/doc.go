// Package store is the messenger client's durable database: one bbolt file, allium.db, in
// the profile directory of one account. The engine is its only user; no other client
// package imports bbolt.
//
// Every method is safe for concurrent use and makes its change in one write transaction:
// bbolt runs any number of readers beside one writer, and a change is either all on disk or
// not at all. Values are copied out before a transaction ends, so nothing a method returns
// points into the memory-mapped file.
//
// # Buckets and keys
//
// Keys are built so that bbolt's byte order is the order the engine reads them in, and
// ranges are found with Cursor.Seek. Timestamps in keys are 8-byte big-endian milliseconds
// (never negative: the store refuses negative timestamps); Session IDs are their 33 bytes.
//
//	meta          "version" → schema version, uint32 big-endian
//	messages      conversation ‖ timestamp ‖ author → message record (binary, see message.go)
//	unread        conversation ‖ timestamp ‖ author → empty; incoming messages not yet read
//	expiries      expires-at ‖ conversation ‖ timestamp ‖ author → empty; disappearing messages
//	conversations conversation → conversation record (JSON)
//	outbox        id, uint64 big-endian from NextSequence → outbox record (binary)
//	hashes        storage-server hash → expiry ms, uint64 big-endian
//	hash_expiries expiry ‖ hash → empty; which hash records PruneHashes may drop
//	cursors       node Ed25519 key ‖ namespace (int16 big-endian) → last retrieved hash
//	settings, node_cache, swarm_cache, account
//	              engine-chosen key → opaque bytes (see Get and Put)
//
// A message's identity is (conversation, author, sent timestamp), as in the protocol, so its
// key makes adding it idempotent and keeps a conversation's messages together and in sent
// order: the newest page is one Seek and a few Prev steps however long the history is.
//
// # Schema version
//
// Open writes schemaVersion into a new file and refuses any other version with ErrSchema. A
// change of layout raises the version and adds an explicit migration from the previous one.
//
// # Message states
//
// An outgoing message goes Pending (written, not yet accepted by the recipient's swarm) →
// Sent (stored by the swarm) → Read (the peer's read receipt arrived), or to Failed, with
// Error saying why in plain words, while it waits for a retry or after the engine gives up.
// An incoming message is Received while we have not read it (Unread is true) and Read once
// we have (MarkRead). Only incoming messages are ever unread.
package store
