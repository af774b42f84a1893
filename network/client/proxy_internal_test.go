package client

import (
	"bytes"
	"testing"
)

var socksReplies = []struct {
	name  string
	in    []byte
	code  byte
	valid bool
}{
	{"IPv4 success", []byte{5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90}, 0, true},
	{"IPv6 refused", append(append([]byte{5, 5, 0, 4}, make([]byte, 16)...), 0, 80), 5, true},
	{"domain host unreachable", append([]byte{5, 4, 0, 3, 7}, "x.onion\x00\x50"...), 4, true},
	{"empty domain", []byte{5, 1, 0, 3, 0, 0, 0}, 1, true},
	{"SOCKS4 reply", []byte{0, 0x5a, 0, 0, 0, 0, 0, 0}, 0, false},
	{"unknown address type", []byte{5, 0, 0, 2, 1, 2, 3, 4, 5, 6}, 0, false},
	{"short", []byte{5, 0, 0, 1, 127, 0}, 0, false},
	{"domain cut short", []byte{5, 0, 0, 3, 9, 'a'}, 0, false},
	{"nothing", nil, 0, false},
}

func TestReadSOCKSReply(t *testing.T) {
	for _, tc := range socksReplies {
		t.Run(tc.name, func(t *testing.T) {
			r := bytes.NewReader(tc.in)
			code, err := readSOCKSReply(r)
			if (err == nil) != tc.valid || (tc.valid && (code != tc.code || r.Len() != 0)) {
				t.Fatalf("code %d, %v, %d bytes left", code, err, r.Len())
			}
		})
	}
}

func FuzzReadSOCKSReply(f *testing.F) {
	for _, tc := range socksReplies {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		if _, err := readSOCKSReply(r); err == nil && len(b)-r.Len() > maxSocksReplyAt {
			t.Fatalf("read %d bytes of a reply", len(b)-r.Len())
		}
	})
}
