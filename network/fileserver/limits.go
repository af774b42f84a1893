package fileserver

import (
	"sync"
)

// memPool counts the bytes uploads and downloads in flight hold against the ceiling.
type memPool struct {
	mu          sync.Mutex // guards used
	limit, used int64
}

func (p *memPool) take(n int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used+n > p.limit {
		return false
	}
	p.used += n
	return true
}

func (p *memPool) give(n int64) {
	p.mu.Lock()
	p.used -= n
	p.mu.Unlock()
}

// bufPool keeps the large buffers onion requests are read and answered in, for the
// next request: uploads of 10 MB, freed after each one, would otherwise leave the
// collector (which lets the heap grow to several times what is live) hundreds of MB of
// garbage under load. It keeps at most what max_memory admits at once.
type bufPool struct {
	size int // every pooled buffer has this capacity

	mu   sync.Mutex // guards free
	free [][]byte
	keep int
}

// bufThreshold: smaller requests and answers are left to the collector.
const bufThreshold = 1 << 20

func newBufPool(size int, memory int64) *bufPool {
	return &bufPool{size: size, keep: int(memory / int64(size))}
}

// get returns a buffer of length n: a pooled one when n is large.
func (p *bufPool) get(n int) []byte {
	if n < bufThreshold || n > p.size {
		return make([]byte, n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if k := len(p.free); k > 0 {
		b := p.free[k-1]
		p.free = p.free[:k-1]
		return b[:n]
	}
	return make([]byte, n, p.size)
}

// put returns a buffer from get; the caller no longer uses it.
func (p *bufPool) put(b []byte) {
	if cap(b) != p.size {
		return
	}
	p.mu.Lock()
	if len(p.free) < p.keep {
		p.free = append(p.free, b[:0])
	}
	p.mu.Unlock()
}
