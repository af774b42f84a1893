package network

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"slices"
)

// InvalidSwarmID is the swarm id of a node that belongs to no swarm
// (unassigned or decommissioned). It is never a swarm to store in.
const InvalidSwarmID uint64 = math.MaxUint64

// ActiveNodeRecordSize is the size of one active_nodes_bin record.
const ActiveNodeRecordSize = 51

// SwarmSpace returns the position of an account in swarm space (PROTOCOL
// §4.1): the XOR of the four big-endian 64-bit words of the 32 key bytes
// after the prefix byte. Any prefix (05, 03, …) is ignored.
func SwarmSpace(pubkey [33]byte) uint64 {
	k := pubkey[1:]
	return binary.BigEndian.Uint64(k[0:8]) ^ binary.BigEndian.Uint64(k[8:16]) ^
		binary.BigEndian.Uint64(k[16:24]) ^ binary.BigEndian.Uint64(k[24:32])
}

// NearestSwarm returns the swarm that holds an account at space: the id in
// sortedIDs (ascending; duplicates allowed) nearest to space on the circle of
// uint64 values, the lower one on a tie. InvalidSwarmID entries are ignored.
// ok is false when no valid id is left.
func NearestSwarm(space uint64, sortedIDs []uint64) (id uint64, ok bool) {
	// InvalidSwarmID is the largest uint64, so in a sorted list it can only
	// sit at the end.
	ids := sortedIDs
	for len(ids) > 0 && ids[len(ids)-1] == InvalidSwarmID {
		ids = ids[:len(ids)-1]
	}
	switch len(ids) {
	case 0:
		return 0, false
	case 1:
		return ids[0], true
	}
	i, _ := slices.BinarySearch(ids, space)
	right := ids[i%len(ids)] // first id >= space, wrapping to the smallest
	left := ids[(i+len(ids)-1)%len(ids)]
	// Distances are taken mod 2^64, which is what uint64 subtraction does.
	if right-space < space-left {
		return right, true
	}
	return left, true
}

// NodeRecord is one node of an active_nodes_bin response (PROTOCOL §3.9). A
// node whose uptime proof has not been seen yet has zero IP, ports and
// version.
type NodeRecord struct {
	Ed25519   [32]byte
	SwarmID   uint64
	IP        netip.Addr // always IPv4
	HTTPSPort uint16
	QUICPort  uint16 // OxenMQ (TCP) and QUIC (UDP) port
	Version   [3]byte
}

// ParseActiveNodesBin parses an active_nodes_bin body: 51-byte records of
// Ed25519 key (32) || swarm id (u64 BE) || IPv4 (4) || HTTPS port (u16 BE) ||
// QUIC/OMQ port (u16 BE) || version (3). A body that is not a whole number of
// records is rejected. An empty body is an empty list.
func ParseActiveNodesBin(b []byte) ([]NodeRecord, error) {
	if len(b)%ActiveNodeRecordSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a multiple of %d", ErrBadActiveNodes, len(b), ActiveNodeRecordSize)
	}
	nodes := make([]NodeRecord, 0, len(b)/ActiveNodeRecordSize)
	for ; len(b) > 0; b = b[ActiveNodeRecordSize:] {
		nodes = append(nodes, NodeRecord{
			Ed25519:   [32]byte(b[0:32]),
			SwarmID:   binary.BigEndian.Uint64(b[32:40]),
			IP:        netip.AddrFrom4([4]byte(b[40:44])),
			HTTPSPort: binary.BigEndian.Uint16(b[44:46]),
			QUICPort:  binary.BigEndian.Uint16(b[46:48]),
			Version:   [3]byte(b[48:51]),
		})
	}
	return nodes, nil
}

// AppendActiveNodesBin appends the active_nodes_bin form of nodes to dst. An
// IP that is not IPv4 (or IPv4-mapped IPv6) is written as 0.0.0.0, which
// clients treat as unknown.
func AppendActiveNodesBin(dst []byte, nodes []NodeRecord) []byte {
	dst = slices.Grow(dst, len(nodes)*ActiveNodeRecordSize)
	for _, n := range nodes {
		var ip [4]byte
		if a := n.IP.Unmap(); a.Is4() {
			ip = a.As4()
		}
		dst = append(dst, n.Ed25519[:]...)
		dst = binary.BigEndian.AppendUint64(dst, n.SwarmID)
		dst = append(dst, ip[:]...)
		dst = binary.BigEndian.AppendUint16(dst, n.HTTPSPort)
		dst = binary.BigEndian.AppendUint16(dst, n.QUICPort)
		dst = append(dst, n.Version[:]...)
	}
	return dst
}
