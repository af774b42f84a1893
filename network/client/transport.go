package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"time"

	"allium/crypto"
	"allium/network"
)

// Node is a storage node as the client knows it.
type Node struct {
	Addr    netip.AddrPort
	Ed25519 [32]byte
	X25519  [32]byte
	SwarmID uint64
}

// String names the node for people: its address.
func (n Node) String() string { return n.Addr.String() }

func (n Node) hop() network.OnionHop { return network.OnionHop{Ed25519: n.Ed25519, X25519: n.X25519} }

// Seed is a node the client bootstraps from. Session's public seeds are pinned by the
// SHA-256 of their certificate, as Session Desktop pins them; a private network's seeds
// are self-signed nodes that are not pinned.
type Seed struct {
	URL string
	Pin []byte // SHA-256 of the certificate, or nil
}

// SessionSeeds are the public Session network's seed nodes and their certificates'
// SHA-256 fingerprints (session-desktop's SeedNodeAPI).
var SessionSeeds = []Seed{
	{URL: "https://seed1.getsession.org:4443/", Pin: mustHex("36EA0B2535379885" + "51EE856E4FD20D55" + "011E9C8B27EAA2F3" + "4B8F32A0BDF04F2D")},
	{URL: "https://seed2.getsession.org:4443/", Pin: mustHex("C5908DD4139ACD96" + "AEDD1E4557659765" + "0809C8A5EA02AF55" + "6D4853D45396E0E7")},
	{URL: "https://seed3.getsession.org:4443/", Pin: mustHex("8A0AF2C712342F22" + "CE00E53C1601410E" + "F8D84156AEE0A980" + "9C32F6F7EFBE556E")},
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// transport makes the client's HTTPS requests: the seed call, direct guard tests, and
// onion requests through a path. Every connection goes through one of its two dialers,
// the seeds' and the nodes', which go through the proxy when it covers them.
type transport struct {
	seeds []Seed
	// nodes talks to storage nodes. Their certificates are self-signed and not checked,
	// as in every Session client: the onion layers carry the confidentiality.
	nodes *http.Client
	// unpinned talks to seeds without a pin (a private network's), as nodes are talked
	// to, but through the seeds' dialer.
	unpinned *http.Client
	// pinned talks to pinned seeds.
	pinned map[string]*http.Client
}

func newTransport(seeds []Seed, proxy Proxy, dial DialFunc) *transport {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	seedDial := dialer{base: dial}
	if proxy.covers(true) {
		seedDial.proxy = proxy.URL
	}
	nodeDial := dialer{base: dial}
	if proxy.covers(false) {
		nodeDial.proxy = proxy.URL
	}
	// The transports' Proxy stays nil: the dialers do the proxying, and the
	// environment's HTTPS_PROXY is never used behind the user's back.
	insecure := func(d dialer) *http.Client {
		return &http.Client{Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{InsecureSkipVerify: true},
			DialContext:         d.DialContext,
			MaxIdleConnsPerHost: 8,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		}}
	}
	t := &transport{seeds: seeds, nodes: insecure(nodeDial), unpinned: insecure(seedDial), pinned: make(map[string]*http.Client)}
	for _, s := range seeds {
		if s.Pin == nil {
			continue
		}
		pin := s.Pin
		t.pinned[s.URL] = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
			DialContext:         seedDial.DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			TLSClientConfig: &tls.Config{
				InsecureSkipVerify: true, // replaced by the exact-certificate check below
				VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
					if len(raw) == 0 {
						return errors.New("seed sent no certificate")
					}
					if sum := sha256.Sum256(raw[0]); !bytes.Equal(sum[:], pin) {
						return errors.New("seed certificate does not match its pin")
					}
					return nil
				},
			}}}
	}
	return t
}

func (t *transport) close() {
	t.nodes.CloseIdleConnections()
	t.unpinned.CloseIdleConnections()
	for _, c := range t.pinned {
		c.CloseIdleConnections()
	}
}

func (t *transport) seedClient(s Seed) *http.Client {
	if c, ok := t.pinned[s.URL]; ok {
		return c
	}
	return t.unpinned
}

// fetchNodes asks one seed after another for the network's node list (the seed call
// get_n_service_nodes), until one answers.
func (t *transport) fetchNodes(ctx context.Context) ([]Node, error) {
	var lastErr error
	offline := len(t.seeds) > 0
	order := mrand.Perm(len(t.seeds))
	for _, i := range order {
		nodes, err := t.fetchFromSeed(ctx, t.seeds[i])
		if err == nil {
			return nodes, nil
		}
		lastErr = err
		offline = offline && noRoute(err)
		if ctx.Err() != nil || proxyFault(err) {
			break // the proxy is the same for every seed
		}
	}
	if offline && ctx.Err() == nil {
		// No seed could even be tried: the fault is this computer's, not a block.
		return nil, fmt.Errorf("%w: %w (%w)", ErrUnreachable, lastErr, errOffline)
	}
	return nil, fmt.Errorf("%w: %w", ErrUnreachable, lastErr)
}

func (t *transport) fetchFromSeed(ctx context.Context, s Seed) ([]Node, error) {
	body := []byte(`{"jsonrpc":"2.0","method":"get_n_service_nodes","params":{"active_only":true,"fields":{"public_ip":true,"storage_port":true,"pubkey_x25519":true,"pubkey_ed25519":true,"swarm_id":true}}}`)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	url := s.URL
	if url[len(url)-1] != '/' {
		url += "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"json_rpc", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.seedClient(s).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("seed answered %d", resp.StatusCode)
	}
	return parseNodeList(b)
}

// parseNodeList reads a seed's answer to get_n_service_nodes. Entries without a usable
// address or key are left out; an answer with none is an error.
func parseNodeList(b []byte) ([]Node, error) {
	var r struct {
		Result struct {
			States []struct {
				IP      string `json:"public_ip"`
				Port    uint16 `json:"storage_port"`
				Ed25519 string `json:"pubkey_ed25519"`
				X25519  string `json:"pubkey_x25519"`
				SwarmID uint64 `json:"swarm_id"`
			} `json:"service_node_states"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("seed answered with something other than a node list")
	}
	var nodes []Node
	for _, s := range r.Result.States {
		ip, err := netip.ParseAddr(s.IP)
		if err != nil || ip.IsUnspecified() || s.Port == 0 {
			continue
		}
		ed, ok := nodeKey(s.Ed25519)
		if !ok {
			continue
		}
		x, err := crypto.Ed25519PublicToX25519(ed[:])
		if err != nil {
			continue
		}
		nodes = append(nodes, Node{Addr: netip.AddrPortFrom(ip, s.Port), Ed25519: ed, X25519: x, SwarmID: s.SwarmID})
	}
	if len(nodes) == 0 {
		return nil, errors.New("seed listed no usable nodes")
	}
	return nodes, nil
}

// onion sends one storage RPC to dest through path (guard first) and returns the RPC's
// status and body. A failure of the path itself is a *pathError.
func (t *transport) onion(ctx context.Context, path []Node, dest Node, method string, params []byte) (int, []byte, error) {
	rpc, err := network.NewRPCRequestBody(method, params)
	if err != nil {
		return 0, nil, err
	}
	req, err := network.BuildOnion(rand.Reader, crypto.AESGCM, hops(path), dest.hop(), rpc, network.StorageControl)
	if err != nil {
		return 0, nil, err
	}
	b, err := t.postOnion(ctx, path[0], req.Body)
	if err != nil {
		return 0, nil, err
	}
	status, body, err := network.OpenOnionResponse(&req.Key, b)
	if err != nil {
		return 0, nil, &pathError{status: http.StatusBadGateway, body: "unreadable response"}
	}
	return status, body, nil
}

// onionToServer sends an HTTP request to a server through path as an onion request v4
// and returns the server's answer. A failure of the path, or of the last node's request
// to the server, is a *pathError.
func (t *transport) onionToServer(ctx context.Context, path []Node, srv Server, r network.V4Request) (network.V4Response, error) {
	req, err := network.BuildV4Onion(rand.Reader, crypto.AESGCM, hops(path), srv.hop(), r)
	if err != nil {
		return network.V4Response{}, err
	}
	b, err := t.postOnion(ctx, path[0], req.Body)
	if err != nil {
		return network.V4Response{}, err
	}
	resp, err := network.OpenV4Response(&req.Key, b)
	if err != nil {
		return network.V4Response{}, &pathError{status: http.StatusBadGateway, body: "unreadable response"}
	}
	return resp, nil
}

// postOnion posts an onion request to the guard and returns the body of its 200 answer.
func (t *transport) postOnion(ctx context.Context, guard Node, body []byte) ([]byte, error) {
	progress := ProgressOf(ctx)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+guard.Addr.String()+"/onion_req/v2",
		counted(bytes.NewReader(body), int64(len(body)), progress.Up))
	if err != nil {
		return nil, err
	}
	hreq.ContentLength = int64(len(body)) // the counting reader hides it from net/http
	resp, err := t.nodes.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if proxyFault(err) {
			// Not the path's fault: no other path would get through either.
			return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return nil, &pathError{body: err.Error(), timeout: timedOut(err)}
	}
	defer resp.Body.Close()
	b, err := readReply(resp, progress.Down)
	if err != nil {
		return nil, &pathError{body: err.Error(), timeout: timedOut(err)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &pathError{status: resp.StatusCode, body: string(b)}
	}
	return b, nil
}

// maxReply bounds what the client reads of a guard's answer: the relays' own limit.
const maxReply = 16 << 20

// readReply reads a guard's answer, into one buffer of the announced length when there
// is one (a file downloaded is one such answer; growing a buffer for it would cost
// twice its size).
func readReply(resp *http.Response, report func(done, total int64)) ([]byte, error) {
	n := resp.ContentLength
	if n < 0 || n > maxReply {
		return io.ReadAll(io.LimitReader(counted(resp.Body, -1, report), maxReply))
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(counted(resp.Body, n, report), b); err != nil {
		return nil, err
	}
	return b, nil
}

func hops(path []Node) []network.OnionHop {
	h := make([]network.OnionHop, len(path))
	for i, n := range path {
		h[i] = n.hop()
	}
	return h
}

// direct sends a storage RPC straight to a node (used only to test a guard, which learns
// our address anyway).
func (t *transport) direct(ctx context.Context, n Node, method string, params []byte) (int, []byte, error) {
	body, err := network.NewRPCRequestBody(method, params)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+n.Addr.String()+"/storage_rpc/v1", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	resp, err := t.nodes.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}
