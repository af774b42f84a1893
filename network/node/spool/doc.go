// Package spool is the storage node's message database: the encrypted messages a node keeps
// for the accounts of its swarm, per (account, namespace), in insertion order, each with its
// hash, the client's timestamp and an expiry. It is the only package of the node that
// imports bbolt.
//
// # Layout
//
// One bbolt file holds these buckets. Integers are big-endian so that keys sort by them;
// signed integers have their sign bit flipped first, so negative values sort before
// positive ones.
//
//	meta                "version" → schema version (uint32); "count" → stored messages (uint64)
//	messages            pubkey(33) ‖ ns(2) ‖ seq(8) → hash(43) ‖ timestamp(8) ‖ expiry(8) ‖ data
//	hashes              hash(43) → messages key (43)
//	sequence            seq(8) → messages key (43)
//	expiries            expiry(8) ‖ seq(8) → messages key (43)
//	tombstones          hash(43) → expiry(8)
//	tombstone_expiries  expiry(8) ‖ hash(43) → nothing
//
// seq is the sequence of the messages bucket: a store-wide insertion counter, strictly
// increasing and never reused. Because it ends the messages key, one account's messages in
// one namespace are adjacent and in insertion order, so a retrieve is one Cursor.Seek to
// pubkey ‖ ns ‖ seq+1 of the last hash the client saw, then a forward scan: O(log n + k)
// however many messages the store holds. The sequence bucket lets swarm peers catch up in
// insertion order (Since); the expiries bucket lets PruneExpired find what has expired
// without scanning everything.
//
// # Tombstones
//
// Deleting a message leaves a tombstone (its hash and expiry) until the message would have
// expired. Put refuses a tombstoned hash as if it were stored, so neither a late replicated
// copy nor a member catching up from a peer that has not yet seen the deletion can bring back
// a message its owner deleted.
//
// # Expiry
//
// A message whose expiry is at or before now is gone for every operation: Retrieve, Since and
// Expiries skip it, Delete and Expire do not find it, and Put of the same hash stores it
// afresh. PruneExpired removes such messages (and expired tombstones) from the file; until
// then they only take space.
package spool
