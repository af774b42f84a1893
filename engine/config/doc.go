// Package config implements libsession's user config messages, the way every Session
// client keeps one account on several devices: the own profile, contacts, conversation
// read state and group list live in namespaces 2 to 5 of the own swarm as small bencoded
// documents that carry their own history of diffs, so that concurrent edits from two
// devices merge to the same result everywhere.
//
// The package has no network or storage of its own. A Config holds one config type's
// state; Merge feeds it what a poll retrieved, Push gives the message to store and the
// hashes it supersedes, and ConfirmPushed records the store. The byte formats follow
// libsession-util (src/config.cpp, src/config/base.cpp, src/config/encrypt.cpp,
// src/config/protos.cpp); every rule cites the file it comes from.
package config
