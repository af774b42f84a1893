package node

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestRequestFrames(t *testing.T) {
	frame := appendRequestFrame(nil, 7, []byte("hello"))
	if want := "\x00\x00\x00\x07\x00\x00\x00\x05hello"; string(frame) != want {
		t.Fatalf("frame %q, want %q", frame, want)
	}
	for _, c := range []struct {
		name string
		in   []byte
		id   uint32
		body string
		err  error
	}{
		{"one frame", frame, 7, "hello", nil},
		{"empty body", appendRequestFrame(nil, 1, nil), 1, "", nil},
		{"nothing", nil, 0, "", io.EOF},
		{"short header", frame[:5], 0, "", io.ErrUnexpectedEOF},
		{"short body", frame[:10], 7, "", io.ErrUnexpectedEOF},
		{"over the limit", []byte{0, 0, 0, 9, 0, 0x40, 0, 1}, 9, "", errFrameTooLarge},
		{"4 GB", []byte{0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff}, 9, "", errFrameTooLarge},
	} {
		id, body, err := readRequestFrame(bufio.NewReader(bytes.NewReader(c.in)), nil)
		if !errors.Is(err, c.err) || id != c.id || string(body) != c.body {
			t.Errorf("%s: got %d %q %v, want %d %q %v", c.name, id, body, err, c.id, c.body, c.err)
		}
	}
}

func TestResponseFrames(t *testing.T) {
	frame := appendResponseFrame(nil, 3, 502, []byte("no"))
	if want := "\x00\x00\x00\x03\x01\xf6\x00\x00\x00\x02no"; string(frame) != want {
		t.Fatalf("frame %q, want %q", frame, want)
	}
	for _, c := range []struct {
		name   string
		in     []byte
		id     uint32
		status int
		err    error
	}{
		{"one frame", frame, 3, 502, nil},
		{"nothing", nil, 0, 0, io.EOF},
		{"short header", frame[:9], 0, 0, io.ErrUnexpectedEOF},
		{"short body", frame[:11], 0, 0, io.ErrUnexpectedEOF},
		{"status 0", appendResponseFrame(nil, 3, 0, nil), 0, 0, errFrameStatus},
		{"status 600", appendResponseFrame(nil, 3, 600, nil), 0, 0, errFrameStatus},
		{"over the limit", []byte{0, 0, 0, 1, 0, 200, 0xff, 0xff, 0xff, 0xff}, 1, 200, errFrameTooLarge},
	} {
		id, status, _, err := readResponseFrame(bufio.NewReader(bytes.NewReader(c.in)))
		if !errors.Is(err, c.err) || (err == nil && (id != c.id || status != c.status)) {
			t.Errorf("%s: got %d %d %v, want %d %d %v", c.name, id, status, err, c.id, c.status, c.err)
		}
	}
}

// FuzzLinkFrames reads a stream of frames of either kind: no input panics, and every
// frame read writes back to the same bytes.
func FuzzLinkFrames(f *testing.F) {
	f.Add(appendRequestFrame(appendRequestFrame(nil, 1, []byte("a")), 2, nil), true)
	f.Add(appendResponseFrame(nil, 1, 200, []byte("{}")), false)
	f.Add([]byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff}, true)
	f.Fuzz(func(t *testing.T, in []byte, requests bool) {
		r := bufio.NewReader(bytes.NewReader(in))
		var out []byte
		for {
			var err error
			if requests {
				var id uint32
				var body []byte
				if id, body, err = readRequestFrame(r, nil); err == nil {
					out = appendRequestFrame(out, id, body)
				}
			} else {
				var id uint32
				var status int
				var body []byte
				if id, status, body, err = readResponseFrame(r); err == nil {
					out = appendResponseFrame(out, id, status, body)
				}
			}
			if err != nil {
				break
			}
		}
		if !bytes.HasPrefix(in, out) {
			t.Fatalf("frames read from %x write back as %x", in, out)
		}
	})
}
