// Package network holds the wire formats and transport shared by the Allium
// client and the Allium node: the storage-server RPC, the Session
// storage-server message hash, the exact messages that clients and nodes
// sign, the pubkey-to-swarm mapping, the active_nodes_bin node list and the
// onion-request framing and routing JSON.
//
// The storage RPC is laid out by method. store.go, retrieve.go, delete.go
// (delete, delete_all, delete_before), expire.go (expire, expire_all,
// get_expiries), getswarm.go and batch.go (batch, sequence) each hold their
// methods' requests, the parsers that check them as a node does (ParseStore,
// …), their params form (MarshalJSON, and the New…Params builders a client
// calls), their responses and the messages signed in both. rpc.go holds the
// {"method", "params"} envelope, RPCError, the method names and the answer
// to info; params.go the params reading they share; signature.go the
// signing and checking of requests; swarmresult.go the parts of a swarm
// member's result that several methods share.
//
// The functions in this package do no I/O and keep no state; they only
// build and parse bytes, so that the client and the node cannot disagree on
// a format.
package network
