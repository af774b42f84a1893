// Package fileserver is the network's file server: Session's file-server API (POST
// /file, GET /file/<id>, POST /file/<id>/extend, GET /file/<id>/info), reached through
// onion requests v4 at /oxen/v4/lsrpc and directly, as Session's server is. Files live
// on disk, one per id beside a small metadata record, until they expire; a sweeper
// removes them. Memory, disk and the rate of requests are bounded by the Config.
//
// The server speaks plain HTTP, as Session's does: what travels through a path is
// encrypted to the server's X25519 key, and the last node of the path sees neither the
// request nor the answer.
package fileserver

import (
	"fmt"
	"log/slog"
	"net"
	"time"
)

// Config is how an operator runs a file server; allium-node reads it from the
// [file_server] table of node.toml:
//
//	enabled = true
//	listen = "0.0.0.0:8080"   # plain HTTP
//	data_dir = "/var/lib/allium-node/files"
//	ids = "decimal"           # or "hash": 44-character content hashes
//	ttl = 1814400             # seconds a file lives (3 weeks); X-FS-TTL may ask for less
//	max_disk = 10240          # MB of files kept
//	max_files = 100000
//	max_memory = 128          # MB for uploads and downloads in flight
//	rate_limit = 20           # requests per second per source address; -1: no limit
//	rate_burst = 40
type Config struct {
	Enabled bool   `toml:"enabled"`
	Listen  string `toml:"listen"`
	DataDir string `toml:"data_dir"`
	// IDs is "decimal" (the default): random numbers below 2^53, as Session's server
	// hands out in its backwards-compatible mode, so that clients keeping only the
	// numeric id can download; or "hash": 44 characters of URL-safe base64 of a
	// BLAKE2b of the file, so that identical uploads share one file.
	IDs string `toml:"ids"`
	// TTL is the lifetime of a file in seconds, and the most X-FS-TTL may ask for.
	TTL int `toml:"ttl"`
	// MaxDisk (MB) and MaxFiles bound what is kept; past them uploads get 507.
	MaxDisk  int `toml:"max_disk"`
	MaxFiles int `toml:"max_files"`
	// MaxMemory (MB) bounds the bytes uploads and downloads in flight hold; past it
	// new ones get 503. One upload through a path holds its file once.
	MaxMemory int `toml:"max_memory"`
	// RateLimit and RateBurst bound the requests of one source address. Through a
	// path the source is the path's last node, which relays many clients' requests.
	RateLimit float64 `toml:"rate_limit"`
	RateBurst int     `toml:"rate_burst"`

	// Listener, if set, is used instead of listening on Listen.
	Listener net.Listener `toml:"-"`
	// Logger receives the server's logs (default: discarded).
	Logger *slog.Logger `toml:"-"`
	// Clock, if set, replaces time.Now (tests).
	Clock func() time.Time `toml:"-"`
	// SweepInterval is how often expired files are removed (default a minute).
	SweepInterval time.Duration `toml:"-"`
}

// ID modes.
const (
	IDsDecimal = "decimal"
	IDsHash    = "hash"
)

// Defaults.
const (
	DefaultTTL        = 21 * 24 * 60 * 60 // Session's server keeps files three weeks
	minTTL            = 60
	defaultMaxDisk    = 10 << 10
	defaultMaxFiles   = 100_000
	defaultMaxMemory  = 128
	defaultRateLimit  = 20
	defaultRateBurst  = 40
	defaultSweepEvery = time.Minute
)

func (c *Config) withDefaults() error {
	switch c.IDs {
	case "":
		c.IDs = IDsDecimal
	case IDsDecimal, IDsHash:
	default:
		return fmt.Errorf("fileserver: ids %q: want %q or %q", c.IDs, IDsDecimal, IDsHash)
	}
	if c.DataDir == "" {
		return fmt.Errorf("fileserver: no data_dir")
	}
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	c.TTL = max(c.TTL, minTTL)
	if c.MaxDisk <= 0 {
		c.MaxDisk = defaultMaxDisk
	}
	if c.MaxFiles <= 0 {
		c.MaxFiles = defaultMaxFiles
	}
	if c.MaxMemory <= 0 {
		c.MaxMemory = defaultMaxMemory
	}
	if c.RateLimit == 0 {
		c.RateLimit = defaultRateLimit
	}
	if c.RateBurst <= 0 {
		c.RateBurst = defaultRateBurst
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = defaultSweepEvery
	}
	return nil
}

// MemoryLimit is what the Go runtime's soft memory limit should grow by for a file
// server run with c: its ceiling for uploads and downloads, and as much again for the
// garbage of those that have just finished.
func (c Config) MemoryLimit() int64 {
	mem := c.MaxMemory
	if mem <= 0 {
		mem = defaultMaxMemory
	}
	return 2 * int64(mem) << 20
}
