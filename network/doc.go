// Package network holds the wire formats and transport shared by the Allium
// client and the Allium node: the Session storage-server message hash, the
// exact messages that clients and nodes sign, the pubkey-to-swarm mapping,
// the active_nodes_bin node list and the onion-request framing and routing
// JSON.
//
// The functions in this package do no I/O and keep no state; they only
// build and parse bytes, so that the client and the node cannot disagree on
// a format.
package network
