package client

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"allium/network"
)

// Path policy (PROTOCOL §5.7, as Session Desktop does it).
const (
	pathCount       = 2 // paths kept ready, each with its own guard
	pathLength      = 3 // guard + 2 nodes
	pathStrikes     = 3 // failures before a path and its guard are dropped
	nodeStrikes     = 3 // failures before a node leaves the pool
	guardTestPeriod = 10 * time.Second
)

// Path is an onion path, guard first, as the path view shows it.
type Path struct{ Nodes []Node }

type path struct {
	nodes   []Node
	strikes int
}

func (p *path) has(ed [32]byte) bool {
	return slices.ContainsFunc(p.nodes, func(n Node) bool { return n.Ed25519 == ed })
}

// pool is the client's view of the network: the nodes, their failures, the paths built
// over them, swarms learnt from 421 answers, and the clock offset the nodes report.
type pool struct {
	// diverse: paths take at most one node per /24 subnet (the public network; a loopback
	// test network has a single subnet).
	diverse bool

	mu      sync.Mutex // guards everything below
	nodes   []Node
	strikes map[[32]byte]int
	paths   []*path
	swarms  map[[33]byte][]Node // from 421 answers, replacing the computed swarm
	offsets []int64             // recent samples of node time − local time, ms
}

func newPool(diverse bool) *pool {
	return &pool{diverse: diverse, strikes: make(map[[32]byte]int), swarms: make(map[[33]byte][]Node)}
}

func (p *pool) setNodes(nodes []Node) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nodes = slices.Clone(nodes)
}

func (p *pool) all() []Node {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.nodes)
}

func (p *pool) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.nodes)
}

// swarmFor returns the nodes serving pubkey: the swarm a 421 named if there was one,
// else the swarm nearest the key among the pool's swarm ids.
func (p *pool) swarmFor(pubkey [33]byte) []Node {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.swarms[pubkey]; ok && len(s) > 0 {
		return slices.Clone(s)
	}
	var ids []uint64
	for _, n := range p.nodes {
		if n.SwarmID != network.InvalidSwarmID && !slices.Contains(ids, n.SwarmID) {
			ids = append(ids, n.SwarmID)
		}
	}
	slices.Sort(ids)
	id, ok := network.NearestSwarm(network.SwarmSpace(pubkey), ids)
	if !ok {
		return nil
	}
	var s []Node
	for _, n := range p.nodes {
		if n.SwarmID == id {
			s = append(s, n)
		}
	}
	return s
}

// setSwarm records the swarm a node named in a 421 answer.
func (p *pool) setSwarm(pubkey [33]byte, body []byte) {
	var r network.SwarmResponse
	if json.Unmarshal(body, &r) == nil {
		p.setSwarmNodes(pubkey, r)
	}
}

// setSwarmNodes records the swarm a node named (in a 421 or a get_swarm answer), keeping
// only the members the pool knows, and returns them.
func (p *pool) setSwarmNodes(pubkey [33]byte, r network.SwarmResponse) []Node {
	var s []Node
	for _, sn := range r.Snodes {
		if ed, ok := nodeKey(sn.PubkeyEd25519); ok {
			if n, ok := p.lookup(ed); ok {
				s = append(s, n)
			}
		}
	}
	if len(s) > 0 {
		p.mu.Lock()
		p.swarms[pubkey] = s
		p.mu.Unlock()
	}
	return s
}

func (p *pool) lookup(ed [32]byte) (Node, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range p.nodes {
		if n.Ed25519 == ed {
			return n, true
		}
	}
	return Node{}, false
}

// strikeNode counts a failure of a node; at nodeStrikes it leaves the pool, with every
// path through it.
func (p *pool) strikeNode(ed [32]byte, now bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.strikes[ed]++
	if !now && p.strikes[ed] < nodeStrikes {
		return
	}
	p.nodes = slices.DeleteFunc(p.nodes, func(n Node) bool { return n.Ed25519 == ed })
	p.paths = slices.DeleteFunc(p.paths, func(pa *path) bool { return pa.has(ed) })
	for k, s := range p.swarms {
		p.swarms[k] = slices.DeleteFunc(s, func(n Node) bool { return n.Ed25519 == ed })
	}
}

// strikePath counts a failure of a path; at pathStrikes the path is dropped and its
// guard struck, so that the next build picks another.
func (p *pool) strikePath(pa *path) {
	p.mu.Lock()
	pa.strikes++
	drop := pa.strikes >= pathStrikes
	if drop {
		p.paths = slices.DeleteFunc(p.paths, func(x *path) bool { return x == pa })
	}
	p.mu.Unlock()
	if drop {
		p.strikeNode(pa.nodes[0].Ed25519, false)
	}
}

func (p *pool) dropPaths() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paths = nil
}

func (p *pool) snapshot() []Path {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Path, len(p.paths))
	for i, pa := range p.paths {
		out[i] = Path{Nodes: slices.Clone(pa.nodes)}
	}
	return out
}

func (p *pool) pathsReady() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.paths)
}

// anyPath picks a path at random (for a server, which is on no path).
func (p *pool) anyPath() (*path, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.paths) == 0 {
		return nil, false
	}
	return p.paths[rand.IntN(len(p.paths))], true
}

// route picks a path and a destination in swarm that is not on it. prefer, if in swarm, is
// the destination whenever a path without it exists.
func (p *pool) route(swarm []Node, prefer [32]byte) (*path, Node, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	order := rand.Perm(len(p.paths))
	if i := slices.IndexFunc(swarm, func(n Node) bool { return n.Ed25519 == prefer }); i >= 0 {
		for _, j := range order {
			if !p.paths[j].has(prefer) {
				return p.paths[j], swarm[i], true
			}
		}
	}
	for _, j := range order {
		pa := p.paths[j]
		var cands []Node
		for _, n := range swarm {
			if !pa.has(n.Ed25519) {
				cands = append(cands, n)
			}
		}
		if len(cands) > 0 {
			return pa, cands[rand.IntN(len(cands))], true
		}
	}
	return nil, Node{}, false
}

// subnet is the /24 (IPv4) or /48 (IPv6) a node's address is in.
func subnet(a netip.Addr) netip.Prefix {
	bits := 24
	if a.Is6() && !a.Is4In6() {
		bits = 48
	}
	pre, _ := a.Unmap().Prefix(bits)
	return pre
}

// candidates returns pool nodes that may join a new path: not already on a path, and, on
// a diverse network, not in a subnet a path already uses.
func (p *pool) candidates(exclude []Node) []Node {
	p.mu.Lock()
	defer p.mu.Unlock()
	used := map[[32]byte]bool{}
	nets := map[netip.Prefix]bool{}
	for _, n := range exclude {
		used[n.Ed25519] = true
		nets[subnet(n.Addr.Addr())] = true
	}
	for _, pa := range p.paths {
		for _, n := range pa.nodes {
			used[n.Ed25519] = true
			nets[subnet(n.Addr.Addr())] = true
		}
	}
	var out []Node
	for _, n := range p.nodes {
		if used[n.Ed25519] || (p.diverse && nets[subnet(n.Addr.Addr())]) {
			continue
		}
		out = append(out, n)
	}
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

var errNotEnoughNodes = errors.New("not enough nodes to build a path")

// buildPath makes one new path: a guard that answers a direct test, then nodes drawn at
// random (one per subnet on a diverse network).
func (p *pool) buildPath(ctx context.Context, t *transport) (*path, error) {
	var guard Node
	found, offline := false, true
	for _, g := range p.candidates(nil) {
		tctx, cancel := context.WithTimeout(ctx, guardTestPeriod)
		status, _, err := t.direct(tctx, g, "info", []byte(`{}`))
		cancel()
		if err == nil && status == 200 {
			guard, found = g, true
			break
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if proxyFault(err) {
			// The proxy fails, not the node: keep it for when the proxy is back.
			return nil, fmt.Errorf("%w: %w", errNoGuard, err)
		}
		if errors.Is(err, errNetUnreachable) {
			// This computer has no route at all: no node is to blame, and the next
			// candidate would fail the same way.
			return nil, fmt.Errorf("%w: %w (%w)", errNoGuard, err, errOffline)
		}
		offline = offline && err != nil && noRoute(err)
		p.strikeNode(g.Ed25519, false)
	}
	if !found {
		if len(p.candidates(nil)) == 0 {
			return nil, errNotEnoughNodes
		}
		if offline {
			return nil, fmt.Errorf("%w: %w (%w)", errNotEnoughNodes, errNoGuard, errOffline)
		}
		// Every candidate was struck: none answered.
		return nil, fmt.Errorf("%w: %w", errNotEnoughNodes, errNoGuard)
	}
	nodes := []Node{guard}
	for _, n := range p.candidates(nodes) {
		if len(nodes) == pathLength {
			break
		}
		if p.diverse && slices.ContainsFunc(nodes, func(m Node) bool { return subnet(m.Addr.Addr()) == subnet(n.Addr.Addr()) }) {
			continue
		}
		nodes = append(nodes, n)
	}
	if len(nodes) < pathLength {
		return nil, errNotEnoughNodes
	}
	pa := &path{nodes: nodes}
	p.mu.Lock()
	p.paths = append(p.paths, pa)
	p.mu.Unlock()
	return pa, nil
}

// sampleClock records a node's time ("t" of a response) against ours.
func (p *pool) sampleClock(nodeMs int64, local time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.offsets = append(p.offsets, nodeMs-local.UnixMilli())
	if len(p.offsets) > 7 {
		p.offsets = p.offsets[len(p.offsets)-7:]
	}
}

func (p *pool) clockSamples() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.offsets)
}

// offset is the median of the recent samples: one node with a wrong clock cannot move it.
func (p *pool) offset() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.offsets) == 0 {
		return 0
	}
	s := slices.Clone(p.offsets)
	slices.Sort(s)
	return time.Duration(s[len(s)/2]) * time.Millisecond
}

// nextNode reads the node a relay error names, and whether it said the node does not
// exist ("Next node not found") rather than that it did not answer.
func nextNode(body string) (ed [32]byte, gone, ok bool) {
	for _, prefix := range []string{"Next node not found: ", "Next node is currently unreachable: "} {
		if h, found := strings.CutPrefix(body, prefix); found {
			b, err := hex.DecodeString(strings.TrimSpace(h))
			if err == nil && len(b) == 32 {
				return [32]byte(b), prefix[10] == 'n', true
			}
		}
	}
	return ed, false, false
}
