// Package node is allium-node: a storage and onion-relay node that answers clients exactly
// as Session's storage servers do over HTTPS (POST /storage_rpc/v1, POST /onion_req/v2 and
// the seed call POST /json_rpc), so that a Session-protocol client cannot tell the
// difference.
//
// A network is a registry file the operator distributes: every node's address, keys and
// swarm id. Each account belongs to the swarm whose id is nearest its key; a store is
// written by every member of that swarm, and a member that was away catches up from its
// peers. Nodes call each other over the same HTTPS port, on paths under /allium/, signing
// each call with their Ed25519 key so that only swarm members can write copies.
//
// Onion requests travel from node to node over relay links (link.go): on the same port,
// chosen by ALPN, one TLS connection per next node carries many requests at once. A next
// node that offers no link is called over HTTPS, as a storage server would be.
//
// At the default log level nothing a node logs identifies a client: no addresses, Session
// IDs or message hashes.
package node
