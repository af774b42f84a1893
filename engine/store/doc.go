// Package store is the messenger client's durable database: one bbolt file, allium.db, in
// the profile directory of one account. The engine is its only user; no other client
// package imports bbolt.
//
// Every method is safe for concurrent use and makes its change in one write transaction:
// bbolt runs any number of readers beside one writer, and a change is either all on disk or
// not at all. Values are copied out before a transaction ends, so nothing a method returns
// points into the memory-mapped file.
//
// # Encryption at rest
//
// Nothing in the file is readable without the profile's key (engine/vault keeps it). Every
// value is sealed with XChaCha20-Poly1305 under a key derived from the profile key, with
// the bucket's name and the stored key as associated data, and padded to a multiple of
// 32 bytes. Keys are never stored as given: a bucket opened with Store.bucket or
// txn.bucket (bucket.go) stores a keyed hash of each key and seals the key into the value,
// so Get, Put, Delete and ForEach work as on a bbolt bucket. A new bucket gets all this by
// being added to allBuckets and opened that way; only meta and the ordered indexes below
// use bbolt directly. Searching decrypts the messages in memory: there is no search index
// on disk to leak. bbolt reuses freed pages without clearing them, so a deleted message can
// survive in the file, but only as ciphertext under the profile key.
//
// # Buckets and keys
//
// In memory, keys are built so that the engine's order is natural: timestamps are 8-byte
// big-endian milliseconds (never negative: the store refuses negative timestamps) and
// Session IDs their 33 bytes. On disk, keys.go turns the ordered ones into a conversation
// tag and one AES block each; it says what an examiner can still count.
//
//	meta          "version" → schema version, uint32 big-endian (in the clear)
//	              "key check" → a sealed constant: a wrong key is ErrWrongKey
//	messages      conversation ‖ timestamp ‖ author → message record (binary, see message.go)
//	unread        conversation ‖ timestamp ‖ author → empty; incoming messages not yet read
//	expiries      expires-at ‖ message → message identity; disappearing messages
//	conversations conversation → conversation record (JSON)
//	outbox        id, uint64 big-endian from NextSequence → outbox record (binary)
//	hashes        storage-server hash → expiry ms, uint64 big-endian
//	hash_expiries expiry ‖ hash → hash; which hash records PruneHashes may drop
//	cursors       node Ed25519 key ‖ namespace (int16 big-endian) → last retrieved hash
//	settings, node_cache, swarm_cache, account
//	              engine-chosen key → opaque bytes (see Get and Put)
//
// A message's identity is (conversation, author, sent timestamp), as in the protocol, so its
// key makes adding it idempotent and keeps a conversation's messages together; a page is
// a scan of that conversation's keys, each decrypted in about 20 ns, and a sort in memory.
//
// # Schema version
//
// Open writes schemaVersion into a new file and refuses any other version with ErrSchema. A
// change of layout raises the version and adds an explicit migration from the previous one:
// version 1 (the same buckets in the clear) is encrypted in place by migrate.go, safely
// against a crash at any moment.
//
// # Message states
//
// An outgoing message goes Pending (written, not yet accepted by the recipient's swarm) →
// Sent (stored by the swarm) → Read (the peer's read receipt arrived), or to Failed, with
// Error saying why in plain words, while it waits for a retry or after the engine gives up.
// An incoming message is Received while we have not read it (Unread is true) and Read once
// we have (MarkRead). Only incoming messages are ever unread.
package store
