package node

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"allium/crypto"
	"allium/network"
)

// soloNode starts one node that is its own network.
func soloNode(tb testing.TB) *Node {
	tb.Helper()
	dir := tb.TempDir()
	id, err := LoadOrCreateIdentity(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	pub := id.PublicKey()
	reg := filepath.Join(dir, "registry.json")
	if err := WriteRegistry(reg, RegistryFile{Name: "solo", Nodes: []RegistryEntry{{Address: addr, Ed25519: fmt.Sprintf("%x", pub[:]), SwarmID: 1}}}); err != nil {
		tb.Fatal(err)
	}
	n, err := New(Config{DataDir: dir, Registry: reg, RateLimit: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { n.Shutdown(context.Background()) })
	return n
}

// FuzzProcessOnion feeds arbitrary bodies to a node's onion endpoint: it never panics,
// and answers every request it cannot use with a client error.
func FuzzProcessOnion(f *testing.F) {
	n := soloNode(f)
	self := network.OnionHop{Ed25519: n.PublicKey(), X25519: n.id.X25519.Public}
	other := network.OnionHop{Ed25519: [32]byte{9}, X25519: n.id.X25519.Public}
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		for _, rpc := range []string{`{"method":"info","params":{}}`, `{"method":"retrieve","params":{}}`, `garbage`} {
			req, err := network.BuildOnion(rand.Reader, enc, nil, self, []byte(rpc), network.StorageControl)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(req.Body)
		}
		req, _ := network.BuildOnion(rand.Reader, enc, []network.OnionHop{self}, other, []byte("{}"), network.StorageControl)
		f.Add(req.Body)
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 'x', '{', '}'})
	f.Fuzz(func(t *testing.T, body []byte) {
		status, resp := n.processOnion(context.Background(), "127.0.0.1:1", body)
		if status != http.StatusOK && (status < 400 || status > 504) {
			t.Fatalf("status %d %q", status, resp)
		}
		if status == http.StatusInternalServerError {
			t.Fatalf("internal error on %x: %s", body, resp)
		}
	})
}
