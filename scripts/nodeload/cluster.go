package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"allium/network/node"
)

// cluster is a network of allium-node processes on 127.0.0.1, one per port, made with
// `allium-node registry` and run with `allium-node run`. Clients come from other
// loopback addresses (127.0.1.1 and on), so that no client is taken for a node.
type cluster struct {
	bin  string
	env  []string
	dir  string
	reg  *node.Registry
	cfgs []string
	// rssCap is the resident memory, in bytes, past which the watchdog kills a node, so
	// that an unbounded node cannot take the machine down with it.
	rssCap int64

	mu     sync.Mutex // guards procs, capped and last
	procs  []*exec.Cmd
	capped []bool
	// last is each node's memory as the watchdog last read it, kept for a node it killed.
	last []mem

	stop chan struct{}
	done chan struct{}
}

func startCluster(o options, nodes, swarmSize int) (*cluster, error) {
	dir, err := os.MkdirTemp("", "nodeload-")
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: o.node, env: o.env, dir: dir, rssCap: o.rssCap, stop: make(chan struct{}), done: make(chan struct{}),
		procs: make([]*exec.Cmd, nodes), capped: make([]bool, nodes), last: make([]mem, nodes)}
	addrs := make([]string, nodes)
	for i := range addrs {
		if addrs[i], err = freePort(); err != nil {
			c.remove()
			return nil, err
		}
	}
	regFile := filepath.Join(dir, "registry.json")
	args := append([]string{"registry", "--out", regFile, "--keys", filepath.Join(dir, "keys"),
		"--swarm-size", strconv.Itoa(swarmSize)}, addrs...)
	if out, err := exec.Command(c.bin, args...).CombinedOutput(); err != nil {
		c.remove()
		return nil, fmt.Errorf("allium-node registry: %v: %s", err, out)
	}
	if c.reg, err = node.LoadRegistry(regFile); err != nil {
		c.remove()
		return nil, err
	}
	for i, a := range addrs {
		// The registry's addresses come back in the order given; the key directory of
		// each is its node's data directory.
		cfg := fmt.Sprintf("data_dir = %q\nregistry = %q\nlisten = %q\nlog_level = \"warn\"\n",
			filepath.Join(dir, "keys", strings.ReplaceAll(a, ":", "_")), regFile, a)
		path := filepath.Join(dir, fmt.Sprintf("node-%d.toml", i))
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			c.remove()
			return nil, err
		}
		c.cfgs = append(c.cfgs, path)
	}
	go c.watch()
	for i := range nodes {
		if err := c.startNode(i); err != nil {
			c.close()
			return nil, err
		}
	}
	return c, nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (c *cluster) addr(i int) string { return c.reg.Peers[i].Addr.String() }

// startNode starts node i and waits until it answers.
func (c *cluster) startNode(i int) error {
	log, err := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("node-%d.log", i)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(c.bin, "run", "--config", c.cfgs[i])
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	c.mu.Lock()
	c.procs[i] = cmd
	c.mu.Unlock()
	hc := newClient("127.0.1.1", 2*time.Second)
	defer hc.CloseIdleConnections()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st, _, err := rpc(hc, c.addr(i), "info", []byte(`{}`)); err == nil && st == 200 {
			return nil
		}
	}
	return fmt.Errorf("node %d did not answer within 15 s (see %s)", i, log.Name())
}

// stopNode stops node i gracefully.
func (c *cluster) stopNode(i int) {
	c.mu.Lock()
	cmd := c.procs[i]
	c.procs[i] = nil
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	t := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
	cmd.Wait()
	t.Stop()
}

func (c *cluster) pid(i int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.procs[i] == nil {
		return 0
	}
	return c.procs[i].Process.Pid
}

// wasCapped reports whether the watchdog killed node i.
func (c *cluster) wasCapped(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.capped[i]
}

// watch kills any node whose resident memory passes rssCap.
func (c *cluster) watch() {
	defer close(c.done)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		for i := range c.procs {
			pid := c.pid(i)
			if pid == 0 {
				continue
			}
			m, err := readMem(pid)
			if err != nil || m.rss == 0 {
				continue
			}
			c.mu.Lock()
			c.last[i] = m
			c.mu.Unlock()
			if m.rss > c.rssCap {
				c.mu.Lock()
				if c.procs[i] != nil {
					c.procs[i].Process.Kill()
					c.capped[i] = true
				}
				c.mu.Unlock()
			}
		}
	}
}

func (c *cluster) close() {
	close(c.stop)
	<-c.done
	for i := range c.procs {
		c.stopNode(i)
	}
	c.remove()
}

func (c *cluster) remove() { os.RemoveAll(c.dir) }

// mem is a process's resident memory now (VmRSS) and its peak (VmHWM), in bytes.
type mem struct{ rss, hwm int64 }

func readMem(pid int) (mem, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return mem{}, err
	}
	var m mem
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.rss = kb << 10
		case "VmHWM:":
			m.hwm = kb << 10
		}
	}
	return m, nil
}

// memOf is node i's memory; for a node the watchdog killed, what it last read.
func (c *cluster) memOf(i int) mem {
	if m, err := readMem(c.pid(i)); err == nil && m.rss > 0 {
		return m
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last[i]
}

// resetPeak starts node i's VmHWM again from its VmRSS now (Linux's clear_refs).
func (c *cluster) resetPeak(i int) {
	os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", c.pid(i)), []byte("5"), 0)
}

// cpu is node i's CPU time so far (user and system).
func (c *cluster) cpu(i int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.pid(i)))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces; the fields after it are fixed.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}
