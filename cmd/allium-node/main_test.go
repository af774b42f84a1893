package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"allium/network"
)

// buildNode compiles allium-node once for the test.
func buildNode(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "allium-node")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startTestnet runs `allium-node testnet` and returns its seed URL once it prints ready.
func startTestnet(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "testnet", "--nodes", "4", "--swarm-size", "2", "--dir", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	select {
	case l := <-lines:
		seed, ok := strings.CutPrefix(l, "ready ")
		if !ok {
			t.Fatalf("first line %q", l)
		}
		return cmd, seed
	case <-time.After(30 * time.Second):
		t.Fatal("testnet did not become ready")
	}
	return nil, ""
}

func TestTestnetCommand(t *testing.T) {
	bin := buildNode(t)
	dir := filepath.Join(t.TempDir(), "net")
	cmd, seed := startTestnet(t, bin, dir)
	nf, err := network.LoadNetworkFile(filepath.Join(dir, "network.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(nf.Seeds) != 4 || nf.Seeds[0] != seed {
		t.Fatalf("network.json %+v, ready %s", nf, seed)
	}
	// SIGINT shuts down gracefully.
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit after SIGINT")
	}
	// The same directory brings back the same network.
	_, again := startTestnet(t, bin, dir)
	if again != seed {
		t.Fatalf("restart gave %s, first run %s", again, seed)
	}
}

func TestCommandErrors(t *testing.T) {
	bin := buildNode(t)
	for name, args := range map[string][]string{
		"no command":          {},
		"unknown command":     {"fly"},
		"run without config":  {"run"},
		"missing config":      {"run", "--config", "/nonexistent/allium.toml"},
		"testnet without dir": {"testnet"},
		"bad swarm size":      {"testnet", "--dir", t.TempDir(), "--nodes", "2", "--swarm-size", "3"},
	} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "allium-node") {
			t.Errorf("%s: err %v, output %q", name, err, out)
		}
	}
	if out, err := exec.Command(bin, "--version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "allium-node ") {
		t.Errorf("--version: %v %q", err, out)
	}
	dir := t.TempDir()
	out, err := exec.Command(bin, "keygen", "--dir", dir).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "pubkey_ed25519 ") {
		t.Fatalf("keygen: %v %s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(dir, "node.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	reg := filepath.Join(dir, "registry.json")
	out, err = exec.Command(bin, "registry", "--out", reg, "--keys", filepath.Join(dir, "keys"), "--swarm-size", "2",
		"10.0.0.1:22021", "10.0.0.2:22021", "10.0.0.3:22021", "10.0.0.4:22021").CombinedOutput()
	if err != nil {
		t.Fatalf("registry: %v %s", err, out)
	}
	if !strings.Contains(string(out), "4 nodes in 2 swarms") {
		t.Fatalf("registry said %s", out)
	}
}
