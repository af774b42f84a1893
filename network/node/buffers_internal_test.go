package node

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// A large frame body is read into a free pooled buffer when one fits, and otherwise into
// one buffer of exactly its size (in whole MBs of capacity), whatever the chunks it
// arrives in.
func TestFrameBodySized(t *testing.T) {
	for _, c := range []struct {
		name   string
		size   int
		pooled int // capacity of a buffer put in the pool first; 0 for none
		reuse  bool
	}{
		{"small", 100, 0, false},
		{"small with a pooled buffer", 100, 1 << 20, false},
		{"large", 5<<20 + 7, 0, false},
		{"large into a pooled buffer", 5<<20 + 7, 6 << 20, true},
		{"larger than the pooled buffer", 5<<20 + 7, 5 << 20, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			bufs := newBufPool(256 << 20)
			var pooled []byte
			if c.pooled > 0 {
				pooled = make([]byte, 0, c.pooled)
				bufs.put(pooled)
			}
			want := bytes.Repeat([]byte("0123456789"), c.size/10+1)[:c.size]
			// A reader that hands out little at a time, as a connection does.
			r := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(want)), 16<<10)
			got, err := readFrameBody(r, uint32(c.size), maxReply, bufs)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("read %d bytes, %v", len(got), err)
			}
			if reused := pooled != nil && &got[0] == &pooled[:1][0]; reused != c.reuse {
				t.Errorf("pooled buffer used: %v, want %v", reused, c.reuse)
			}
			if !c.reuse && c.size >= pooledFrame && cap(got) != (c.size+poolGrain-1)/poolGrain*poolGrain {
				t.Errorf("a %d-byte body in a buffer of %d", c.size, cap(got))
			}
		})
	}
}

// The pool keeps at most its limit, and the largest buffers when it must choose.
func TestBufPoolBounded(t *testing.T) {
	bufs := newBufPool(8 * 4 << 20) // a limit of 4 MB: it ends with 3 MB and 1 MB
	for _, size := range []int{1 << 20, 1 << 20, 2 << 20, 3 << 20, 5 << 20, 128 << 10, 1 << 20} {
		bufs.put(make([]byte, 0, size))
	}
	if bufs.kept > bufs.limit {
		t.Fatalf("the pool keeps %d bytes, over its %d", bufs.kept, bufs.limit)
	}
	if b := bufs.get(3 << 20); cap(b) != 3<<20 {
		t.Errorf("asked for 3 MB, got a buffer of %d", cap(b))
	}
	if b := bufs.get(1 << 20); b == nil || cap(b) != 1<<20 {
		t.Errorf("asked for 1 MB, got a buffer of %d", cap(b))
	}
	if b := bufs.get(1 << 20); b != nil {
		t.Errorf("the pool gave out more than it kept: %d", cap(b))
	}
}

// Large bodies are written from where they are, in order with the small frames around
// them, and their owner hears only once they have been written.
func TestFrameWriterLargeBody(t *testing.T) {
	near, far := net.Pipe()
	defer far.Close()
	w := newFrameWriter(near, time.Minute)
	go w.run()
	defer w.stop(errLinkClosed)
	bodies := [][]byte{[]byte("small"), bytes.Repeat([]byte{'L'}, 3<<20), []byte("after"), bytes.Repeat([]byte{'M'}, largeBody), nil}
	written := make(chan int, len(bodies))
	for i, b := range bodies {
		var h [responseHeader]byte
		if err := w.send(appendResponseHeader(h[:0], uint32(i), 200, len(b)+1), b, []byte{'.'}, func() { written <- i }); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case i := <-written:
		t.Fatalf("frame %d reported written before the peer read it", i)
	case <-time.After(50 * time.Millisecond):
	}
	r := bufio.NewReader(far)
	for i, b := range bodies {
		id, status, body, err := readResponseFrame(r)
		if err != nil || id != uint32(i) || status != 200 || !bytes.Equal(body, append(bytes.Clone(b), '.')) {
			t.Fatalf("frame %d: id %d, status %d, %d bytes, %v", i, id, status, len(body), err)
		}
	}
	for range bodies {
		select {
		case <-written:
		case <-time.After(10 * time.Second):
			t.Fatal("a written frame's owner was not told")
		}
	}
}
