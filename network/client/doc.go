// Package client is the onion client of a Session network: it knows the network's nodes
// (from seeds, then from its own cache), keeps onion paths built over them, maps accounts
// to swarms, keeps the network time, and sends typed storage requests (store, retrieve,
// delete, expire, get_swarm, batch and sequence, for any namespace) to an account's swarm
// and HTTP requests (onion requests v4) to servers such as the file server, each through
// a path of three nodes. It interprets what the nodes answer, so that its callers see
// typed results and errors; status and path changes reach its owner through callbacks.
//
// It never imports the engine: the engine declares the interface it uses, and this
// package implements it.
package client
