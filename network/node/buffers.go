package node

import (
	"bufio"
	"fmt"
	"io"
	"sync"
)

// Large frames pass through a relaying node without being copied: a frame's body is read
// into one buffer (from bufPool when one is free), handed up as the answer, and written
// back from that buffer (frameWriter queues a large body by reference). The buffer goes
// back to the pool when the request ends (call.end), that is once its answer has been
// written out. A 7 MB reply relayed through a node is then one buffer, not the three
// copies and doubling growth it used to be.

// Sizes of the frames the pool serves and the buffers it keeps.
const (
	// pooledFrame: smaller frames (every request but an upload, and every reply but a
	// large retrieve or a download) are left to the collector.
	pooledFrame = 256 << 10
	// firstChunk is the most a frame body's buffer holds before its bytes arrive, when
	// no pooled buffer fits: a header cannot make the node allocate for bytes that do
	// not come. Past it the buffer grows by growFactor, never past the announced size.
	firstChunk = 64 << 10
	growFactor = 4
	poolGrain  = 1 << 20
)

// bufPool keeps large buffers that frame bodies were read into, for the next frame:
// replies of several MB, freed after each one, would otherwise leave the collector
// (which lets the heap grow to 1 + GOGC/100 times what is live) tens of MB of garbage
// per reply. It keeps at most limit bytes of free buffers; what it keeps is memory no
// request holds, so limit is small beside the node's ceiling (see newBufPool).
type bufPool struct {
	limit int

	mu   sync.Mutex // guards free and kept
	free [][]byte
	kept int // bytes of the buffers in free
}

// newBufPool keeps at most an eighth of the node's ceiling for requests, so that a
// burst of large replies leaves little memory held once it has passed: 32 MB for the
// default max_memory, room for two of the largest replies or four of a full retrieve's.
func newBufPool(maxMemory int64) *bufPool { return &bufPool{limit: int(maxMemory / 8)} }

// get returns a free buffer of at least n bytes, the smallest that fits, or nil. The
// caller owns it until it gives it back with put.
func (p *bufPool) get(n int) []byte {
	if p == nil || n < pooledFrame {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	best := -1
	for i, b := range p.free {
		if cap(b) >= n && (best < 0 || cap(b) < cap(p.free[best])) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	b := p.free[best]
	last := len(p.free) - 1
	p.free[best], p.free[last] = p.free[last], nil
	p.free = p.free[:last]
	p.kept -= cap(b)
	return b[:n]
}

// put takes back a buffer nobody uses any more. When the pool is full, it keeps the
// larger buffers: a large one serves every smaller reply.
func (p *bufPool) put(b []byte) {
	if p == nil || cap(b) < pooledFrame || cap(b) > p.limit {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.kept+cap(b) > p.limit {
		small := 0
		for i, f := range p.free {
			if cap(f) < cap(p.free[small]) {
				small = i
			}
		}
		if len(p.free) == 0 || cap(p.free[small]) >= cap(b) {
			return
		}
		p.kept -= cap(p.free[small])
		last := len(p.free) - 1
		p.free[small], p.free[last] = p.free[last], nil
		p.free = p.free[:last]
	}
	p.free = append(p.free, b[:0])
	p.kept += cap(b)
}

// readFrameBody reads a body of size bytes, refusing one over limit. The body is read
// into a pooled buffer when one fits; otherwise into a buffer that grows with the bytes
// that actually arrive, not with the size a header claims, up to exactly size. Give a
// large body back to bufs once nothing uses it.
func readFrameBody(r *bufio.Reader, size uint32, limit int, bufs *bufPool) ([]byte, error) {
	if uint64(size) > uint64(limit) {
		return nil, fmt.Errorf("%w: %d bytes", errFrameTooLarge, size)
	}
	n := int(size)
	buf := bufs.get(n)
	if buf == nil {
		// Bytes that are buffered already have arrived.
		buf = make([]byte, min(n, max(firstChunk, r.Buffered())))
	}
	got := 0
	for {
		m, err := io.ReadFull(r, buf[got:])
		got += m
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			bufs.put(buf)
			return nil, err
		}
		if got == n {
			return buf, nil
		}
		size := min(n, len(buf)*growFactor)
		room := size
		if size == n && n >= pooledFrame {
			// Whole MBs, so that the buffer serves replies of nearby sizes once pooled.
			room = (n + poolGrain - 1) / poolGrain * poolGrain
		}
		grown := make([]byte, size, room)
		copy(grown, buf[:got])
		buf = grown
	}
}
