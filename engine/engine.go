package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"allium/crypto"
	"allium/engine/store"
	"allium/network"
)

// NetworkSession names the public Session network.
const NetworkSession = "session"

// Options say how to open an engine.
type Options struct {
	// Dir is the profile directory (one account).
	Dir string
	// Network is NetworkSession or the path of a private network file (network.json).
	// Empty means the network the profile last used, or NetworkSession.
	Network string
	// Logger receives diagnostics; nil discards them. At any level, logs hold no
	// message contents.
	Logger *slog.Logger
	// PollActive and PollIdle are how often the engine fetches new messages while the
	// user is active (default 1 s) and idle (default 5 s).
	PollActive, PollIdle time.Duration
	// Clock replaces time.Now (tests).
	Clock func() time.Time
}

// Engine is a running client for one account.
type Engine struct {
	opts   Options
	st     *store.Store
	id     *crypto.Identity
	log    *slog.Logger
	events *eventQueue
	tr     *transport
	pool   *pool

	netMu   sync.Mutex // serialises bootstrap and path building
	active  atomic.Bool
	status  atomic.Uint32
	dropped atomic.Int64 // incoming messages that could not be decrypted or parsed

	sendWake chan struct{}
	pollWake chan struct{}
	pollNode [32]byte // the swarm node polled last; only pollLoop uses it

	tsMu   sync.Mutex // guards lastTs
	lastTs int64      // the last message timestamp handed out

	typingMu sync.Mutex // guards typingSent
	// typingSent remembers when we last told each peer we were typing.
	typingSent map[crypto.SessionID]time.Time

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// Open starts the engine on the account in opts.Dir: it opens the database, then starts
// connecting, polling and sending in the background. It does not wait for the network.
func Open(opts Options) (*Engine, error) {
	if opts.PollActive <= 0 {
		opts.PollActive = time.Second
	}
	if opts.PollIdle <= 0 {
		opts.PollIdle = 5 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(opts.Dir)
	if err != nil {
		return nil, err
	}
	id, err := loadIdentity(st)
	if err != nil {
		st.Close()
		return nil, err
	}
	seeds, diverse, err := resolveNetwork(st, opts.Network)
	if err != nil {
		st.Close()
		return nil, err
	}
	e := &Engine{
		opts: opts, st: st, id: id, log: log,
		events:     newEventQueue(),
		tr:         newTransport(seeds),
		pool:       newPool(diverse),
		sendWake:   make(chan struct{}, 1),
		pollWake:   make(chan struct{}, 1),
		typingSent: make(map[crypto.SessionID]time.Time),
	}
	e.active.Store(true)
	e.loadNodeCache()
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.wg.Add(4)
	go func() { defer e.wg.Done(); e.maintainLoop() }()
	go func() { defer e.wg.Done(); e.pollLoop() }()
	go func() { defer e.wg.Done(); e.sendLoop() }()
	go func() { defer e.wg.Done(); e.expireLoop() }()
	return e, nil
}

// resolveNetwork turns the network option into seeds, remembering a choice in the
// profile. Diverse paths (one node per subnet) are enforced only on the public network.
func resolveNetwork(st *store.Store, name string) ([]seed, bool, error) {
	if name == "" {
		name = getString(st, keyNetwork)
	}
	if name == "" {
		name = NetworkSession
	}
	var seeds []seed
	diverse := true
	if name == NetworkSession {
		seeds = sessionSeeds
	} else {
		f, err := network.LoadNetworkFile(name)
		if err != nil {
			return nil, false, fmt.Errorf("%w: %v", ErrUnknownNetwork, err)
		}
		for _, s := range f.Seeds {
			seeds = append(seeds, seed{url: s})
		}
		diverse = false
	}
	if err := st.Put(store.Account, keyNetwork, []byte(name)); err != nil {
		return nil, false, err
	}
	return seeds, diverse, nil
}

// Close stops the engine: background work first (in-flight requests are cancelled;
// messages not yet sent stay in the outbox for next time), then events, then the
// database. It is safe to call more than once.
func (e *Engine) Close() error {
	var err error
	e.once.Do(func() {
		e.cancel()
		e.wg.Wait()
		e.tr.close()
		e.events.close()
		err = e.st.Close()
	})
	return err
}

// Events returns the channel of events. It is closed by Close.
func (e *Engine) Events() <-chan Event { return e.events.out }

// SessionID returns the account's Session ID.
func (e *Engine) SessionID() crypto.SessionID { return e.id.SessionID() }

// Phrase returns the account's 13-word recovery phrase.
func (e *Engine) Phrase() string {
	p, _ := e.id.Phrase()
	return p
}

// DisplayName returns the name others see.
func (e *Engine) DisplayName() string { return getString(e.st, keyName) }

// SetDisplayName changes the name others see (sent with every message).
func (e *Engine) SetDisplayName(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := e.st.Put(store.Account, keyNameUpdated, []byte(strconv.FormatInt(e.now().Unix(), 10))); err != nil {
		return err
	}
	return e.st.Put(store.Account, keyName, []byte(name))
}

// SetActive tells the engine whether the user is active: it fetches new messages every
// second while active and every five seconds while idle.
func (e *Engine) SetActive(active bool) {
	if !e.active.Swap(active) && active {
		e.PollNow()
	}
}

// PollNow asks for new messages at once.
func (e *Engine) PollNow() { wake(e.pollWake) }

// Status returns the connection status.
func (e *Engine) Status() Status { return Status(e.status.Load()) }

// Dropped returns how many incoming messages could not be decrypted or parsed.
func (e *Engine) Dropped() int64 { return e.dropped.Load() }

// Paths returns the onion paths in use, guard first.
func (e *Engine) Paths() []Path { return e.pool.snapshot() }

// RebuildPaths drops the current paths and builds new ones.
func (e *Engine) RebuildPaths(ctx context.Context) error {
	e.pool.dropPaths()
	err := e.ensurePaths(ctx)
	e.events.push(PathChanged{Paths: e.Paths()})
	return err
}

// now is network time: the local clock corrected by the offset the nodes report, so
// signatures and timestamps agree with the nodes even when this computer's clock is a
// little off.
func (e *Engine) now() time.Time { return e.opts.Clock().Add(e.pool.offset()) }

func (e *Engine) setStatus(s Status) {
	if Status(e.status.Swap(uint32(s))) != s {
		e.events.push(ConnectionChanged{Status: s})
	}
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// nodeCacheKey stores the node list between runs, so a restart needs no seed.
const nodeCacheKey = "nodes"

type cachedNode struct {
	Addr    string `json:"addr"`
	Ed25519 []byte `json:"ed25519"`
	SwarmID uint64 `json:"swarm_id"`
}

func (e *Engine) loadNodeCache() {
	b, ok, err := e.st.Get(store.NodeCache, nodeCacheKey+"@"+getString(e.st, keyNetwork))
	if err != nil || !ok {
		return
	}
	var cached []cachedNode
	if json.Unmarshal(b, &cached) != nil {
		return
	}
	var nodes []Node
	for _, c := range cached {
		n, err := nodeFromCache(c)
		if err == nil {
			nodes = append(nodes, n)
		}
	}
	e.pool.setNodes(nodes)
}

func (e *Engine) saveNodeCache(nodes []Node) {
	cached := make([]cachedNode, len(nodes))
	for i, n := range nodes {
		cached[i] = cachedNode{Addr: n.Addr.String(), Ed25519: n.Ed25519[:], SwarmID: n.SwarmID}
	}
	b, _ := json.Marshal(cached)
	e.st.Put(store.NodeCache, nodeCacheKey+"@"+getString(e.st, keyNetwork), b)
}

// maintainLoop keeps the node pool fresh and the paths built.
func (e *Engine) maintainLoop() {
	refresh := time.NewTicker(time.Hour)
	defer refresh.Stop()
	check := time.NewTicker(5 * time.Second)
	defer check.Stop()
	fresh := false
	for {
		if !fresh || e.pool.size() < pathCount*pathLength+1 {
			if err := e.refreshNodes(e.ctx); err == nil {
				fresh = true
			}
		}
		if err := e.ensurePaths(e.ctx); err != nil && e.ctx.Err() == nil {
			e.log.Debug("build paths", "err", err)
			e.setStatus(Offline)
		}
		select {
		case <-e.ctx.Done():
			return
		case <-refresh.C:
			fresh = false
		case <-check.C:
		}
	}
}

func (e *Engine) refreshNodes(ctx context.Context) error {
	nodes, err := e.tr.fetchNodes(ctx)
	if err != nil {
		if e.pool.size() == 0 {
			e.setStatus(Offline)
		}
		return err
	}
	e.pool.setNodes(nodes)
	e.saveNodeCache(nodes)
	return nil
}

// ensurePaths builds paths until pathCount are ready.
func (e *Engine) ensurePaths(ctx context.Context) error {
	e.netMu.Lock()
	defer e.netMu.Unlock()
	built := false
	for e.pool.pathsReady() < pathCount {
		if e.pool.size() == 0 {
			if err := e.refreshNodes(ctx); err != nil {
				return err
			}
		}
		if _, err := e.pool.buildPath(ctx, e.tr); err != nil {
			if e.pool.pathsReady() > 0 {
				break // one path works; the second waits for more nodes
			}
			return err
		}
		built = true
	}
	if built {
		e.events.push(PathChanged{Paths: e.Paths()})
	}
	return nil
}

// request sends one storage RPC for an account's swarm through an onion path, handling
// what the network may answer (PROTOCOL §5.7): a failing path or node is struck and the
// request retried on another; a 421 replaces the swarm; a clock complaint resyncs the
// clock and retries once. params is called for each attempt, so that signatures use the
// current network time and the chosen node. prefer names a swarm node to ask if possible.
func (e *Engine) request(ctx context.Context, swarmOf [33]byte, prefer [32]byte, method string, params func(now time.Time, dest Node) ([]byte, error)) (int, []byte, Node, error) {
	const attempts = 4
	var lastErr error = ErrUnreachable
	clockRetried := false
	for i := 0; i < attempts; i++ {
		if err := ctx.Err(); err != nil {
			return 0, nil, Node{}, err
		}
		if err := e.ensurePaths(ctx); err != nil {
			e.setStatus(Offline)
			return 0, nil, Node{}, fmt.Errorf("%w: %v", ErrUnreachable, err)
		}
		swarm := e.pool.swarmFor(swarmOf)
		pa, dest, ok := e.pool.route(swarm, prefer)
		if !ok {
			e.pool.dropPaths() // every path overlaps the swarm: build fresh ones
			lastErr = fmt.Errorf("%w: no route to the swarm", ErrUnreachable)
			continue
		}
		p, err := params(e.now(), dest)
		if err != nil {
			return 0, nil, Node{}, err
		}
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		status, body, err := e.tr.onion(rctx, pa.nodes, dest, method, p)
		cancel()
		var pe *pathError
		switch {
		case errors.As(err, &pe):
			lastErr = fmt.Errorf("%w: %v", ErrUnreachable, pe)
			if ed, gone, ok := nextNode(pe.body); ok {
				// "Next node not found" drops the node at once; "unreachable" counts.
				e.pool.strikeNode(ed, gone)
				if ed == dest.Ed25519 {
					continue
				}
			}
			e.pool.strikePath(pa)
			e.events.push(PathChanged{Paths: e.Paths()})
			continue
		case err != nil:
			return 0, nil, Node{}, err
		}
		e.setStatus(Online)
		e.sampleTime(body)
		switch status {
		case http.StatusMisdirectedRequest:
			e.pool.setSwarm(swarmOf, body)
			lastErr = fmt.Errorf("%w: the swarm moved", ErrUnreachable)
			continue
		case http.StatusNotAcceptable, http.StatusTooEarly:
			if clockRetried {
				e.setStatus(ClockWrong)
				return status, body, dest, ErrClockWrong
			}
			clockRetried = true
			e.resyncClock(ctx, swarm)
			continue
		case http.StatusServiceUnavailable, http.StatusInternalServerError:
			e.pool.strikeNode(dest.Ed25519, false)
			lastErr = fmt.Errorf("%w: node answered %d", ErrUnreachable, status)
			continue
		}
		return status, body, dest, nil
	}
	return 0, nil, Node{}, lastErr
}

// sampleTime reads the node time "t" every storage response carries.
func (e *Engine) sampleTime(body []byte) {
	var r struct {
		T int64 `json:"t"`
	}
	if json.Unmarshal(body, &r) == nil && r.T > 0 {
		e.pool.sampleClock(r.T, e.opts.Clock())
	}
}

// resyncClock asks a node for its time (info carries "t") after a clock complaint.
func (e *Engine) resyncClock(ctx context.Context, swarm []Node) {
	pa, dest, ok := e.pool.route(swarm, [32]byte{})
	if !ok {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if status, body, err := e.tr.onion(rctx, pa.nodes, dest, "info", []byte(`{}`)); err == nil && status == 200 {
		e.sampleTime(body)
	}
}

func nodeFromCache(c cachedNode) (Node, error) {
	ap, err := netip.ParseAddrPort(c.Addr)
	if err != nil {
		return Node{}, err
	}
	x, err := crypto.Ed25519PublicToX25519(c.Ed25519)
	if err != nil {
		return Node{}, err
	}
	return Node{Addr: ap, Ed25519: [32]byte(c.Ed25519), X25519: x, SwarmID: c.SwarmID}, nil
}
