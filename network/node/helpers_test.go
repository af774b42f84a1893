package node_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/node"
	"allium/network/testnet"
	"allium/network/testnet/testnettest"
)

// tnet is a real network of nodes on 127.0.0.1 with a plain HTTPS client to talk to them.
type tnet struct {
	*testnet.Testnet
	reg    *node.Registry
	client *http.Client
}

func startNet(t testing.TB, nodes, swarmSize int, mod func(*testnet.Options)) *tnet {
	t.Helper()
	tn := testnettest.Start(t, nodes, swarmSize, mod)
	reg, err := node.NewRegistry(tn.Registry())
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 40 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	t.Cleanup(c.CloseIdleConnections)
	return &tnet{Testnet: tn, reg: reg, client: c}
}

func (n *tnet) url(i int, path string) string {
	return "https://" + n.reg.Peers[i].Addr.String() + path
}

func (n *tnet) post(t testing.TB, i int, path string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := n.client.Post(n.url(i, path), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// rpc sends a storage RPC directly to node i.
func (n *tnet) rpc(t testing.TB, i int, method string, params []byte) (int, []byte) {
	t.Helper()
	body, err := network.NewRPCRequestBody(method, params)
	if err != nil {
		t.Fatal(err)
	}
	return n.post(t, i, "/storage_rpc/v1", body)
}

// swarm returns the indices of the nodes serving pk, and of some other nodes.
func (n *tnet) swarm(pk [33]byte) (in, out []int) {
	id := n.reg.SwarmFor(pk)
	for i, p := range n.reg.Peers {
		if p.SwarmID == id {
			in = append(in, i)
		} else {
			out = append(out, i)
		}
	}
	return in, out
}

func (n *tnet) hop(i int) network.OnionHop {
	return network.OnionHop{Ed25519: n.reg.Peers[i].Ed25519, X25519: n.reg.Peers[i].X25519}
}

// onion sends a storage RPC to node dest through nodes path (guard first) and returns
// the RPC status and body from the destination's encrypted reply.
func (n *tnet) onion(t testing.TB, enc crypto.EncType, path []int, dest int, method string, params []byte) (int, []byte) {
	t.Helper()
	hops := make([]network.OnionHop, len(path))
	for k, i := range path {
		hops[k] = n.hop(i)
	}
	body, err := network.NewRPCRequestBody(method, params)
	if err != nil {
		t.Fatal(err)
	}
	req, err := network.BuildOnion(rand.Reader, enc, hops, n.hop(dest), body, network.StorageControl)
	if err != nil {
		t.Fatal(err)
	}
	status, resp := n.post(t, path[0], "/onion_req/v2", req.Body)
	if status != http.StatusOK {
		t.Fatalf("onion request: HTTP %d %s", status, resp)
	}
	rs, rb, err := network.OpenOnionResponse(&req.Key, resp)
	if err != nil {
		t.Fatalf("onion response: %v", err)
	}
	return rs, rb
}

// account is a client identity: its Session ID as a 33-byte pubkey and its signing key.
type account struct {
	id *crypto.Identity
	pk [33]byte
}

func newAccount(t testing.TB) account {
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return account{id: id, pk: [33]byte(id.SessionID())}
}

func (a account) storeParams(t testing.TB, data string, ttl time.Duration) []byte {
	p, err := network.NewStoreParams(a.pk, network.DefaultNamespace, time.Now(), ttl, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (a account) retrieveParams(t testing.TB, lastHash string) []byte {
	p, err := network.NewRetrieveParams(a.id.Ed25519PrivateKey(), a.pk, network.DefaultNamespace, lastHash, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func hexOf(k [32]byte) string { return hex.EncodeToString(k[:]) }

func base16(s string) ([]byte, error) { return hex.DecodeString(s) }

// recordingDialer dials like net.Dialer and records the local address of the last
// connection, which is what the far end sees as the client's address.
func recordingDialer(addr *string) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, address)
		if err == nil {
			*addr = c.LocalAddr().String()
		}
		return c, err
	}
}
