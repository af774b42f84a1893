package client_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"allium/network"
	"allium/network/client"
	"allium/network/client/proxytest"
	"allium/network/testnet"
	"allium/network/testnet/testnettest"
)

var proxyCases = []struct {
	name, in, want string // want "" for an error
}{
	{"socks5", "socks5://127.0.0.1:9050", "socks5://127.0.0.1:9050"},
	{"socks5h", "socks5h://127.0.0.1:9150", "socks5h://127.0.0.1:9150"},
	{"bare host and port is SOCKS5", "127.0.0.1:9050", "socks5://127.0.0.1:9050"},
	{"spaces and upper case", "  SOCKS5://Proxy.Example:1080/ ", "socks5://Proxy.Example:1080"},
	{"credentials", "socks5://me:s%40cret@127.0.0.1:1080", "socks5://me:s%40cret@127.0.0.1:1080"},
	{"http", "http://user:pw@proxy.example:8080", "http://user:pw@proxy.example:8080"},
	{"ipv6", "socks5://[::1]:9050", "socks5://[::1]:9050"},
	{"none", "none", ""},
	{"empty", "", ""},
	{"https proxy", "https://proxy.example:443", ""},
	{"socks4", "socks4://127.0.0.1:9050", ""},
	{"no port", "socks5://127.0.0.1", ""},
	{"port zero", "socks5://127.0.0.1:0", ""},
	{"port too big", "socks5://127.0.0.1:65536", ""},
	{"path", "http://proxy.example:8080/x", ""},
	{"query", "http://proxy.example:8080?x=1", ""},
	{"no host", "socks5://:9050", ""},
	{"password without name", "socks5://:pw@127.0.0.1:1080", ""},
	{"name too long", "socks5://" + strings.Repeat("a", 256) + ":pw@127.0.0.1:1080", ""},
	{"garbage", "::::", ""},
}

func TestParseProxy(t *testing.T) {
	for _, tc := range proxyCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := client.ParseProxy(tc.in)
			if tc.want == "" && (tc.in == "" || tc.in == "none") {
				if err != nil || p.IsSet() {
					t.Fatalf("%q: %v, %v; want no proxy", tc.in, p, err)
				}
				return
			}
			if tc.want == "" {
				if !errors.Is(err, client.ErrBadProxy) {
					t.Fatalf("%q: %v, %v; want ErrBadProxy", tc.in, p, err)
				}
				return
			}
			if err != nil || p.String() != tc.want || p.Scope != client.ProxyAll {
				t.Fatalf("%q: %q, %v; want %q", tc.in, p.String(), err, tc.want)
			}
			if strings.Contains(p.Addr(), "@") {
				t.Fatalf("address %q holds the credentials", p.Addr())
			}
			again, err := client.ParseProxy(p.String())
			if err != nil || again.String() != p.String() {
				t.Fatalf("read back: %q, %v", again.String(), err)
			}
		})
	}
}

func FuzzParseProxy(f *testing.F) {
	for _, tc := range proxyCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := client.ParseProxy(s)
		if err != nil || !p.IsSet() {
			return
		}
		again, err := client.ParseProxy(p.String())
		if err != nil || again.String() != p.String() {
			t.Fatalf("%q read as %q, which reads back as %q, %v", s, p.String(), again.String(), err)
		}
	})
}

func TestParseProxyScope(t *testing.T) {
	for in, want := range map[string]client.ProxyScope{"": client.ProxyAll, "all": client.ProxyAll, "Bootstrap": client.ProxyBootstrap} {
		if got, err := client.ParseProxyScope(in); err != nil || got != want {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
	if _, err := client.ParseProxyScope("seeds"); !errors.Is(err, client.ErrBadProxy) {
		t.Errorf("seeds: %v", err)
	}
}

// onlyTo is a dialer that connects to allowed only and records every other address it
// was asked for: with a proxy set, allowed is the proxy and nothing else may be dialled.
type onlyTo struct {
	allowed []string
	mu      sync.Mutex
	refused []string
	dialled []string
}

func (d *onlyTo) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dialled = append(d.dialled, addr)
	ok := slices.Contains(d.allowed, addr)
	if !ok {
		d.refused = append(d.refused, addr)
	}
	d.mu.Unlock()
	if !ok {
		return nil, errors.New("refused by the test")
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func (d *onlyTo) seen() (dialled, refused []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.dialled), slices.Clone(d.refused)
}

// seedName is the testnet's seed under a name that does not resolve on this computer:
// only the proxy knows it, so a client that looked it up itself would not get far.
const seedName = "seed.allium.invalid"

// proxied starts a testnet whose nodes relay to servers on 127.0.0.1, and a client of
// it through proxy; the seed is named seedName, which the proxy resolves. The client
// may dial the proxy and, if nodes, the testnet's nodes.
func proxied(t *testing.T, px *proxytest.Server, scope client.ProxyScope, nodes bool, mods ...func(*client.Options)) (*testnet.Testnet, *client.Client, *onlyTo) {
	t.Helper()
	tn := testnettest.Start(t, 0, 0, func(o *testnet.Options) { o.ProxyHosts = []string{"127.0.0.1"} })
	u, err := url.Parse(tn.Seed())
	if err != nil {
		t.Fatal(err)
	}
	px.Resolve(seedName, u.Hostname())
	p, err := client.ParseProxy(px.URL())
	if err != nil {
		t.Fatal(err)
	}
	p.Scope = scope
	d := &onlyTo{allowed: []string{px.Addr()}}
	if nodes {
		for _, n := range tn.Registry().Nodes {
			d.allowed = append(d.allowed, n.Address)
		}
	}
	opts := client.Options{Seeds: []client.Seed{{URL: "https://" + seedName + ":" + u.Port()}}, Proxy: p, Dial: d.dial}
	for _, m := range mods {
		m(&opts)
	}
	c := client.New(opts)
	t.Cleanup(func() { c.Close() })
	return tn, c, d
}

// TestThroughProxy runs everything the client does — the seed request, guard tests,
// storage requests with their retries and a clock resync, and the file server — through
// each kind of proxy, with a dialer that refuses every destination but the proxy.
func TestThroughProxy(t *testing.T) {
	proxies := map[string]func(testing.TB, string, string) *proxytest.Server{"SOCKS5": proxytest.SOCKS5, "HTTP CONNECT": proxytest.HTTP}
	for kind, start := range proxies {
		for _, user := range []string{"", "alice"} {
			name := kind
			if user != "" {
				name += " with a password"
			}
			t.Run(name, func(t *testing.T) {
				px := start(t, user, "pass word")
				// A clock an hour behind: the swarm refuses the first store, the
				// client resyncs the network time and tries again.
				behind := func() time.Time { return time.Now().Add(-time.Hour) }
				tn, c, d := proxied(t, px, client.ProxyAll, false, func(o *client.Options) { o.Clock = behind })
				id := account(t)
				sk, pk := id.Ed25519PrivateKey(), [33]byte(id.SessionID())
				// A stopped node: requests to it fail and are retried elsewhere.
				if err := tn.StopNode(tn.Len() - 1); err != nil {
					t.Fatal(err)
				}
				for i := range 3 {
					if _, err := c.Store(ctx(t), nil, pk, network.DefaultNamespace, []byte{byte(i)}, time.Now().Add(time.Hour)); err != nil {
						t.Fatalf("store %d: %v", i, err)
					}
				}
				got, err := c.Retrieve(ctx(t), sk, pk, network.DefaultNamespace, func([32]byte) (string, error) { return "", nil })
				if err != nil || len(got.Messages) != 3 {
					t.Fatalf("retrieve: %d messages, %v", len(got.Messages), err)
				}
				srv := fileServer(t, tn.NetworkFile())
				fid, _, err := c.Upload(ctx(t), srv, []byte("through the proxy"), time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				if b, err := c.Download(ctx(t), srv, fid); err != nil || string(b) != "through the proxy" {
					t.Fatalf("download: %q, %v", b, err)
				}
				if !c.ClockKnown() {
					t.Fatal("no network time")
				}
				if err := c.RebuildPaths(ctx(t)); err != nil {
					t.Fatal(err)
				}
				if _, refused := d.seen(); len(refused) > 0 {
					t.Fatalf("connections around the proxy: %v", refused)
				}
				dests := px.Destinations()
				if !slices.Contains(dests, seedName+":"+portOf(tn.Seed())) {
					t.Fatalf("the seed's name did not reach the proxy: %v", dests)
				}
				if len(dests) < 3 {
					t.Fatalf("only %v went through the proxy", dests)
				}
			})
		}
	}
}

func portOf(rawURL string) string {
	u, _ := url.Parse(rawURL)
	return u.Port()
}

// TestProxyBootstrapOnly checks that "bootstrap only" sends the seed request, and only
// that, through the proxy.
func TestProxyBootstrapOnly(t *testing.T) {
	px := proxytest.SOCKS5(t, "", "")
	tn, c, d := proxied(t, px, client.ProxyBootstrap, true)
	id := account(t)
	if _, err := c.Store(ctx(t), nil, [33]byte(id.SessionID()), network.DefaultNamespace, []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	seed := seedName + ":" + portOf(tn.Seed())
	if dests := px.Destinations(); len(dests) == 0 || slices.ContainsFunc(dests, func(d string) bool { return d != seed }) {
		t.Fatalf("through the proxy: %v, want the seed only", dests)
	}
	if _, refused := d.seen(); len(refused) > 0 {
		t.Fatalf("refused %v", refused)
	}
}

// TestDeadProxy checks that a client whose proxy does not answer says so within
// seconds, whether it must ask a seed or knows nodes from before, and dials nothing but
// the proxy; and that a proxy refusing the password is the proxy's problem too.
func TestDeadProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	node := client.Node{Addr: mustAddrPort(t, "127.0.0.1:1")}
	for name, nodes := range map[string][]client.Node{"no nodes known": nil, "nodes known": {node, node, node, node, node, node, node}} {
		t.Run(name, func(t *testing.T) {
			p, _ := client.ParseProxy("socks5://" + dead)
			d := &onlyTo{allowed: []string{dead}}
			changed := make(chan client.Problem, 16)
			start := time.Now()
			c := client.New(client.Options{
				Seeds: client.SessionSeeds, Nodes: nodes, Proxy: p, Dial: d.dial,
				OnStatus: func(s client.Status, pr client.Problem) {
					if s == client.Offline {
						changed <- pr
					}
				},
			})
			defer c.Close()
			select {
			case pr := <-changed:
				if pr != client.ProblemProxy {
					t.Fatalf("problem %v, want proxy", pr)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no word of the proxy within 10 s")
			}
			t.Logf("told in %v", time.Since(start).Round(time.Millisecond))
			id := account(t)
			_, err := c.Store(ctx(t), nil, [33]byte(id.SessionID()), network.DefaultNamespace, []byte("x"), time.Now().Add(time.Hour))
			var pe *client.ProxyError
			if !errors.Is(err, client.ErrUnreachable) || !errors.As(err, &pe) || pe.Kind != client.ProxyUnreachable || pe.Addr != dead {
				t.Fatalf("store: %v", err)
			}
			if dialled, refused := d.seen(); len(refused) > 0 || len(dialled) == 0 {
				t.Fatalf("dialled %v, refused %v", dialled, refused)
			}
		})
	}
	t.Run("silent proxy", func(t *testing.T) {
		// Something listens at the address but says nothing, as a wrong port may.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		p, _ := client.ParseProxy(ln.Addr().String())
		start := time.Now()
		_, err = client.CheckProxy(ctx(t), client.Options{Seeds: client.SessionSeeds, Proxy: p})
		var pe *client.ProxyError
		if !errors.As(err, &pe) || pe.Kind != client.ProxyUnreachable || time.Since(start) > 10*time.Second {
			t.Fatalf("after %v: %v", time.Since(start), err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		px := proxytest.SOCKS5(t, "alice", "right")
		p, _ := client.ParseProxy("socks5://alice:wrong@" + px.Addr())
		_, err := client.CheckProxy(ctx(t), client.Options{Seeds: client.SessionSeeds, Proxy: p})
		var pe *client.ProxyError
		if !errors.As(err, &pe) || pe.Kind != client.ProxyAuthFailed {
			t.Fatalf("got %v, want a refused password", err)
		}
		if len(px.Destinations()) > 0 {
			t.Fatalf("connected onward without the password: %v", px.Destinations())
		}
	})
}

func mustAddrPort(t *testing.T, s string) netip.AddrPort {
	t.Helper()
	a, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCheckProxy checks what the Test button reports: the node list and a guard
// through a working proxy; a refusal when the proxy can't reach the seed.
func TestCheckProxy(t *testing.T) {
	px := proxytest.HTTP(t, "", "")
	tn := testnettest.Start(t, 0, 0)
	p, _ := client.ParseProxy(px.URL())
	got, err := client.CheckProxy(ctx(t), client.Options{Seeds: []client.Seed{{URL: tn.Seed()}}, Proxy: p})
	if err != nil || got.Nodes != tn.Len() || !got.Guard {
		t.Fatalf("check: %+v, %v", got, err)
	}
	// A seed the proxy can't resolve: the proxy works, the network is out of its reach.
	_, err = client.CheckProxy(ctx(t), client.Options{Seeds: []client.Seed{{URL: "https://nowhere.invalid:1"}}, Proxy: p})
	var pe *client.ProxyError
	if !errors.Is(err, client.ErrUnreachable) || !errors.As(err, &pe) || pe.Kind != client.ProxyRefused {
		t.Fatalf("unreachable seed: %v", err)
	}
}

// BenchmarkStore measures one store through an onion path, directly and through each
// kind of proxy on 127.0.0.1: what the proxy adds to every request.
func BenchmarkStore(b *testing.B) {
	tn := testnettest.Start(b, 0, 0)
	for _, kind := range []string{"direct", "SOCKS5", "HTTP CONNECT"} {
		b.Run(kind, func(b *testing.B) {
			var p client.Proxy
			switch kind {
			case "SOCKS5":
				p, _ = client.ParseProxy(proxytest.SOCKS5(b, "", "").URL())
			case "HTTP CONNECT":
				p, _ = client.ParseProxy(proxytest.HTTP(b, "", "").URL())
			}
			c := client.New(client.Options{Seeds: []client.Seed{{URL: tn.Seed()}}, Proxy: p})
			defer c.Close()
			pk := [33]byte{0x05, 1}
			ctx := context.Background()
			store := func() {
				if _, err := c.Store(ctx, nil, pk, network.DefaultNamespace, []byte("x"), time.Now().Add(time.Hour)); err != nil {
					b.Fatal(err)
				}
			}
			store() // paths built
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				store()
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
		})
	}
}

// TestFindSOCKS looks for a SOCKS5 proxy on ports of this computer: one that needs no
// password is found, one that wants one and a port nobody listens on are not.
func TestFindSOCKS(t *testing.T) {
	port := func(addr string) int {
		_, p, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(p)
		return n
	}
	open := proxytest.SOCKS5(t, "", "")
	locked := proxytest.SOCKS5(t, "jo", "pw")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := port(ln.Addr().String())
	ln.Close()

	p, ok := client.FindSOCKS(context.Background(), []int{closed, port(locked.Addr()), port(open.Addr())})
	if !ok || p.Addr() != open.Addr() || p.Scope != client.ProxyAll || p.URL.Scheme != "socks5" {
		t.Fatalf("found %v, %v; want %s", p, ok, open.Addr())
	}
	if len(open.Destinations()) != 0 {
		t.Fatalf("the greeting went on to %v", open.Destinations())
	}
	if p, ok := client.FindSOCKS(context.Background(), []int{closed, port(locked.Addr())}); ok {
		t.Fatalf("found %v", p)
	}
}
