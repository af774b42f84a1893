package node_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/node"
)

// dialLink opens a relay link to a node by hand, as another node would.
func dialLink(t *testing.T, addr string) *tls.Conn {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"allium-relay/1", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if p := c.ConnectionState().NegotiatedProtocol; p != "allium-relay/1" {
		t.Fatalf("negotiated %q", p)
	}
	return c
}

func writeFrame(t *testing.T, c net.Conn, id, length uint32, body []byte) {
	t.Helper()
	b := binary.BigEndian.AppendUint32(nil, id)
	b = binary.BigEndian.AppendUint32(b, length)
	if _, err := c.Write(append(b, body...)); err != nil {
		t.Fatal(err)
	}
}

func readFrame(t *testing.T, r io.Reader) (id uint32, status int, body []byte) {
	t.Helper()
	var h [10]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatal(err)
	}
	body = make([]byte, binary.BigEndian.Uint32(h[6:]))
	if _, err := io.ReadFull(r, body); err != nil {
		t.Fatal(err)
	}
	return binary.BigEndian.Uint32(h[:4]), int(binary.BigEndian.Uint16(h[4:6])), body
}

// TestLinkWire speaks the link protocol to a node by hand: requests answered out of
// order by id, a bad onion body answered 400, and an oversized frame answered 413 before
// the node closes the link.
func TestLinkWire(t *testing.T) {
	n := startNet(t, 2, 2, nil)
	c := dialLink(t, n.reg.Peers[0].Addr.String())
	r := bufio.NewReader(c)

	req, err := network.BuildOnion(rand.Reader, crypto.XChaCha20, nil, n.hop(0), []byte(`{"method":"info","params":{}}`), network.StorageControl)
	if err != nil {
		t.Fatal(err)
	}
	writeFrame(t, c, 41, uint32(len(req.Body)), req.Body)
	writeFrame(t, c, 42, 3, []byte("bad"))
	got := map[uint32]int{}
	for range 2 {
		id, status, body := readFrame(t, r)
		got[id] = status
		if id == 41 {
			if rs, rb, err := network.OpenOnionResponse(&req.Key, body); err != nil || rs != 200 || !bytes.Contains(rb, []byte(`"version"`)) {
				t.Errorf("info over the link: %d %s %v", rs, rb, err)
			}
		}
	}
	if got[41] != http.StatusOK || got[42] != http.StatusBadRequest {
		t.Errorf("statuses by id: %v", got)
	}

	writeFrame(t, c, 43, 64<<20, nil)
	if id, status, _ := readFrame(t, r); id != 43 || status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized frame: id %d status %d", id, status)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.ReadByte(); err == nil {
		t.Error("the node kept the link open after an oversized frame")
	}
}

// TestLinkFallbackToHTTPS relays through a next node that does not offer links (an
// HTTPS-only server in front of a real node): the guard calls it over HTTPS, every time.
func TestLinkFallbackToHTTPS(t *testing.T) {
	dir := t.TempDir()
	ids := make([]*node.Identity, 2)
	lns := make([]net.Listener, 2)
	for i := range ids {
		var err error
		if ids[i], err = node.LoadOrCreateIdentity(filepath.Join(dir, []string{"guard", "dest"}[i])); err != nil {
			t.Fatal(err)
		}
		if lns[i], err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	// The HTTPS-only server forwards what it gets to the destination's real address.
	var calls atomic.Int32
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	defer client.CloseIdleConnections()
	front := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/onion_req/v2" {
			calls.Add(1)
		}
		resp, err := client.Post("https://"+lns[1].Addr().String()+r.URL.Path, "application/octet-stream", r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	defer front.Close()

	entry := func(i int, addr string) node.RegistryEntry {
		return node.RegistryEntry{Address: addr, Ed25519: hexOf(ids[i].PublicKey()), X25519: hexOf(ids[i].X25519.Public), SwarmID: uint64(i + 1)}
	}
	guardAddr := lns[0].Addr().String()
	// The guard knows the destination by the front's address; the destination knows itself.
	regs := []node.RegistryFile{
		{Name: "guard's", Nodes: []node.RegistryEntry{entry(0, guardAddr), entry(1, strings.TrimPrefix(front.URL, "https://"))}},
		{Name: "destination's", Nodes: []node.RegistryEntry{entry(0, guardAddr), entry(1, lns[1].Addr().String())}},
	}
	hops := make([]network.OnionHop, 2)
	for i := range regs {
		path := filepath.Join(dir, regs[i].Name+".json")
		if err := node.WriteRegistry(path, regs[i]); err != nil {
			t.Fatal(err)
		}
		nd, err := node.New(node.Config{DataDir: filepath.Join(dir, []string{"guard", "dest"}[i]), Registry: path, Listener: lns[i], RateLimit: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer nd.Shutdown(context.Background())
		hops[i] = network.OnionHop{Ed25519: ids[i].PublicKey(), X25519: ids[i].X25519.Public}
	}

	for round := 1; round <= 2; round++ {
		req, err := network.BuildOnion(rand.Reader, crypto.AESGCM, hops[:1], hops[1], []byte(`{"method":"info","params":{}}`), network.StorageControl)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Post("https://"+guardAddr+"/onion_req/v2", "application/octet-stream", bytes.NewReader(req.Body))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("round %d: %d %s", round, resp.StatusCode, body)
		}
		if rs, _, err := network.OpenOnionResponse(&req.Key, body); err != nil || rs != http.StatusOK {
			t.Fatalf("round %d: reply %d %v", round, rs, err)
		}
		if got := calls.Load(); got != int32(round) {
			t.Fatalf("round %d: the HTTPS-only node was called %d times", round, got)
		}
	}
}

// TestLinkAfterRestart restarts the middle node of a path: the guard's link to it breaks
// and the next request opens a new one.
func TestLinkAfterRestart(t *testing.T) {
	n := startNet(t, 3, 3, nil)
	info := func() int {
		st, _ := n.onion(t, crypto.AESGCM, []int{0, 1}, 2, "info", []byte(`{}`))
		return st
	}
	if st := info(); st != http.StatusOK {
		t.Fatalf("before the restart: %d", st)
	}
	if err := n.StopNode(1); err != nil {
		t.Fatal(err)
	}
	if err := n.StartNode(1); err != nil {
		t.Fatal(err)
	}
	if st := info(); st != http.StatusOK {
		t.Fatalf("after the restart: %d", st)
	}
}

// TestLinkOnlyForNodes: a client that asks for a relay link (to skip the request rate its
// address is held to) is refused one; the network's nodes still get theirs.
func TestLinkOnlyForNodes(t *testing.T) {
	n := startNet(t, 2, 2, nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.9")}, Timeout: 5 * time.Second}
	raw, err := d.Dial("tcp", n.reg.Peers[0].Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	c := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"allium-relay/1", "http/1.1"}})
	defer c.Close()
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	if c.ConnectionState().NegotiatedProtocol == "allium-relay/1" {
		writeFrame(t, c, 1, 3, []byte("bad"))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := bufio.NewReader(c).ReadByte(); err == nil {
			t.Fatal("a client that is not a node of the network got a relay link")
		}
	}
}
