package fileserver

import (
	"testing"
	"time"
)

var endpointCases = []struct {
	method, endpoint string
	op               int
	id               string
	status           int // when no operation
}{
	{"POST", "/file", opUpload, "", 0},
	{"POST", "/file?x=1", opUpload, "", 0},
	{"GET", "/file/123", opDownload, "123", 0},
	{"GET", "/file/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf", opDownload, "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf", 0},
	{"POST", "/file/123/extend", opExtend, "123", 0},
	{"GET", "/file/123/info", opInfo, "123", 0},
	{"GET", "/file", 0, "", 405},
	{"POST", "/file/123", 0, "", 405},
	{"GET", "/file/123/extend", 0, "", 405},
	{"GET", "/file/", 0, "", 404},
	{"GET", "/file/0123", 0, "", 404},
	{"GET", "/file/../x", 0, "", 404},
	{"GET", "/file/123/other", 0, "", 404},
	{"GET", "/files/123", 0, "", 404},
	{"GET", "/filex", 0, "", 404},
	{"GET", "/", 0, "", 404},
	{"GET", "", 0, "", 404},
}

func TestParseEndpoint(t *testing.T) {
	for _, c := range endpointCases {
		rt, ok := parseEndpoint(c.method, c.endpoint)
		if ok != (c.op != 0) || rt.op != c.op || rt.id != c.id || (!ok && rt.reply.status != c.status) {
			t.Errorf("%s %s: got %+v %v", c.method, c.endpoint, rt, ok)
		}
	}
}

var ttlCases = []struct {
	in  string
	out time.Duration
	ok  bool
}{
	{"", 3600 * time.Second, true},
	{"120", 120 * time.Second, true},
	{" 120 ", 120 * time.Second, true},
	{"1", minTTL * time.Second, true},
	{"99999999", 3600 * time.Second, true},
	{"0", 0, false},
	{"-5", 0, false},
	{"1.5", 0, false},
	{"soon", 0, false},
	{"99999999999999999999", 0, false},
}

func TestParseTTL(t *testing.T) {
	for _, c := range ttlCases {
		got, ok := parseTTL(c.in, 3600)
		if got != c.out || ok != c.ok {
			t.Errorf("%q: got %v %v", c.in, got, ok)
		}
	}
}

func FuzzParseEndpoint(f *testing.F) {
	for _, c := range endpointCases {
		f.Add(c.method, c.endpoint)
	}
	f.Fuzz(func(t *testing.T, method, endpoint string) {
		rt, ok := parseEndpoint(method, endpoint)
		if ok && rt.op != opUpload && len(rt.id) != 44 && (len(rt.id) == 0 || len(rt.id) > 16) {
			t.Fatalf("%q gave id %q", endpoint, rt.id)
		}
		if !ok && rt.reply.status == 0 {
			t.Fatalf("%q: no answer", endpoint)
		}
	})
}

func FuzzParseTTL(f *testing.F) {
	for _, c := range ttlCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := parseTTL(s, 3600); ok && (d < minTTL*time.Second || d > 3600*time.Second) {
			t.Fatalf("%q: %v", s, d)
		}
	})
}
