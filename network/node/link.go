package node

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Nodes relay onion requests to each other over links: one TLS connection per next node,
// chosen by ALPN on the node's usual port, carrying many requests at once as
// length-prefixed frames. A hop then costs no HTTP parsing, and under load many frames
// share one write. A node that does not offer the protocol is called over HTTPS as a
// Session storage server would be.
//
// Frames, integers big-endian:
//
//	request:  id u32 | length u32 | an /onion_req/v2 body
//	response: id u32 | status u16 | length u32 | body
//
// The id pairs a response with its request; responses come in any order.
const relayProto = "allium-relay/1"

const (
	requestHeader  = 8
	responseHeader = 10
	// linkIdle closes an outgoing link nobody has used for this long; the receiving side
	// waits longer (idleTimeout), so it is the caller that closes an idle link.
	linkIdle = 60 * time.Second
	// noLinkRetry is how long a node that declined the protocol is called over HTTPS
	// before a link is tried again.
	noLinkRetry = 10 * time.Minute
	// maxQueued bounds the answers waiting to be written on a link before the node stops
	// reading the link's requests.
	maxQueued = 8 << 20
)

var (
	errFrameTooLarge = errors.New("node: link frame over the size limit")
	errFrameStatus   = errors.New("node: link frame with an invalid status")
	errLinkClosed    = errors.New("node: link closed")
)

// serveLink answers the onion requests a previous node sends over a link, each in its
// own goroutine. A link carries many clients' requests, so it is limited by capacity,
// not by a rate: its source address's share of open requests, memory for the body
// under the node's ceiling, then one of the node's request slots (503 for each), taken
// only once the body has arrived, so that a slow body holds no slot. An answer holds its
// memory until it has been written to the connection. The link ends when the peer
// closes it, sends a bad frame, stays silent for linkReadIdle, or the node shuts down.
// Requests still being handled are cancelled when the peer has gone, and finish when
// the node shuts down.
func (n *Node) serveLink(c *tls.Conn) {
	if !n.trackLink(c, true) {
		c.Close()
		return
	}
	defer n.trackLink(c, false)
	ctx, cancel := context.WithCancel(n.ctx)
	defer cancel()
	from := c.RemoteAddr().String()
	src := remoteAddr(from)
	// Links are for the network's nodes: a client that asks for one would skip the
	// request rate its address is held to on HTTPS.
	if !n.reg.Load().HasAddr(src) {
		c.Close()
		return
	}
	w := newFrameWriter(c, writeTimeout)
	go w.run()
	answer := func(id uint32, status int, body []byte, done func()) {
		var h [responseHeader]byte
		w.send(appendResponseHeader(h[:0], id, status, len(body)), body, nil, done)
	}
	busy := []byte("Server busy, try again later")
	var inflight sync.WaitGroup
	r := bufio.NewReaderSize(c, 16<<10)
frames:
	for {
		w.waitRoom(maxQueued)
		if r.Buffered() < requestHeader {
			c.SetReadDeadline(time.Now().Add(linkReadIdle))
		}
		id, size, err := readRequestHeader(r)
		if err != nil {
			break frames
		}
		if size > maxBody {
			answer(id, http.StatusRequestEntityTooLarge, []byte("Request body too large"), nil)
			break frames
		}
		if r.Buffered() < int(size) {
			c.SetReadDeadline(time.Now().Add(readTimeout))
		}
		refuse := func() bool {
			if _, err := r.Discard(int(size)); err != nil {
				return false
			}
			answer(id, http.StatusServiceUnavailable, busy, nil)
			return true
		}
		if !n.shares.take(src, n.requestShare(src)) {
			if !refuse() {
				break frames
			}
			continue
		}
		call := n.newCall()
		done := func() { call.end(n.bufs); n.shares.give(src) }
		if !call.res.take(int64(size) * bodyCopies) {
			done()
			if !refuse() {
				break frames
			}
			continue
		}
		body, err := readFrameBody(r, size, maxBody, n.bufs)
		if err != nil {
			done()
			break frames
		}
		select {
		case n.busy <- struct{}{}:
		default:
			n.bufs.put(body)
			done()
			answer(id, http.StatusServiceUnavailable, busy, nil)
			continue
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			status, resp := linkAnswer(n.processOnion(withCall(ctx, call), from, body))
			// The answer never refers to the request's bytes: its layer was decrypted
			// into a new buffer.
			n.bufs.put(body)
			<-n.busy
			answer(id, status, resp, done)
		}()
	}
	if !n.shuttingDown() {
		cancel() // nobody is left to answer
	}
	inflight.Wait()
	w.finish() // the last responses go out before the connection closes
	c.Close()
}

// linkAnswer is what a link sends back for an answer: one the other end would refuse,
// too long or with a status no HTTP response has (a server further on may send one),
// becomes a 502.
func linkAnswer(status int, resp []byte) (int, []byte) {
	switch {
	case len(resp) > maxReply:
		return http.StatusBadGateway, []byte("Response too large")
	case status < 100 || status > 599:
		return http.StatusBadGateway, []byte("Invalid response from the next node")
	}
	return status, resp
}

func (n *Node) shuttingDown() bool {
	n.linkMu.Lock()
	defer n.linkMu.Unlock()
	return n.linksIn == nil
}

// trackLink records an incoming link so that Shutdown can end it; it refuses a new one
// once the node is shutting down.
func (n *Node) trackLink(c *tls.Conn, add bool) bool {
	n.linkMu.Lock()
	defer n.linkMu.Unlock()
	if !add {
		delete(n.linksIn, c)
		return true
	}
	if n.linksIn == nil {
		return false
	}
	n.linksIn[c] = struct{}{}
	return true
}

// closeIncomingLinks stops every incoming link from taking new requests (when the
// node shuts down); the requests it already took finish first. Outgoing links close
// when the node's context ends, after the requests that use them.
func (n *Node) closeIncomingLinks() {
	n.linkMu.Lock()
	in := n.linksIn
	n.linksIn = nil
	n.linkMu.Unlock()
	for c := range in {
		if tcp, ok := c.NetConn().(interface{ CloseRead() error }); ok {
			tcp.CloseRead()
		} else {
			c.Close()
		}
	}
}

// linkSlot is the outgoing link to one node, or the dial under way: ready closes when
// the dial has ended.
type linkSlot struct {
	ready   chan struct{}
	link    *relayLink
	noProto time.Time // when set, the node declined the protocol at that time
}

// relayLink is an outgoing link: requests go out through its writer and a reading
// goroutine hands each response to the request waiting for it.
type relayLink struct {
	conn     net.Conn
	w        *frameWriter
	bufs     *bufPool      // large responses are read into its buffers
	readDone chan struct{} // closed when readLoop returns

	mu       sync.Mutex
	next     uint32
	pending  map[uint32]pendingRequest
	err      error     // why the link ended; no new request starts after that
	used     time.Time // when the last request was sent
	lastRead time.Time // when the last response arrived
}

// pendingRequest is a request waiting for its response, and the reservation its
// response's bytes are counted in before they are read.
type pendingRequest struct {
	ch  chan linkResult
	res *reservation
}

type linkResult struct {
	status int
	body   []byte
	err    error
}

// errNoLink says the next node does not speak the link protocol: call it over HTTPS.
var errNoLink = errors.New("node: the next node has no relay link")

// linkTo returns the link to addr, dialing it if there is none. It returns errNoLink
// when the node declined the protocol recently, and context.DeadlineExceeded when a
// dial under way has not ended by deadline.
func (n *Node) linkTo(ctx context.Context, addr netip.AddrPort, deadline time.Time) (*relayLink, error) {
	for {
		n.linkMu.Lock()
		s, ok := n.linksOut[addr]
		if !ok {
			s = &linkSlot{ready: make(chan struct{})}
			n.linksOut[addr] = s
			n.linkMu.Unlock()
			// The node owns the dial and the link's goroutines: Shutdown waits for them.
			n.wg.Add(1)
			go func() {
				defer n.wg.Done()
				n.dialLink(addr, s)
			}()
			continue
		}
		n.linkMu.Unlock()
		select {
		case <-s.ready:
		default:
			// Only a dial under way is waited for; a timer then is no cost beside it.
			t := time.NewTimer(time.Until(deadline))
			select {
			case <-s.ready:
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
				return nil, context.DeadlineExceeded
			}
			t.Stop()
		}
		switch {
		case s.link != nil:
			if s.link.alive() {
				return s.link, nil
			}
			n.dropSlot(addr, s)
		case !s.noProto.IsZero() && n.now().Sub(s.noProto) < noLinkRetry:
			return nil, errNoLink
		case !s.noProto.IsZero():
			n.dropSlot(addr, s)
		default:
			// The dial failed; a later request dials again.
			return nil, errLinkDial
		}
	}
}

var errLinkDial = errors.New("node: could not reach the next node")

// dialLink connects to addr for s and closes s.ready. A failed dial removes the slot, so
// that the next request tries again. The dial does not depend on the request that
// started it: others may be waiting for the same link.
func (n *Node) dialLink(addr netip.AddrPort, s *linkSlot) {
	defer close(s.ready)
	ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
	defer cancel()
	d := tls.Dialer{
		NetDialer: &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second},
		Config:    &tls.Config{InsecureSkipVerify: true, NextProtos: []string{relayProto, "http/1.1"}},
	}
	c, err := d.DialContext(ctx, "tcp", addr.String())
	if err != nil {
		n.dropSlot(addr, s)
		return
	}
	tc := c.(*tls.Conn)
	if tc.ConnectionState().NegotiatedProtocol != relayProto {
		tc.Close()
		s.noProto = n.now()
		return
	}
	s.link = startLink(tc, n.bufs)
	n.wg.Add(1) // while the dial's own count is held, so never after Shutdown's Wait
	go func() {
		defer n.wg.Done()
		n.closeWhenIdle(addr, s)
	}()
}

// dropSlot forgets s if it is still the slot for addr.
func (n *Node) dropSlot(addr netip.AddrPort, s *linkSlot) {
	n.linkMu.Lock()
	if n.linksOut[addr] == s {
		delete(n.linksOut, addr)
	}
	n.linkMu.Unlock()
}

// closeWhenIdle closes the link of s once nobody has used it for linkIdle, or when the
// node stops, and returns when the link's goroutines have ended.
func (n *Node) closeWhenIdle(addr netip.AddrPort, s *linkSlot) {
	l := s.link
	defer l.wait()
	t := time.NewTicker(linkIdle / 4)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-n.ctx.Done():
			l.shut(errLinkClosed)
			return
		}
		l.mu.Lock()
		ended := l.err != nil
		idle := !ended && len(l.pending) == 0 && time.Since(l.used) > linkIdle
		if idle {
			// Decided under the lock, so that no request starts on a closing link.
			l.err = errLinkClosed
		}
		l.mu.Unlock()
		if idle {
			n.dropSlot(addr, s)
			l.shut(errLinkClosed)
		}
		if idle || ended {
			return
		}
	}
}

// startLink starts the writing and reading goroutines of an outgoing link on c; large
// responses are read into buffers of bufs (nil: none pooled).
func startLink(c net.Conn, bufs *bufPool) *relayLink {
	l := &relayLink{conn: c, w: newFrameWriter(c, writeTimeout), bufs: bufs, readDone: make(chan struct{}),
		pending: map[uint32]pendingRequest{}, used: time.Now()}
	go l.w.run()
	go l.readLoop()
	return l
}

// wait ends the link if it has not ended, and waits for its goroutines.
func (l *relayLink) wait() {
	l.shut(errLinkClosed)
	<-l.w.done
	<-l.readDone
}

func (l *relayLink) alive() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err == nil
}

// roundTrip sends one request and waits for its response, until ctx ends or timeout
// (if not 0) has passed, which it reports as context.DeadlineExceeded. The request's
// body is an onion payload, ciphertext and meta in network.AppendOnionPayload's
// framing, built in the frame itself so that a large ciphertext is not copied (the link
// writes it from where it is, so the caller leaves it alone). It
// returns errNotSent when the link had closed before the request went out: the caller may
// try a new link. A request that runs out of time with nothing heard on the link since it
// was sent ends the link: the next node may be gone without a word, and the next request
// should dial again. A request cancelled for other reasons (its client left) leaves the
// link alone.
//
// The response's bytes are reserved in res before they are read; when they do not fit
// under the node's ceiling, the response is skipped and errReplyNoRoom returned.
func (l *relayLink) roundTrip(ctx context.Context, timeout time.Duration, ciphertext, meta []byte, res *reservation) (int, []byte, error) {
	ch := resultChans.Get().(chan linkResult)
	l.mu.Lock()
	if l.err != nil {
		l.mu.Unlock()
		resultChans.Put(ch)
		return 0, nil, errNotSent
	}
	l.next++
	id := l.next
	l.pending[id] = pendingRequest{ch: ch, res: res}
	sent := time.Now()
	l.used = sent
	l.mu.Unlock()
	var h [requestHeader + 4]byte
	head := appendRequestHeader(h[:0], id, 4+len(ciphertext)+len(meta))
	head = binary.LittleEndian.AppendUint32(head, uint32(len(ciphertext)))
	if err := l.w.send(head, ciphertext, meta, nil); err != nil {
		if l.forget(id) {
			resultChans.Put(ch)
		}
		return 0, nil, errNotSent
	}
	// A timer of its own rather than a context with a deadline: a hop then makes no
	// context, and its parent keeps no list of children to add it to and remove it from.
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	var err error
	select {
	case r := <-ch:
		// Whoever took the request from pending sent on ch, once; it is empty again.
		resultChans.Put(ch)
		return r.status, r.body, r.err
	case <-ctx.Done():
		err = ctx.Err()
	case <-expired:
		err = context.DeadlineExceeded
	}
	l.mu.Lock()
	delete(l.pending, id)
	silent := l.lastRead.Before(sent)
	l.mu.Unlock()
	if silent && errors.Is(err, context.DeadlineExceeded) {
		l.shut(errLinkSilent)
	}
	return 0, nil, err
}

// resultChans holds the channels requests wait for their responses on, reused between
// requests. A channel goes back only once it is known to be empty and unreachable from
// pending; one a late response may still be sent on is left to the collector.
var resultChans = sync.Pool{New: func() any { return make(chan linkResult, 1) }}

// errNotSent says a request never went out because its link had closed.
var errNotSent = errors.New("node: the link closed before the request was sent")

var errLinkSilent = errors.New("node: the next node stopped answering")

// forget drops a request nobody will wait for; it reports whether the request was
// still pending, so that nothing was or will be sent on its channel.
func (l *relayLink) forget(id uint32) bool {
	l.mu.Lock()
	_, ok := l.pending[id]
	delete(l.pending, id)
	l.mu.Unlock()
	return ok
}

// errReplyNoRoom says a relayed response was skipped: its bytes would have passed the
// node's memory ceiling.
var errReplyNoRoom = errors.New("node: no memory for the next node's response")

// readLoop hands responses to their requests until the link fails. A response over
// maxReply, or one whose bytes do not fit in its request's reservation, is skipped and
// fails only its own request; so is one nobody waits for any more.
func (l *relayLink) readLoop() {
	defer close(l.readDone)
	r := bufio.NewReaderSize(l.conn, 16<<10)
	for {
		id, status, size, err := readResponseHeader(r)
		var res linkResult
		var p pendingRequest
		var ok bool
		if err == nil {
			l.mu.Lock()
			if size > 0 && r.Buffered() < int(min(size, maxReply)) {
				// A long reply is on its way: the next node is not silent.
				l.lastRead = time.Now()
			}
			p, ok = l.pending[id]
			l.mu.Unlock()
			res.status = status
			switch {
			case size > maxReply:
				res.err = fmt.Errorf("%w: %d bytes", errFrameTooLarge, size)
			case !ok:
				res.err = errLinkClosed
			case p.res != nil && !p.res.take(int64(size)*relayCopies):
				res.err = errReplyNoRoom
			}
			if res.err != nil {
				_, err = io.CopyN(io.Discard, r, int64(size))
			} else {
				res.body, err = readFrameBody(r, size, maxReply, l.bufs)
			}
		}
		if err != nil {
			l.shut(err)
			return
		}
		l.mu.Lock()
		l.lastRead = time.Now()
		p, ok = l.pending[id]
		delete(l.pending, id)
		l.mu.Unlock()
		if ok {
			p.ch <- res
		} else {
			l.bufs.put(res.body)
		}
	}
}

// shut ends the link: every request still waiting fails with err.
func (l *relayLink) shut(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	pending := l.pending
	l.pending = map[uint32]pendingRequest{}
	l.mu.Unlock()
	for _, p := range pending {
		p.ch <- linkResult{err: err}
	}
	l.w.stop(err)
	l.conn.Close()
}
