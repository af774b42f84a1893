package ratelimit

import (
	"net/netip"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := New(2, 3)
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for i := range 3 {
		if !l.Allow(a, now) {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	if l.Allow(a, now) {
		t.Fatal("a fourth request at once was allowed")
	}
	if !l.Allow(b, now) {
		t.Fatal("another source shares the first one's bucket")
	}
	if !l.Allow(a, now.Add(500*time.Millisecond)) || l.Allow(a, now.Add(500*time.Millisecond)) {
		t.Fatal("half a second should give one token at 2/s")
	}
	// Two addresses of one /64 are one source; IPv4 in IPv6 is IPv4.
	six := New(1, 1)
	if !six.Allow(netip.MustParseAddr("2001:db8:1:2::1"), now) || six.Allow(netip.MustParseAddr("2001:db8:1:2:ffff::9"), now) {
		t.Fatal("a /64 got two shares")
	}
	if !six.Allow(netip.MustParseAddr("::ffff:192.0.2.1"), now) || six.Allow(a, now) {
		t.Fatal("an IPv4 address in IPv6 form got a share of its own")
	}
	l.Forget(now.Add(time.Hour))
	if len(l.buckets) != 0 {
		t.Fatalf("%d refilled buckets kept", len(l.buckets))
	}
	off := New(-1, 0)
	for range 10 {
		if !off.Allow(a, now) {
			t.Fatal("a negative rate must turn the limiter off")
		}
	}
}

func TestSource(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.2":            "127.0.0.2",
		"::ffff:10.0.0.1":      "10.0.0.1",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::",
	} {
		if got := Source(netip.MustParseAddr(in)).String(); got != want {
			t.Errorf("Source(%s) = %s, want %s", in, got, want)
		}
	}
}
