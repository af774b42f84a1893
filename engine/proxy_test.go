package engine_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"allium/engine"
	"allium/network/client/proxytest"
	"allium/network/testnet/testnettest"
)

// proxyOnly is a dialer that connects to the proxy only and counts what else it was
// asked for.
type proxyOnly struct {
	proxy   string
	mu      sync.Mutex
	refused []string
}

func (d *proxyOnly) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != d.proxy {
		d.mu.Lock()
		d.refused = append(d.refused, addr)
		d.mu.Unlock()
		return nil, errors.New("refused by the test")
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func (d *proxyOnly) bypassed() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.refused)
}

// TestChatThroughProxy has two people of a private network write to each other, each
// through a proxy (SOCKS5 with a password, HTTP CONNECT) and a dialer that refuses
// everything else; the profile remembers the proxy until it is cleared.
func TestChatThroughProxy(t *testing.T) {
	tn := testnettest.Start(t, 0, 0)
	socks := proxytest.SOCKS5(t, "alice", "secret")
	httpProxy := proxytest.HTTP(t, "", "")
	alice, bob := newUser(t, tn, "Alice"), newUser(t, tn, "Bob")
	alice.close()
	bob.close()
	da, db := &proxyOnly{proxy: socks.Addr()}, &proxyOnly{proxy: httpProxy.Addr()}
	alice.openWith(engine.Options{Dir: alice.dir, Network: alice.net, PollActive: 200 * time.Millisecond, Proxy: socks.URL(), Dial: da.dial})
	bob.openWith(engine.Options{Dir: bob.dir, Network: bob.net, PollActive: 200 * time.Millisecond, Proxy: httpProxy.URL(), Dial: db.dial})

	m, err := alice.e.Send(bob.id, "through SOCKS5")
	if err != nil {
		t.Fatal(err)
	}
	alice.waitState(m.Timestamp, engine.Sent)
	bob.waitMessage("through SOCKS5")
	if err := bob.e.Accept(alice.id); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.e.Send(alice.id, "through HTTP CONNECT"); err != nil {
		t.Fatal(err)
	}
	alice.waitMessage("through HTTP CONNECT")
	for name, d := range map[string]*proxyOnly{"Alice": da, "Bob": db} {
		if b := d.bypassed(); len(b) > 0 {
			t.Errorf("%s connected around the proxy to %v", name, b)
		}
	}
	if len(socks.Destinations()) == 0 || len(httpProxy.Destinations()) == 0 {
		t.Fatal("a proxy was not used")
	}

	// The profile remembers the proxy, and forgets it when told to.
	alice.close()
	alice.openWith(engine.Options{Dir: alice.dir, Network: alice.net, Dial: da.dial})
	if got := alice.e.Proxy(); got.URL != socks.URL() || got.BootstrapOnly {
		t.Fatalf("remembered %+v", got)
	}
	alice.close()
	alice.openWith(engine.Options{Dir: alice.dir, Network: alice.net, Proxy: engine.ProxyNone})
	if got := alice.e.Proxy(); got.URL != "" {
		t.Fatalf("after none: %+v", got)
	}
}

// TestDeadProxyProblem checks that an engine whose proxy is gone says so within
// seconds, and that TryProxy tells a dead proxy from a working one.
func TestDeadProxyProblem(t *testing.T) {
	tn := testnettest.Start(t, 0, 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	u := newUser(t, tn, "Carol")
	u.close()
	d := &proxyOnly{proxy: dead}
	start := time.Now()
	u.openWith(engine.Options{Dir: u.dir, Network: u.net, Proxy: "socks5://" + dead, Dial: d.dial})
	u.waitEvent("the proxy's problem", func(ev engine.Event) bool {
		c, ok := ev.(engine.ConnectionChanged)
		return ok && c.Status == engine.Offline && c.Problem == engine.ProblemProxy
	})
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("told after %v", took)
	}
	if b := d.bypassed(); len(b) > 0 {
		t.Fatalf("connected around the proxy to %v", b)
	}

	var pe *engine.ProxyError
	if _, err := engine.TryProxy(context.Background(), tn.NetworkFile(), dead, engine.ProxyScopeAll); !errors.As(err, &pe) || pe.Kind != engine.ProxyUnreachable {
		t.Fatalf("try a dead proxy: %v", err)
	}
	px := proxytest.SOCKS5(t, "", "")
	got, err := engine.TryProxy(context.Background(), tn.NetworkFile(), px.URL(), engine.ProxyScopeAll)
	if err != nil || got.Nodes != tn.Len() || !got.Guard {
		t.Fatalf("try a working proxy: %+v, %v", got, err)
	}
	if _, err := engine.TryProxy(context.Background(), tn.NetworkFile(), "socks4://x:1", ""); !errors.Is(err, engine.ErrBadProxy) {
		t.Fatalf("try a bad proxy: %v", err)
	}
}

// TestFindTor finds a SOCKS5 proxy that needs no password on a port given, as it would
// find Tor at 9050 or 9150, and names it as a proxy the engine takes.
func TestFindTor(t *testing.T) {
	px := proxytest.SOCKS5(t, "", "")
	_, p, _ := net.SplitHostPort(px.Addr())
	port, _ := strconv.Atoi(p)
	url, ok := engine.FindTor(context.Background(), port)
	if !ok || url != "socks5://"+px.Addr() {
		t.Fatalf("found %q, %v", url, ok)
	}
	if err := engine.CheckProxy(url, engine.ProxyScopeAll); err != nil {
		t.Fatal(err)
	}
	if len(px.Destinations()) != 0 {
		t.Fatalf("the greeting went on to %v", px.Destinations())
	}
}
