package engine

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"allium/crypto"
	"allium/engine/store"
	"allium/engine/vault"
	"allium/network"
	"allium/network/client"
)

// NetworkSession names the public Session network.
const NetworkSession = "session"

// Options say how to open an engine.
type Options struct {
	// Dir is the profile directory (one account).
	Dir string
	// Network is NetworkSession or the path of a private network file (network.json).
	// Empty means the network the profile last used, or NetworkSession.
	Network string
	// Proxy is what the engine connects through: a proxy URL (socks5://[user:password@]
	// host:port, socks5h://…, http://… for HTTP CONNECT, or a bare host:port for
	// SOCKS5), ProxyNone to connect directly, or "" for what the profile last used.
	// With a proxy, nothing is connected to directly and no name is looked up here.
	Proxy string
	// ProxyScope is ProxyScopeAll or ProxyScopeBootstrap; "" is what the profile last
	// used (ProxyScopeAll at first).
	ProxyScope string
	// Dial opens every TCP connection of the engine (tests); nil is the system's.
	Dial client.DialFunc
	// Logger receives diagnostics; nil discards them. At any level, logs hold no
	// message contents.
	Logger *slog.Logger
	// PollActive and PollIdle are how often the engine fetches new messages while the
	// user is active (default 1 s) and idle (default 5 s).
	PollActive, PollIdle time.Duration
	// Clock replaces time.Now (tests).
	Clock func() time.Time
	// TypingTimeout is how long a peer shows as typing without a fresh start (default
	// 15 s, as in Session).
	TypingTimeout time.Duration
	// PreviewClient fetches the pages of link previews (when Settings.LinkPreviews is
	// on), and so must go through the proxy when one is set. nil is a plain client. The
	// engine adds the preview's limits (time, redirects, no cookies) on a copy.
	PreviewClient *http.Client

	// connect replaces the onion client (tests of the engine's own logic).
	connect func(client.Options) swarm
}

// swarm is what the engine needs of the onion client (network/client): messages stored
// in and fetched from swarms, the network time, and the paths for the path view.
type swarm interface {
	Store(ctx context.Context, sk ed25519.PrivateKey, pubkey [33]byte, ns network.Namespace, data []byte, expiry time.Time) (string, error)
	Retrieve(ctx context.Context, sk ed25519.PrivateKey, pubkey [33]byte, ns network.Namespace, cursor func(node [32]byte) (string, error)) (client.Retrieved, error)
	Now() time.Time
	ClockKnown() bool
	SyncClock(ctx context.Context, pubkey [33]byte) error
	Paths() []client.Path
	RebuildPaths(ctx context.Context) error
	Upload(ctx context.Context, srv client.Server, data []byte, ttl time.Duration) (string, time.Time, error)
	Download(ctx context.Context, srv client.Server, id string) ([]byte, error)
	Batch(ctx context.Context, pubkey [33]byte, sequence bool, build func(now time.Time) ([]network.SubRequest, error)) ([]network.BatchResult, error)
	Close() error
}

var _ swarm = (*client.Client)(nil)

// Engine is a running client for one account.
type Engine struct {
	opts   Options
	st     *store.Store
	key    vault.Key // the profile key, which seals the files of the profile
	id     *crypto.Identity
	log    *slog.Logger
	events *eventQueue
	net    swarm
	proxy  client.Proxy

	active  atomic.Bool
	status  atomic.Uint32
	dropped atomic.Int64 // incoming messages that could not be decrypted or parsed

	sendWake chan struct{}
	pollWake chan struct{}
	// clockTried is closed once the first attempt to learn the network time has ended,
	// whether it worked or not.
	clockTried chan struct{}

	// files is the network's file server, and filesURL its address in attachment
	// pointers; files is nil on a network without one.
	// cfg is the account's config sync state (configsync.go).
	cfg *configSync

	files     *client.Server
	filesURL  string
	downloads chan download

	tsMu   sync.Mutex // guards lastTs
	lastTs int64      // the last message timestamp handed out

	typingMu sync.Mutex // guards typingSent and typingTimers
	// typingSent remembers when we last told each peer we were typing.
	typingSent map[crypto.SessionID]time.Time
	// typingTimers end each peer's typing indicator when no fresh start renews it.
	typingTimers map[crypto.SessionID]*time.Timer

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// Open starts the engine on the account in opts.Dir: it opens the database, then starts
// connecting, polling and sending in the background. It does not wait for the network.
func Open(opts Options) (*Engine, error) {
	if opts.PollActive <= 0 {
		opts.PollActive = time.Second
	}
	if opts.PollIdle <= 0 {
		opts.PollIdle = 5 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.TypingTimeout <= 0 {
		opts.TypingTimeout = typingTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(opts.Dir)
	if err != nil {
		return nil, err
	}
	key, err := vault.ProfileKey(opts.Dir, false)
	if err == nil && getString(st, keyFilesSealed) == "" {
		// Once: a profile's files are sealed as they are written from then on, so later
		// starts need not open every file to check.
		if err = sealOldFiles(opts.Dir, key); err == nil {
			err = st.Put(store.Account, keyFilesSealed, []byte("1"))
		}
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	id, err := loadIdentity(st)
	if err != nil {
		st.Close()
		return nil, err
	}
	copts, err := resolveNetwork(st, opts.Network)
	if err != nil {
		st.Close()
		return nil, err
	}
	copts.Proxy, err = resolveProxy(st, opts.Proxy, opts.ProxyScope)
	if err != nil {
		st.Close()
		return nil, err
	}
	copts.Dial = opts.Dial
	e := &Engine{
		opts: opts, st: st, key: key, id: id, log: log, proxy: copts.Proxy,
		events:       newEventQueue(),
		sendWake:     make(chan struct{}, 1),
		pollWake:     make(chan struct{}, 1),
		typingSent:   make(map[crypto.SessionID]time.Time),
		typingTimers: make(map[crypto.SessionID]*time.Timer),
	}
	e.cfg = e.loadConfigs()
	e.events.observe = e.noteEvent
	copts.Logger, copts.Clock = log, opts.Clock
	copts.Nodes = e.loadNodeCache()
	copts.OnStatus = func(s client.Status, p client.Problem) { e.setStatus(statusOf(s), problemOf(p)) }
	copts.OnPaths = func(p []client.Path) { e.events.push(PathChanged{Paths: pathsOf(p)}) }
	copts.OnNodes = e.saveNodeCache
	connect := opts.connect
	if connect == nil {
		connect = func(o client.Options) swarm { return client.New(o) }
	}
	e.net = connect(copts)
	e.active.Store(true)
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.files, e.filesURL = fileServerOf(opts.Network, getString(st, keyNetwork))
	e.downloads = make(chan download, 4096)
	e.clockTried = make(chan struct{})
	e.wg.Add(6)
	go func() { defer e.wg.Done(); e.configPushLoop() }()
	go func() { defer e.wg.Done(); e.resumeDownloads(); e.downloadLoop() }()
	go func() { defer e.wg.Done(); e.syncClock() }()
	go func() { defer e.wg.Done(); e.pollLoop() }()
	go func() { defer e.wg.Done(); e.sendLoop() }()
	go func() { defer e.wg.Done(); e.expireLoop() }()
	return e, nil
}

// resolveNetwork turns the network option into the client's seeds, remembering a choice
// in the profile. Diverse paths (one node per subnet) are enforced only on the public
// network.
func resolveNetwork(st *store.Store, name string) (client.Options, error) {
	if name == "" {
		name = getString(st, keyNetwork)
	}
	if name == "" {
		name = NetworkSession
	}
	opts, err := networkOptions(name)
	if err != nil {
		return opts, err
	}
	if err := st.Put(store.Account, keyNetwork, []byte(name)); err != nil {
		return opts, err
	}
	return opts, nil
}

// sessionFileServer is the public network's file server (Session Desktop 1.17.17's,
// FileServerTarget.ts; plain HTTP, as the onion layers carry the confidentiality).
var sessionFileServer = client.Server{Host: "filev2.getsession.org", Protocol: "http",
	X25519: [32]byte(mustHex("09324794aa9c11948189762d198c618148e9136ac9582068180661208927ef34"))}

// sessionFileServerOld is the same server under the key it had before October 2025
// (Session Desktop before then, Android's FileServerApi.kt and libsession's default
// config): a download whose answer cannot be decrypted under the current key is tried
// once more under it.
var sessionFileServerOld = client.Server{Host: "filev2.getsession.org", Protocol: "http",
	X25519: [32]byte(mustHex("da21e1d886c6fbaea313f75298bd64aab03a97ce985b46bb2dad9f2089c8ee59"))}

// fileServerOf is the file server of the network the engine opened (the option, or the
// one the profile remembers), and the base of its files' URLs; nil if it has none.
func fileServerOf(option, remembered string) (*client.Server, string) {
	name := option
	if name == "" {
		name = remembered
	}
	if name == "" || name == NetworkSession {
		s := sessionFileServer
		return &s, "http://filev2.getsession.org"
	}
	f, err := network.LoadNetworkFile(name)
	if err != nil || f.FileServer == nil {
		return nil, ""
	}
	s, err := client.FileServer(f)
	if err != nil {
		return nil, ""
	}
	return &s, f.FileServer.URL
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// CheckNetwork reports whether a network name can be used: NetworkSession (or empty) or
// the path of a readable private network file. Otherwise it is ErrUnknownNetwork.
func CheckNetwork(name string) error {
	_, err := networkOptions(name)
	return err
}

// networkOptions are the client options for a network name: NetworkSession (or empty) or
// the path of a private network file.
func networkOptions(name string) (client.Options, error) {
	opts := client.Options{Seeds: client.SessionSeeds, Diverse: true}
	if name == "" || name == NetworkSession {
		return opts, nil
	}
	f, err := network.LoadNetworkFile(name)
	if err != nil {
		return opts, fmt.Errorf("%w: %v", ErrUnknownNetwork, err)
	}
	opts.Seeds, opts.Diverse = client.NetworkSeeds(f), false
	return opts, nil
}

// Close stops the engine: background work first (in-flight requests are cancelled;
// messages not yet sent stay in the outbox for next time), then events, then the
// database. It is safe to call more than once.
func (e *Engine) Close() error {
	var err error
	e.once.Do(func() {
		// Conversations changed in the last second are written into the configs (on disk)
		// now, so that the next run pushes them.
		e.syncContacts()
		e.cancel()
		e.wg.Wait()
		e.stopTypingTimers()
		e.net.Close()
		e.events.close()
		err = e.st.Close()
	})
	return err
}

// Events returns the channel of events. It is closed by Close.
func (e *Engine) Events() <-chan Event { return e.events.out }

// SessionID returns the account's Session ID.
func (e *Engine) SessionID() crypto.SessionID { return e.id.SessionID() }

// Phrase returns the account's 13-word recovery phrase.
func (e *Engine) Phrase() string {
	p, _ := e.id.Phrase()
	return p
}

// DisplayName returns the name others see.
func (e *Engine) DisplayName() string { return getString(e.st, keyName) }

// SetDisplayName changes the name others see (sent with every message).
func (e *Engine) SetDisplayName(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := e.st.Put(store.Account, keyNameUpdated, []byte(strconv.FormatInt(e.now().Unix(), 10))); err != nil {
		return err
	}
	if err := e.st.Put(store.Account, keyName, []byte(name)); err != nil {
		return err
	}
	e.syncProfile()
	return nil
}

// SetActive tells the engine whether the user is active: it fetches new messages every
// second while active and every five seconds while idle.
func (e *Engine) SetActive(active bool) {
	if !e.active.Swap(active) && active {
		e.PollNow()
	}
}

// PollNow asks for new messages at once.
func (e *Engine) PollNow() { wake(e.pollWake) }

// Status returns the connection status.
func (e *Engine) Status() Status {
	s, _ := unpackState(e.status.Load())
	return s
}

// Dropped returns how many incoming messages could not be decrypted or parsed.
func (e *Engine) Dropped() int64 { return e.dropped.Load() }

// Paths returns the onion paths in use, guard first.
func (e *Engine) Paths() []Path { return pathsOf(e.net.Paths()) }

// RebuildPaths drops the current paths and builds new ones.
func (e *Engine) RebuildPaths(ctx context.Context) error { return e.net.RebuildPaths(ctx) }

// now is network time: the local clock corrected by the offset the nodes report, so
// signatures and timestamps agree with the nodes even when this computer's clock is a
// little off.
func (e *Engine) now() time.Time { return e.net.Now() }

func (e *Engine) setStatus(s Status, p Problem) {
	if e.status.Swap(packState(s, p)) != packState(s, p) {
		e.events.push(ConnectionChanged{Status: s, Problem: p})
	}
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// nodeCacheKey stores the node list between runs, so a restart needs no seed.
const nodeCacheKey = "nodes"

func (e *Engine) loadNodeCache() []client.Node {
	b, ok, err := e.st.Get(store.NodeCache, nodeCacheKey+"@"+getString(e.st, keyNetwork))
	if err != nil || !ok {
		return nil
	}
	return client.DecodeNodes(b)
}

func (e *Engine) saveNodeCache(nodes []client.Node) {
	e.st.Put(store.NodeCache, nodeCacheKey+"@"+getString(e.st, keyNetwork), client.EncodeNodes(nodes))
}
