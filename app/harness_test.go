package app

import (
	"context"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"allium/crypto"
	"allium/engine"
	"allium/engine/enginetest"
	"allium/network/testnet"
	"allium/network/testnet/testnettest"
)

// One private network serves every test of the package: starting nine nodes costs a
// second or two.
var (
	netOnce sync.Once
	netFile string
	netErr  error
	netStop func()
)

func TestMain(m *testing.M) {
	// Every test starts in English, whatever the language of the computer running them,
	// with the catalogues loaded as the app loads them at start; the Persian tests switch.
	useLanguage("en")
	code := m.Run()
	if netStop != nil {
		netStop()
	}
	os.Exit(code)
}

// network returns the network file of the shared test network.
func network(t testing.TB) string {
	t.Helper()
	netOnce.Do(func() {
		dir, err := os.MkdirTemp("", "allium-app-test-")
		if err != nil {
			netErr = err
			return
		}
		tn, err := testnet.Start(context.Background(), testnettest.Options(dir, 0, 0))
		if err != nil {
			os.RemoveAll(dir)
			netErr = err
			return
		}
		netFile = tn.NetworkFile()
		netStop = func() { tn.Close(); os.RemoveAll(dir) }
	})
	if netErr != nil {
		t.Fatal(netErr)
	}
	return netFile
}

// harness runs the views headless. The test's goroutine plays the Fyne goroutine: what
// the views hand to UI.do waits in a queue until the test drains it (waitFor), so
// widgets are only ever touched by one goroutine, as in the real app.
type harness struct {
	t  testing.TB
	fa fyne.App
	ui *UI

	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{t: t, fa: test.NewTempApp(t), wake: make(chan struct{}, 1)}
	h.ui = newUI(h.fa, Options{Version: "test"}, h.do)
	// Tests read the English words, whatever the language of the computer they run on.
	useLanguage("en")
	// No test looks for a Tor that might run on this computer.
	h.ui.torPorts = []int{closedPort(t)}
	t.Cleanup(h.ui.Close)
	return h
}

func (h *harness) do(fn func()) {
	h.mu.Lock()
	h.queue = append(h.queue, fn)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// drain runs what is queued for the Fyne goroutine.
func (h *harness) drain() {
	for {
		h.mu.Lock()
		q := h.queue
		h.queue = nil
		h.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			fn()
		}
	}
}

// waitFor drains the queue until cond holds, for at most 30 seconds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case <-h.wake:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// account makes an account in a fresh profile directory.
func account(t testing.TB, name string) (string, crypto.SessionID) {
	t.Helper()
	return enginetest.User(t, nil, name)
}

// open opens a profile that has an account and waits for its main window.
func (h *harness) open(dir string) *Profile {
	h.t.Helper()
	p := h.ui.OpenProfile(dir, network(h.t))
	h.waitFor("the main window", func() bool { return p.ready })
	return p
}

// bareUser is an account on the test network without a window.
type bareUser struct {
	e    *engine.Engine
	id   crypto.SessionID
	done chan struct{}
}

func newBareUser(t *testing.T, name string) *bareUser {
	t.Helper()
	dir, id := account(t, name)
	e, err := engine.Open(engine.Options{Dir: dir, Network: network(t), PollActive: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	u := &bareUser{e: e, id: id, done: make(chan struct{})}
	go func() {
		defer close(u.done)
		for range e.Events() {
		}
	}()
	t.Cleanup(func() { e.Close(); <-u.done })
	return u
}

func typeInto(obj fyne.Focusable, text string) { test.Type(obj, text) }

func pressEnter(c *messageEntry) { c.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

// closedPort is a port of 127.0.0.1 that nothing listens on.
func closedPort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
