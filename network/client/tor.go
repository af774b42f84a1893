package client

import (
	"context"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// Where a Tor on this computer listens for SOCKS connections.
const (
	// TorDaemonPort is the tor daemon's SOCKS port.
	TorDaemonPort = 9050
	// TorBrowserPort is the SOCKS port of the tor that Tor Browser bundles.
	TorBrowserPort = 9150
)

// torGreetTimeout bounds the wait for a local SOCKS port's answer: one on this
// computer answers at once.
const torGreetTimeout = 2 * time.Second

// FindSOCKS greets 127.0.0.1 at each of ports in turn with a SOCKS5 greeting that
// offers no authentication, and returns the first port that answers it as a SOCKS5
// proxy that needs none, as a Proxy for every connection (ProxyAll). It asks the proxy
// to connect nowhere: the greeting is all it sends, and only to this computer.
func FindSOCKS(ctx context.Context, ports []int) (Proxy, bool) {
	for _, port := range ports {
		if ctx.Err() != nil {
			break
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if greetSOCKS(ctx, addr) {
			return Proxy{URL: &url.URL{Scheme: "socks5", Host: addr}, Scope: ProxyAll}, true
		}
	}
	return Proxy{}, false
}

// greetSOCKS reports whether addr answers a SOCKS5 greeting with "no authentication".
func greetSOCKS(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, torGreetTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write([]byte{socksVersion, 1, socksNoAuth}); err != nil {
		return false
	}
	var sel [2]byte
	if _, err := io.ReadFull(conn, sel[:]); err != nil {
		return false
	}
	return sel[0] == socksVersion && sel[1] == socksNoAuth
}
