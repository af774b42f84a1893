package fileserver

import (
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per source address; a negative rate turns it off.
type rateLimiter struct {
	rate, burst float64

	mu      sync.Mutex // guards buckets
	buckets map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), buckets: map[netip.Addr]*bucket{}}
}

func (l *rateLimiter) allow(a netip.Addr, now time.Time) bool {
	if l.rate < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[a]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[a] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forget drops the buckets that have refilled, so the map holds only recent sources.
func (l *rateLimiter) forget(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for a, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, a)
		}
	}
}

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
