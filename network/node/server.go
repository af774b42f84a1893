package node

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"allium/network"
	"allium/network/node/spool"
	"allium/network/ratelimit"
)

// Limits that protect a public-facing node.
const (
	// maxBody bounds a request body: an onion request v4 carrying the largest file to
	// the file server (network.MaxFileSize; v4 bodies are raw, not base64) with its
	// meta and four layers' framing, under 2 KB (a batch of 20 stores of the largest
	// message, about 2 MB of base64, fits easily).
	maxBody = network.MaxFileSize + 64<<10
	// maxReply bounds a reply relayed back along an onion path: a full retrieve
	// (network.RetrieveMaxSize), encrypted and in base64, with room to spare; a file
	// downloaded is a raw v4 answer, just over network.MaxFileSize.
	maxReply = 16 << 20
	// maxHeader bounds request headers.
	maxHeader = 16 << 10
	// A client must send its headers within readHeaderTimeout and its body within
	// readTimeout (no slow-loris); writeTimeout covers a relayed onion round trip.
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 75 * time.Second
	// idleTimeout closes a kept-alive HTTPS connection that carries no request: clients
	// poll every few seconds, and an idle connection is what an attacker holds cheapest.
	idleTimeout = 30 * time.Second
	// linkReadIdle closes a relay link the other end has not used for this long; the
	// other end closes its idle links sooner (linkIdle), so it is the caller that does.
	linkReadIdle = 120 * time.Second
)

// Version is what the node reports in info and get_stats: the storage-server version
// whose protocol it speaks.
var Version = [3]int{2, 11, 3}

// hardfork is the network version reported as "hf" in responses.
var hardfork = [2]int{21, 0}

// Node is a running allium-node.
type Node struct {
	cfg   Config
	id    *Identity
	reg   atomic.Pointer[Registry]
	spool *spool.Store
	log   *slog.Logger

	ln     net.Listener
	srv    *http.Server
	client *http.Client // calls to other nodes
	proxy  *http.Client // onion requests relayed to allowed HTTP servers

	limiter *ratelimit.Limiter
	busy    chan struct{} // one token per request being handled
	mem     *memPool      // memory for requests in flight and replies not yet read
	bufs    *bufPool      // large buffers relayed frames are read into (buffers.go)
	shares  *addrShares   // requests open per source address
	conns   *addrShares   // connections open per source address

	// linkMu guards the relay links (link.go): incoming ones, nil once the node is
	// shutting down, and outgoing ones by the next node's address.
	linkMu   sync.Mutex
	linksIn  map[*tls.Conn]struct{}
	linksOut map[netip.AddrPort]*linkSlot

	// syncMu guards cursors: the last sequence number fetched from each swarm peer.
	// backoff when each peer whose catch-up failed is asked again.
	syncMu  sync.Mutex
	cursors map[[32]byte]uint64
	backoff map[[32]byte]syncBackoff

	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	shutOnce sync.Once
	shutErr  error
}

// New starts a node: it loads (or creates) its key and TLS certificate in cfg.DataDir,
// reads the registry, opens its message store, listens, and starts serving and its
// background work (catching up from swarm peers, pruning expired messages). Everything
// acquired is released if a step fails.
func New(cfg Config) (n *Node, err error) {
	cfg.withDefaults()
	n = &Node{cfg: cfg, log: cfg.Logger, cursors: make(map[[32]byte]uint64), backoff: map[[32]byte]syncBackoff{},
		linksIn: map[*tls.Conn]struct{}{}, linksOut: map[netip.AddrPort]*linkSlot{}}
	if n.log == nil {
		level, err := ParseLogLevel(cfg.LogLevel)
		if err != nil {
			return nil, err
		}
		n.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	if n.id, err = LoadOrCreateIdentity(cfg.DataDir); err != nil {
		return nil, err
	}
	cert, err := loadOrCreateCert(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	reg, err := LoadRegistry(cfg.Registry)
	if err != nil {
		return nil, err
	}
	self, ok := reg.Lookup(n.id.PublicKey())
	if !ok {
		return nil, fmt.Errorf("node: this node's key %x is not in the registry %s", n.id.PublicKey(), cfg.Registry)
	}
	n.reg.Store(reg)

	st, err := spool.OpenWithOptions(filepath.Join(cfg.DataDir, dbFile), spool.Options{Now: cfg.Clock})
	if err != nil {
		return nil, err
	}
	n.spool = st
	defer func() {
		if err != nil {
			st.Close()
		}
	}()

	n.ln = cfg.Listener
	if n.ln == nil {
		listen := cfg.Listen
		if listen == "" {
			listen = self.Addr.String()
		}
		if n.ln, err = net.Listen("tcp", listen); err != nil {
			return nil, fmt.Errorf("node: listen: %w", err)
		}
	}

	n.limiter = ratelimit.New(cfg.RateLimit, cfg.RateBurst)
	n.busy = make(chan struct{}, cfg.MaxConcurrent)
	n.mem = newMemPool(int64(cfg.MaxMemory) << 20)
	n.bufs = newBufPool(int64(cfg.MaxMemory) << 20)
	n.shares, n.conns = newAddrShares(), newAddrShares()
	n.ln = &limitListener{Listener: n.ln, n: n, shares: n.conns}
	n.client = peerClient()
	n.proxy = &http.Client{Timeout: 25 * time.Second}
	n.ctx, n.cancel = context.WithCancel(context.Background())

	mux := http.NewServeMux()
	mux.HandleFunc("POST /storage_rpc/v1", n.handleStorageRPC)
	mux.HandleFunc("POST /onion_req/v2", n.handleOnion)
	mux.HandleFunc("POST /json_rpc", n.handleSeed)
	mux.HandleFunc("GET /get_stats/v1", n.handleStats)
	mux.HandleFunc("POST "+replicatePath, n.handleReplicate)
	mux.HandleFunc("POST "+syncPath, n.handleSync)
	n.srv = &http.Server{
		Handler: n.protect(mux),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
			NextProtos: []string{relayProto, "http/1.1"}},
		// Clients speak HTTP/1.1, as to Session's storage servers; other nodes of the
		// network open relay links (link.go).
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){
			relayProto: func(_ *http.Server, c *tls.Conn, _ http.Handler) { n.serveLink(c) },
		},
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeader,
		ErrorLog:          slog.NewLogLogger(n.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return n.ctx },
	}
	n.srv.RegisterOnShutdown(n.closeIncomingLinks)
	n.wg.Add(3)
	go func() {
		defer n.wg.Done()
		if err := n.srv.ServeTLS(n.ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("serve", "err", err)
		}
	}()
	go func() { defer n.wg.Done(); n.syncLoop() }()
	go func() { defer n.wg.Done(); n.pruneLoop() }()
	n.log.Info("node started", "listen", n.ln.Addr().String(), "pubkey_ed25519", self.EdHex(), "swarm", self.SwarmID)
	return n, nil
}

// Addr returns the address the node listens on.
func (n *Node) Addr() netip.AddrPort {
	return n.ln.Addr().(*net.TCPAddr).AddrPort()
}

// MemoryCeiling returns the bytes requests may reserve (max_memory).
func (n *Node) MemoryCeiling() int64 { return n.mem.limit }

// PublicKey returns the node's Ed25519 key.
func (n *Node) PublicKey() [32]byte { return n.id.PublicKey() }

// Spool returns the node's message spool (tests and benchmarks inspect it).
func (n *Node) Spool() *spool.Store { return n.spool }

// ReloadRegistry re-reads the registry file (on SIGHUP). The old registry stays in use
// if the new one is invalid or no longer lists this node.
func (n *Node) ReloadRegistry() error {
	reg, err := LoadRegistry(n.cfg.Registry)
	if err != nil {
		return err
	}
	if _, ok := reg.Lookup(n.id.PublicKey()); !ok {
		return fmt.Errorf("node: the new registry does not list this node; keeping the old one")
	}
	n.reg.Store(reg)
	n.log.Info("registry reloaded", "nodes", len(reg.Peers))
	return nil
}

// self returns this node's entry in the current registry.
func (n *Node) self() *Peer {
	p, _ := n.reg.Load().Lookup(n.id.PublicKey())
	return p
}

// Shutdown stops accepting requests, waits for those in flight (until ctx ends), stops
// background work and closes the store. It is safe to call more than once.
func (n *Node) Shutdown(ctx context.Context) error {
	n.shutOnce.Do(func() {
		err := n.srv.Shutdown(ctx)
		if err != nil {
			n.srv.Close()
		}
		n.cancel()
		n.wg.Wait()
		n.client.CloseIdleConnections()
		if cerr := n.spool.Close(); err == nil {
			err = cerr
		}
		n.shutErr = err
		n.log.Info("node stopped")
	})
	return n.shutErr
}

// now is the node's clock in milliseconds.
func (n *Node) now() time.Time { return n.cfg.Clock() }

// protect applies the limits every request passes, in this order, each answered at
// once: a per-source-address rate limit for clients (429); the address's share of open
// requests (503); memory for the body under the node's ceiling (503); the body read
// within its deadline and size limit (413); and only then one of the node's request
// slots (503), so that a client sending its body slowly holds no slot while it does.
// The body is read here; handlers take it with readBody. The request's memory is
// released when its handler returns, which is when its reply has been written out.
func (n *Node) protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := remoteAddr(r.RemoteAddr)
		// Calls between swarm members (replication, catch-up) are limited by capacity,
		// as relayed onion requests are, not by a client's rate; the handler checks
		// the caller's signature.
		if !n.fromSwarmPeer(r) && addr.IsValid() && !n.limiter.Allow(addr, n.now()) {
			http.Error(w, "Too many requests, try again later", http.StatusTooManyRequests)
			return
		}
		if !n.shares.take(addr, n.requestShare(addr)) {
			http.Error(w, "Server busy, try again later", http.StatusServiceUnavailable)
			return
		}
		defer n.shares.give(addr)
		c := n.newCall()
		defer c.end(n.bufs)
		announced := r.ContentLength
		if announced < 0 || announced > maxBody {
			announced = maxBody
		}
		if !c.res.take(announced * bodyCopies) {
			http.Error(w, "Server busy, try again later", http.StatusServiceUnavailable)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		body, err := readAllSized(r.Body, r.ContentLength)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
			} else {
				http.Error(w, "Could not read request body", http.StatusBadRequest)
			}
			return
		}
		c.res.give((announced - int64(len(body))) * bodyCopies)
		select {
		case n.busy <- struct{}{}:
			defer func() { <-n.busy }()
		default:
			http.Error(w, "Server busy, try again later", http.StatusServiceUnavailable)
			return
		}
		ctx := withCall(context.WithValue(r.Context(), bodyKey{}, body), c)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type bodyKey struct{}

// fromSwarmPeer reports whether r is a call between nodes naming a member of this
// node's swarm as its caller.
func (n *Node) fromSwarmPeer(r *http.Request) bool {
	if r.URL.Path != replicatePath && r.URL.Path != syncPath {
		return false
	}
	key, err := parseKey(r.Header.Get(hdrNode))
	if err != nil {
		return false
	}
	p, ok := n.reg.Load().Lookup(key)
	self := n.self()
	return ok && self != nil && p.SwarmID == self.SwarmID
}

// readBody returns the body protect read.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, ok := r.Context().Value(bodyKey{}).([]byte)
	if !ok {
		http.Error(w, "Could not read request body", http.StatusBadRequest)
	}
	return b, ok
}

func (n *Node) handleStorageRPC(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Loki-Long-Poll") != "" {
		http.Error(w, "long polling is not supported", http.StatusGone)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	status, resp := n.handleRPCBody(r.Context(), body)
	writeRPC(w, status, resp)
}

// readAllSized reads r to the end into a buffer sized by the announced length, saving
// the copies io.ReadAll makes while it grows. (A bytes.Buffer would grow too: it wants
// 512 bytes free before each read.) The buffer has one byte more than announced, so a
// longer body is seen without growing it in the common case; the caller's limit then
// catches it.
func readAllSized(r io.Reader, n int64) ([]byte, error) {
	if n <= 0 || n > maxReply {
		return io.ReadAll(r)
	}
	buf := make([]byte, n+1)
	m, err := io.ReadFull(r, buf)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return buf[:m], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(r)
	return append(buf, rest...), err
}

// writeRPC writes an RPC result: JSON for successes and for 421 (whose body is the
// right swarm), plain text for other errors, as the storage server does.
func writeRPC(w http.ResponseWriter, status int, body []byte) {
	if len(body) > 0 && (body[0] == '{' || body[0] == '[') {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.WriteHeader(status)
	w.Write(body)
}

func (n *Node) handleStats(w http.ResponseWriter, r *http.Request) {
	v := fmt.Sprintf("%d.%d.%d", Version[0], Version[1], Version[2])
	writeJSON(w, http.StatusOK, map[string]string{"version": v})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeRPC(w, status, b)
}

// seedNode is one entry of get_n_service_nodes, with the fields Session clients read.
type seedNode struct {
	PublicIP       string `json:"public_ip"`
	StoragePort    uint16 `json:"storage_port"`
	StorageLMQPort uint16 `json:"storage_lmq_port"`
	Ed25519        string `json:"pubkey_ed25519"`
	X25519         string `json:"pubkey_x25519"`
	SwarmID        uint64 `json:"swarm_id"`
	// Nodes of a registry never announce an unlock.
	RequestedUnlockHeight int `json:"requested_unlock_height"`
}

// handleSeed answers the seed call clients bootstrap from (oxend's JSON-RPC
// get_n_service_nodes), listing every node of the network.
func (n *Node) handleSeed(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var req struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "invalid JSON-RPC request", http.StatusBadRequest)
		return
	}
	if req.Method != "get_n_service_nodes" && req.Method != "get_service_nodes" {
		writeJSON(w, http.StatusOK, map[string]any{"jsonrpc": "2.0", "id": req.ID,
			"error": map[string]any{"code": -32601, "message": "Method not found"}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"jsonrpc": "2.0", "id": req.ID,
		"result": map[string]any{"service_node_states": n.seedNodes(), "height": 0, "status": "OK"}})
}

func (n *Node) seedNodes() []seedNode {
	reg := n.reg.Load()
	out := make([]seedNode, len(reg.Peers))
	for i, p := range reg.Peers {
		out[i] = seedNode{
			PublicIP:       p.Addr.Addr().String(),
			StoragePort:    p.Addr.Port(),
			StorageLMQPort: p.Addr.Port(),
			Ed25519:        p.EdHex(),
			X25519:         hexKey(p.X25519),
			SwarmID:        p.SwarmID,
		}
	}
	return out
}

func hexKey(k [32]byte) string { return fmt.Sprintf("%x", k[:]) }

// miscFields are the "t" and "hf" every response carries.
func (n *Node) miscFields() (int64, [2]int) { return n.now().UnixMilli(), hardfork }

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
