package client

import (
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"testing"
	"time"

	"allium/network"
)

// closedAddr is a loopback address nothing listens on: connections to it are refused.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// dropper accepts connections and closes them at once, as a network that resets
// connections to a blocked address does.
func dropper(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return addr(ln)
}

func addr(ln net.Listener) string { return ln.Addr().String() }

// staller is a node that answers a direct test but keeps every onion request without
// answering, as a throttled network does; it lists as many nodes, all at its address,
// as a path and a swarm need.
func staller(t *testing.T) []Node {
	done := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/onion_req/v2" {
			select {
			case <-r.Context().Done():
			case <-done:
			}
			return
		}
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	nodes := make([]Node, pathCount*pathLength+1)
	for i := range nodes {
		nodes[i] = Node{Addr: ap, SwarmID: 1}
		rand.Read(nodes[i].Ed25519[:])
		rand.Read(nodes[i].X25519[:])
	}
	return nodes
}

// unroutable dials nothing: it fails as a computer without a route does.
func unroutable(errno error) DialFunc {
	return func(_ context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", errno)}
	}
}

// TestProblems drives a client against networks that refuse, drop, stall and cannot be
// routed to, and checks that each is told apart.
func TestProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts func(t *testing.T) Options
		want Problem
	}{
		{"seeds refuse", func(t *testing.T) Options {
			return Options{Seeds: []Seed{{URL: "https://" + closedAddr(t)}, {URL: "https://" + closedAddr(t)}}}
		}, ProblemSeeds},
		{"seeds drop", func(t *testing.T) Options {
			return Options{Seeds: []Seed{{URL: "https://" + dropper(t)}}}
		}, ProblemSeeds},
		{"no route to the seeds", func(t *testing.T) Options {
			return Options{Seeds: []Seed{{URL: "https://" + closedAddr(t)}, {URL: "https://" + closedAddr(t)}}, Dial: unroutable(errNetUnreachable)}
		}, ProblemOffline},
		{"no route to the seeds' hosts", func(t *testing.T) Options {
			return Options{Seeds: []Seed{{URL: "https://" + closedAddr(t)}}, Dial: unroutable(errHostUnreachable)}
		}, ProblemOffline},
		{"guards refuse", func(t *testing.T) Options {
			nodes := staller(t)
			for i := range nodes {
				nodes[i].Addr = netip.MustParseAddrPort(closedAddr(t))
			}
			return Options{Nodes: nodes}
		}, ProblemGuard},
		{"no route to the guards", func(t *testing.T) Options {
			return Options{Nodes: staller(t), Dial: unroutable(errNetUnreachable)}
		}, ProblemOffline},
		{"paths stall", func(t *testing.T) Options {
			return Options{Nodes: staller(t), attemptTimeout: 200 * time.Millisecond}
		}, ProblemTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.opts(t))
			t.Cleanup(func() { c.Close() })
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := c.Store(ctx, nil, [33]byte{0x05, 1}, network.DefaultNamespace, []byte("x"), time.Now().Add(time.Hour)); err == nil {
				t.Fatal("stored")
			}
			if c.Status() != Offline || c.Problem() != tc.want {
				t.Fatalf("%v, %v; want Offline, %v", c.Status(), c.Problem(), tc.want)
			}
		})
	}
}
