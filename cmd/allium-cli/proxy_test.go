package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"allium/network/client/proxytest"
	"allium/network/testnet/testnettest"
)

// TestProxy sends a message through a SOCKS5 proxy with a password and receives it
// through an HTTP CONNECT proxy, the profiles remembering their proxies; a dead proxy is
// said to be one within seconds; a proxy that is no proxy is a usage error.
func TestProxy(t *testing.T) {
	r := buildCLI(t)
	tn := testnettest.Start(t, 9, 3)
	socks, httpProxy := proxytest.SOCKS5(t, "alice", "pw"), proxytest.HTTP(t, "", "")
	dir := t.TempDir()
	alice, bob := filepath.Join(dir, "alice"), filepath.Join(dir, "bob")
	r.ok("--profile", alice, "--network", tn.NetworkFile(), "create", "--name", "Alice")
	bobID := r.ok("--profile", bob, "--network", tn.NetworkFile(), "create", "--name", "Bob")

	r.ok("--profile", alice, "--proxy", socks.URL(), "send", bobID, "through the proxy")
	r.ok("--profile", bob, "--proxy", httpProxy.URL(), "path")
	n := len(httpProxy.Destinations())
	// Remembered: no --proxy this time.
	if got := r.ok("--profile", bob, "receive"); !strings.Contains(got, `"text":"through the proxy"`) {
		t.Fatalf("receive: %s", got)
	}
	if len(socks.Destinations()) == 0 || len(httpProxy.Destinations()) <= n {
		t.Fatalf("proxies used: SOCKS5 %d, HTTP %d (%d before receive)", len(socks.Destinations()), len(httpProxy.Destinations()), n)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	start := time.Now()
	r.fails(1, "Can't reach your proxy at "+dead, "--profile", alice, "--proxy", dead, "send", bobID, "lost?")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("told after %v", took)
	}
	r.fails(2, "Can't use the proxy", "--profile", alice, "--proxy", "socks4://127.0.0.1:1", "id")
	r.fails(2, "Can't use the proxy", "--profile", alice, "--proxy-scope", "seeds", "id")
	r.ok("--profile", alice, "--proxy", "none", "id")
}
