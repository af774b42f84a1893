package node_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/node"
	"allium/network/node/spool"
	"allium/network/testnet"
)

// What one client can do to a node: each test below is one way of trying to take a node
// down, or to cost other clients their requests, and what the node does instead.

// publicNS is a namespace anyone may read without a signature.
const publicNS = network.Namespace(-10)

// fillPublic stores count messages of the largest size for pk in the public namespace
// straight into node i's spool.
func fillPublic(t testing.TB, nd *node.Node, pk [33]byte, count int) {
	t.Helper()
	msgs := make([]spool.Message, count)
	exp := time.Now().Add(time.Hour).UnixMilli()
	for i := range msgs {
		data := make([]byte, network.MaxMessageSize)
		rand.Read(data)
		msgs[i] = spool.Message{Pubkey: pk, Namespace: publicNS, Hash: network.MessageHash(pk, publicNS, data),
			Timestamp: time.Now().UnixMilli(), Expiry: exp, Data: data}
	}
	if _, err := nd.Spool().PutBatch(msgs); err != nil {
		t.Fatal(err)
	}
}

func publicRetrieve(pk [33]byte) []byte {
	return fmt.Appendf(nil, `{"pubkey":"%s","namespace":%d,"max_size":-1}`, hex.EncodeToString(pk[:]), publicNS)
}

// batchOfRetrieves is the amplification request: twenty retrieves of the most a
// retrieve may return, 3 KB that once asked for 150 MB of reply.
func batchOfRetrieves(pk [33]byte) []byte {
	subs := make([]network.SubRequest, network.MaxBatchRequests)
	for i := range subs {
		subs[i] = network.SubRequest{Method: "retrieve", Params: publicRetrieve(pk)}
	}
	p, _ := network.NewBatchParams(subs)
	return p
}

type batchReply struct {
	Results []struct {
		Code int                      `json:"code"`
		Body network.RetrieveResponse `json:"body"`
	} `json:"results"`
}

// replyLimit is the most a reply to the amplification request may be: the storage
// server's retrieve limit, and room for the JSON around the messages.
const replyLimit = network.RetrieveMaxSize + 64<<10

func TestBatchReplyHasABudget(t *testing.T) {
	n := startNet(t, 3, 1, nil)
	a := newAccount(t)
	in, _ := n.swarm(a.pk)
	fillPublic(t, n.Node(in[0]), a.pk, 110) // 8.4 MB of messages
	for _, method := range []string{"batch", "sequence"} {
		status, body := n.rpc(t, in[0], method, batchOfRetrieves(a.pk))
		if status != http.StatusOK {
			t.Fatalf("%s: %d %.200s", method, status, body)
		}
		if len(body) > replyLimit {
			t.Errorf("%s: reply of %d bytes, want at most %d", method, len(body), replyLimit)
		}
		r := decode[batchReply](t, body)
		got, more := 0, 0
		for _, res := range r.Results {
			got += len(res.Body.Messages)
			if res.Body.More {
				more++
			}
		}
		if len(r.Results) != network.MaxBatchRequests || got == 0 || more != network.MaxBatchRequests {
			t.Errorf("%s: %d results, %d messages, %d say more; want %d, some, all", method, len(r.Results), got, more, network.MaxBatchRequests)
		}
	}
	// Through an onion path the destination keeps the reply under the relays' limit
	// before building it: the client gets its messages, not 502 "Response too large".
	others := []int{}
	for i := range n.Len() {
		if i != in[0] {
			others = append(others, i)
		}
	}
	status, body := n.onion(t, crypto.AESGCM, others, in[0], "batch", batchOfRetrieves(a.pk))
	if status != http.StatusOK || len(body) > replyLimit {
		t.Fatalf("through an onion path: %d, %d bytes", status, len(body))
	}
	if n.Node(in[0]).MemoryReserved() != 0 {
		t.Errorf("%d bytes still reserved after the replies", n.Node(in[0]).MemoryReserved())
	}
}

// soloNode starts node 0 of a one-node testnet again with mod applied to its config.
func soloNode(t *testing.T, mod func(*node.Config)) (*node.Node, *tnet) {
	t.Helper()
	dir := t.TempDir()
	tn, err := testnet.Start(context.Background(), testnet.Options{Nodes: 1, SwarmSize: 1, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tn.Close()
	cfg := node.Config{DataDir: filepath.Join(dir, "node-00"), Registry: filepath.Join(dir, testnet.RegistryFile)}
	mod(&cfg)
	nd, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nd.Shutdown(context.Background()) })
	reg, _ := node.LoadRegistry(cfg.Registry)
	return nd, &tnet{reg: reg, client: startNet(t, 1, 1, nil).client}
}

// dialFrom opens a TLS connection to addr from the loopback address local (127.0.0.2 and
// on are other clients on the same machine). Its receive buffer is small, as a client
// that reads nothing would soon have it full.
func dialFrom(t testing.TB, local, addr string) *tls.Conn {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	raw, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	raw.(*net.TCPConn).SetReadBuffer(4096)
	c := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// clientFrom is an HTTPS client whose connections come from the loopback address local.
func clientFrom(t testing.TB, local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, MaxIdleConnsPerHost: 16}}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func infoFrom(t testing.TB, c *http.Client, addr string) int {
	t.Helper()
	resp, err := c.Post("https://"+addr+"/storage_rpc/v1", "application/json", strings.NewReader(`{"method":"info","params":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestSlowBodiesTakeNoSlots: one client opens many requests whose bodies never finish
// arriving. It gets its share of the node and no more; every other client is served,
// even when the node has only two request slots.
func TestSlowBodiesTakeNoSlots(t *testing.T) {
	nd, _ := soloNode(t, func(c *node.Config) { c.MaxConcurrent = 2; c.MaxPerAddress = 4 })
	addr := nd.Addr().String()
	for range 20 {
		c := dialFrom(t, "127.0.0.2", addr)
		fmt.Fprintf(c, "POST /storage_rpc/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"method\":")
	}
	other := clientFrom(t, "127.0.0.3")
	for i := range 20 {
		if status := infoFrom(t, other, addr); status != http.StatusOK {
			t.Fatalf("another client's request %d: %d", i, status)
		}
	}
	if status := infoFrom(t, clientFrom(t, "127.0.0.2"), addr); status != http.StatusServiceUnavailable {
		t.Errorf("the slow client's next request: %d, want 503", status)
	}
}

// TestUnreadRepliesAreBounded: clients ask for the largest reply and never read it. What
// the node holds for them stays under its ceiling; past it, new work gets 503 at once,
// and once they are gone everything is given back.
func TestUnreadRepliesAreBounded(t *testing.T) {
	nd, _ := soloNode(t, func(c *node.Config) { c.MaxMemory = 64 })
	a := newAccount(t)
	fillPublic(t, nd, a.pk, 110)
	body, _ := network.NewRPCRequestBody("batch", batchOfRetrieves(a.pk))
	rb, _ := network.NewRPCRequestBody("retrieve", publicRetrieve(a.pk))
	addr := nd.Addr().String()
	c := clientFrom(t, "127.0.1.2")
	busy := func() bool {
		resp, err := c.Post("https://"+addr+"/storage_rpc/v1", "application/json", bytes.NewReader(rb))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	}
	// Clients that never read are added until a retrieve needs memory the node no
	// longer has: then it gets 503, not a wait.
	var conns []*tls.Conn
	for i := 0; !busy(); i++ {
		if i == 40 {
			t.Fatalf("40 clients that never read, and still no 503; %d bytes reserved", nd.MemoryReserved())
		}
		c := dialFrom(t, fmt.Sprintf("127.0.0.%d", 10+i), addr)
		fmt.Fprintf(c, "POST /storage_rpc/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		conns = append(conns, c)
		waitFor(t, "the reply to be built", func() bool { return nd.MemoryReserved() > 0 })
		if r := nd.MemoryReserved(); r > nd.MemoryCeiling() {
			t.Fatalf("%d bytes reserved, over the ceiling of %d", r, nd.MemoryCeiling())
		}
	}
	for _, c := range conns {
		c.Close()
	}
	waitFor(t, "the memory to be given back", func() bool { return nd.MemoryReserved() == 0 })
}

// TestCatchUpOfLargeMessages: a member that was down while its swarm stored 60 messages of
// the largest size holds all of them soon after it is back.
func TestCatchUpOfLargeMessages(t *testing.T) {
	n := startNet(t, 3, 3, nil)
	a := newAccount(t)
	if err := n.StopNode(2); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		data := make([]byte, network.MaxMessageSize)
		rand.Read(data)
		p, err := network.NewStoreParams(a.pk, network.DefaultNamespace, time.Now(), time.Hour, data)
		if err != nil {
			t.Fatal(err)
		}
		if status, body := n.rpc(t, i%2, "store", p); status != http.StatusOK {
			t.Fatalf("store %d: %d %s", i, status, body)
		}
	}
	if err := n.StartNode(2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node 2 to catch up", func() bool {
		msgs, _, err := n.Node(2).Spool().Retrieve(a.pk, network.DefaultNamespace, "", 0, 0)
		return err == nil && len(msgs) == 60
	})
}

// TestRelayingAtDefaultLimits: clients on many addresses send onion requests through one
// guard faster than one client may; the next node, with the default limits, relays them
// all (it once rate-limited the guard as if it were one client).
func TestRelayingAtDefaultLimits(t *testing.T) {
	n := startNet(t, 3, 1, nil)
	const clients, each = 6, 40 // 240 requests at once, over what one address may burst
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := map[int]int{}
	for k := range clients {
		c := clientFrom(t, fmt.Sprintf("127.0.2.%d", k+1))
		wg.Go(func() {
			for range each {
				req, err := network.BuildOnion(rand.Reader, crypto.AESGCM, []network.OnionHop{n.hop(0), n.hop(1)}, n.hop(2),
					[]byte(`{"method":"info","params":{}}`), network.StorageControl)
				if err != nil {
					panic(err)
				}
				resp, err := c.Post(n.url(0, "/onion_req/v2"), "application/octet-stream", bytes.NewReader(req.Body))
				status := 0
				if err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
					if status == http.StatusOK {
						status, _, err = network.OpenOnionResponse(&req.Key, b)
					}
				}
				if err != nil || status != http.StatusOK {
					mu.Lock()
					refused[status]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(refused) > 0 {
		t.Errorf("requests refused, by status: %v", refused)
	}
}

// TestConnectionsPerAddress: one address opening many connections keeps its share of
// them; the rest are closed at once, and other clients still connect.
func TestConnectionsPerAddress(t *testing.T) {
	nd, _ := soloNode(t, func(c *node.Config) { c.MaxConnsPerAddress = 8 })
	addr := nd.Addr().String()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.4")}}
	var conns []net.Conn
	for range 20 {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
	}
	// The node closes the connections over the share at once; the others wait for a
	// TLS handshake (for readHeaderTimeout).
	var closed atomic.Int32
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(time.Second))
			if _, err := c.Read(make([]byte, 1)); err == io.EOF || isReset(err) {
				closed.Add(1)
			}
		})
	}
	wg.Wait()
	if closed := closed.Load(); closed != 12 {
		t.Errorf("%d of 20 connections closed, want 12", closed)
	}
	if status := infoFrom(t, clientFrom(t, "127.0.0.5"), addr); status != http.StatusOK {
		t.Errorf("another client: %d", status)
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "reset") }
