package engine

import (
	"context"
	"crypto/ed25519"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"allium/network"
	"allium/network/client"
)

// memSwarm is a small real swarm in memory, shared by the engines of one test: what one
// stores for an account, the other retrieves. It answers at once and never fails unless
// told to, so that tests of the engine's own logic (contacts, receipts, retries, crashes)
// need no testnet.
type memSwarm struct {
	mu     sync.Mutex // guards the fields below
	msgs   map[[33]byte][]client.Message
	offset time.Duration     // network time − this computer's time
	known  bool              // whether a "node" has told the time yet
	down   error             // if set, every request fails with it
	stores int               // stores accepted, for tests that count deliveries
	files  map[string][]byte // the file server: uploads by id
	// other holds the namespaces other than 0 (configs), by account.
	other map[[33]byte]map[network.Namespace][]client.Message
}

// node is the one member of every memSwarm swarm, for per-node cursors.
var memNode = [32]byte{1}

func newMemSwarm() *memSwarm {
	return &memSwarm{msgs: make(map[[33]byte][]client.Message), files: make(map[string][]byte),
		other: make(map[[33]byte]map[network.Namespace][]client.Message)}
}

// connect is an Options.connect that gives each engine a view of the shared swarm.
func (m *memSwarm) connect(o client.Options) swarm {
	return &memView{m: m, clock: o.Clock, onStatus: o.OnStatus}
}

func (m *memSwarm) setDown(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.down = err
}

func (m *memSwarm) storeCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stores
}

// memView is one engine's client of a memSwarm.
type memView struct {
	m        *memSwarm
	clock    func() time.Time
	onStatus func(client.Status, client.Problem)
}

var _ swarm = (*memView)(nil)

func (v *memView) check() error {
	v.m.mu.Lock()
	err := v.m.down
	v.m.known = v.m.known || err == nil
	v.m.mu.Unlock()
	st := client.Online
	if err != nil {
		st = client.Offline
	}
	if v.onStatus != nil {
		v.onStatus(st, client.NoProblem)
	}
	return err
}

func (v *memView) Store(_ context.Context, _ ed25519.PrivateKey, pubkey [33]byte, ns network.Namespace, data []byte, expiry time.Time) (string, error) {
	if err := v.check(); err != nil {
		return "", err
	}
	h := network.MessageHash(pubkey, ns, data)
	now := v.Now()
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	v.m.stores++
	if ns != network.DefaultNamespace {
		v.m.storeOther(pubkey, ns, client.Message{Hash: h, Timestamp: now.UnixMilli(), Expiry: expiry.UnixMilli(), Data: slices.Clone(data)})
		return h, nil
	}
	if !slices.ContainsFunc(v.m.msgs[pubkey], func(x client.Message) bool { return x.Hash == h }) {
		v.m.msgs[pubkey] = append(v.m.msgs[pubkey], client.Message{Hash: h, Timestamp: now.UnixMilli(), Expiry: expiry.UnixMilli(), Data: slices.Clone(data)})
	}
	return h, nil
}

func (v *memView) Retrieve(_ context.Context, _ ed25519.PrivateKey, pubkey [33]byte, ns network.Namespace, cursor func([32]byte) (string, error)) (client.Retrieved, error) {
	if err := v.check(); err != nil {
		return client.Retrieved{}, err
	}
	last, err := cursor(memNode)
	if err != nil {
		return client.Retrieved{}, err
	}
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	all := v.m.msgs[pubkey]
	if ns != network.DefaultNamespace {
		all = v.m.other[pubkey][ns]
	}
	i := slices.IndexFunc(all, func(x client.Message) bool { return x.Hash == last }) + 1
	r := client.Retrieved{Node: memNode, Messages: slices.Clone(all[i:])}
	if n := len(r.Messages); n > 0 {
		r.Last = r.Messages[n-1].Hash
	}
	return r, nil
}

func (v *memView) Now() time.Time {
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	return v.clock().Add(v.m.offset)
}

func (v *memView) ClockKnown() bool {
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	return v.m.known
}

func (v *memView) SyncClock(context.Context, [33]byte) error { return v.check() }

func (v *memView) Upload(ctx context.Context, _ client.Server, data []byte, ttl time.Duration) (string, time.Time, error) {
	if err := v.check(); err != nil {
		return "", time.Time{}, err
	}
	reportProgress(client.ProgressOf(ctx).Up, len(data))
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	id := strconv.Itoa(len(v.m.files) + 1)
	v.m.files[id] = slices.Clone(data)
	return id, time.Now().Add(ttl), nil
}

func (v *memView) Download(ctx context.Context, _ client.Server, id string) ([]byte, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	v.m.mu.Lock()
	b, ok := v.m.files[id]
	v.m.mu.Unlock()
	if !ok {
		return nil, client.ErrFileNotFound
	}
	reportProgress(client.ProgressOf(ctx).Down, len(b))
	return slices.Clone(b), nil
}

// reportProgress tells report of a transfer of n bytes in ten steps, as a link would.
func reportProgress(report func(done, total int64), n int) {
	if report == nil {
		return
	}
	for i := 1; i <= 10; i++ {
		report(int64(n*i/10), int64(n))
	}
}

func (v *memView) Paths() []client.Path               { return nil }
func (v *memView) RebuildPaths(context.Context) error { return v.check() }
func (v *memView) Close() error                       { return nil }

// clientOptions are options for a view of a memSwarm outside an engine.
func clientOptions() client.Options { return client.Options{Clock: time.Now} }

// openMem opens an engine for a new account on sw; opts may set a clock.
func openMem(t testing.TB, sw *memSwarm, name string, opts Options) *Engine {
	t.Helper()
	dir := t.TempDir()
	if _, err := Create(dir, "", name); err != nil {
		t.Fatal(err)
	}
	return reopenMem(t, sw, dir, opts)
}

func reopenMem(t testing.TB, sw *memSwarm, dir string, opts Options) *Engine {
	t.Helper()
	opts.Dir, opts.connect, opts.PollActive = dir, sw.connect, 20*time.Millisecond
	e, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// waitFor reads e's events until match accepts one.
func waitFor(t testing.TB, e *Engine, what string, match func(Event) bool) Event {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-e.Events():
			if !ok {
				t.Fatalf("events closed while waiting for %s", what)
			}
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestMemSwarmChat checks the fake itself: two engines on one memSwarm chat.
func TestMemSwarmChat(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	m, err := alice.Send(bob.SessionID(), "hello")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, bob, "the message", func(ev Event) bool {
		r, ok := ev.(RequestReceived)
		return ok && r.Message.Body == "hello" && r.Message.Timestamp == m.Timestamp
	})
}
