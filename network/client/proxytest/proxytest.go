// Package proxytest runs small real proxies on 127.0.0.1 for tests: a SOCKS5 server
// (RFC 1928, with or without RFC 1929's user name and password) and an HTTP CONNECT
// proxy. They connect onward only to loopback addresses, and resolve only the names a
// test gives them, so that a test can tell that a name reached the proxy unresolved.
package proxytest

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// Server is a running proxy.
type Server struct {
	ln         net.Listener
	socks      bool
	user, pass string // wanted credentials, if user is not ""

	mu    sync.Mutex // guards everything below
	hosts map[string]string
	dests []string
	conns map[net.Conn]struct{}
	done  bool

	wg sync.WaitGroup
}

// SOCKS5 starts a SOCKS5 server; with a user name it accepts only that user name and
// password. It stops when the test ends.
func SOCKS5(t testing.TB, user, pass string) *Server { return start(t, true, user, pass) }

// HTTP starts an HTTP CONNECT proxy; with a user name it wants that user name and
// password (Proxy-Authorization: Basic). It stops when the test ends.
func HTTP(t testing.TB, user, pass string) *Server { return start(t, false, user, pass) }

func start(t testing.TB, socks bool, user, pass string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, socks: socks, user: user, pass: pass, hosts: make(map[string]string), conns: make(map[net.Conn]struct{})}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr is the proxy's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the proxy's URL, with the user name and password it wants.
func (s *Server) URL() string {
	u := url.URL{Scheme: "http", Host: s.Addr()}
	if s.socks {
		u.Scheme = "socks5h"
	}
	if s.user != "" {
		u.User = url.UserPassword(s.user, s.pass)
	}
	return u.String()
}

// Resolve makes the proxy connect to ip when asked for name, as a proxy on the other
// side of a censor would look the name up. The proxy resolves no other name.
func (s *Server) Resolve(name, ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts[name] = ip
}

// Destinations are the host:port each client asked for, in order, as it wrote them.
func (s *Server) Destinations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.dests...)
}

// Close stops the proxy and ends every connection through it.
func (s *Server) Close() {
	s.mu.Lock()
	s.done = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		c.Close()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if !s.track(c) {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			if s.socks {
				s.serveSOCKS(c)
			} else {
				s.serveHTTP(c)
			}
		}()
	}
}

// dial connects onward to host:port: a loopback address, or a name given to Resolve.
func (s *Server) dial(hostport string) (net.Conn, bool) {
	s.mu.Lock()
	s.dests = append(s.dests, hostport)
	host, port, err := net.SplitHostPort(hostport)
	if ip, ok := s.hosts[host]; ok {
		host = ip
	}
	s.mu.Unlock()
	if err != nil {
		return nil, false
	}
	if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
		return nil, false
	}
	c, err := net.Dial("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, false
	}
	if !s.track(c) {
		return nil, false
	}
	return c, true
}

// relay copies both ways until either side ends, then ends both. from is what the
// client sends (c, or what was read ahead of it first).
func (s *Server) relay(c net.Conn, from io.Reader, dest net.Conn) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(dest, from); done <- struct{}{} }()
	go func() { io.Copy(c, dest); done <- struct{}{} }()
	<-done
	c.Close()
	s.untrack(dest)
	<-done
}

func (s *Server) serveSOCKS(c net.Conn) {
	var head [2]byte
	if _, err := io.ReadFull(c, head[:]); err != nil || head[0] != 5 {
		return
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return
	}
	want := byte(0)
	if s.user != "" {
		want = 2
	}
	offered := false
	for _, m := range methods {
		offered = offered || m == want
	}
	if !offered {
		c.Write([]byte{5, 0xff})
		return
	}
	c.Write([]byte{5, want})
	if want == 2 {
		var v [2]byte
		if _, err := io.ReadFull(c, v[:]); err != nil {
			return
		}
		name := make([]byte, v[1])
		if _, err := io.ReadFull(c, name); err != nil {
			return
		}
		var l [1]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return
		}
		pass := make([]byte, l[0])
		if _, err := io.ReadFull(c, pass); err != nil {
			return
		}
		if string(name) != s.user || string(pass) != s.pass {
			c.Write([]byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	var req [4]byte
	if _, err := io.ReadFull(c, req[:]); err != nil || req[0] != 5 || req[1] != 1 {
		return
	}
	var host string
	switch req[3] {
	case 1, 4:
		b := make([]byte, 4)
		if req[3] == 4 {
			b = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		ip, _ := netip.AddrFromSlice(b)
		host = ip.String()
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return
		}
		b := make([]byte, l[0])
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		host = string(b)
	default:
		c.Write([]byte{5, 8, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	var port [2]byte
	if _, err := io.ReadFull(c, port[:]); err != nil {
		return
	}
	dest, ok := s.dial(net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port[:])))))
	if !ok {
		c.Write([]byte{5, 4, 0, 1, 0, 0, 0, 0, 0, 0}) // host unreachable
		return
	}
	c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
	s.relay(c, c, dest)
}

func (s *Server) serveHTTP(c net.Conn) {
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	if req.Method != http.MethodConnect {
		io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
		return
	}
	if s.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.user+":"+s.pass))
		if req.Header.Get("Proxy-Authorization") != want {
			io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
			return
		}
	}
	dest, ok := s.dial(req.Host)
	if !ok {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	s.relay(c, br, dest)
}
