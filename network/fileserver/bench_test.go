package fileserver_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/fileserver"
)

// benchServerDir, set in the environment, makes the test binary run a file server in
// that directory instead of the tests, until its standard input closes, with the
// collector set as allium-node sets it: BenchmarkRSS measures that process.
const benchServerDir = "ALLIUM_BENCH_FILESERVER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(benchServerDir); dir != "" {
		debug.SetGCPercent(400) // allium-node's gcPercent
		s, err := fileserver.New(fileserver.Config{Listen: "127.0.0.1:0", DataDir: dir, RateLimit: -1})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		x := s.X25519()
		fmt.Println(s.Addr(), hex.EncodeToString(x[:]))
		io.Copy(io.Discard, os.Stdin)
		s.Shutdown(context.Background())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// BenchmarkRSS10Uploads runs a file server in its own process and sends it 10 uploads
// of 9.9 MB at once, each as the last node of an onion path posts it (a v4 layer
// encrypted to the server), and reports the server's resident memory at its highest
// (peak-RSS-MB, the kernel's VmHWM) and before the uploads (idle-RSS-MB).
func BenchmarkRSS10Uploads(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs Linux's /proc")
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), benchServerDir+"="+b.TempDir())
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	var addr, xhex string
	fmt.Sscan(line, &addr, &xhex)
	ap, err := netip.ParseAddrPort(addr)
	xb, err2 := hex.DecodeString(xhex)
	if err != nil || err2 != nil || len(xb) != 32 {
		b.Fatalf("the server process said %q", line)
	}
	srv := network.ServerHop{Host: "127.0.0.1", Port: ap.Port(), Protocol: "http", X25519: [32]byte(xb)}

	const uploads = 10
	data := make([]byte, 9_900_000)
	rand.Read(data)
	layers := make([][]byte, uploads)
	build := func() {
		for i := range layers {
			layers[i] = lastNodeLayer(b, srv, data)
		}
	}
	build()
	idle := procKB(b, cmd.Process.Pid, "VmRSS")
	hc := &http.Client{Timeout: time.Minute}
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for _, l := range layers {
			wg.Go(func() {
				resp, err := hc.Post("http://"+addr+network.V4Target, "application/octet-stream", bytes.NewReader(l))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("upload: %d", resp.StatusCode)
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		build() // the layers were sent; new ones, as new uploads would be
		b.StartTimer()
	}
	b.ReportMetric(float64(procKB(b, cmd.Process.Pid, "VmHWM"))/1e3, "peak-RSS-MB")
	b.ReportMetric(float64(idle)/1e3, "idle-RSS-MB")
}

// lastNodeLayer builds an upload of data through a one-node path and peels the node's
// layer: what a last node posts to the server.
func lastNodeLayer(b *testing.B, srv network.ServerHop, data []byte) []byte {
	node, err := crypto.GenerateX25519(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	req, err := network.BuildV4Onion(rand.Reader, crypto.AESGCM, []network.OnionHop{{X25519: node.Public}}, srv,
		network.V4Request{Method: "POST", Endpoint: "/file", Body: data})
	if err != nil {
		b.Fatal(err)
	}
	edge, err := network.ParseOnionEdge(req.Body)
	if err != nil {
		b.Fatal(err)
	}
	l, err := network.PeelOnion(&node, edge.EncType, edge.EphemeralKey, edge.Ciphertext)
	if err != nil {
		b.Fatal(err)
	}
	return l.Inner
}

// procKB reads a field of /proc/PID/status, in kB.
func procKB(b *testing.B, pid int, field string) int {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
