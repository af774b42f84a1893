package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ProxyScope says which of the client's connections go through its proxy.
type ProxyScope uint8

const (
	// ProxyAll sends every connection through the proxy: seeds, guard tests and onion
	// requests (which carry everything else, the file server's requests included).
	ProxyAll ProxyScope = iota
	// ProxyBootstrap sends only the seed requests through the proxy, as the "bootstrap
	// only" mode proposed for Session Desktop does: it hides which seeds are asked, and
	// gets past a block of the seeds' names, but guards are reached directly.
	ProxyBootstrap
)

// String names the scope as ParseProxyScope reads it.
func (s ProxyScope) String() string {
	if s == ProxyBootstrap {
		return "bootstrap"
	}
	return "all"
}

// ParseProxyScope reads "all" (or "") and "bootstrap".
func ParseProxyScope(s string) (ProxyScope, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "all":
		return ProxyAll, nil
	case "bootstrap":
		return ProxyBootstrap, nil
	}
	return ProxyAll, fmt.Errorf("%w: unknown scope %q", ErrBadProxy, s)
}

// Proxy is a proxy the client connects through: SOCKS5 (socks5:// or socks5h://, with
// an optional user name and password) or HTTP CONNECT (http://). Either way the names
// of the destinations go to the proxy, which resolves them (socks5h semantics for both
// SOCKS schemes): while a proxy is set, the client looks up no name but the proxy's own.
// The zero Proxy is no proxy.
type Proxy struct {
	URL   *url.URL
	Scope ProxyScope
}

// IsSet reports whether p names a proxy.
func (p Proxy) IsSet() bool { return p.URL != nil }

// Addr is the proxy's host:port, for people (it holds no password).
func (p Proxy) Addr() string {
	if p.URL == nil {
		return ""
	}
	return p.URL.Host
}

// String is the proxy's URL, password included, as ParseProxy reads it back; "" for no
// proxy.
func (p Proxy) String() string {
	if p.URL == nil {
		return ""
	}
	return p.URL.String()
}

// covers reports whether a connection of the seed request (seed true) or of any other
// kind goes through p.
func (p Proxy) covers(seed bool) bool { return p.URL != nil && (seed || p.Scope == ProxyAll) }

// maxProxyCredential is SOCKS5's limit on a user name and on a password (RFC 1929: one
// length byte each, and zero is not allowed).
const maxProxyCredential = 255

// ParseProxy reads a proxy as people write it: socks5://[user:password@]host:port,
// socks5h://…, http://[user:password@]host:port, or a bare host:port, which is SOCKS5
// (what Tor listens with, at 127.0.0.1:9050 or 9150). "" and "none" are no proxy. The
// scope is ProxyAll. Anything else is ErrBadProxy.
func ParseProxy(s string) (Proxy, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return Proxy{}, nil
	}
	if !strings.Contains(s, "://") {
		s = "socks5://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Proxy{}, fmt.Errorf("%w: %v", ErrBadProxy, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch u.Scheme {
	case "socks5", "socks5h", "http":
	default:
		return Proxy{}, fmt.Errorf("%w: scheme %q is neither socks5 nor http", ErrBadProxy, u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Proxy{}, fmt.Errorf("%w: a proxy is only a host and port", ErrBadProxy)
	}
	u.Path, u.RawPath = "", ""
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return Proxy{}, fmt.Errorf("%w: no host", ErrBadProxy)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return Proxy{}, fmt.Errorf("%w: no port, or not a port", ErrBadProxy)
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		name := u.User.Username()
		if name == "" || len(name) > maxProxyCredential || len(pw) > maxProxyCredential {
			return Proxy{}, fmt.Errorf("%w: a user name of 1 to 255 bytes and a password of at most 255", ErrBadProxy)
		}
	}
	return Proxy{URL: u}, nil
}

// ProxyFailure says what went wrong with the proxy.
type ProxyFailure uint8

const (
	// ProxyUnreachable: nothing answers at the proxy's address, or what answers does not
	// speak the proxy's protocol.
	ProxyUnreachable ProxyFailure = iota
	// ProxyAuthFailed: the proxy refused the user name and password, or wants some.
	ProxyAuthFailed
	// ProxyRefused: the proxy works, but it could not (or would not) connect to the
	// destination. The proxy is not at fault: the destination may be down or blocked
	// beyond it.
	ProxyRefused
)

// ProxyError is a connection through the proxy that failed.
type ProxyError struct {
	Addr string // the proxy's host:port
	Kind ProxyFailure
	Err  error
}

func (e *ProxyError) Error() string {
	what := [...]string{"unreachable", "refused the credentials", "could not connect"}[e.Kind]
	return fmt.Sprintf("client: proxy %s %s: %v", e.Addr, what, e.Err)
}

func (e *ProxyError) Unwrap() error { return e.Err }

// proxyFault reports whether err is the proxy's own failure (unreachable, or refusing
// the credentials), which no other node or path can cure.
func proxyFault(err error) bool {
	var pe *ProxyError
	return errors.As(err, &pe) && pe.Kind != ProxyRefused
}

// Dialer returns what dials through p, or directly when p is not set, for connections
// the client's owner makes itself (the page of a link preview): with a proxy, names are
// resolved by the proxy, and a failure is a *ProxyError, never a direct attempt.
func (p Proxy) Dialer() DialFunc {
	return dialer{proxy: p.URL, base: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}.DialContext
}

// DialFunc opens a TCP connection, as net.Dialer.DialContext does.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Timeouts of a connection through a proxy. A proxy on this computer answers at once;
// one across the world, or Tor, within a few seconds. They are what lets the client say
// "can't reach your proxy" within seconds rather than after the requests' own timeouts.
const (
	proxyConnectTimeout   = 5 * time.Second
	proxyHandshakeTimeout = 30 * time.Second // includes the proxy's own connection onward
)

// dialer opens the connections of one kind (seed or not) directly or through the proxy.
// There is no fallback: with a proxy, a failure is a *ProxyError and nothing is tried
// directly.
type dialer struct {
	proxy *url.URL // nil: direct
	base  DialFunc
}

func (d dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.proxy == nil {
		return d.base(ctx, network, addr)
	}
	fail := func(kind ProxyFailure, err error) (net.Conn, error) {
		return nil, &ProxyError{Addr: d.proxy.Host, Kind: kind, Err: err}
	}
	cctx, cancel := context.WithTimeout(ctx, proxyConnectTimeout)
	conn, err := d.base(cctx, "tcp", d.proxy.Host)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return fail(ProxyUnreachable, err)
	}
	deadline := time.Now().Add(proxyHandshakeTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	if d.proxy.Scheme != "http" {
		// A SOCKS proxy answers the greeting at once; connectSOCKS extends the
		// deadline to the whole handshake's once it has.
		if greet := time.Now().Add(proxyConnectTimeout); greet.Before(deadline) {
			conn.SetDeadline(greet)
		}
	}
	// A context that ends during the handshake ends it too.
	raw := conn
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	var kind ProxyFailure
	if d.proxy.Scheme == "http" {
		conn, kind, err = connectHTTP(conn, d.proxy, addr)
	} else {
		kind, err = connectSOCKS(conn, d.proxy, addr, deadline)
	}
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		raw.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return fail(kind, err)
	}
	raw.SetDeadline(time.Time{})
	return conn, nil
}

// SOCKS5 (RFC 1928, and RFC 1929 for the user name and password).
const (
	socksVersion    = 5
	socksNoAuth     = 0
	socksPassword   = 2
	socksNoMethod   = 0xff
	socksConnect    = 1
	socksIPv4       = 1
	socksDomain     = 3
	socksIPv6       = 4
	socksSucceeded  = 0
	socksAuthVer    = 1
	maxSocksReplyAt = 4 + 1 + 255 + 2 // the longest reply: a domain name of 255 bytes
)

// connectSOCKS asks the SOCKS5 proxy on conn to connect to addr. A name in addr goes to
// the proxy as a name (address type 3), never resolved here.
func connectSOCKS(conn net.Conn, proxy *url.URL, addr string, deadline time.Time) (ProxyFailure, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return ProxyRefused, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return ProxyRefused, fmt.Errorf("bad port in %q", addr)
	}
	methods := []byte{socksNoAuth}
	if proxy.User != nil {
		methods = []byte{socksPassword}
	}
	if _, err := conn.Write(append([]byte{socksVersion, byte(len(methods))}, methods...)); err != nil {
		return ProxyUnreachable, err
	}
	var sel [2]byte
	if _, err := io.ReadFull(conn, sel[:]); err != nil {
		return ProxyUnreachable, err
	}
	switch {
	case sel[0] != socksVersion:
		return ProxyUnreachable, errors.New("not a SOCKS5 proxy")
	case sel[1] == socksNoMethod:
		return ProxyAuthFailed, errors.New("no acceptable authentication method")
	case sel[1] == socksPassword && proxy.User != nil:
		name := proxy.User.Username()
		pw, _ := proxy.User.Password()
		req := []byte{socksAuthVer, byte(len(name))}
		req = append(append(req, name...), byte(len(pw)))
		req = append(req, pw...)
		if _, err := conn.Write(req); err != nil {
			return ProxyUnreachable, err
		}
		var st [2]byte
		if _, err := io.ReadFull(conn, st[:]); err != nil {
			return ProxyUnreachable, err
		}
		if st[0] != socksAuthVer || st[1] != 0 {
			return ProxyAuthFailed, errors.New("user name or password refused")
		}
	case sel[1] != methods[0]:
		return ProxyUnreachable, fmt.Errorf("proxy chose method %d, which was not offered", sel[1])
	}
	req := []byte{socksVersion, socksConnect, 0}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Is4() || ip.Is4In6() {
			b := ip.Unmap().As4()
			req = append(append(req, socksIPv4), b[:]...)
		} else {
			b := ip.As16()
			req = append(append(req, socksIPv6), b[:]...)
		}
	} else {
		if len(host) == 0 || len(host) > 255 {
			return ProxyRefused, fmt.Errorf("host name of %d bytes", len(host))
		}
		req = append(append(req, socksDomain, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := conn.Write(req); err != nil {
		return ProxyUnreachable, err
	}
	// The proxy has answered the greeting, so it is there: from here on a failure is
	// its connection onward (a reply comes once it has connected, or given up).
	conn.SetDeadline(deadline)
	rep, err := readSOCKSReply(conn)
	if err != nil {
		return ProxyRefused, err
	}
	if rep != socksSucceeded {
		return ProxyRefused, &SOCKSReplyError{Code: rep}
	}
	return 0, nil
}

// SOCKSReplyError is a SOCKS5 proxy's refusal to connect (RFC 1928 §6: 1 general
// failure, 2 not allowed, 3 network unreachable, 4 host unreachable, 5 connection
// refused, 6 TTL expired, 7 command not supported, 8 address type not supported).
type SOCKSReplyError struct{ Code byte }

func (e *SOCKSReplyError) Error() string { return fmt.Sprintf("SOCKS5 reply %d", e.Code) }

// readSOCKSReply reads a SOCKS5 reply to a request — version, reply code, reserved
// byte, the bound address and port — and returns its reply code. The address is read
// and dropped: a CONNECT's bound address tells the client nothing it needs.
func readSOCKSReply(r io.Reader) (byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, err
	}
	if head[0] != socksVersion {
		return 0, fmt.Errorf("reply of SOCKS version %d", head[0])
	}
	var n int
	switch head[3] {
	case socksIPv4:
		n = 4
	case socksIPv6:
		n = 16
	case socksDomain:
		var l [1]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return 0, err
		}
		n = int(l[0])
	default:
		return 0, fmt.Errorf("reply with address type %d", head[3])
	}
	if _, err := io.ReadFull(r, make([]byte, n+2)); err != nil {
		return 0, err
	}
	return head[1], nil
}

// maxConnectReply bounds what the client reads of an HTTP proxy's answer to CONNECT.
const maxConnectReply = 64 << 10

// connectHTTP asks the HTTP proxy on conn to CONNECT to addr, and returns the
// connection to use from then on (it keeps whatever the proxy sent past its answer).
func connectHTTP(conn net.Conn, proxy *url.URL, addr string) (net.Conn, ProxyFailure, error) {
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: make(http.Header)}
	if proxy.User != nil {
		pw, _ := proxy.User.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(proxy.User.Username()+":"+pw)))
	}
	if err := req.Write(conn); err != nil {
		return conn, ProxyUnreachable, err
	}
	br := bufio.NewReader(io.LimitReader(conn, maxConnectReply))
	resp, err := http.ReadResponse(br, req)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		// The proxy answers CONNECT once it has connected onward: it is there, but
		// the destination is slow to answer or unreachable beyond it.
		return conn, ProxyRefused, err
	case err != nil:
		return conn, ProxyUnreachable, err
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusProxyAuthRequired:
		return conn, ProxyAuthFailed, fmt.Errorf("proxy answered %s", resp.Status)
	case resp.StatusCode != http.StatusOK:
		return conn, ProxyRefused, fmt.Errorf("proxy answered %s", resp.Status)
	}
	if n := br.Buffered(); n > 0 {
		ahead, _ := br.Peek(n)
		return &bufferedConn{Conn: conn, r: io.MultiReader(bytes.NewReader(ahead), conn)}, 0, nil
	}
	return conn, 0, nil
}

// bufferedConn reads first what was read ahead of it.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// ProxyCheck is what CheckProxy found.
type ProxyCheck struct {
	// Nodes is how many nodes a seed listed, asked through the proxy.
	Nodes int
	// Guard: a listed node answered through the proxy, as a guard must (checked only
	// with ProxyAll; with ProxyBootstrap nodes are reached directly).
	Guard bool
}

// CheckProxy tries opts.Proxy as a client with opts would use it, without starting
// one: it asks a seed for the node list, then, with ProxyAll, tests up to three of the
// nodes as guards. It fails with a *ProxyError when the proxy itself fails, and with
// ErrUnreachable when the proxy works but no seed answers through it.
func CheckProxy(ctx context.Context, opts Options) (ProxyCheck, error) {
	t := newTransport(opts.Seeds, opts.Proxy, opts.Dial)
	defer t.close()
	nodes, err := t.fetchNodes(ctx)
	if err != nil {
		var pe *ProxyError
		if errors.As(err, &pe) && pe.Kind != ProxyRefused {
			return ProxyCheck{}, pe
		}
		return ProxyCheck{}, err
	}
	check := ProxyCheck{Nodes: len(nodes)}
	if opts.Proxy.Scope != ProxyAll {
		return check, nil
	}
	for i, n := range nodes {
		if i == 3 {
			break
		}
		tctx, cancel := context.WithTimeout(ctx, guardTestPeriod)
		status, _, err := t.direct(tctx, n, "info", []byte(`{}`))
		cancel()
		if err == nil && status == http.StatusOK {
			check.Guard = true
			break
		}
		var pe *ProxyError
		if errors.As(err, &pe) && pe.Kind != ProxyRefused {
			return check, pe
		}
	}
	return check, nil
}
