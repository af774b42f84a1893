package node

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"allium/network/fileserver"
)

// Config is how an operator runs a node. LoadConfig reads it from TOML:
//
//	listen = "0.0.0.0:22021"        # default: the node's address in the registry
//	data_dir = "/var/lib/allium-node"
//	registry = "/etc/allium-node/registry.json"
//	allowed_proxy_hosts = []        # hosts onion requests may be relayed to over HTTP(S)
//	log_level = "info"              # debug, info, warn, error
//	rate_limit = 50                 # requests per second per source address; -1: no limit
//	rate_burst = 100
//	max_concurrent = 128            # requests handled at once; more get 503
//	max_memory = 256                # MB for requests in flight and replies not yet read
//	max_per_address = 16            # requests one address may have open, body reading included
//	max_conns_per_address = 32      # connections one address may hold open
//	[file_server]                   # the network's file server, if this node runs it
//	enabled = true                  # (fileserver.Config has its keys)
//	listen = "0.0.0.0:8080"
type Config struct {
	Listen            string   `toml:"listen"`
	DataDir           string   `toml:"data_dir"`
	Registry          string   `toml:"registry"`
	AllowedProxyHosts []string `toml:"allowed_proxy_hosts"`
	LogLevel          string   `toml:"log_level"`
	RateLimit         float64  `toml:"rate_limit"`
	RateBurst         int      `toml:"rate_burst"`
	MaxConcurrent     int      `toml:"max_concurrent"`
	// MaxMemory is the ceiling, in MB, on what requests in flight and replies not yet
	// read may hold (memory.go); past it new work gets 503.
	MaxMemory int `toml:"max_memory"`
	// MaxPerAddress bounds the requests one source address may have open, from the
	// first byte of the body to the last byte of the reply; MaxConnsPerAddress its
	// connections. A node of the registry relays many clients' requests and gets half
	// the node's requests instead (MaxConcurrent/2).
	MaxPerAddress      int `toml:"max_per_address"`
	MaxConnsPerAddress int `toml:"max_conns_per_address"`
	// FileServer is the file server allium-node runs beside the node when it is
	// enabled: its own listener (plain HTTP), keys and data directory (default
	// data_dir/fileserver). Add its host to allowed_proxy_hosts of every node.
	FileServer fileserver.Config `toml:"file_server"`

	// Listener, if set, is used instead of listening on Listen (testnet hands over the
	// listener it reserved the port with, so no other process can take the port between).
	Listener net.Listener `toml:"-"`
	// Logger, if set, replaces the logger LogLevel would make (tests, testnet).
	Logger *slog.Logger `toml:"-"`
	// Clock, if set, replaces time.Now (tests).
	Clock func() time.Time `toml:"-"`
	// SyncInterval is how often a node asks its swarm peers for messages it misses;
	// PruneInterval how often it deletes expired ones. Zero means the defaults.
	SyncInterval  time.Duration `toml:"-"`
	PruneInterval time.Duration `toml:"-"`
	// RelayTimeout bounds how long the rest of an onion path may take to answer
	// (default 30 s; tests shorten it).
	RelayTimeout time.Duration `toml:"-"`
	// Observe, if set, is told what the node learns from each onion request it handles.
	// Tests use it to check what each hop of a path can see.
	Observe func(OnionObservation) `toml:"-"`
}

// OnionObservation is what one node learned from one onion request: who sent it to
// this node, and what its layer revealed.
type OnionObservation struct {
	// From is the address the request came from (the client, for a guard).
	From string
	// Kind is what the layer asked for: relay to Next, or run Request here.
	Kind string
	Next [32]byte
	// Request is the storage RPC a destination ran.
	Request []byte
}

// Defaults for a public-facing node.
const (
	defaultRateLimit     = 50
	defaultRateBurst     = 100
	defaultMaxConcurrent = 128
	defaultMaxMemory     = 256
	defaultMaxPerAddress = 16
	defaultMaxConns      = 32
	defaultSyncInterval  = 10 * time.Second
	defaultPruneInterval = 30 * time.Second
)

// LoadConfig reads a TOML config file. Unknown keys are errors, so a typo does not
// silently leave a protection off.
func LoadConfig(path string) (Config, error) {
	var c Config
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return c, fmt.Errorf("node: config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("node: config %s: unknown keys %s", path, strings.Join(keys, ", "))
	}
	if c.DataDir == "" || c.Registry == "" {
		return c, fmt.Errorf("node: config %s: data_dir and registry are required", path)
	}
	if fs := &c.FileServer; fs.Enabled {
		if fs.Listen == "" {
			return c, fmt.Errorf("node: config %s: file_server needs listen", path)
		}
		if fs.DataDir == "" {
			fs.DataDir = filepath.Join(c.DataDir, "fileserver")
		}
	}
	return c, nil
}

func (c *Config) withDefaults() {
	if c.RateLimit == 0 {
		c.RateLimit = defaultRateLimit
	}
	if c.RateBurst <= 0 {
		c.RateBurst = defaultRateBurst
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = defaultMaxConcurrent
	}
	if c.MaxMemory <= 0 {
		c.MaxMemory = defaultMaxMemory
	}
	if c.MaxPerAddress <= 0 {
		c.MaxPerAddress = defaultMaxPerAddress
	}
	if c.MaxConnsPerAddress <= 0 {
		c.MaxConnsPerAddress = defaultMaxConns
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.SyncInterval <= 0 {
		c.SyncInterval = defaultSyncInterval
	}
	if c.PruneInterval <= 0 {
		c.PruneInterval = defaultPruneInterval
	}
	if c.RelayTimeout <= 0 {
		c.RelayTimeout = defaultRelayTimeout
	}
}

// ParseLogLevel reads a log level name; the empty string is info.
func ParseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("node: log_level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// MemoryLimit is the Go runtime's soft memory limit (GOMEMLIMIT) for a node run with c:
// the requests' ceiling and a sixteenth more, for the store's and the runtime's own few
// MB (272 MB by default). Under it the collector runs only as often as GOGC asks; near
// it, as often as it must to stay under. What requests reserve counts every copy of a
// reply, more than is live at any one time, so the ceiling is rarely all live; the limit
// is what keeps clients that never read their replies from holding the garbage GOGC
// allows on top (BENCHMARKS.md, "Node under abuse").
func (c Config) MemoryLimit() int64 {
	mem := c.MaxMemory
	if mem <= 0 {
		mem = defaultMaxMemory
	}
	limit := int64(mem)<<20 + int64(mem)<<16
	if c.FileServer.Enabled {
		limit += c.FileServer.MemoryLimit()
	}
	return limit
}
