package node

import (
	"bytes"
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

	"allium/network/node/spool"
)

// Limits that protect a public-facing node.
const (
	// maxBody bounds a request body: a batch of 20 stores of the largest message is
	// about 2 MB of base64, and an onion request wraps one such batch.
	maxBody = 4 << 20
	// maxReply bounds a reply relayed back along an onion path: a full retrieve
	// (network.RetrieveMaxSize), encrypted and in base64, with room to spare.
	maxReply = 16 << 20
	// maxHeader bounds request headers.
	maxHeader = 16 << 10
	// A client must send its headers within readHeaderTimeout and its body within
	// readTimeout (no slow-loris); writeTimeout covers a relayed onion round trip.
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 75 * time.Second
	idleTimeout       = 120 * time.Second
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

	limiter *rateLimiter
	busy    chan struct{} // one token per request being handled

	// linkMu guards the relay links (link.go): incoming ones, nil once the node is
	// shutting down, and outgoing ones by the next node's address.
	linkMu   sync.Mutex
	linksIn  map[*tls.Conn]struct{}
	linksOut map[netip.AddrPort]*linkSlot

	// syncMu guards cursors: the last sequence number fetched from each swarm peer.
	syncMu  sync.Mutex
	cursors map[[32]byte]uint64

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
	n = &Node{cfg: cfg, log: cfg.Logger, cursors: make(map[[32]byte]uint64),
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

	n.limiter = newRateLimiter(cfg.RateLimit, cfg.RateBurst)
	n.busy = make(chan struct{}, cfg.MaxConcurrent)
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

// protect applies the limits every request passes: a per-source-address rate limit
// (429), bounded concurrency (503) and a body size limit.
func (n *Node) protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil && !n.limiter.allow(ap.Addr(), n.now()) {
			http.Error(w, "Too many requests, try again later", http.StatusTooManyRequests)
			return
		}
		select {
		case n.busy <- struct{}{}:
			defer func() { <-n.busy }()
		default:
			http.Error(w, "Server busy, try again later", http.StatusServiceUnavailable)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// readBody reads a request body, answering 413 when it is over the limit.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := readAllSized(r.Body, r.ContentLength)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "Could not read request body", http.StatusBadRequest)
		}
		return nil, false
	}
	return b, true
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
// the copies io.ReadAll makes while it grows.
func readAllSized(r io.Reader, n int64) ([]byte, error) {
	if n <= 0 || n > maxBody {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, n+1))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
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
