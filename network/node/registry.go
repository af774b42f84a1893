package node

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"

	"allium/crypto"
	"allium/network"
	"allium/network/ratelimit"
)

// RegistryEntry is one node of a network as the registry file lists it.
type RegistryEntry struct {
	// Address is where the node's HTTPS port listens, "ip:port".
	Address string `json:"address"`
	// Ed25519 is the node's identity key (hex); X25519, the key onion layers are
	// encrypted to, is derived from it.
	Ed25519 string `json:"pubkey_ed25519"`
	X25519  string `json:"pubkey_x25519"`
	// SwarmID is the swarm the node serves (decimal in JSON: JavaScript readers would
	// lose precision on a 64-bit number).
	SwarmID uint64 `json:"swarm_id,string"`
}

// RegistryFile is the JSON file an operator distributes to every node of a network.
type RegistryFile struct {
	Name  string          `json:"name"`
	Nodes []RegistryEntry `json:"nodes"`
}

// Peer is a node of the network, parsed from the registry.
type Peer struct {
	Addr    netip.AddrPort
	Ed25519 [32]byte
	X25519  [32]byte
	SwarmID uint64
}

// EdHex returns the node's Ed25519 key in hex, the name clients and responses use.
func (p *Peer) EdHex() string { return hex.EncodeToString(p.Ed25519[:]) }

// Registry is a parsed registry: every node, and the swarms they form. It is immutable;
// a reload builds a new one.
type Registry struct {
	Name   string
	Peers  []Peer
	byEd   map[[32]byte]*Peer
	addrs  map[netip.Addr]bool // every node's IP address
	swarms []uint64            // sorted swarm ids
}

// LoadRegistry reads and checks a registry file.
func LoadRegistry(path string) (*Registry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("node: read registry: %w", err)
	}
	var f RegistryFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("node: registry %s: %w", path, err)
	}
	r, err := NewRegistry(f)
	if err != nil {
		return nil, fmt.Errorf("node: registry %s: %w", path, err)
	}
	return r, nil
}

// NewRegistry checks a registry's entries: addresses parse, keys are valid and
// consistent, no key appears twice, and no node claims the invalid swarm id.
func NewRegistry(f RegistryFile) (*Registry, error) {
	if len(f.Nodes) == 0 {
		return nil, errors.New("no nodes")
	}
	r := &Registry{Name: f.Name, Peers: make([]Peer, len(f.Nodes)), byEd: make(map[[32]byte]*Peer, len(f.Nodes)),
		addrs: make(map[netip.Addr]bool, len(f.Nodes))}
	for i, e := range f.Nodes {
		p := &r.Peers[i]
		var err error
		if p.Addr, err = netip.ParseAddrPort(e.Address); err != nil {
			return nil, fmt.Errorf("node %d: address %q: %w", i, e.Address, err)
		}
		if p.Ed25519, err = parseKey(e.Ed25519); err != nil {
			return nil, fmt.Errorf("node %d: pubkey_ed25519: %w", i, err)
		}
		if p.X25519, err = crypto.Ed25519PublicToX25519(p.Ed25519[:]); err != nil {
			return nil, fmt.Errorf("node %d: pubkey_ed25519: %w", i, err)
		}
		if e.X25519 != "" && e.X25519 != hex.EncodeToString(p.X25519[:]) {
			return nil, fmt.Errorf("node %d: pubkey_x25519 does not match pubkey_ed25519", i)
		}
		if e.SwarmID == network.InvalidSwarmID {
			return nil, fmt.Errorf("node %d: swarm_id %d is reserved for nodes without a swarm", i, e.SwarmID)
		}
		p.SwarmID = e.SwarmID
		if _, dup := r.byEd[p.Ed25519]; dup {
			return nil, fmt.Errorf("node %d: pubkey_ed25519 listed twice", i)
		}
		r.byEd[p.Ed25519] = p
		r.addrs[ratelimit.Source(p.Addr.Addr())] = true
		if !slices.Contains(r.swarms, p.SwarmID) {
			r.swarms = append(r.swarms, p.SwarmID)
		}
	}
	slices.Sort(r.swarms)
	return r, nil
}

func parseKey(s string) ([32]byte, error) {
	var k [32]byte
	if len(s) != 64 {
		return k, fmt.Errorf("want 64 hex digits, got %d characters", len(s))
	}
	_, err := hex.Decode(k[:], []byte(s))
	return k, err
}

// Lookup finds a node by its Ed25519 key.
func (r *Registry) Lookup(ed [32]byte) (*Peer, bool) {
	p, ok := r.byEd[ed]
	return p, ok
}

// HasAddr reports whether a node of the registry has the IP address a (whatever its port;
// for IPv6, within its /64): traffic from there is a neighbour relaying for its clients.
func (r *Registry) HasAddr(a netip.Addr) bool { return r.addrs[ratelimit.Source(a)] }

// SwarmFor returns the swarm id an account belongs to.
func (r *Registry) SwarmFor(pubkey [33]byte) uint64 {
	id, _ := network.NearestSwarm(network.SwarmSpace(pubkey), r.swarms)
	return id
}

// Members returns the nodes of a swarm, in registry order.
func (r *Registry) Members(swarm uint64) []*Peer {
	var m []*Peer
	for i := range r.Peers {
		if r.Peers[i].SwarmID == swarm {
			m = append(m, &r.Peers[i])
		}
	}
	return m
}

// File returns the registry in its file form.
func (r *Registry) File() RegistryFile {
	f := RegistryFile{Name: r.Name, Nodes: make([]RegistryEntry, len(r.Peers))}
	for i, p := range r.Peers {
		f.Nodes[i] = RegistryEntry{
			Address: p.Addr.String(),
			Ed25519: hex.EncodeToString(p.Ed25519[:]),
			X25519:  hex.EncodeToString(p.X25519[:]),
			SwarmID: p.SwarmID,
		}
	}
	return f
}

// SpreadSwarmIDs returns n swarm ids spread evenly over the 64-bit swarm space, so that
// accounts divide evenly among swarms.
func SpreadSwarmIDs(n int) []uint64 {
	ids := make([]uint64, n)
	step := ^uint64(0) / uint64(n)
	for i := range ids {
		ids[i] = step/2 + uint64(i)*step
	}
	return ids
}

// WriteRegistry writes f to path as indented JSON, readable by everyone (it holds only
// public keys and addresses).
func WriteRegistry(path string, f RegistryFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'), 0o644)
}

// writeFileAtomic writes through a temporary file and a rename, so a reader (a node
// reloading on SIGHUP) never sees half a file.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	tmp := path + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, b, mode); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
