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
	"runtime"
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

// appendRequestFrame appends a request frame to dst.
func appendRequestFrame(dst []byte, id uint32, body []byte) []byte {
	return append(appendRequestHeader(dst, id, len(body)), body...)
}

// appendRequestHeader appends the header of a request frame with a body of size bytes.
func appendRequestHeader(dst []byte, id uint32, size int) []byte {
	dst = binary.BigEndian.AppendUint32(dst, id)
	return binary.BigEndian.AppendUint32(dst, uint32(size))
}

// appendResponseFrame appends a response frame to dst.
func appendResponseFrame(dst []byte, id uint32, status int, body []byte) []byte {
	return append(appendResponseHeader(dst, id, status, len(body)), body...)
}

// appendResponseHeader appends the header of a response frame with a body of size bytes.
func appendResponseHeader(dst []byte, id uint32, status, size int) []byte {
	dst = binary.BigEndian.AppendUint32(dst, id)
	dst = binary.BigEndian.AppendUint16(dst, uint16(status))
	return binary.BigEndian.AppendUint32(dst, uint32(size))
}

// readRequestHeader reads the header of a request frame: its id and body length.
func readRequestHeader(r *bufio.Reader) (id, size uint32, err error) {
	var h [requestHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, 0, err
	}
	return binary.BigEndian.Uint32(h[:4]), binary.BigEndian.Uint32(h[4:]), nil
}

// readResponseHeader reads the header of a response frame.
func readResponseHeader(r *bufio.Reader) (id uint32, status int, size uint32, err error) {
	var h [responseHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, 0, 0, err
	}
	id = binary.BigEndian.Uint32(h[:4])
	status = int(binary.BigEndian.Uint16(h[4:6]))
	if status < 100 || status > 599 {
		return 0, 0, 0, fmt.Errorf("%w: %d", errFrameStatus, status)
	}
	return id, status, binary.BigEndian.Uint32(h[6:]), nil
}

// frameWriter lets many goroutines send frames on one connection: each appends its
// frame to a buffer, and one goroutine writes whatever has gathered in one call, so a
// busy link makes few system calls. A large body is not copied into the buffer: it is
// queued where it is, between the buffer before it and a new one after it.
type frameWriter struct {
	conn    net.Conn
	timeout time.Duration

	mu        sync.Mutex
	segs      [][]byte // what is queued before buf: filled buffers and large bodies
	buf       []byte
	queued    int       // bytes in segs and buf
	written   []func()  // called once the queue has been written, or dropped
	err       error     // set once a write failed or the writer was stopped
	finishing bool      // write what is queued, then stop
	room      sync.Cond // signalled when the writer takes the queue, or stops
	wake      chan struct{}
	done      chan struct{} // closed when run returns
}

// largeBody is the size from which a frame's body is queued by reference: copying it
// would cost more than the extra write.
const largeBody = 32 << 10

func newFrameWriter(conn net.Conn, timeout time.Duration) *frameWriter {
	w := &frameWriter{conn: conn, timeout: timeout, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.room.L = &w.mu
	return w
}

// waitRoom blocks while more than limit bytes wait to be written, so that a peer that
// does not read its answers stops being read from.
func (w *frameWriter) waitRoom(limit int) {
	w.mu.Lock()
	for w.queued > limit && w.err == nil {
		w.room.Wait()
	}
	w.mu.Unlock()
}

// send queues a frame, head then body then tail, and wakes the writing goroutine. head
// and tail are copied; so is a small body, while a large one (largeBody and up) is
// written from where it is: its owner must leave it alone until done is called. done,
// if not nil, is called once the frame has gone to the connection or been dropped (it
// releases the memory the frame holds), and at once if the frame was refused.
func (w *frameWriter) send(head, body, tail []byte, done func()) error {
	w.mu.Lock()
	if w.err != nil || w.finishing {
		w.mu.Unlock()
		if done != nil {
			done()
		}
		return errLinkClosed
	}
	w.buf = append(w.buf, head...)
	if len(body) >= largeBody {
		w.segs = append(w.segs, w.buf, body)
		w.buf = nil
	} else {
		w.buf = append(w.buf, body...)
	}
	w.buf = append(w.buf, tail...)
	w.queued += len(head) + len(body) + len(tail)
	if done != nil {
		w.written = append(w.written, done)
	}
	w.mu.Unlock()
	w.signal()
	return nil
}

func callAll(fs []func()) {
	for _, f := range fs {
		f()
	}
}

func (w *frameWriter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run writes gathered frames until it is stopped, or finished and drained. A write
// error closes the connection.
func (w *frameWriter) run() {
	defer close(w.done)
	var spare []byte
	var spareSegs [][]byte
	for range w.wake {
		// Let the goroutines that are about to send run first, so that their frames
		// share this write.
		runtime.Gosched()
		for {
			w.mu.Lock()
			segs, out, queued := w.segs, w.buf, w.queued
			finishing, failed := w.finishing, w.err != nil
			written := w.written
			if queued > 0 {
				// The senders go on in the spare buffers; the two never share memory.
				w.segs, w.buf, spare, spareSegs = spareSegs[:0], spare[:0], nil, nil
				w.queued = 0
				w.written = nil
				w.room.Broadcast()
			}
			w.mu.Unlock()
			if failed || (finishing && queued == 0) {
				return
			}
			if queued == 0 {
				break
			}
			w.conn.SetWriteDeadline(time.Now().Add(w.timeout))
			var err error
			for _, s := range segs {
				if len(s) > 0 && err == nil {
					_, err = w.conn.Write(s)
				}
			}
			if len(out) > 0 && err == nil {
				_, err = w.conn.Write(out)
			}
			// The large bodies are no longer referenced here before their owners are
			// told they may reuse them.
			clear(segs)
			callAll(written)
			if err != nil {
				w.stop(err)
				w.conn.Close()
				return
			}
			// Keep the buffers for the next round, unless a burst made one huge.
			if cap(out) <= 1<<20 {
				spare = out
			}
			spareSegs = segs
		}
	}
}

// stop ends the writer at once; frames not yet written are dropped.
func (w *frameWriter) stop(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.segs, w.buf, w.queued = nil, nil, 0
	written := w.written
	w.written = nil
	w.room.Broadcast()
	w.mu.Unlock()
	callAll(written)
	w.signal()
}

// finish writes what is queued, then ends the writer; it returns when that is done.
func (w *frameWriter) finish() {
	w.mu.Lock()
	w.finishing = true
	w.mu.Unlock()
	w.signal()
	<-w.done
}

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
