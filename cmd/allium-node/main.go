// Command allium-node runs an Allium storage and onion-relay node, or a whole local
// network for testing.
//
//	allium-node run --config FILE
//	allium-node keygen --dir DIR
//	allium-node registry --out FILE [--name NAME] [--swarm-size N] --keys DIR ADDRESS...
//	allium-node testnet [--nodes 9] [--swarm-size 3] --dir DIR
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"allium/network/fileserver"
	"allium/network/node"
	"allium/network/testnet"
)

// version is stamped at build time (-ldflags "-X main.version=..."), from git describe.
var version = "dev"

const usage = `allium-node: an Allium storage and onion-relay node.

Usage:
  allium-node run --config FILE        run one node (TOML config: listen, data_dir, registry,
                                       allowed_proxy_hosts, log_level, rate_limit, ...,
                                       and [file_server] to run the network's file server)
  allium-node keygen --dir DIR         create a node key in DIR and print its public keys
  allium-node registry --out FILE --keys DIR [--name NAME] [--swarm-size N] ADDRESS...
                                       write a registry for nodes at ip:port ADDRESSes,
                                       creating a key for each under DIR
  allium-node testnet --dir DIR [--nodes 9] [--swarm-size 3]
                                       run a whole network on 127.0.0.1 until interrupted
  allium-node --version                print the version
`

// gcPercent is chosen from measurement (BENCHMARKS.md, "Node under abuse"). A node's
// live heap is a few MB until a large reply passes through it, and the heap grows to
// (1 + GOGC/100) times what was live at the last collection. A relayed reply is one
// buffer, passed along and pooled, not copied, so at 200 a 7.4 MB batch reply relayed
// through an onion path raises the worst node's memory by 42 – 74 MB (target: under
// 100 MB; at 400, 46 – 111 MB, too close), and relaying costs no more CPU per hop than
// at 400 before the buffers were reused (59.9 against 60.5 µs, medians). 100 clients
// that never read their replies are held under 300 MB by the soft memory limit from
// the config (node.Config.MemoryLimit), which the collector keeps under. GOGC and
// GOMEMLIMIT in the environment still win.
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(os.Args[2:])
	case "keygen":
		err = keygen(os.Args[2:])
	case "registry":
		err = registry(os.Args[2:])
	case "testnet":
		err = runTestnet(os.Args[2:])
	case "--version", "version":
		fmt.Println("allium-node", version)
		return
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "allium-node: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "allium-node:", err)
		os.Exit(1)
	}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("allium-node "+name, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	return fs
}

func run(args []string) error {
	fs := newFlags("run")
	config := fs.String("config", "", "TOML config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *config == "" {
		return errors.New("run needs --config FILE")
	}
	cfg, err := node.LoadConfig(*config)
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.MemoryLimit())
	}
	stop := notifyStop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	n, err := node.New(cfg)
	if err != nil {
		return err
	}
	var files *fileserver.Server
	if cfg.FileServer.Enabled {
		level, _ := node.ParseLogLevel(cfg.LogLevel) // node.New checked it
		cfg.FileServer.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
		if files, err = fileserver.New(cfg.FileServer); err != nil {
			n.Shutdown(context.Background())
			return err
		}
	}
	shutdown := func(ctx context.Context) error {
		var err error
		if files != nil {
			err = files.Shutdown(ctx)
		}
		return errors.Join(err, n.Shutdown(ctx))
	}
	return waitForSignal(stop, shutdown, hup, func() {
		if err := n.ReloadRegistry(); err != nil {
			fmt.Fprintln(os.Stderr, "allium-node: reload registry:", err)
		}
	})
}

// notifyStop starts catching SIGINT and SIGTERM. Call it before announcing that the
// program is ready, so that a signal sent right after the announcement is not lost.
func notifyStop() chan os.Signal {
	stop := make(chan os.Signal, 2)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	return stop
}

// waitForSignal blocks until SIGINT or SIGTERM arrives on stop, then shuts down
// gracefully; a second signal exits at once. SIGHUPs on hup call onHup.
func waitForSignal(stop chan os.Signal, shutdown func(context.Context) error, hup <-chan os.Signal, onHup func()) error {
	defer signal.Stop(stop)
	for waiting := true; waiting; {
		select {
		case <-hup:
			onHup()
		case <-stop:
			waiting = false
		}
	}
	go func() {
		<-stop
		fmt.Fprintln(os.Stderr, "allium-node: second signal, exiting now")
		os.Exit(1)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return shutdown(ctx)
}

func keygen(args []string) error {
	fs := newFlags("keygen")
	dir := fs.String("dir", "", "data directory for the node key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("keygen needs --dir DIR")
	}
	id, err := node.LoadOrCreateIdentity(*dir)
	if err != nil {
		return err
	}
	pub := id.PublicKey()
	fmt.Printf("pubkey_ed25519 %x\npubkey_x25519 %x\n", pub[:], id.X25519.Public[:])
	return nil
}

func registry(args []string) error {
	fs := newFlags("registry")
	out := fs.String("out", "", "registry file to write")
	keys := fs.String("keys", "", "directory holding one key directory per address")
	name := fs.String("name", "allium", "network name")
	size := fs.Int("swarm-size", 3, "nodes per swarm")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addrs := fs.Args()
	if *out == "" || *keys == "" || len(addrs) == 0 || *size <= 0 {
		return errors.New("registry needs --out FILE --keys DIR and at least one ADDRESS (ip:port)")
	}
	f := node.RegistryFile{Name: *name}
	swarms := node.SpreadSwarmIDs(max(1, len(addrs) / *size))
	for i, a := range addrs {
		id, err := node.LoadOrCreateIdentity(filepath.Join(*keys, strings.ReplaceAll(a, ":", "_")))
		if err != nil {
			return err
		}
		pub := id.PublicKey()
		f.Nodes = append(f.Nodes, node.RegistryEntry{Address: a, Ed25519: fmt.Sprintf("%x", pub[:]),
			X25519: fmt.Sprintf("%x", id.X25519.Public[:]), SwarmID: swarms[i%len(swarms)]})
	}
	if _, err := node.NewRegistry(f); err != nil {
		return err
	}
	if err := node.WriteRegistry(*out, f); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d nodes in %d swarms; copy each key directory under %s to its node's data_dir\n", *out, len(addrs), len(swarms), *keys)
	return nil
}

func runTestnet(args []string) error {
	fs := newFlags("testnet")
	dir := fs.String("dir", "", "directory for the network's data")
	nodes := fs.Int("nodes", 9, "number of nodes")
	size := fs.Int("swarm-size", 3, "nodes per swarm")
	verbose := fs.Bool("v", false, "log what nodes do")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("testnet needs --dir DIR")
	}
	if *nodes < 1 || *size < 1 || *size > *nodes {
		return errors.New("testnet needs --nodes >= 1 and 1 <= --swarm-size <= --nodes")
	}
	opts := testnet.Options{Nodes: *nodes, SwarmSize: *size, Dir: *dir}
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	stop := notifyStop()
	tn, err := testnet.Start(context.Background(), opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "allium-node: %d nodes and a file server (%s) running; clients take --network %s\n", tn.Len(), tn.FileServerURL(), tn.NetworkFile())
	fmt.Printf("ready %s\n", tn.Seed())
	return waitForSignal(stop, func(context.Context) error { return tn.Close() }, nil, nil)
}
