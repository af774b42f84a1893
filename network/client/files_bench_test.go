package client_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"allium/network"
	"allium/network/client"
	"allium/network/testnet"
	"allium/network/testnet/testnettest"
)

// benchNetDir, set in the environment, makes the test binary run a test network in
// that directory instead of the tests, until its standard input closes: the file
// benchmarks run the network in another process, so that this one's heap is the
// client's alone.
const benchNetDir = "ALLIUM_BENCH_TESTNET_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(benchNetDir); dir != "" {
		tn, err := testnet.Start(context.Background(), testnettest.Options(dir, 0, 0))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		tn.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// benchFileSize is the file of the performance figures: 9.9 MB.
const benchFileSize = 9_900_000

// startNetProcess runs a test network in a child process and returns a client of it
// and the network's file server.
func startNetProcess(b *testing.B) (*client.Client, client.Server) {
	b.Helper()
	dir := b.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), benchNetDir+"="+dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		b.Fatalf("the network process said %q, %v", line, err)
	}
	f, err := network.LoadNetworkFile(filepath.Join(dir, testnet.NetworkFile))
	if err != nil {
		b.Fatal(err)
	}
	c := client.New(client.Options{Seeds: client.NetworkSeeds(f)})
	b.Cleanup(func() { c.Close() })
	srv, err := client.FileServer(f)
	if err != nil {
		b.Fatal(err)
	}
	return c, srv
}

// peakHeap runs f while sampling the heap's live and not yet collected objects every
// millisecond, and returns the most seen, after a collection before f starts.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	read := func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	read()
	return peak
}

// BenchmarkFileUpload uploads a 9.9 MB file to the file server of a 9-node testnet in
// another process, through a 3-node onion path; peak-heap-MB is the client's heap at its
// highest during an upload, the file's own bytes included, and heap/file its ratio to
// the file's size.
func BenchmarkFileUpload(b *testing.B) {
	c, srv := startNetProcess(b)
	data := make([]byte, benchFileSize)
	rand.Read(data)
	if _, _, err := c.Upload(context.Background(), srv, []byte("warm up the paths"), 0); err != nil {
		b.Fatal(err)
	}
	var peak uint64
	b.ResetTimer()
	for range b.N {
		peak = max(peak, peakHeap(func() {
			if _, _, err := c.Upload(context.Background(), srv, data, 0); err != nil {
				b.Fatal(err)
			}
		}))
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peak)/benchFileSize, "heap/file")
}

// BenchmarkFileDownload downloads a 9.9 MB file as BenchmarkFileUpload uploads one; the
// peak heap includes the file downloaded.
func BenchmarkFileDownload(b *testing.B) {
	c, srv := startNetProcess(b)
	data := make([]byte, benchFileSize)
	rand.Read(data)
	id, _, err := c.Upload(context.Background(), srv, data, 0)
	if err != nil {
		b.Fatal(err)
	}
	data = nil
	var peak uint64
	b.ResetTimer()
	for range b.N {
		peak = max(peak, peakHeap(func() {
			got, err := c.Download(context.Background(), srv, id)
			if err != nil || len(got) != benchFileSize {
				b.Fatalf("%d bytes, %v", len(got), err)
			}
		}))
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peak)/benchFileSize, "heap/file")
}
