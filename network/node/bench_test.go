package node_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
)

// cpuTime is the user+system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hopCrypto measures what one hop's cryptography costs a node: deriving the layer key
// (one X25519) and opening a layer of the size used below.
func hopCrypto(b *testing.B, enc crypto.EncType, layer int) time.Duration {
	node, _ := crypto.GenerateX25519(rand.Reader)
	eph, _ := crypto.GenerateX25519(rand.Reader)
	ck, _ := crypto.ClientHopKey(enc, &eph, &node.Public)
	ct, _ := ck.Seal(rand.Reader, nil, make([]byte, layer))
	const rounds = 1000
	start := cpuTime()
	for i := 0; i < rounds; i++ {
		k, _ := crypto.NodeHopKey(enc, &node, &eph.Public)
		if _, err := k.Open(nil, ct); err != nil {
			b.Fatal(err)
		}
	}
	return (cpuTime() - start) / rounds
}

// BenchmarkOnionRelay measures how many onion hops the nodes of one machine relay per
// second over kept-alive connections: a 4-node network answers 3-hop info requests
// (guard, two relays, destination: four layers peeled per request), sent 32 at a time.
// Requests are built in advance, so the client's own cryptography is not counted; the
// CPU the whole process spends per hop is compared with the hop's cryptography alone.
func BenchmarkOnionRelay(b *testing.B) {
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		b.Run(enc.String(), func(b *testing.B) {
			n := startNet(b, 4, 4, nil)
			tr := n.client.Transport.(*http.Transport)
			tr.MaxIdleConnsPerHost = 64
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
			var next atomic.Int64
			b.SetParallelism(16) // 32 requests in flight on 2 cores
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := bodies[next.Add(1)%prebuilt]
					resp, err := n.client.Post(url, "application/octet-stream", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					var sink bytes.Buffer
					sink.ReadFrom(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d %s", resp.StatusCode, sink.Bytes())
						return
					}
				}
			})
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			b.StopTimer()
			hops := float64(4 * b.N)
			perHop := time.Duration(float64(cpu) / hops)
			crypt := hopCrypto(b, enc, len(bodies[0]))
			b.ReportMetric(hops/elapsed.Seconds(), "hops/s")
			b.ReportMetric(float64(perHop.Microseconds()), "cpu-µs/hop")
			b.ReportMetric(float64(crypt.Microseconds()), "crypto-µs/hop")
			b.ReportMetric(float64(perHop)/float64(crypt), "cost/crypto")
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
