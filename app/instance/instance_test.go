package instance

import (
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A second claim on a profile asks the first to show its window and reports
// ErrRunning; once the first gives it up, a new claim succeeds.
func TestSecondLaunchHandsOver(t *testing.T) {
	dir := t.TempDir()
	first, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	var shown atomic.Int32
	first.Serve(func() { shown.Add(1) })
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("second claim: %v, want ErrRunning", err)
	}
	if shown.Load() != 1 {
		t.Fatalf("the first owner was asked %d times to show its window", shown.Load())
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Claim(dir)
	if err != nil {
		t.Fatalf("claim after close: %v", err)
	}
	again.Close()
}

// A socket left behind by a process that crashed does not keep Allium from starting.
func TestStaleSocket(t *testing.T) {
	dir := t.TempDir()
	path, err := socketPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	o, err := Claim(dir)
	if err != nil {
		t.Fatalf("claim over a stale socket: %v", err)
	}
	o.Close()
}

// A profile whose path is too long for a socket gets one in the cache directory.
func TestLongProfilePath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), strings.Repeat("long-folder-name/", 8))
	o, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	o.Serve(func() {})
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("second claim: %v, want ErrRunning", err)
	}
}

// A connection that never says anything (another program, or a launch that hangs) must
// neither keep the next launch from being answered nor let it take the owner's socket.
func TestSilentConnection(t *testing.T) {
	dir := t.TempDir()
	first, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	var shown atomic.Int32
	first.Serve(func() { shown.Add(1) })
	path, err := socketPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	silent, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("claim beside a silent connection: %v, want ErrRunning", err)
	}
	if shown.Load() != 1 {
		t.Fatalf("the owner was asked %d times to show its window, want 1", shown.Load())
	}
}
