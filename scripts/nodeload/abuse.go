package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"allium/network"
)

// killed words what the watchdog did to node i, if anything.
func (c *cluster) killed(i int) string {
	if c.wasCapped(i) {
		return fmt.Sprintf(" (node killed past the %.0f MB cap: the peak is at least that)", mb(c.rssCap))
	}
	return ""
}

// amplification: one 3 KB batch of twenty largest retrieves, five times one after the
// other, straight to the node that holds 8.4 MB of messages, then through an onion path.
func amplification(o options) error {
	cl, err := startCluster(o, 3, 1)
	if err != nil {
		return err
	}
	defer cl.close()
	pk, err := newPubkey()
	if err != nil {
		return err
	}
	dest, others := -1, []int{}
	for i, p := range cl.reg.Peers {
		if p.SwarmID == cl.reg.SwarmFor(pk) && dest < 0 {
			dest = i
		} else {
			others = append(others, i)
		}
	}
	if err := fill(cl.addr(dest), pk, 110); err != nil {
		return err
	}
	time.Sleep(time.Second)
	const rounds = 5
	params := batchOfRetrieves(pk)
	c := newClient("127.0.2.1", 60*time.Second)
	defer c.CloseIdleConnections()

	idle := cl.memOf(dest).rss
	cl.resetPeak(dest)
	cpu0, t0 := cl.cpu(dest), time.Now()
	reply, status := 0, 0
	for range rounds {
		st, b, err := rpc(c, cl.addr(dest), "batch", params)
		if err != nil {
			status = -1
			break
		}
		status, reply = st, max(reply, len(b))
	}
	elapsed, cpu := time.Since(t0), cl.cpu(dest)-cpu0
	peak := cl.memOf(dest).hwm
	figure("1", "amplification, direct: reply", "%.1f MB (HTTP %d), %d bytes asked", mb(int64(reply)), status, len(params))
	figure("1", "amplification, direct: node RSS", "idle %.1f MB, peak %.1f MB: +%.1f MB (target < +100 MB)%s",
		mb(idle), mb(peak), mb(peak-idle), cl.killed(dest))
	figure("1", "amplification, direct: per request", "%.0f ms, node CPU %.0f ms", ms(elapsed)/rounds, ms(cpu)/rounds)
	if cl.wasCapped(dest) {
		return nil
	}

	path := []int{others[0], others[1]}
	before := make([]int64, 3)
	for i := range 3 {
		before[i] = cl.memOf(i).rss
		cl.resetPeak(i)
	}
	reply, status = 0, 0
	t0 = time.Now()
	for range rounds {
		hs, st, b, err := cl.onion(c, path, dest, "batch", params)
		if err != nil || hs != http.StatusOK {
			status = hs
			break
		}
		status, reply = st, max(reply, len(b))
	}
	elapsed = time.Since(t0)
	role := map[int]string{path[0]: "guard", path[1]: "relay", dest: "destination"}
	worst, sum, killed := 0, int64(0), ""
	for i := range 3 {
		sum += cl.memOf(i).hwm
		if cl.memOf(i).hwm-before[i] > cl.memOf(worst).hwm-before[worst] {
			worst = i
		}
		if cl.wasCapped(i) {
			killed += fmt.Sprintf("; the %s was killed at the %.0f MB cap", role[i], mb(cl.rssCap))
		}
	}
	figure("1", "amplification, onion: reply", "%.1f MB (status %d), %.0f ms per request", mb(int64(reply)), status, ms(elapsed)/rounds)
	figure("1", "amplification, onion: RSS of the worst node", "%s: %.1f MB → peak %.1f MB: +%.1f MB (target < +100 MB); all 3 nodes' peaks %.1f MB%s",
		role[worst], mb(before[worst]), mb(cl.memOf(worst).hwm), mb(cl.memOf(worst).hwm-before[worst]), mb(sum), killed)
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// slowBodies: 150 connections from one address, opened over 3 s, send headers and part
// of a body and then nothing, and open again when the node answers or closes them;
// meanwhile ten other clients ask for info twenty times a second each.
func slowBodies(o options) error {
	cl, err := startCluster(o, 1, 1)
	if err != nil {
		return err
	}
	defer cl.close()
	addr := cl.addr(0)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var open, answered atomic.Int32
	for k := range 150 {
		wg.Go(func() {
			// Paced at 50 a second, the address's rate limit, so that none is refused.
			time.Sleep(time.Duration(k) * 20 * time.Millisecond)
			for ctx.Err() == nil {
				c, err := dialTLS("127.0.0.2", addr)
				if err != nil {
					time.Sleep(100 * time.Millisecond)
					continue
				}
				fmt.Fprintf(c, "POST /storage_rpc/v1 HTTP/1.1\r\nHost: node\r\nContent-Length: 100\r\n\r\n{\"method\":")
				open.Add(1)
				stop := context.AfterFunc(ctx, func() { c.Close() })
				// Until the node answers (a 429 or a 503 leaves the connection open),
				// closes it, or the run ends; then again.
				if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
					answered.Add(1)
					resp.Body.Close()
				}
				stop()
				open.Add(-1)
				c.Close()
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	time.Sleep(4 * time.Second)
	held := open.Load()
	ok, total, statuses := othersAsk(cl, 10, 20, 15*time.Second)
	cancel()
	wg.Wait()
	figure("2", "slow bodies: other clients' success", "%.2f %% of %d requests over 15 s (target ≥ 99 %%); refused: %v", pct(ok, total), total, statuses)
	figure("2", "slow bodies: attacker's connections held", "%d of 150 after 4 s; %d of its requests answered (429, 503)", held, answered.Load())
	return nil
}

// othersAsk has clients on their own addresses ask for info rate times a second each
// for d, and counts the answers.
func othersAsk(cl *cluster, clients, rate int, d time.Duration) (ok, total int64, refused map[string]int) {
	var mu sync.Mutex
	refused = map[string]int{}
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for k := range clients {
		c := newClient(fmt.Sprintf("127.0.3.%d", k+1), 10*time.Second)
		wg.Go(func() {
			defer c.CloseIdleConnections()
			tick := time.NewTicker(time.Second / time.Duration(rate))
			defer tick.Stop()
			for time.Now().Before(end) {
				<-tick.C
				st, _, err := rpc(c, cl.addr(0), "info", []byte(`{}`))
				mu.Lock()
				total++
				switch {
				case err != nil:
					refused["error"]++
				case st == http.StatusOK:
					ok++
				default:
					refused[fmt.Sprint(st)]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ok, total, refused
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// neverRead: 100 clients, each on its own address, send the amplification request and
// never read the reply.
func neverRead(o options) error {
	cl, err := startCluster(o, 1, 1)
	if err != nil {
		return err
	}
	defer cl.close()
	addr := cl.addr(0)
	pk, err := newPubkey()
	if err != nil {
		return err
	}
	if err := fill(addr, pk, 110); err != nil {
		return err
	}
	time.Sleep(time.Second)
	body, _ := network.NewRPCRequestBody("batch", batchOfRetrieves(pk))
	idle := cl.memOf(0).rss
	cl.resetPeak(0)
	cpu0 := cl.cpu(0)
	var conns []io.Closer
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 100 {
		if cl.wasCapped(0) {
			break
		}
		c, err := dialTLS(fmt.Sprintf("127.0.4.%d", i+1), addr)
		if err != nil {
			break // the node is down, or refuses connections
		}
		conns = append(conns, c)
		rawRequest(c, "/storage_rpc/v1", body)
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(10 * time.Second) // replies fill the sockets' buffers and wait
	m := cl.memOf(0)
	m.hwm = max(m.hwm, m.rss)
	cpu := cl.cpu(0) - cpu0
	probe := newClient("127.0.3.200", 10*time.Second)
	defer probe.CloseIdleConnections()
	infoSt, _, _ := rpc(probe, addr, "info", []byte(`{}`))
	retrSt, _, _ := rpc(probe, addr, "retrieve", retrieveParams(pk, ""))
	figure("3", "never read: node RSS", "idle %.1f MB, peak %.1f MB, now %.1f MB with %d clients (target < 300 MB)%s",
		mb(idle), mb(m.hwm), mb(m.rss), len(conns), cl.killed(0))
	figure("3", "never read: meanwhile", "another client's info: HTTP %d, its retrieve: HTTP %d; node CPU %.1f s", infoSt, retrSt, cpu.Seconds())
	return nil
}

// catchUp: the third member of a swarm is down while 60 messages of the largest size
// are stored; then it starts again, and its messages are counted every quarter second.
func catchUp(o options) error {
	cl, err := startCluster(o, 3, 3)
	if err != nil {
		return err
	}
	defer cl.close()
	pk, err := newPubkey()
	if err != nil {
		return err
	}
	cl.stopNode(2)
	for k := range 60 {
		if err := fill(cl.addr(k%2), pk, 1); err != nil {
			return err
		}
	}
	if err := cl.startNode(2); err != nil {
		return err
	}
	t0 := time.Now()
	c := newClient("127.0.2.2", 30*time.Second)
	defer c.CloseIdleConnections()
	held, at30 := 0, -1
	for time.Since(t0) < 45*time.Second {
		held = countMessages(c, cl.addr(2), pk)
		if at30 < 0 && time.Since(t0) > 30*time.Second {
			at30 = held
		}
		if held >= 60 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if held >= 60 {
		figure("4", "catch-up of 60 × 76.8 KB", "all 60 after %.1f s (target: all within 30 s)", time.Since(t0).Seconds())
	} else {
		figure("4", "catch-up of 60 × 76.8 KB", "%d of 60 after 30 s, %d after 45 s (target: all within 30 s)", max(at30, 0), held)
	}
	return nil
}

// countMessages pages through the node's messages for pk.
func countMessages(c *http.Client, addr string, pk [33]byte) int {
	n, last := 0, ""
	for range 20 {
		st, b, err := rpc(c, addr, "retrieve", retrieveParams(pk, last))
		if err != nil || st != http.StatusOK {
			return n
		}
		var r struct {
			Messages []struct {
				Hash string `json:"hash"`
			} `json:"messages"`
			More bool `json:"more"`
		}
		if json.Unmarshal(b, &r) != nil || len(r.Messages) == 0 {
			return n
		}
		n += len(r.Messages)
		last = r.Messages[len(r.Messages)-1].Hash
		if !r.More {
			return n
		}
	}
	return n
}

// relaying: ten clients on their own addresses send 3-hop onion requests through one
// guard, ten a second each, on a timer (not waiting for replies), for ten seconds.
func relaying(o options) error {
	cl, err := startCluster(o, 3, 1)
	if err != nil {
		return err
	}
	defer cl.close()
	const clients, rate, secs = 10, 10, 10
	var mu sync.Mutex
	refused := map[string]int{}
	var lat []time.Duration
	var wg sync.WaitGroup
	for k := range clients {
		c := newClient(fmt.Sprintf("127.0.5.%d", k+1), 40*time.Second)
		defer c.CloseIdleConnections()
		wg.Go(func() {
			tick := time.NewTicker(time.Second / rate)
			defer tick.Stop()
			for range rate * secs {
				<-tick.C
				wg.Go(func() {
					t0 := time.Now()
					hs, st, _, err := cl.onion(c, []int{0, 1}, 2, "info", []byte(`{}`))
					d := time.Since(t0)
					mu.Lock()
					defer mu.Unlock()
					lat = append(lat, d)
					switch {
					case err != nil:
						refused["error"]++
					case hs != http.StatusOK:
						refused[fmt.Sprint(hs)]++
					case st != http.StatusOK:
						refused[fmt.Sprintf("inner %d", st)]++
					}
				})
			}
		})
	}
	wg.Wait()
	bad := 0
	for _, v := range refused {
		bad += v
	}
	slices.Sort(lat)
	figure("5", "onion through one guard, 100 req/s", "%.2f %% of %d refused (target < 1 %%): %v; latency median %.0f ms, p99 %.0f ms",
		pct(int64(bad), int64(len(lat))), len(lat), refused, ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]))
	return nil
}

// idleConns: a thousand connections from fifty addresses each ask for info once and
// then stay open, kept alive and silent; how long the node keeps them is measured for
// up to 45 s, while another client keeps asking.
func idleConns(o options) error {
	cl, err := startCluster(o, 1, 1)
	if err != nil {
		return err
	}
	defer cl.close()
	addr := cl.addr(0)
	const total, window = 1000, 45 * time.Second
	idle := cl.memOf(0).rss
	cl.resetPeak(0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var held []time.Duration
	opened := 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	t0 := time.Now()
	for i := range total {
		sem <- struct{}{}
		wg.Go(func() {
			c, err := dialTLS(fmt.Sprintf("127.0.6.%d", i%50+1), addr)
			if err != nil {
				<-sem
				return
			}
			defer c.Close()
			rawRequest(c, "/storage_rpc/v1", []byte(`{"method":"info","params":{}}`))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			<-sem
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			start := time.Now()
			mu.Lock()
			opened++
			mu.Unlock()
			stop := context.AfterFunc(ctx, func() { c.Close() })
			defer stop()
			io.Copy(io.Discard, br) // until the node closes it, or the window ends
			if ctx.Err() == nil {
				mu.Lock()
				held = append(held, time.Since(start))
				mu.Unlock()
			}
		})
	}
	openedIn := time.Since(t0)
	ok, asked, refused := othersAsk(cl, 1, 10, window-openedIn)
	m := cl.memOf(0)
	cancel()
	wg.Wait()
	sort.Slice(held, func(a, b int) bool { return held[a] < held[b] })
	closed := "none closed by the node"
	if len(held) > 0 {
		closed = fmt.Sprintf("%d closed by the node after %.1f s (median), %.1f s (last)", len(held),
			held[len(held)/2].Seconds(), held[len(held)-1].Seconds())
	}
	figure("6", "1,000 idle connections: how long held", "%d opened in %.1f s; within %.0f s %s, %d still open",
		opened, openedIn.Seconds(), window.Seconds(), closed, opened-len(held))
	figure("6", "1,000 idle connections: node RSS", "idle %.1f MB, peak %.1f MB%s; another client's success %.1f %% of %d %v",
		mb(idle), mb(m.hwm), cl.killed(0), pct(ok, asked), asked, refused)
	return nil
}
