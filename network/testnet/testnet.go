// Package testnet runs a whole Allium network of real nodes on 127.0.0.1 in one process:
// for tests, for the demo, and for `allium-node testnet`. Its directory keeps every
// node's keys, certificate and messages, so a restart with the same directory brings back
// the same nodes on the same ports with the same data.
package testnet

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"allium/network"
	"allium/network/fileserver"
	"allium/network/node"
)

// Options say what network to start.
type Options struct {
	// Nodes is the number of nodes (default 9); SwarmSize how many serve each swarm
	// (default 3). Nodes/SwarmSize swarms are formed.
	Nodes     int
	SwarmSize int
	// Dir holds the network. Required.
	Dir string
	// Name names the network in its files (default "allium-testnet").
	Name string
	// Logger receives the nodes' logs (default: discarded).
	Logger *slog.Logger
	// SyncInterval is how often nodes catch up from swarm peers (default 5 s).
	SyncInterval time.Duration
	// Observe, if set, is told what node i learns from each onion request (tests).
	Observe func(i int, o node.OnionObservation)
	// ProxyHosts are the hosts the nodes relay onion requests v4 to (HTTP servers on
	// this computer); the network's own file server's, 127.0.0.1, is always one.
	ProxyHosts []string
	// FileServer is the config of the network's file server, which testnet completes:
	// its directory, listener and logger, and no rate limit unless one is set, since
	// every request of a local network comes from 127.0.0.1.
	FileServer fileserver.Config
}

// File names in Dir.
const (
	RegistryFile  = "registry.json"
	NetworkFile   = "network.json"
	FileServerDir = "fileserver"
)

// Testnet is a running local network.
type Testnet struct {
	opts Options
	reg  node.RegistryFile

	files *fileserver.Server

	mu    sync.Mutex // guards nodes and reserved
	nodes []*node.Node
	// reserved holds the listeners that reserved new nodes' ports until they start.
	reserved map[int]net.Listener
}

// Start creates (or reopens) the network in opts.Dir, starts every node and returns once
// each one answers.
func Start(ctx context.Context, opts Options) (*Testnet, error) {
	if opts.Nodes <= 0 {
		opts.Nodes = 9
	}
	if opts.SwarmSize <= 0 {
		opts.SwarmSize = 3
	}
	if opts.Name == "" {
		opts.Name = "allium-testnet"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = 5 * time.Second
	}
	if opts.Dir == "" {
		return nil, errors.New("testnet: no directory")
	}
	if err := node.EnsureDataDir(opts.Dir); err != nil {
		return nil, err
	}
	t := &Testnet{opts: opts, reserved: make(map[int]net.Listener)}
	var err error
	regPath := filepath.Join(opts.Dir, RegistryFile)
	if r, err := node.LoadRegistry(regPath); err == nil {
		t.reg = r.File()
	} else if errors.Is(err, os.ErrNotExist) {
		if t.reg, err = create(opts, t.reserved); err != nil {
			for _, ln := range t.reserved {
				ln.Close()
			}
			return nil, err
		}
		if err := node.WriteRegistry(regPath, t.reg); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("testnet: %w", err)
	}
	t.opts.ProxyHosts = append(slices.Clip(opts.ProxyHosts), "127.0.0.1")
	if t.files, err = startFileServer(t.opts); err != nil {
		return nil, err
	}
	ed, x := t.files.Ed25519(), t.files.X25519()
	nf := network.NetworkFile{Name: t.reg.Name, FileServer: &network.FileServerKeys{URL: t.FileServerURL(),
		Ed25519: hex.EncodeToString(ed[:]), X25519: hex.EncodeToString(x[:])}}
	for _, e := range t.reg.Nodes {
		nf.Seeds = append(nf.Seeds, "https://"+e.Address)
	}
	if err := network.WriteNetworkFile(filepath.Join(opts.Dir, NetworkFile), nf); err != nil {
		t.Close()
		return nil, err
	}
	t.nodes = make([]*node.Node, len(t.reg.Nodes))
	for i := range t.nodes {
		if err := t.StartNode(i); err != nil {
			t.Close()
			return nil, err
		}
	}
	if err := t.waitReady(ctx); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// create makes keys for every node, reserves free loopback ports (keeping their
// listeners for the nodes) and assigns swarms round-robin, so that each swarm's members
// are spread across the list.
func create(opts Options, reserved map[int]net.Listener) (node.RegistryFile, error) {
	f := node.RegistryFile{Name: opts.Name}
	swarms := node.SpreadSwarmIDs(max(1, opts.Nodes/opts.SwarmSize))
	for i := 0; i < opts.Nodes; i++ {
		id, err := node.LoadOrCreateIdentity(nodeDir(opts.Dir, i))
		if err != nil {
			return f, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return f, err
		}
		reserved[i] = ln
		pub := id.PublicKey()
		f.Nodes = append(f.Nodes, node.RegistryEntry{
			Address: ln.Addr().String(),
			Ed25519: fmt.Sprintf("%x", pub[:]),
			X25519:  fmt.Sprintf("%x", id.X25519.Public[:]),
			SwarmID: swarms[i%len(swarms)],
		})
	}
	return f, nil
}

// startFileServer starts the network's file server on 127.0.0.1, on the port it had
// before if the network file names one and it is free.
func startFileServer(opts Options) (*fileserver.Server, error) {
	cfg := opts.FileServer
	cfg.DataDir = filepath.Join(opts.Dir, FileServerDir)
	cfg.Logger = opts.Logger.With("file_server", true)
	if cfg.RateLimit == 0 {
		cfg.RateLimit = -1
	}
	addr := "127.0.0.1:0"
	if f, err := network.LoadNetworkFile(filepath.Join(opts.Dir, NetworkFile)); err == nil && f.FileServer != nil {
		if u, err := url.Parse(f.FileServer.URL); err == nil && u.Hostname() == "127.0.0.1" {
			addr = u.Host
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("testnet: file server: %w", err)
		}
	}
	cfg.Listener = ln
	fs, err := fileserver.New(cfg)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("testnet: %w", err)
	}
	return fs, nil
}

func nodeDir(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("node-%02d", i)) }

// StartNode starts node i (again).
func (t *Testnet) StartNode(i int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.nodes[i] != nil {
		return nil
	}
	ln := t.reserved[i]
	delete(t.reserved, i)
	n, err := node.New(node.Config{
		Listener: ln,
		DataDir:  nodeDir(t.opts.Dir, i),
		Registry: filepath.Join(t.opts.Dir, RegistryFile),
		Logger:   t.opts.Logger.With("node", i),
		// The limits are a real node's defaults, so that tests meet what deployments do.
		SyncInterval:      t.opts.SyncInterval,
		Observe:           t.observer(i),
		AllowedProxyHosts: t.opts.ProxyHosts,
	})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return fmt.Errorf("testnet: node %d: %w", i, err)
	}
	t.nodes[i] = n
	return nil
}

func (t *Testnet) observer(i int) func(node.OnionObservation) {
	if t.opts.Observe == nil {
		return nil
	}
	return func(o node.OnionObservation) { t.opts.Observe(i, o) }
}

// StopNode shuts node i down; its data stays in the directory.
func (t *Testnet) StopNode(i int) error {
	t.mu.Lock()
	n := t.nodes[i]
	t.nodes[i] = nil
	t.mu.Unlock()
	if n == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return n.Shutdown(ctx)
}

// Node returns node i, or nil while it is stopped.
func (t *Testnet) Node(i int) *node.Node {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.nodes[i]
}

// Len returns the number of nodes.
func (t *Testnet) Len() int { return len(t.reg.Nodes) }

// Registry returns the network's registry.
func (t *Testnet) Registry() node.RegistryFile { return t.reg }

// NetworkFile returns the path of the file clients take with --network.
func (t *Testnet) NetworkFile() string { return filepath.Join(t.opts.Dir, NetworkFile) }

// Seed returns the URL of the first node.
func (t *Testnet) Seed() string { return "https://" + t.reg.Nodes[0].Address }

// FileServer returns the network's file server.
func (t *Testnet) FileServer() *fileserver.Server { return t.files }

// FileServerURL returns the base URL of the network's file server.
func (t *Testnet) FileServerURL() string { return "http://" + t.files.Addr().String() }

// Close stops every node and the file server.
func (t *Testnet) Close() error {
	t.mu.Lock()
	for i, ln := range t.reserved {
		ln.Close()
		delete(t.reserved, i)
	}
	t.mu.Unlock()
	var errs []error
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range t.reg.Nodes {
		wg.Go(func() {
			if err := t.StopNode(i); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.files != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := t.files.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// waitReady polls every node with an info request until all answer.
func (t *Testnet) waitReady(ctx context.Context) error {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, e := range t.reg.Nodes {
		for {
			resp, err := c.Post("https://"+e.Address+"/storage_rpc/v1", "application/json", bytes.NewReader([]byte(`{"method":"info","params":{}}`)))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("testnet: node %s did not answer: %w", e.Address, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}
