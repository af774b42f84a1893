package node_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/node"
	"allium/network/testnet"
)

func retrieveCount(t *testing.T, n *tnet, i int, a account) int {
	t.Helper()
	status, body := n.rpc(t, i, "retrieve", a.retrieveParams(t, ""))
	if status != http.StatusOK {
		t.Fatalf("node %d retrieve: %d %s", i, status, body)
	}
	return len(decode[network.RetrieveResponse](t, body).Messages)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestMemberCatchesUpAfterDowntime(t *testing.T) {
	n := startNet(t, 3, 3, nil)
	a := newAccount(t)
	if err := n.StopNode(2); err != nil {
		t.Fatal(err)
	}
	status, body := n.rpc(t, 0, "store", a.storeParams(t, "sent while node 2 was down", time.Hour))
	if status != http.StatusOK {
		t.Fatalf("store with a member down: %d %s", status, body)
	}
	sr := decode[struct {
		Swarm map[string]map[string]any `json:"swarm"`
	}](t, body)
	if r := sr.Swarm[hexOf(n.reg.Peers[2].Ed25519)]; r["failed"] != true {
		t.Errorf("down member reported %v", r)
	}
	if err := n.StartNode(2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node 2 to catch up", func() bool { return retrieveCount(t, n, 2, a) == 1 })
}

func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	opts := testnet.Options{Nodes: 3, SwarmSize: 3, Dir: dir}
	tn, err := testnet.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	first := tn.Registry()
	n := &tnet{Testnet: tn}
	n.reg, _ = node.NewRegistry(first)
	n.client = startNet(t, 1, 1, nil).client
	a := newAccount(t)
	for _, d := range []string{"a", "b", "c"} {
		if status, body := n.rpc(t, 0, "store", a.storeParams(t, d, time.Hour)); status != 200 {
			t.Fatalf("%d %s", status, body)
		}
	}
	if err := tn.Close(); err != nil {
		t.Fatal(err)
	}
	tn, err = testnet.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	n.Testnet = tn
	for i, e := range tn.Registry().Nodes {
		if e != first.Nodes[i] {
			t.Fatalf("node %d changed across restart: %+v -> %+v", i, first.Nodes[i], e)
		}
		if got := retrieveCount(t, n, i, a); got != 3 {
			t.Fatalf("node %d has %d messages after restart", i, got)
		}
	}
	// Files hold secrets: the data dirs are 0700 and keys and databases 0600.
	for _, p := range []string{"node-00", "node-00/node.key", "node-00/tls.key", "node-00/messages.db"} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}

// TestExpiry runs one node on a clock the test moves forward.
func TestExpiry(t *testing.T) {
	dir := t.TempDir()
	base := time.Now()
	var offset atomic.Int64
	clock := func() time.Time { return base.Add(time.Duration(offset.Load())) }
	tn, err := testnet.Start(context.Background(), testnet.Options{Nodes: 1, SwarmSize: 1, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tn.Close()
	nd, err := node.New(node.Config{DataDir: filepath.Join(dir, "node-00"), Registry: filepath.Join(dir, testnet.RegistryFile),
		Clock: clock, PruneInterval: 20 * time.Millisecond, RateLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Shutdown(context.Background())
	reg, _ := node.LoadRegistry(filepath.Join(dir, testnet.RegistryFile))
	n := &tnet{reg: reg, client: startNet(t, 1, 1, nil).client}
	a := newAccount(t)
	if status, body := n.rpc(t, 0, "store", a.storeParams(t, "short-lived", 10*time.Second)); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if status, body := n.rpc(t, 0, "store", a.storeParams(t, "long-lived", time.Hour)); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if c, _ := nd.Spool().Count(); c != 2 {
		t.Fatalf("count %d", c)
	}
	offset.Store(int64(11 * time.Second))
	waitFor(t, "the expired message to be pruned", func() bool { c, _ := nd.Spool().Count(); return c == 1 })
}

func TestRateLimit(t *testing.T) {
	dir := t.TempDir()
	tn, err := testnet.Start(context.Background(), testnet.Options{Nodes: 1, SwarmSize: 1, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tn.Close()
	nd, err := node.New(node.Config{DataDir: filepath.Join(dir, "node-00"), Registry: filepath.Join(dir, testnet.RegistryFile),
		RateLimit: 0.5, RateBurst: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Shutdown(context.Background())
	reg, _ := node.LoadRegistry(filepath.Join(dir, testnet.RegistryFile))
	n := &tnet{reg: reg, client: startNet(t, 1, 1, nil).client}
	var codes []int
	for i := 0; i < 5; i++ {
		status, _ := n.rpc(t, 0, "info", []byte(`{}`))
		codes = append(codes, status)
	}
	if codes[0] != 200 || codes[2] != 200 || codes[3] != http.StatusTooManyRequests || codes[4] != http.StatusTooManyRequests {
		t.Fatalf("statuses %v", codes)
	}
}

func TestReloadRegistry(t *testing.T) {
	n := startNet(t, 3, 3, nil)
	path := filepath.Join(filepath.Dir(n.NetworkFile()), testnet.RegistryFile)
	f := n.Registry()
	extra, err := node.LoadOrCreateIdentity(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pub := extra.PublicKey()
	f.Nodes = append(f.Nodes, node.RegistryEntry{Address: "127.0.0.1:1", Ed25519: hexOf(pub), SwarmID: f.Nodes[0].SwarmID})
	if err := node.WriteRegistry(path, f); err != nil {
		t.Fatal(err)
	}
	if err := n.Node(0).ReloadRegistry(); err != nil {
		t.Fatal(err)
	}
	_, body := n.post(t, 0, "/json_rpc", []byte(`{"method":"get_n_service_nodes"}`))
	if got := decode[struct {
		Result struct {
			States []any `json:"service_node_states"`
		} `json:"result"`
	}](t, body); len(got.Result.States) != 4 {
		t.Fatalf("after reload: %s", body)
	}
	// A registry that drops this node is refused; the old one stays.
	f.Nodes = f.Nodes[1:]
	node.WriteRegistry(path, f)
	if err := n.Node(0).ReloadRegistry(); err == nil {
		t.Fatal("accepted a registry without this node")
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.toml")
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	c, err := node.LoadConfig(write("data_dir = \"/d\"\nregistry = \"/r.json\"\nallowed_proxy_hosts = [\"files.example\"]\nrate_limit = -1\n"))
	if err != nil || c.DataDir != "/d" || c.AllowedProxyHosts[0] != "files.example" || c.RateLimit != -1 {
		t.Fatalf("%+v %v", c, err)
	}
	for name, s := range map[string]string{
		"typo":        "data_dir = \"/d\"\nregistry = \"/r\"\nrate_limt = 5\n",
		"no data_dir": "registry = \"/r\"\n",
		"not toml":    "data_dir = \n",
	} {
		if _, err := node.LoadConfig(write(s)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestSampleConfig keeps the sample config shipped for operators loadable.
func TestSampleConfig(t *testing.T) {
	c, err := node.LoadConfig(filepath.Join("..", "..", "packaging", "node", "node.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/var/lib/allium-node" || c.RateLimit != 50 || len(c.AllowedProxyHosts) != 0 {
		t.Fatalf("%+v", c)
	}
	if fs := c.FileServer; fs.Enabled || fs.Listen != "0.0.0.0:8080" || fs.IDs != "decimal" || fs.MaxMemory != 128 {
		t.Fatalf("file server %+v", fs)
	}
}

// TestFileServerConfig checks that an enabled file server needs its own address and
// keeps its files under the node's data directory unless told otherwise.
func TestFileServerConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "node.toml")
		if err := os.WriteFile(p, []byte("data_dir = \"/d\"\nregistry = \"/r\"\n"+s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := node.LoadConfig(write("[file_server]\nenabled = true\n")); err == nil {
		t.Fatal("an enabled file server without listen loaded")
	}
	c, err := node.LoadConfig(write("[file_server]\nenabled = true\nlisten = \"127.0.0.1:8080\"\n"))
	if err != nil || c.FileServer.DataDir != "/d/fileserver" {
		t.Fatalf("%+v, %v", c.FileServer, err)
	}
	if c.MemoryLimit() <= (node.Config{}).MemoryLimit() {
		t.Fatal("the memory limit leaves out the file server")
	}
	if _, err := node.LoadConfig(write("[file_server]\nenable = true\n")); err == nil {
		t.Fatal("an unknown file server key loaded")
	}
}

// TestBusy sends a body that never finishes to a node with one request slot: the body
// is read before a slot is taken, so the next request is served.
func TestBusy(t *testing.T) {
	dir := t.TempDir()
	tn, err := testnet.Start(context.Background(), testnet.Options{Nodes: 1, SwarmSize: 1, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tn.Close()
	nd, err := node.New(node.Config{DataDir: filepath.Join(dir, "node-00"), Registry: filepath.Join(dir, testnet.RegistryFile),
		RateLimit: -1, MaxConcurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Shutdown(context.Background())
	reg, _ := node.LoadRegistry(filepath.Join(dir, testnet.RegistryFile))
	n := &tnet{reg: reg, client: startNet(t, 1, 1, nil).client}

	conn, err := tls.Dial("tcp", nd.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /storage_rpc/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"method\":")
	time.Sleep(200 * time.Millisecond) // the node is now waiting for the rest of the body
	if status, body := n.rpc(t, 0, "info", []byte(`{}`)); status != http.StatusOK {
		t.Fatalf("beside a slow body: %d %s", status, body)
	}
	conn.Close()
}

// TestRelayTimeout relays to a node that accepts connections but never answers: the
// client hears 504 "Request time out" from its guard.
func TestRelayTimeout(t *testing.T) {
	dir := t.TempDir()
	tn, err := testnet.Start(context.Background(), testnet.Options{Nodes: 1, SwarmSize: 1, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tn.Close()
	// A silent "node": listed in the registry, holds connections open, says nothing.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	regPath := filepath.Join(dir, testnet.RegistryFile)
	f := tn.Registry()
	quiet, _ := node.LoadOrCreateIdentity(filepath.Join(dir, "silent"))
	qpub := quiet.PublicKey()
	f.Nodes = append(f.Nodes, node.RegistryEntry{Address: silent.Addr().String(), Ed25519: hexOf(qpub), SwarmID: f.Nodes[0].SwarmID})
	if err := node.WriteRegistry(regPath, f); err != nil {
		t.Fatal(err)
	}
	nd, err := node.New(node.Config{DataDir: filepath.Join(dir, "node-00"), Registry: regPath, RateLimit: -1,
		RelayTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Shutdown(context.Background())
	reg, _ := node.LoadRegistry(regPath)
	n := &tnet{reg: reg, client: startNet(t, 1, 1, nil).client}
	req, err := network.BuildOnion(rand.Reader, crypto.AESGCM, []network.OnionHop{n.hop(0)}, n.hop(1), []byte(`{"method":"info","params":{}}`), network.StorageControl)
	if err != nil {
		t.Fatal(err)
	}
	status, body := n.post(t, 0, "/onion_req/v2", req.Body)
	if status != http.StatusGatewayTimeout || !strings.Contains(string(body), "Request time out") {
		t.Fatalf("%d %s", status, body)
	}
}
