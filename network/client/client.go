package client

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Status is the client's connection to the network.
type Status uint8

const (
	// Connecting: building paths, nothing has worked yet.
	Connecting Status = iota
	// Online: requests go through.
	Online
	// Offline: the network cannot be reached.
	Offline
	// ClockWrong: the nodes reject requests because this computer's clock is far off.
	ClockWrong
)

// Options say how to reach a network.
type Options struct {
	// Seeds are asked for the node list when the client knows no nodes.
	Seeds []Seed
	// Diverse makes paths take at most one node per /24 subnet (the public network; a
	// loopback test network has a single subnet).
	Diverse bool
	// Nodes is the node list from an earlier run (see EncodeNodes), so that a restart
	// needs no seed.
	Nodes []Node
	// Logger receives diagnostics; nil discards them. Logs hold no message contents,
	// account keys or hashes.
	Logger *slog.Logger
	// Clock replaces time.Now (tests).
	Clock func() time.Time
	// Proxy, if set, is what the client connects through: every connection (ProxyAll)
	// or only the seed requests (ProxyBootstrap). There is no fallback: when the proxy
	// fails, the client is Offline with ProblemProxy and connects to nothing directly.
	Proxy Proxy
	// Dial opens every TCP connection the client makes (to the proxy, when one is
	// set); nil is a net.Dialer's. Tests use it to see and refuse connections.
	Dial DialFunc

	// The callbacks tell the owner what changed; they are called from the client's
	// goroutines, must not block and must not call back into the client's request
	// methods. Nil callbacks are not called.
	//
	// OnStatus is called when the status changes, or while Offline, the step that
	// fails (see Problem).
	OnStatus func(Status, Problem)
	// OnPaths is called when paths are built, struck or dropped.
	OnPaths func([]Path)
	// OnNodes is called with a fresh node list from a seed (to keep for next time).
	OnNodes func([]Node)

	// attemptTimeout bounds one attempt of a storage request through a path (zero:
	// attemptTimeout); the package's tests shorten it.
	attemptTimeout time.Duration
}

// attemptTimeout is how long one attempt of a storage request waits for its answer
// through a path before trying another.
const attemptTimeout = 30 * time.Second

// Client sends requests to a network's storage nodes and to HTTP servers, each through an
// onion path. It keeps the node list fresh and two paths built in the background, and
// handles what nodes may answer (PROTOCOL §5.7): failing paths and nodes are struck and
// requests retried elsewhere, a 421 replaces a swarm, a clock complaint resyncs the
// network time. Every method is safe for concurrent use.
type Client struct {
	opts Options
	log  *slog.Logger
	tr   *transport
	pool *pool

	attemptTimeout time.Duration // see Options.attemptTimeout

	// building serialises bootstrap and path building; it is a channel so that a request
	// waiting for it gives up when its context ends.
	building chan struct{}

	stateMu sync.Mutex    // serialises state changes, so OnStatus sees them in order
	status  atomic.Uint32 // a Status
	problem atomic.Uint32 // a Problem

	stickyMu sync.Mutex             // guards sticky
	sticky   map[stickyKey][32]byte // the node each account's namespace was polled from last

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

type stickyKey struct {
	pubkey [33]byte
	ns     int32
}

// New starts a client: it begins fetching nodes and building paths in the background and
// returns at once. Close stops it.
func New(opts Options) *Client {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		opts: opts, log: log,
		tr:       newTransport(opts.Seeds, opts.Proxy, opts.Dial),
		pool:     newPool(opts.Diverse),
		sticky:   make(map[stickyKey][32]byte),
		building: make(chan struct{}, 1),

		attemptTimeout: opts.attemptTimeout,
	}
	if c.attemptTimeout <= 0 {
		c.attemptTimeout = attemptTimeout
	}
	c.pool.setNodes(opts.Nodes)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.wg.Add(1)
	go func() { defer c.wg.Done(); c.maintainLoop() }()
	return c
}

// Close stops the background work, cancels requests in flight and waits for them. It is
// safe to call more than once.
func (c *Client) Close() error {
	c.once.Do(func() {
		c.cancel()
		c.wg.Wait()
		c.tr.close()
	})
	return nil
}

// Status returns the connection status.
func (c *Client) Status() Status { return Status(c.status.Load()) }

// Paths returns the onion paths in use, guard first.
func (c *Client) Paths() []Path { return c.pool.snapshot() }

// Nodes returns the nodes the client knows.
func (c *Client) Nodes() []Node { return c.pool.all() }

// Now is network time: the local clock corrected by the offset the nodes report, so
// that signatures and timestamps agree with the nodes even when this computer's clock
// is off.
func (c *Client) Now() time.Time { return c.opts.Clock().Add(c.pool.offset()) }

// ClockKnown reports whether a node has told the client its time since it started, so
// that Now is network time rather than this computer's clock.
func (c *Client) ClockKnown() bool { return c.pool.clockSamples() > 0 }

// RebuildPaths drops the current paths and builds new ones.
func (c *Client) RebuildPaths(ctx context.Context) error {
	c.pool.dropPaths()
	err := c.ensurePaths(ctx)
	c.pathsChanged()
	return err
}

func (c *Client) setStatus(s Status) { c.setState(s, NoProblem) }

// setState records the status and, when Offline, the step that fails.
func (c *Client) setState(s Status, p Problem) {
	if s != Offline {
		p = NoProblem
	}
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	changed := Status(c.status.Swap(uint32(s))) != s
	if Problem(c.problem.Swap(uint32(p))) != p {
		changed = true
	}
	if changed && c.opts.OnStatus != nil {
		c.opts.OnStatus(s, p)
	}
}

func (c *Client) pathsChanged() {
	if c.opts.OnPaths != nil {
		c.opts.OnPaths(c.Paths())
	}
}

// maintainLoop keeps the node pool fresh and the paths built.
func (c *Client) maintainLoop() {
	refresh := time.NewTicker(time.Hour)
	defer refresh.Stop()
	check := time.NewTicker(5 * time.Second)
	defer check.Stop()
	fresh := false
	for {
		if !fresh || c.pool.size() < pathCount*pathLength+1 {
			if err := c.refreshNodes(c.ctx); err == nil {
				fresh = true
			}
		}
		if err := c.ensurePaths(c.ctx); err != nil && c.ctx.Err() == nil {
			c.log.Debug("build paths", "err", err)
			c.setOffline(err)
		}
		select {
		case <-c.ctx.Done():
			return
		case <-refresh.C:
			fresh = false
		case <-check.C:
		}
	}
}

func (c *Client) refreshNodes(ctx context.Context) error {
	nodes, err := c.tr.fetchNodes(ctx)
	if err != nil {
		err = fmt.Errorf("%w (%w)", err, errSeeds)
		if c.pool.size() == 0 {
			c.setOffline(err)
		}
		return err
	}
	c.pool.setNodes(nodes)
	if c.opts.OnNodes != nil {
		c.opts.OnNodes(nodes)
	}
	return nil
}

// ensurePaths builds paths until pathCount are ready.
func (c *Client) ensurePaths(ctx context.Context) error {
	select {
	case c.building <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.building }()
	built := false
	for c.pool.pathsReady() < pathCount {
		if c.pool.size() == 0 {
			if err := c.refreshNodes(ctx); err != nil {
				return err
			}
		}
		if _, err := c.pool.buildPath(ctx, c.tr); err != nil {
			if c.pool.pathsReady() > 0 {
				break // one path works; the second waits for more nodes
			}
			return err
		}
		built = true
	}
	if built {
		c.pathsChanged()
	}
	return nil
}

// requestContext bounds the context of one attempt and ends it when the client closes.
func (c *Client) requestContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, d)
	stop := context.AfterFunc(c.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}
