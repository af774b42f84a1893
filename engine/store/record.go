package store

import (
	"encoding/binary"
	"fmt"
)

// Messages and outbox items are stored in a small binary format rather than JSON: a
// conversation's page is decoded on every scroll, and the binary record is about a third
// of the size and several times faster to read (BenchmarkMessageRecord). Each record starts
// with a format byte, so a later layout can be told apart. Strings and byte strings are
// uvarint length ‖ bytes; integers that are usually small or zero are varints.

// appendString appends a length-prefixed string.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads a record. The first problem is kept in err and later reads return zero
// values, so a caller checks err once at the end.
type decoder struct {
	b    []byte
	what string // "message" or "outbox item", for the error
	err  error
}

func (d *decoder) fail(reason string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s record %s", ErrCorrupt, d.what, reason)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("too short")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// fixed returns the next n bytes, pointing into the record.
func (d *decoder) fixed(n int) []byte {
	if len(d.b) < n {
		d.fail("too short")
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("has a bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("has a bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns a length-prefixed byte string, pointing into the record.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("has a bad length")
		return nil
	}
	return d.fixed(int(n))
}

// string returns a length-prefixed string, copied out of the record.
func (d *decoder) string() string {
	p := d.bytes()
	if len(p) == 0 {
		return ""
	}
	return string(p)
}

// finish reports the first problem, or trailing bytes that no field claimed.
func (d *decoder) finish() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("has trailing bytes")
	}
	return d.err
}
