package config

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
)

// Values of the bencode model: int64, string (bytes, not necessarily UTF-8), List and
// Dict. Config data uses a List as a set (sorted, unique scalars).
type (
	// List is a bencoded list.
	List = []any
	// Dict is a bencoded dictionary; keys are encoded in byte order.
	Dict = map[string]any
)

// maxDepth bounds nesting, so that hostile input cannot exhaust the stack. Configs nest at
// most five levels (UserGroups' communities: o → url → R → room → key).
const maxDepth = 32

// Encode returns the canonical bencoding of v.
func Encode(v any) []byte { return appendValue(nil, v) }

func appendValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case int64:
		dst = append(dst, 'i')
		dst = strconv.AppendInt(dst, x, 10)
		return append(dst, 'e')
	case int:
		return appendValue(dst, int64(x))
	case string:
		return appendString(dst, x)
	case List:
		dst = append(dst, 'l')
		for _, e := range x {
			dst = appendValue(dst, e)
		}
		return append(dst, 'e')
	case Dict:
		dst = append(dst, 'd')
		for _, k := range sortedKeys(x) {
			dst = appendString(dst, k)
			dst = appendValue(dst, x[k])
		}
		return append(dst, 'e')
	}
	panic(fmt.Sprintf("config: cannot bencode %T", v))
}

func appendString(dst []byte, s string) []byte {
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	dst = append(dst, ':')
	return append(dst, s...)
}

func sortedKeys(d Dict) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Decode parses exactly one canonical bencoded value that fills b.
func Decode(b []byte) (any, error) {
	r := reader{b: b}
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	if r.pos != len(b) {
		return nil, fmt.Errorf("%w: trailing bytes", ErrBencode)
	}
	return v, nil
}

// reader is a strict bencode reader: integers without leading zeros or "-0", string
// lengths without leading zeros, dictionary keys strictly ascending, as oxenc's
// bt_deserialize requires.
type reader struct {
	b   []byte
	pos int
}

func (r *reader) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrBencode, what, r.pos)
}

func (r *reader) peek() (byte, bool) {
	if r.pos >= len(r.b) {
		return 0, false
	}
	return r.b[r.pos], true
}

func (r *reader) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, r.fail("nested too deeply")
	}
	c, ok := r.peek()
	if !ok {
		return nil, r.fail("unexpected end")
	}
	switch {
	case c == 'i':
		return r.integer()
	case c >= '0' && c <= '9':
		return r.str()
	case c == 'l':
		r.pos++
		l := List{}
		for {
			c, ok := r.peek()
			if !ok {
				return nil, r.fail("unterminated list")
			}
			if c == 'e' {
				r.pos++
				return l, nil
			}
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
	case c == 'd':
		r.pos++
		d := Dict{}
		prev, first := "", true
		for {
			c, ok := r.peek()
			if !ok {
				return nil, r.fail("unterminated dict")
			}
			if c == 'e' {
				r.pos++
				return d, nil
			}
			k, err := r.str()
			if err != nil {
				return nil, err
			}
			if !first && k <= prev {
				return nil, r.fail("dict keys out of order")
			}
			prev, first = k, false
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			d[k] = v
		}
	}
	return nil, r.fail("invalid value type")
}

func (r *reader) integer() (int64, error) {
	r.pos++ // 'i'
	end := bytes.IndexByte(r.b[r.pos:], 'e')
	if end < 0 {
		return 0, r.fail("unterminated integer")
	}
	digits := r.b[r.pos : r.pos+end]
	if !canonicalInt(digits) {
		return 0, r.fail("non-canonical integer")
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, r.fail("integer out of range")
	}
	r.pos += end + 1
	return n, nil
}

func canonicalInt(d []byte) bool {
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
		if len(d) > 0 && d[0] == '0' {
			return false // "-0" and "-01"
		}
	}
	if len(d) == 0 || (d[0] == '0' && len(d) > 1) {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (r *reader) str() (string, error) {
	colon := bytes.IndexByte(r.b[r.pos:], ':')
	if colon < 0 || colon > 10 {
		return "", r.fail("invalid string length")
	}
	digits := r.b[r.pos : r.pos+colon]
	if !canonicalInt(digits) || digits[0] == '-' {
		return "", r.fail("invalid string length")
	}
	n, _ := strconv.Atoi(string(digits))
	start := r.pos + colon + 1
	if n > len(r.b)-start {
		return "", r.fail("string runs past the end")
	}
	r.pos = start + n
	return string(r.b[start:r.pos]), nil
}
