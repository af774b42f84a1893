package client_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/client"
	"allium/network/testnet"
	"allium/network/testnet/testnettest"
)

// start runs a 9-node testnet whose nodes relay to HTTP servers on 127.0.0.1, and a
// client of it.
func start(t *testing.T) (*testnet.Testnet, *client.Client) {
	t.Helper()
	tn := testnettest.Start(t, 0, 0, func(o *testnet.Options) { o.ProxyHosts = []string{"127.0.0.1"} })
	f, err := network.LoadNetworkFile(tn.NetworkFile())
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(client.Options{Seeds: client.NetworkSeeds(f)})
	t.Cleanup(func() { c.Close() })
	return tn, c
}

func account(t *testing.T) *crypto.Identity {
	t.Helper()
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestStorageRequests stores, retrieves page by page, expires and deletes messages of an
// account's swarm, and asks for the swarm, all through onion paths.
func TestStorageRequests(t *testing.T) {
	_, c := start(t)
	id := account(t)
	sk, pk := id.Ed25519PrivateKey(), [33]byte(id.SessionID())
	var hashes []string
	for i := range 3 {
		h, err := c.Store(ctx(t), nil, pk, network.DefaultNamespace, []byte("message "+strconv.Itoa(i)), c.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !network.ValidHash(h) {
			t.Fatalf("store returned hash %q", h)
		}
		hashes = append(hashes, h)
	}
	if !c.ClockKnown() || c.Status() != client.Online || len(c.Paths()) == 0 {
		t.Fatalf("after a store: clock known %v, status %v, %d paths", c.ClockKnown(), c.Status(), len(c.Paths()))
	}
	cursors := map[[32]byte]string{}
	cursor := func(n [32]byte) (string, error) { return cursors[n], nil }
	r, err := c.Retrieve(ctx(t), sk, pk, network.DefaultNamespace, cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Messages) != 3 || r.Last != hashes[2] || string(r.Messages[1].Data) != "message 1" || r.Messages[0].Hash != hashes[0] {
		t.Fatalf("retrieved %+v", r)
	}
	cursors[r.Node] = r.Last
	again, err := c.Retrieve(ctx(t), sk, pk, network.DefaultNamespace, cursor)
	if err != nil {
		t.Fatal(err)
	}
	if again.Node != r.Node || len(again.Messages) != 0 {
		t.Fatalf("the second retrieve asked another node or got messages again: %+v", again)
	}

	expiry := c.Now().Add(30 * time.Minute).Truncate(time.Millisecond)
	er, err := c.Expire(ctx(t), sk, pk, hashes[:1], expiry, network.ExpireShorten)
	if err != nil {
		t.Fatal(err)
	}
	for node, res := range er.Swarm {
		if res.Failed || len(res.Updated) != 1 || res.Updated[0] != hashes[0] {
			t.Fatalf("expire on %s: %+v", node, res)
		}
	}
	dr, err := c.Delete(ctx(t), sk, pk, hashes[1:2])
	if err != nil {
		t.Fatal(err)
	}
	for node, res := range dr.Swarm {
		if res.Failed || len(res.Deleted.Hashes) != 1 {
			t.Fatalf("delete on %s: %+v", node, res)
		}
	}
	swarm, err := c.Swarm(ctx(t), pk)
	if err != nil || len(swarm) != 3 {
		t.Fatalf("swarm %v, %v", swarm, err)
	}

	// A batch runs in one request; a sequence stops at the first failure.
	results, err := c.Batch(ctx(t), pk, false, func(now time.Time) ([]network.SubRequest, error) {
		a, err := network.NewRetrieveParams(sk, pk, network.DefaultNamespace, "", now)
		if err != nil {
			return nil, err
		}
		return []network.SubRequest{{Method: network.MethodRetrieve, Params: a}, {Method: "no_such_method"}}, nil
	})
	if err != nil || len(results) != 2 || results[0].Code != 200 || results[1].Code == 200 {
		t.Fatalf("batch: %+v, %v", results, err)
	}
	results, err = c.Batch(ctx(t), pk, true, func(now time.Time) ([]network.SubRequest, error) {
		return []network.SubRequest{{Method: "no_such_method"}, {Method: network.MethodInfo}}, nil
	})
	if err != nil || len(results) != 1 {
		t.Fatalf("sequence: %+v, %v", results, err)
	}
}

// TestStoreRefused checks that a request the node refuses is a *StatusError, not retried
// as if the network were down.
func TestStoreRefused(t *testing.T) {
	_, c := start(t)
	id := account(t)
	pk := [33]byte(id.SessionID())
	// A message over the size limit is refused by the node.
	_, err := c.Store(ctx(t), nil, pk, network.DefaultNamespace, make([]byte, network.MaxMessageSize+1), c.Now().Add(time.Hour))
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status < 400 || se.Status >= 500 {
		t.Fatalf("got %v, want a 4xx StatusError", err)
	}
	if _, err := c.Store(ctx(t), id.Ed25519PrivateKey(), pk, 2, []byte("x"), c.Now().Add(time.Hour)); err != nil {
		t.Fatalf("a signed store: %v", err)
	}
}

// v4Server is an HTTP server that answers onion requests v4 as a file server would:
// it echoes the request's endpoint and body.
func v4Server(t *testing.T) (client.Server, *httptest.Server) {
	t.Helper()
	key, err := crypto.GenerateX25519(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != network.V4Target {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		plain, hk, err := network.OpenServerLayer(&key, body)
		if err != nil {
			http.Error(w, "Invalid ciphertext", http.StatusBadRequest)
			return
		}
		req, err := network.ParseV4Request(plain)
		if err != nil {
			http.Error(w, "Invalid request", http.StatusBadRequest)
			return
		}
		out, _ := network.SealV4Response(rand.Reader, &hk, network.V4Response{Status: http.StatusCreated,
			Headers: map[string]string{"x-endpoint": req.Endpoint}, Body: append([]byte(req.Method+" "), req.Body...)})
		w.Write(out)
	}))
	t.Cleanup(hs.Close)
	srv, err := client.ParseServer(hs.URL, key.Public)
	if err != nil {
		t.Fatal(err)
	}
	return srv, hs
}

// TestServerRequest sends onion requests v4 to an HTTP server through the testnet.
func TestServerRequest(t *testing.T) {
	_, c := start(t)
	srv, hs := v4Server(t)
	resp, err := c.Do(ctx(t), srv, client.Request{Method: "POST", Endpoint: "/file", Body: []byte("blob")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusCreated || string(resp.Body) != "POST blob" || resp.Headers["x-endpoint"] != "/file" {
		t.Fatalf("got %+v", resp)
	}

	// A server that is down: the path works, the last node cannot reach it.
	hs.Close()
	if _, err := c.Do(ctx(t), srv, client.Request{Method: "GET", Endpoint: "/file/1"}); !errors.Is(err, client.ErrServerUnreachable) {
		t.Fatalf("server down: got %v, want ErrServerUnreachable", err)
	}
	if c.Status() != client.Online {
		t.Fatalf("a server that is down made the client %v", c.Status())
	}

	// A host the nodes do not relay to.
	other := srv
	other.Host = "localhost"
	if _, err := c.Do(ctx(t), other, client.Request{Method: "GET", Endpoint: "/file/1"}); !errors.Is(err, client.ErrServerUnreachable) {
		t.Fatalf("host not allowed: got %v, want ErrServerUnreachable", err)
	}
}

func TestParseServer(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ok       bool
		host     string
		port     uint16
		protocol string
	}{
		{"http://filev2.getsession.org", true, "filev2.getsession.org", 0, "http"},
		{"https://127.0.0.1:8443", true, "127.0.0.1", 8443, "https"},
		{"http://[::1]:80/", true, "::1", 80, "http"},
		{"ftp://example.org", false, "", 0, ""},
		{"http://", false, "", 0, ""},
		{"http://h:0", false, "", 0, ""},
		{"http://h:99999", false, "", 0, ""},
		{"::", false, "", 0, ""},
	} {
		s, err := client.ParseServer(tc.in, [32]byte{})
		if (err == nil) != tc.ok || s.Host != tc.host || s.Port != tc.port || s.Protocol != tc.protocol {
			t.Errorf("%q: got %+v, %v", tc.in, s, err)
		}
	}
}

// TestOffline checks that a client whose seeds do not answer says so quickly.
func TestOffline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := client.New(client.Options{Seeds: []client.Seed{{URL: "https://" + addr}}})
	defer c.Close()
	id := account(t)
	_, err = c.Store(ctx(t), nil, [33]byte(id.SessionID()), network.DefaultNamespace, []byte("x"), time.Now().Add(time.Hour))
	if !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
	if c.Status() != client.Offline {
		t.Fatalf("status %v, want Offline", c.Status())
	}
}
