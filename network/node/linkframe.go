package node

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"time"
)

// The frames of a relay link (see link.go for the protocol) and the writer that sends
// them: request and response headers, and the goroutine that writes queued frames
// together.

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
