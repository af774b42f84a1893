package node

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"time"
)

// readRequestFrame and readResponseFrame read whole frames as the two ends of a link do,
// header then body.

// readRequestFrame reads one request frame of at most maxBody bytes.
func readRequestFrame(r *bufio.Reader) (id uint32, body []byte, err error) {
	id, size, err := readRequestHeader(r)
	if err != nil {
		return 0, nil, err
	}
	body, err = readFrameBody(r, size, maxBody, nil)
	return id, body, err
}

// readResponseFrame reads one response frame of at most maxReply bytes.
func readResponseFrame(r *bufio.Reader) (id uint32, status int, body []byte, err error) {
	id, status, size, err := readResponseHeader(r)
	if err != nil {
		return 0, 0, nil, err
	}
	body, err = readFrameBody(r, size, maxReply, nil)
	return id, status, body, err
}

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
		{"over the limit", []byte{0, 0, 0, 9, 1, 0, 0, 0}, 9, "", errFrameTooLarge},
		{"4 GB", []byte{0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff}, 9, "", errFrameTooLarge},
	} {
		id, body, err := readRequestFrame(bufio.NewReader(bytes.NewReader(c.in)))
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
				if id, body, err = readRequestFrame(r); err == nil {
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

// A header that claims a large body costs memory only for the bytes that arrive.
func TestFrameBodyGrowsWithData(t *testing.T) {
	in := append([]byte{0, 0, 0, 1, 0, 0x3f, 0xff, 0xff}, "only this"...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := readRequestFrame(bufio.NewReader(bytes.NewReader(in)))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("a 4 MB claim with 9 bytes behind it allocated %d bytes", grew)
	}
}

// A writer whose peer does not read makes waitRoom block once the queue is over the
// limit, and lets it go when the peer reads again.
func TestFrameWriterBackpressure(t *testing.T) {
	near, far := net.Pipe()
	defer far.Close()
	w := newFrameWriter(near, time.Minute)
	go w.run()
	defer w.stop(errLinkClosed)
	const limit = 1 << 10
	frame := make([]byte, 100)
	send := func() {
		if err := w.send(nil, frame, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	// The writer takes the first frame and blocks writing it; the rest queue up.
	send()
	time.Sleep(50 * time.Millisecond)
	for range 50 {
		send()
	}
	released := make(chan struct{})
	go func() { w.waitRoom(limit); close(released) }()
	select {
	case <-released:
		t.Fatal("waitRoom returned with the peer not reading")
	case <-time.After(100 * time.Millisecond):
	}
	go io.Copy(io.Discard, far)
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("waitRoom still blocked after the peer read")
	}
}

// linkPeer is the far end of an outgoing link in tests: it reads request frames and
// lets the test answer them.
func linkPeer(t *testing.T) (*relayLink, *bufio.Reader, net.Conn) {
	near, far := net.Pipe()
	l := startLink(near, nil)
	t.Cleanup(func() { l.shut(errLinkClosed); far.Close() })
	return l, bufio.NewReader(far), far
}

// A reply over maxReply fails its own request only; the link carries on.
func TestLinkOversizedReply(t *testing.T) {
	l, r, far := linkPeer(t)
	type result struct {
		status int
		err    error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			st, _, err := l.roundTrip(context.Background(), 0, []byte("req"), nil, nil)
			results <- result{st, err}
		}()
	}
	ids := make([]uint32, 2)
	for i := range ids {
		id, _, err := readRequestFrame(r)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	go func() {
		big := appendResponseFrame(nil, ids[0], 200, nil)
		big[len(big)-4], big[len(big)-3], big[len(big)-2], big[len(big)-1] = 0x01, 0x00, 0x00, 0x01 // 16 MB + 1
		far.Write(big)
		far.Write(make([]byte, maxReply+1))
		far.Write(appendResponseFrame(nil, ids[1], 200, []byte("fine")))
	}()
	var failed, ok int
	for range 2 {
		res := <-results
		switch {
		case errors.Is(res.err, errFrameTooLarge):
			failed++
		case res.err == nil && res.status == 200:
			ok++
		default:
			t.Errorf("unexpected result %+v", res)
		}
	}
	if failed != 1 || ok != 1 || !l.alive() {
		t.Errorf("failed %d, ok %d, link alive %v", failed, ok, l.alive())
	}
}

// A request that times out with nothing heard from the next node since it was sent
// ends the link, so that the next request dials again.
func TestLinkSilentPeer(t *testing.T) {
	l, r, _ := linkPeer(t)
	go io.Copy(io.Discard, r)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := l.roundTrip(ctx, 0, []byte("req"), nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if l.alive() {
		t.Error("the link to a silent node is still in use")
	}
}

// A request whose client left is cancelled without touching the link: other requests on
// it still get their answers.
func TestLinkCancelKeepsLink(t *testing.T) {
	l, r, far := linkPeer(t)
	ctx, cancel := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() {
		_, _, err := l.roundTrip(ctx, 0, []byte("leaving"), nil, nil)
		left <- err
	}()
	first, _, err := readRequestFrame(r)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-left; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: %v", err)
	}
	answered := make(chan int, 1)
	go func() {
		st, _, _ := l.roundTrip(context.Background(), 0, []byte("staying"), nil, nil)
		answered <- st
	}()
	second, _, err := readRequestFrame(r)
	if err != nil {
		t.Fatal(err)
	}
	far.Write(appendResponseFrame(nil, first, 200, nil)) // too late: dropped
	far.Write(appendResponseFrame(nil, second, 200, []byte("ok")))
	if st := <-answered; st != 200 || !l.alive() {
		t.Errorf("after a cancelled request: status %d, link alive %v", st, l.alive())
	}
}

// A closed link is reported as not having sent the request, so the caller can try anew.
func TestLinkClosedNotSent(t *testing.T) {
	l, _, _ := linkPeer(t)
	l.shut(errLinkClosed)
	if _, _, err := l.roundTrip(context.Background(), 0, []byte("req"), nil, nil); !errors.Is(err, errNotSent) {
		t.Errorf("err = %v, want errNotSent", err)
	}
}

// Every answer a link sends is one the other end reads.
func TestLinkAnswer(t *testing.T) {
	for _, c := range []struct {
		status, want int
		size         int
	}{
		{200, 200, 10}, {421, 421, 10}, {599, 599, 0}, {700, 502, 10}, {99, 502, 10}, {0, 502, 0},
		{200, 502, maxReply + 1},
	} {
		status, body := linkAnswer(c.status, make([]byte, c.size))
		frame := appendResponseFrame(nil, 1, status, body)
		_, got, _, err := readResponseFrame(bufio.NewReader(bytes.NewReader(frame)))
		if status != c.want || err != nil || got != c.want {
			t.Errorf("status %d, %d bytes: sent %d, read %d, %v", c.status, c.size, status, got, err)
		}
	}
}
