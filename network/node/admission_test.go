package node

import "testing"

func TestRemoteAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.2:5000":             "127.0.0.2",
		"[::ffff:10.0.0.1]:22021":    "10.0.0.1",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::",
		"[2001:db8:1:2:ff::1]:443":   "2001:db8:1:2::",
		"not an address":             "invalid IP",
	} {
		if got := remoteAddr(in).String(); got != want {
			t.Errorf("remoteAddr(%q) = %s, want %s", in, got, want)
		}
	}
}
