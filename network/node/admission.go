package node

import (
	"net"
	"net/netip"
	"sync"

	"allium/network/ratelimit"
)

// What one source address may hold of a node: a share of its request slots and a number
// of connections. Without shares, one client opening slow requests (a body that takes
// 30 s to arrive) or idle connections takes what every other client needs.

// addrShares counts what each source address holds.
type addrShares struct {
	mu   sync.Mutex // guards held
	held map[netip.Addr]int
}

func newAddrShares() *addrShares { return &addrShares{held: map[netip.Addr]int{}} }

// take counts one more for addr, unless it holds limit already.
func (s *addrShares) take(addr netip.Addr, limit int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[addr] >= limit {
		return false
	}
	s.held[addr]++
	return true
}

func (s *addrShares) give(addr netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[addr] <= 1 {
		delete(s.held, addr)
		return
	}
	s.held[addr]--
}

// requestShare is how many requests addr may have open at once: a node of the registry
// relays for many clients, and may use half the node; anyone else max_per_address.
func (n *Node) requestShare(addr netip.Addr) int {
	if n.reg.Load().HasAddr(addr) {
		return max(n.cfg.MaxPerAddress, n.cfg.MaxConcurrent/2)
	}
	return n.cfg.MaxPerAddress
}

// connShare is how many connections addr may hold: nodes of the registry keep pools of
// kept-alive connections to each other, so they get as many as they may have requests.
func (n *Node) connShare(addr netip.Addr) int {
	if n.reg.Load().HasAddr(addr) {
		return max(n.cfg.MaxConnsPerAddress, n.cfg.MaxConcurrent)
	}
	return n.cfg.MaxConnsPerAddress
}

// limitListener closes at once a connection from an address that holds its share of
// connections already.
type limitListener struct {
	net.Listener
	n      *Node
	shares *addrShares
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := remoteAddr(c.RemoteAddr().String())
		if !l.shares.take(addr, l.n.connShare(addr)) {
			c.Close()
			continue
		}
		return &countedConn{Conn: c, release: func() { l.shares.give(addr) }}, nil
	}
}

// countedConn gives back its address's share once, when it is closed.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// remoteAddr is the source a peer address counts as: IPv4 in IPv6 counts as IPv4, so
// one client cannot hold two shares, and an IPv6 address counts as its /64, the block
// one host is given, so that a host cannot take a share per address of its block.
func remoteAddr(s string) netip.Addr {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.Addr{}
	}
	return ratelimit.Source(ap.Addr())
}
