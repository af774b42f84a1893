package client

import (
	"encoding/json"
	"net/netip"

	"allium/crypto"
)

// cachedNode is a node as EncodeNodes writes it.
type cachedNode struct {
	Addr    string `json:"addr"`
	Ed25519 []byte `json:"ed25519"`
	SwarmID uint64 `json:"swarm_id"`
}

// EncodeNodes writes a node list for DecodeNodes to read back in a later run.
func EncodeNodes(nodes []Node) []byte {
	cached := make([]cachedNode, len(nodes))
	for i, n := range nodes {
		cached[i] = cachedNode{Addr: n.Addr.String(), Ed25519: n.Ed25519[:], SwarmID: n.SwarmID}
	}
	b, _ := json.Marshal(cached) // a list of plain structs always marshals
	return b
}

// DecodeNodes reads what EncodeNodes wrote. Entries that are not well formed are left
// out; a list that does not parse gives none.
func DecodeNodes(b []byte) []Node {
	var cached []cachedNode
	if json.Unmarshal(b, &cached) != nil {
		return nil
	}
	var nodes []Node
	for _, c := range cached {
		ap, err := netip.ParseAddrPort(c.Addr)
		if err != nil {
			continue
		}
		x, err := crypto.Ed25519PublicToX25519(c.Ed25519)
		if err != nil {
			continue
		}
		nodes = append(nodes, Node{Addr: ap, Ed25519: [32]byte(c.Ed25519), X25519: x, SwarmID: c.SwarmID})
	}
	return nodes
}
