package node_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/node"
	"allium/network/testnet"
)

// pathAvoiding picks three distinct nodes, none of them dest.
func pathAvoiding(n *tnet, dest int) []int {
	var p []int
	for i := 0; i < n.Len() && len(p) < 3; i++ {
		if i != dest {
			p = append(p, i)
		}
	}
	return p
}

func TestOnionStoreRetrieve(t *testing.T) {
	n := startNet(t, 6, 3, nil)
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		t.Run(enc.String(), func(t *testing.T) {
			a := newAccount(t)
			in, _ := n.swarm(a.pk)
			dest := in[0]
			path := pathAvoiding(n, dest)
			status, body := n.onion(t, enc, path, dest, "store", a.storeParams(t, "through the onion "+enc.String(), time.Hour))
			if status != http.StatusOK {
				t.Fatalf("store: %d %s", status, body)
			}
			hash := decode[network.StoreResponse](t, body).Hash
			// Retrieve through a different path, from another member.
			dest2 := in[1]
			status, body = n.onion(t, enc, pathAvoiding(n, dest2), dest2, "retrieve", a.retrieveParams(t, ""))
			rr := decode[network.RetrieveResponse](t, body)
			if status != http.StatusOK || len(rr.Messages) != 1 || rr.Messages[0].Hash != hash {
				t.Fatalf("retrieve: %d %s", status, body)
			}
			// Destination-level errors travel back encrypted, with HTTP 200 on the path.
			status, body = n.onion(t, enc, path, dest, "retrieve", []byte(`{"pubkey":"`+a.id.SessionID().String()+`"}`))
			if status != http.StatusUnauthorized {
				t.Fatalf("unsigned retrieve through onion: %d %s", status, body)
			}
		})
	}
}

func TestOnionPathErrors(t *testing.T) {
	n := startNet(t, 4, 4, nil)
	info := []byte(`{"method":"info","params":{}}`)
	build := func(hops []network.OnionHop, dest network.OnionHop) []byte {
		req, err := network.BuildOnion(rand.Reader, crypto.AESGCM, hops, dest, info, network.StorageControl)
		if err != nil {
			t.Fatal(err)
		}
		return req.Body
	}
	stranger, _ := crypto.GenerateX25519(rand.Reader)
	strangerHop := network.OnionHop{Ed25519: [32]byte{0xee, 1}, X25519: stranger.Public}

	var long []network.OnionHop
	for i := 0; i < 17; i++ {
		long = append(long, n.hop(1+i%2))
	}
	cases := []struct {
		name   string
		body   []byte
		status int
		says   string
	}{
		{"garbage", []byte("not an onion"), 400, "Error parsing onion request"},
		{"length past the end", []byte{0xff, 0, 0, 0, '{', '}'}, 400, "Error parsing onion request"},
		{"not for this node", build([]network.OnionHop{n.hop(1)}, n.hop(2)), 400, "Invalid ciphertext"},
		{"next node unknown", build([]network.OnionHop{n.hop(0)}, strangerHop), 502, "Next node not found: " + hex.EncodeToString(strangerHop.Ed25519[:])},
		{"too many hops", build(append([]network.OnionHop{n.hop(0)}, long...), n.hop(3)), 400, "max path length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := n.post(t, 0, "/onion_req/v2", c.body)
			if status != c.status || !strings.Contains(string(body), c.says) {
				t.Fatalf("%d %q, want %d %q", status, body, c.status, c.says)
			}
		})
	}
	t.Run("proxy to a host nobody allowed", func(t *testing.T) {
		node0 := n.hop(0)
		eph, _ := crypto.GenerateX25519(rand.Reader)
		key, _ := crypto.ClientHopKey(crypto.AESGCM, &eph, &node0.X25519)
		layer := network.AppendOnionPayload(nil, []byte("payload for the server"), []byte(`{"host":"example.org","target":"/oxen/v4/lsrpc"}`))
		ct, _ := key.Seal(rand.Reader, nil, layer)
		body := network.AppendOnionPayload(nil, ct, []byte(`{"ephemeral_key":"`+hex.EncodeToString(eph.Public[:])+`"}`))
		if status, resp := n.post(t, 0, "/onion_req/v2", body); status != http.StatusForbidden {
			t.Fatalf("%d %s", status, resp)
		}
	})
}

// TestWhatNodesLearn records what each hop of a path learns and checks the onion's
// promise: the guard sees the client's address but not where the request goes or for
// whom; the destination sees the request but not the client's address.
func TestWhatNodesLearn(t *testing.T) {
	var mu sync.Mutex
	seen := map[int][]node.OnionObservation{}
	n := startNet(t, 6, 3, func(o *testnet.Options) {
		o.Observe = func(i int, ob node.OnionObservation) {
			mu.Lock()
			seen[i] = append(seen[i], ob)
			mu.Unlock()
		}
	})
	a := newAccount(t)
	in, _ := n.swarm(a.pk)
	dest := in[0]
	path := pathAvoiding(n, dest)

	// Record the client's own address on its connection to the guard.
	var clientAddr string
	trace := &http.Transport{TLSClientConfig: n.client.Transport.(*http.Transport).TLSClientConfig}
	trace.DialContext = recordingDialer(&clientAddr)
	n.client.Transport = trace

	status, body := n.onion(t, crypto.AESGCM, path, dest, "store", a.storeParams(t, "who can see this?", time.Hour))
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	mu.Lock()
	defer mu.Unlock()
	sid := a.id.SessionID().String()
	destKey := n.reg.Peers[dest].Ed25519
	for k, i := range append(path, dest) {
		if len(seen[i]) != 1 {
			t.Fatalf("node %d saw %d requests", i, len(seen[i]))
		}
		ob := seen[i][0]
		isGuard, isDest := k == 0, i == dest
		if isGuard != (ob.From == clientAddr) {
			t.Errorf("hop %d (node %d) saw the request come from %s; client is %s", k, i, ob.From, clientAddr)
		}
		if !isDest && (ob.Kind != "relay-node" || strings.Contains(string(ob.Request), sid)) {
			t.Errorf("hop %d learnt %+v", k, ob)
		}
		if ob.Next == destKey && k != 2 {
			t.Errorf("hop %d learnt the destination", k)
		}
		if isDest && (ob.Kind != "final" || !strings.Contains(string(ob.Request), sid)) {
			t.Errorf("destination learnt %+v", ob)
		}
	}
	if clientAddr == "" {
		t.Fatal("client address not recorded")
	}
}
