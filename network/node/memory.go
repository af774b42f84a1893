package node

import (
	"context"
	"sync"

	"allium/network"
)

// A node's memory for requests in flight and replies not yet read is bounded by its
// config (max_memory), not by its clients. Every request reserves what it will hold
// before it holds it: its body before the body is read, each retrieve's share of the
// reply before the messages are read from the store, a relayed reply before its bytes
// arrive. A reservation lasts until the reply has been handed to the connection, so a
// client that never reads its reply keeps its reservation — and so the memory it costs
// — counted until the write times out. Past the ceiling, new work gets 503 at once
// while accepted work finishes.

// Copies of its bytes that a piece of a request or reply costs while it is alive.
const (
	// bodyCopies: the body itself, and what parsing it makes (a store's data decoded
	// from base64, the layer an onion request peels).
	bodyCopies = 3
	// replyCopies: a retrieve's messages as read from the store, then in base64 in
	// the RPC body, then once more in a batch's body.
	replyCopies = 3
	// onionReplyCopies: an onion destination's reply also exists as the JSON it
	// seals, the ciphertext, and its base64 (the link writes the base64 from where it
	// is: buffers.go).
	onionReplyCopies = replyCopies + 3
	// relayCopies: a relayed reply is one buffer, read once and written back from
	// where it is (buffers.go).
	relayCopies = 1
	// minRetrieveGrant is the least message budget a retrieve needs to be worth
	// running: one message of the largest size, as the spool counts it.
	minRetrieveGrant = network.MaxMessageSize/3*4 + network.HashLen + 100
)

// memPool counts the bytes reserved by all requests against the node's ceiling.
type memPool struct {
	mu    sync.Mutex // guards used
	limit int64
	used  int64
}

func newMemPool(limit int64) *memPool { return &memPool{limit: limit} }

// take reserves n bytes if they fit under the ceiling.
func (p *memPool) take(n int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used+n > p.limit {
		return false
	}
	p.used += n
	return true
}

// takeUpTo reserves as much of n as fits, at least min, and reports how much; 0 when
// not even min fits.
func (p *memPool) takeUpTo(n, least int64) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	free := p.limit - p.used
	if free < least || free <= 0 {
		return 0
	}
	n = min(n, free)
	p.used += n
	return n
}

func (p *memPool) give(n int64) {
	p.mu.Lock()
	p.used -= n
	p.mu.Unlock()
}

// Reserved returns the bytes requests have reserved now.
func (p *memPool) reserved() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

// reservation is what one request holds from the pool; release gives it all back. Its
// methods are safe for concurrent use, since the subrequests of a batch run at once.
type reservation struct {
	pool *memPool

	mu   sync.Mutex // guards held
	held int64
}

func (r *reservation) take(n int64) bool {
	if n <= 0 {
		return true
	}
	if !r.pool.take(n) {
		return false
	}
	r.mu.Lock()
	r.held += n
	r.mu.Unlock()
	return true
}

func (r *reservation) takeUpTo(n, least int64) int64 {
	got := r.pool.takeUpTo(n, least)
	r.mu.Lock()
	r.held += got
	r.mu.Unlock()
	return got
}

// give returns n of the reserved bytes (what a retrieve reserved and did not use).
func (r *reservation) give(n int64) {
	r.mu.Lock()
	n = min(n, r.held)
	r.held -= n
	r.mu.Unlock()
	r.pool.give(n)
}

// release gives back everything; it is safe to call more than once.
func (r *reservation) release() {
	r.mu.Lock()
	n := r.held
	r.held = 0
	r.mu.Unlock()
	r.pool.give(n)
}

// replyBudget is what is left of one request's reply: the message bytes, as the spool
// counts them, that its retrieves may still add. A batch or sequence shares one budget
// among its subrequests.
//
// The budget is Session's RETRIEVE_MAX_SIZE (network.RetrieveMaxSize, 7.8 MB) for the
// whole request, batch or not. The storage server caps each retrieve at that size and
// relies on its 10 MiB transport limit to fail a batch whose retrieves add up to more;
// it tells clients to split the limit among the retrieves of a batch (max_size -5 on
// each of five). A client that follows that advice never meets this budget; one that
// asks for twenty full retrieves gets 7.8 MB and more: true, not 156 MB. The same
// budget keeps an onion destination's reply under the relays' limit (maxReply) before
// it is built: 7.8 MB of base64 messages, sealed and in base64 again, is about 10.5 MB.
type replyBudget struct {
	mu   sync.Mutex // guards left
	left int
}

// take grants up to want bytes; nothing when less than one message of the largest size
// is left, so that a reply never passes the budget.
func (b *replyBudget) take(want int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left < minRetrieveGrant {
		return 0
	}
	got := min(want, b.left)
	b.left -= got
	return got
}

func (b *replyBudget) give(n int) {
	b.mu.Lock()
	b.left += n
	b.mu.Unlock()
}

// call is what one top-level request carries through its handling: its memory
// reservation and its reply budget, how many copies of a reply it makes, and the pooled
// buffers its reply is in.
type call struct {
	res    *reservation
	budget *replyBudget
	copies int64

	mu   sync.Mutex // guards held
	held [][]byte
}

// newCall starts the call of a top-level request; the call, its reservation and its
// budget are one allocation, since every request makes one.
func (n *Node) newCall() *call {
	s := &struct {
		c      call
		res    reservation
		budget replyBudget
	}{res: reservation{pool: n.mem}, budget: replyBudget{left: network.RetrieveMaxSize}}
	s.c = call{res: &s.res, budget: &s.budget, copies: replyCopies}
	return &s.c
}

// hold records a buffer from the node's pool that the reply is in; end gives it back.
func (c *call) hold(b []byte) {
	if cap(b) < pooledFrame {
		return
	}
	c.mu.Lock()
	c.held = append(c.held, b)
	c.mu.Unlock()
}

// end releases the call's memory and gives its buffers back to bufs. Only the owner of
// a top-level request calls it, once its reply has been written out.
func (c *call) end(bufs *bufPool) {
	c.res.release()
	c.mu.Lock()
	held := c.held
	c.held = nil
	c.mu.Unlock()
	for _, b := range held {
		bufs.put(b)
	}
}

type callKey struct{}

func withCall(ctx context.Context, c *call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// callFrom returns the request's call; one that came in without (a node-to-node call,
// a test) gets a reservation of its own that is never released, which only tests see.
// Its buffers are never given back: its reply goes to a caller that does not say when
// it is done with it.
func (n *Node) callFrom(ctx context.Context) *call {
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		return c
	}
	return n.newCall()
}

// MemoryReserved returns the bytes the node's requests hold now, against its ceiling
// (max_memory). Tests and the operator's figures read it.
func (n *Node) MemoryReserved() int64 { return n.mem.reserved() }
