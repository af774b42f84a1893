package node_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/node"
	"allium/network/testnet"
)

// cpuTime is the user+system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hopCrypto runs one hop's cryptography — deriving the layer key (one X25519) and
// opening a layer of the given size — rounds times on each of GOMAXPROCS goroutines at
// once, as busy nodes use every core, and returns the CPU it took and the hops done.
func hopCrypto(b *testing.B, enc crypto.EncType, layer, rounds int) (time.Duration, int) {
	node, _ := crypto.GenerateX25519(rand.Reader)
	eph, _ := crypto.GenerateX25519(rand.Reader)
	ck, _ := crypto.ClientHopKey(enc, &eph, &node.Public)
	ct, _ := ck.Seal(rand.Reader, nil, make([]byte, layer))
	workers := runtime.GOMAXPROCS(0)
	start := cpuTime()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range rounds {
				k, _ := crypto.NodeHopKey(enc, &node, &eph.Public)
				if _, err := k.Open(nil, ct); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return cpuTime() - start, rounds * workers
}

// benchNodesEnv, when set to a directory, makes the test binary run the relay
// benchmark's network there instead of tests (see TestMain).
const benchNodesEnv = "ALLIUM_BENCH_NODES"

func TestMain(m *testing.M) {
	if dir := os.Getenv(benchNodesEnv); dir != "" {
		os.Exit(serveBenchNodes(dir))
	}
	os.Exit(m.Run())
}

// serveBenchNodes runs a 4-node network in this process, with allium-node's garbage
// collector setting (GOGC in the environment wins, to compare others), until standard
// input closes. With ALLIUM_BENCH_CPUPROFILE=FILE in the environment it writes the
// nodes' CPU profile there, to see where a hop's time goes; with
// ALLIUM_BENCH_MEMPROFILE=FILE their allocations, to see what garbage a hop makes.
//
// The benchmark's one client stands for the many a guard serves, so the nodes are
// started with testnet's keys and registry but without the per-address limits (rate,
// requests, connections) that would refuse one client at ten thousand requests a
// second; every other limit is the default.
func serveBenchNodes(dir string) int {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200) // allium-node's gcPercent
	}
	const nodes = 4
	tn, err := testnet.Start(context.Background(), testnet.Options{Nodes: nodes, SwarmSize: nodes, Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tn.Close()
	var running []*node.Node
	defer func() {
		for _, nd := range running {
			nd.Shutdown(context.Background())
		}
	}()
	for i := range nodes {
		nd, err := node.New(node.Config{DataDir: filepath.Join(dir, fmt.Sprintf("node-%02d", i)),
			Registry: filepath.Join(dir, testnet.RegistryFile), RateLimit: -1, MaxPerAddress: 64, MaxConnsPerAddress: 128,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		running = append(running, nd)
	}
	if path := os.Getenv("ALLIUM_BENCH_CPUPROFILE"); path != "" {
		f, _ := os.Create(path)
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if path := os.Getenv("ALLIUM_BENCH_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 4 << 10
		defer func() {
			f, _ := os.Create(path)
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}()
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// nodeProcess is the relay benchmark's network, running in a child process so that the
// CPU the nodes spend is measured apart from the benchmark's own client.
type nodeProcess struct {
	*tnet
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startNodeProcess(b *testing.B) *nodeProcess {
	dir := b.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchNodesEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	p := &nodeProcess{cmd: cmd, stdin: stdin}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		b.Fatalf("node process: %q %v", line, err)
	}
	reg, err := node.LoadRegistry(filepath.Join(dir, testnet.RegistryFile))
	if err != nil {
		b.Fatal(err)
	}
	c := &http.Client{Timeout: 40 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, MaxIdleConnsPerHost: 64}}
	b.Cleanup(c.CloseIdleConnections)
	p.tnet = &tnet{reg: reg, client: c}
	return p
}

// cpu is the user and system CPU the node process has used, from /proc.
func (p *nodeProcess) cpu(b *testing.B) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the parenthesised command name; utime and stime are the 14th and
	// 15th fields of the line, in clock ticks of 1/100 s.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// BenchmarkOnionRelay measures how many onion hops the nodes of one machine relay per
// second: a 4-node network, in its own process, answers 3-hop info requests (guard, two
// relays, destination: four layers peeled per request), sent 32 at a time over
// kept-alive connections. Requests are built in advance, so the client's cryptography
// is not counted, and the connections are opened before the clock starts.
//
// The nodes' CPU per hop is compared with the hop's cryptography alone, measured on
// every core at once as the nodes use them. This machine's speed drifts by a third from
// one second to the next, so the two are measured in turns, ten times each, and each
// total is compared with the other.
func BenchmarkOnionRelay(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads the node process's CPU time from /proc")
	}
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		b.Run(enc.String(), func(b *testing.B) {
			n := startNodeProcess(b)
			const prebuilt = 256
			bodies := make([][]byte, prebuilt)
			info := []byte(`{"method":"info","params":{}}`)
			for i := range bodies {
				req, err := network.BuildOnion(rand.Reader, enc, []network.OnionHop{n.hop(0), n.hop(1), n.hop(2)}, n.hop(3), info, network.StorageControl)
				if err != nil {
					b.Fatal(err)
				}
				bodies[i] = req.Body
			}
			url := n.url(0, "/onion_req/v2")
			post := func(body []byte) error {
				resp, err := n.client.Post(url, "application/octet-stream", bytes.NewReader(body))
				if err != nil {
					return err
				}
				var sink bytes.Buffer
				sink.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("status %d %s", resp.StatusCode, sink.Bytes())
				}
				return nil
			}
			// relay sends count requests, 32 at a time.
			var next atomic.Int64
			relay := func(count int) {
				var left atomic.Int64
				left.Store(int64(count))
				var wg sync.WaitGroup
				for range 32 {
					wg.Go(func() {
						for left.Add(-1) >= 0 {
							if err := post(bodies[next.Add(1)%prebuilt]); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			relay(64) // open the client's connections and the nodes' links
			const turns = 10
			var relayTime, nodeCPU, cryptoCPU time.Duration
			var cryptoHops int
			b.ResetTimer()
			for done := 0; done < b.N; {
				count := min(max(b.N/turns, 1), b.N-done)
				start, cpu0 := time.Now(), n.cpu(b)
				relay(count)
				relayTime += time.Since(start)
				nodeCPU += n.cpu(b) - cpu0
				done += count
				b.StopTimer()
				cpu, hops := hopCrypto(b, enc, len(bodies[0]), 100)
				cryptoCPU, cryptoHops = cryptoCPU+cpu, cryptoHops+hops
				b.StartTimer()
			}
			b.StopTimer()
			hops := float64(4 * b.N)
			perHop := float64(nodeCPU) / hops
			crypt := float64(cryptoCPU) / float64(cryptoHops)
			b.ReportMetric(hops/relayTime.Seconds(), "hops/s")
			b.ReportMetric(perHop/1e3, "node-cpu-µs/hop")
			b.ReportMetric(crypt/1e3, "crypto-µs/hop")
			b.ReportMetric(perHop/crypt, "cost/crypto")
		})
	}
}

// BenchmarkStoreRetrieve measures direct store and retrieve RPCs on one node (a swarm of
// one: no replication), 32 clients at a time, each op one RPC, alternating store and
// retrieve. 64 clients keep the node busy while stores wait for the disk.
func BenchmarkStoreRetrieve(b *testing.B) {
	n := startNet(b, 1, 1, nil)
	n.client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	accounts := make([]account, 64)
	for i := range accounts {
		accounts[i] = newAccount(b)
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := next.Add(1)
			a := accounts[k%int64(len(accounts))]
			var params []byte
			method := "store"
			if k%2 == 0 {
				params = a.storeParams(b, fmt.Sprintf("message %d", k), time.Hour)
			} else {
				method, params = "retrieve", a.retrieveParams(b, "")
			}
			status, body := n.rpc(b, 0, method, params)
			if status != http.StatusOK {
				b.Errorf("%s: %d %s", method, status, body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}
