package engine

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"allium/engine/store"
	"allium/network/client"
)

// ProxyNone, as Options.Proxy, connects directly and forgets the proxy the profile had.
const ProxyNone = "none"

// Proxy scopes, as Options.ProxyScope names them.
const (
	// ProxyScopeAll sends every connection through the proxy.
	ProxyScopeAll = "all"
	// ProxyScopeBootstrap sends only the requests for the node list to the network's
	// entry points (seeds) through the proxy.
	ProxyScopeBootstrap = "bootstrap"
)

// ProxyError is a failure of the proxy or of a connection through it; its Kind says
// which.
type ProxyError = client.ProxyError

// ProxyCheck is what TryProxy found.
type ProxyCheck = client.ProxyCheck

// What went wrong with a proxy (ProxyError.Kind).
const (
	// ProxyUnreachable: nothing answers at the proxy's address, or not as a proxy.
	ProxyUnreachable = client.ProxyUnreachable
	// ProxyAuthFailed: the proxy refused the user name and password, or wants some.
	ProxyAuthFailed = client.ProxyAuthFailed
	// ProxyRefused: the proxy works but could not connect onward.
	ProxyRefused = client.ProxyRefused
)

// ProxySetting is the proxy a profile connects through.
type ProxySetting struct {
	// URL is the proxy (socks5://…, socks5h://… or http://…), or "" for none.
	URL string
	// Addr is the proxy's host:port, to show (it holds no password).
	Addr string
	// BootstrapOnly: only the requests for the node list go through it.
	BootstrapOnly bool
	// Tor: the proxy is a SOCKS port of this computer where Tor listens (TorPorts), so
	// that the paths begin with a Tor circuit.
	Tor bool
}

// TorPorts are the ports of this computer where a Tor listens for SOCKS: the tor
// daemon's and Tor Browser's.
func TorPorts() []int { return []int{client.TorDaemonPort, client.TorBrowserPort} }

// FindTor looks for a Tor on this computer: it greets 127.0.0.1 at each of ports
// (TorPorts if none) as a SOCKS5 client would, and returns the first that answers
// without a password, as a proxy URL for Options.Proxy (with ProxyScopeAll). It sends
// the greeting only, to this computer only, and asks for no connection onward.
func FindTor(ctx context.Context, ports ...int) (string, bool) {
	if len(ports) == 0 {
		ports = TorPorts()
	}
	p, ok := client.FindSOCKS(ctx, ports)
	return p.String(), ok
}

// isTor reports whether p is a SOCKS port of this computer where Tor listens.
func isTor(p client.Proxy) bool {
	if p.URL == nil || p.URL.Scheme == "http" || p.Scope != client.ProxyAll {
		return false
	}
	host, port := p.URL.Hostname(), p.URL.Port()
	if host != "127.0.0.1" && host != "localhost" && host != "::1" {
		return false
	}
	return slices.Contains(TorPorts(), atoi(port))
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// Profile record keys of the proxy, in the store's Account bucket.
const (
	keyProxy      = "proxy"
	keyProxyScope = "proxy_scope"
)

// parseProxy reads a proxy and its scope as Options name them.
func parseProxy(proxy, scope string) (client.Proxy, error) {
	p, err := client.ParseProxy(proxy)
	if err != nil {
		return p, err
	}
	p.Scope, err = client.ParseProxyScope(scope)
	return p, err
}

// CheckProxy reports whether a proxy and its scope, as Options name them, can be used;
// if not, the error is ErrBadProxy.
func CheckProxy(proxy, scope string) error {
	_, err := parseProxy(proxy, scope)
	return err
}

// resolveProxy turns the proxy options into the client's proxy, remembering a choice in
// the profile: an empty option keeps what the profile has.
func resolveProxy(st *store.Store, proxy, scope string) (client.Proxy, error) {
	if proxy == "" {
		proxy = getString(st, keyProxy)
	}
	if scope == "" {
		scope = getString(st, keyProxyScope)
	}
	p, err := parseProxy(proxy, scope)
	if err != nil {
		return p, err
	}
	if err := st.Put(store.Account, keyProxy, []byte(p.String())); err != nil {
		return p, err
	}
	return p, st.Put(store.Account, keyProxyScope, []byte(p.Scope.String()))
}

// Proxy is the proxy the engine connects through.
func (e *Engine) Proxy() ProxySetting {
	return ProxySetting{URL: e.proxy.String(), Addr: e.proxy.Addr(), BootstrapOnly: e.proxy.IsSet() && e.proxy.Scope == client.ProxyBootstrap, Tor: isTor(e.proxy)}
}

// TryProxy tries a proxy on a network (as Options name them) the way the engine would
// use it, without changing anything: it asks the network's seeds for the node list
// through it and, unless only the bootstrap goes through it, a node. The error is
// ErrBadProxy, a *ProxyError when the proxy itself fails, or ErrUnreachable when the
// proxy works but nothing of the network answers through it.
func TryProxy(ctx context.Context, network, proxy, scope string) (ProxyCheck, error) {
	p, err := parseProxy(proxy, scope)
	if err != nil {
		return ProxyCheck{}, err
	}
	if !p.IsSet() {
		return ProxyCheck{}, errors.New("engine: no proxy to try")
	}
	opts, err := networkOptions(network)
	if err != nil {
		return ProxyCheck{}, err
	}
	opts.Proxy = p
	return client.CheckProxy(ctx, opts)
}

// TryProxy tries a proxy on the engine's network, as the package's TryProxy does.
func (e *Engine) TryProxy(ctx context.Context, proxy, scope string) (ProxyCheck, error) {
	return TryProxy(ctx, getString(e.st, keyNetwork), proxy, scope)
}
