package network

import (
	"errors"
	"testing"
	"time"
)

func TestValidFileID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"1", true},
		{"9007199254740991", true},  // 2^53 - 1
		{"9007199254740992", false}, // 2^53
		{"0", false},
		{"012", false},
		{"", false},
		{"12a", false},
		{"-1", false},
		{"99999999999999999", false},
		{"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE", false}, // 43
		{"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf", true},
		{"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdEf", false},
		{"../../../../../../../../../../etc/passwd/abc", false},
	} {
		if got := ValidFileID(tc.id); got != tc.ok {
			t.Errorf("ValidFileID(%q) = %v", tc.id, got)
		}
	}
}

var uploadReplyCases = []struct {
	name    string
	in      string
	id      string
	expires time.Time
	wantErr bool
}{
	{name: "session", in: `{"id": "4821594034", "expires": 1700000000.25}`, id: "4821594034", expires: time.Unix(1700000000, 250000000)},
	{name: "numeric id", in: `{"id": 4821594034}`, id: "4821594034"},
	{name: "hash id", in: `{"id":"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf","expires":1}`, id: "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf", expires: time.Unix(1, 0)},
	{name: "extra fields", in: `{"id":"7","expires":5,"uploaded":4,"size":3}`, id: "7", expires: time.Unix(5, 0)},
	{name: "no id", in: `{"expires":5}`, wantErr: true},
	{name: "path id", in: `{"id":"../x"}`, wantErr: true},
	{name: "float id", in: `{"id":1.5}`, wantErr: true},
	{name: "negative expiry", in: `{"id":"7","expires":-1}`, wantErr: true},
	{name: "huge expiry", in: `{"id":"7","expires":1e300}`, wantErr: true},
	{name: "array", in: `[]`, wantErr: true},
	{name: "status", in: `{"status_code":413}`, wantErr: true},
	{name: "empty", in: ``, wantErr: true},
}

func TestParseUploadReply(t *testing.T) {
	for _, tc := range uploadReplyCases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseUploadReply([]byte(tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrBadFileReply) {
					t.Fatalf("got %+v, %v", r, err)
				}
				return
			}
			if err != nil || r.ID != tc.id || !r.Expires.Equal(tc.expires) {
				t.Fatalf("got %+v, %v", r, err)
			}
			again, err := ParseUploadReply(must(r.MarshalJSON()))
			if err != nil || again.ID != r.ID || again.Expires.Sub(r.Expires).Abs() > time.Microsecond {
				t.Fatalf("round trip: %+v, %v", again, err)
			}
		})
	}
}

var fileInfoCases = []struct {
	name    string
	in      string
	size    int64
	wantErr bool
}{
	{name: "session", in: `{"size": 12, "uploaded": 1700000000.5, "expires": 1701814400.5}`, size: 12},
	{name: "missing size", in: `{"uploaded": 1, "expires": 2}`, wantErr: true},
	{name: "missing expires", in: `{"size": 1, "uploaded": 1}`, wantErr: true},
	{name: "negative size", in: `{"size": -1, "uploaded": 1, "expires": 2}`, wantErr: true},
	{name: "string size", in: `{"size": "1", "uploaded": 1, "expires": 2}`, wantErr: true},
	{name: "time out of range", in: `{"size": 1, "uploaded": 1, "expires": 1e20}`, wantErr: true},
	{name: "not an object", in: `"x"`, wantErr: true},
}

func TestParseFileInfo(t *testing.T) {
	for _, tc := range fileInfoCases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFileInfo([]byte(tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrBadFileReply) {
					t.Fatalf("got %+v, %v", f, err)
				}
				return
			}
			if err != nil || f.Size != tc.size {
				t.Fatalf("got %+v, %v", f, err)
			}
			again, err := ParseFileInfo(must(f.MarshalJSON()))
			if err != nil || again.Size != f.Size || again.Expires.Sub(f.Expires).Abs() > time.Microsecond {
				t.Fatalf("round trip: %+v, %v", again, err)
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func FuzzParseUploadReply(f *testing.F) {
	for _, tc := range uploadReplyCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseUploadReply(b)
		if err == nil && !ValidFileID(r.ID) {
			t.Fatalf("accepted id %q", r.ID)
		}
	})
}

func FuzzParseFileInfo(f *testing.F) {
	for _, tc := range fileInfoCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if fi, err := ParseFileInfo(b); err == nil && fi.Size < 0 {
			t.Fatalf("accepted size %d", fi.Size)
		}
	})
}
