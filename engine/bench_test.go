package engine_test

import (
	"bufio"
	"fmt"

	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/engine/store"
	"allium/network/client/proxytest"
	"allium/network/testnet/testnettest"
)

// BenchmarkSendToReceive measures how long a message takes from Send on one engine to
// the MessageReceived event on another, over a 9-node testnet, with the engines'
// default polling (every second while active). 200 messages are sent, one every 100 ms;
// the median and 99th percentile are reported.
func BenchmarkSendToReceive(b *testing.B) { sendToReceive(b, "") }

// BenchmarkSendToReceiveThroughProxy is BenchmarkSendToReceive with both engines
// connecting through a SOCKS5 proxy on 127.0.0.1.
func BenchmarkSendToReceiveThroughProxy(b *testing.B) {
	sendToReceive(b, proxytest.SOCKS5(b, "", "").URL())
}

func sendToReceive(b *testing.B, proxy string) {
	tn := testnettest.Start(b, 9, 3)
	alice := newUser(b, tn, "Alice")
	if proxy != "" {
		alice.close()
		alice.openWith(engine.Options{Dir: alice.dir, Network: alice.net, PollActive: 200 * time.Millisecond, Proxy: proxy})
	}
	bob := &user{t: b, dir: b.TempDir(), net: tn.NetworkFile()}
	id, err := engine.Create(bob.dir, bob.net, "Bob")
	if err != nil {
		b.Fatal(err)
	}
	bob.id = id.SessionID()
	e, err := engine.Open(engine.Options{Dir: bob.dir, Network: bob.net, Proxy: proxy}) // default polling
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	bob.e = e
	bob.e.SetContactName(alice.id, "Alice")
	// Warm up: paths built on both sides.
	m, _ := alice.e.Send(bob.id, "warm-up")
	alice.waitState(m.Timestamp, engine.Sent)

	const n = 200
	var mu sync.Mutex // guards sentAt: the sending loop writes it, the event reader reads it
	sentAt := make(map[string]time.Time, n)
	var lat []time.Duration
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range e.Events() {
			if r, ok := ev.(engine.MessageReceived); ok {
				mu.Lock()
				t0, ok := sentAt[r.Message.Body]
				mu.Unlock()
				if ok {
					lat = append(lat, time.Since(t0))
					if len(lat) == n {
						return
					}
				}
			}
		}
	}()
	b.ResetTimer()
	bodies := make([]string, n)
	for i := range bodies {
		bodies[i] = fmt.Sprintf("latency %d", i)
	}
	for i := 0; i < n; i++ {
		mu.Lock()
		sentAt[bodies[i]] = time.Now()
		mu.Unlock()
		if _, err := alice.e.Send(bob.id, bodies[i]); err != nil {
			b.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		b.Fatalf("received %d of %d", len(lat), n)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
}

// BenchmarkSendRate measures how many messages per second one engine delivers to its
// recipient's swarm (plus its own sync copies) through onion paths.
func BenchmarkSendRate(b *testing.B) {
	tn := testnettest.Start(b, 9, 3)
	alice := newUser(b, tn, "Alice")
	bob := newUser(b, tn, "Bob")
	m, _ := alice.e.Send(bob.id, "warm-up")
	alice.waitState(m.Timestamp, engine.Sent)
	const n = 300
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := alice.e.Send(bob.id, fmt.Sprintf("rate %d", i)); err != nil {
			b.Fatal(err)
		}
	}
	for sent := 0; sent < n; sent++ {
		alice.waitEvent("sent", func(ev engine.Event) bool {
			s, ok := ev.(engine.MessageStatusChanged)
			return ok && s.State == engine.Sent
		})
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkIdleEngine measures an idle engine (the user away: polling every 5 s) holding
// 10,000 messages: CPU over 30 s and heap in use. The network runs in another process
// (allium-node testnet), so that only the engine is measured.
func BenchmarkIdleEngine(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "allium-node")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/allium-node").CombinedOutput(); err != nil {
		b.Fatalf("build: %v %s", err, out)
	}
	cmd := exec.Command(bin, "testnet", "--dir", filepath.Join(dir, "net"))
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGINT); cmd.Wait() }()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.HasPrefix(line, "ready ") {
		b.Fatalf("testnet said %q", line)
	}

	profile := filepath.Join(dir, "profile")
	id, err := engine.Create(profile, "", "Idle")
	if err != nil {
		b.Fatal(err)
	}
	fill(b, profile, id.SessionID(), 10000)
	e, err := engine.Open(engine.Options{Dir: profile, Network: filepath.Join(dir, "net", "network.json")})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	go func() {
		for range e.Events() {
		}
	}()
	e.SetActive(false)
	time.Sleep(5 * time.Second) // paths built, first polls done
	runtime.GC()
	b.ResetTimer()
	c0 := cpuTime()
	time.Sleep(30 * time.Second)
	cpu := cpuTime() - c0
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(100*cpu.Seconds()/30, "%cpu")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
}

// fill writes n messages in one conversation directly into a profile's store.
func fill(b *testing.B, profile string, self crypto.SessionID, n int) {
	st, err := store.Open(profile)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	peer := crypto.SessionID{0x05, 1, 2, 3}
	base := time.Now().Add(-time.Hour).UnixMilli()
	msgs := make([]store.Message, n)
	for i := range msgs {
		msgs[i] = store.Message{Conversation: peer, Author: peer, Timestamp: base + int64(i), Direction: store.Incoming,
			Body: fmt.Sprintf("stored message number %d, long enough to look like a real one", i), State: store.Read}
		if i%2 == 0 {
			msgs[i].Author, msgs[i].Direction, msgs[i].State = self, store.Outgoing, store.Sent
		}
	}
	if _, err := st.AddMessages(msgs); err != nil {
		b.Fatal(err)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
