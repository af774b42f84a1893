// Package ratelimit limits how often each source address may ask a server for something:
// a token bucket per source, where a source is what one host can hold (an IPv4 address,
// or an IPv6 /64). The node and the file server use it.
package ratelimit

import (
	"net/netip"
	"sync"
	"time"
)

// Limiter is a token bucket per source. A negative rate turns it off.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64

	mu      sync.Mutex // guards buckets
	buckets map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter that lets each source ask rate times a second on average, and
// burst times at once.
func New(rate float64, burst int) *Limiter {
	return &Limiter{rate: rate, burst: float64(burst), buckets: make(map[netip.Addr]*bucket)}
}

// Allow takes a token from the bucket of a's source, reporting false when it is empty.
func (l *Limiter) Allow(a netip.Addr, now time.Time) bool {
	if l.rate < 0 {
		return true
	}
	a = Source(a)
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

// Forget drops the buckets that have refilled, so that the limiter does not grow with
// every source ever seen.
func (l *Limiter) Forget(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for a, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, a)
		}
	}
}

// Source is the source an address counts as: IPv4 in IPv6 as IPv4, so that one client
// cannot hold two shares, and an IPv6 address as its /64, the block one host is given,
// so that a host cannot take a share per address of its block.
func Source(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}
