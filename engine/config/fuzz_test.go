package config

import (
	"bytes"
	"errors"
	"testing"
)

var bencodeCases = []struct {
	name string
	in   string
	ok   bool
}{
	{"int", "i42e", true},
	{"negative", "i-42e", true},
	{"zero", "i0e", true},
	{"minus zero", "i-0e", false},
	{"leading zero", "i042e", false},
	{"empty int", "ie", false},
	{"int overflow", "i9223372036854775808e", false},
	{"string", "3:abc", true},
	{"empty string", "0:", true},
	{"string length leading zero", "03:abc", false},
	{"string too short", "5:abc", false},
	{"list", "li1e1:ae", true},
	{"dict", "d1:ai1e1:bi2ee", true},
	{"dict unsorted", "d1:bi1e1:ai2ee", false},
	{"dict duplicate", "d1:ai1e1:ai2ee", false},
	{"dict int key", "di1ei2ee", false},
	{"trailing", "i1ei2e", false},
	{"unterminated", "l", false},
	{"bad type", "x", false},
}

func TestBencode(t *testing.T) {
	for _, c := range bencodeCases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Decode([]byte(c.in))
			if (err == nil) != c.ok {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !errors.Is(err, ErrBencode) {
				t.Errorf("error %v is not ErrBencode", err)
			}
			if c.ok && string(Encode(v)) != c.in {
				t.Errorf("re-encoded %q", Encode(v))
			}
		})
	}
}

var messageCases = []struct {
	name string
	in   string
	ok   bool
}{
	{"empty", "d1:#i0e1:&de1:<le1:=dee", true},
	{"no lagged no diff", "d1:#i1e1:&d1:ai1eee", true},
	{"unknown keys kept", "d1:#i1e1:$i5e1:&d1:ai1ee1:;le1:<le1:=de1:zi1ee", true},
	{"key before #", "d1:!i1e1:#i1e1:&dee", false},
	{"no data", "d1:#i1ee", false},
	{"string seqno", "d1:#1:11:&dee", false},
	{"empty set in data", "d1:#i1e1:&d1:alee1:<le1:=dee", false},
	{"unsorted set", "d1:#i1e1:&d1:ali2ei1eee1:<le1:=dee", false},
	{"set string before int", "d1:#i1e1:&d1:al1:xi1eee1:<le1:=dee", false},
	{"empty subdict", "d1:#i1e1:&d1:adee1:<le1:=dee", false},
	{"lagged seqno too high", "d1:#i1e1:&de1:<lli1e32:01234567890123456789012345678901deee1:=dee", false},
	{"lagged short hash", "d1:#i2e1:&de1:<lli1e3:abcdeee1:=dee", false},
	{"lagged too old dropped", "d1:#i9e1:&de1:<lli1e32:01234567890123456789012345678901deee1:=dee", true},
	{"bad diff value", "d1:#i1e1:&de1:<le1:=d1:a1:xee", false},
	{"int in diff", "d1:#i1e1:&de1:<le1:=d1:ai1eee", false},
	{"set diff of one list", "d1:#i1e1:&de1:<le1:=d1:allee", false},
	{"key after ~", "d1:#i1e1:&de1:~64:0123456789012345678901234567890123456789012345678901234567890123" + "2:~~i1ee", false},
	{"short signature", "d1:#i1e1:&de1:~3:abce", false},
}

func TestParseMessage(t *testing.T) {
	for _, c := range messageCases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(c.in), nil)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			// Anything that parses re-serializes byte for byte, unknown keys included,
			// except for lagged rows outside the window, which libsession drops too.
			if c.name != "lagged too old dropped" && c.name != "no lagged no diff" && string(m.Serialize(nil)) != c.in {
				t.Errorf("re-serialized %q", m.Serialize(nil))
			}
		})
	}
}

// TestUnknownKeysSurviveEdit: keys Allium does not know, at the top and inside the data,
// are pushed back unchanged after an edit of something else.
func TestUnknownKeysSurviveEdit(t *testing.T) {
	_, id := loadUserProfile(t)
	m, err := ParseMessage([]byte("d1:#i3e1:$i5e1:&d1:n3:Bob2:~~d1:xi1eee1:<le1:=de1:zi1ee"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := New(UserProfile, id)
	c.msg = m
	c.Edit(func(d Dict) { d["n"] = "Rob" })
	out := string(c.msg.Serialize(nil))
	for _, want := range []string{"1:$i5e", "1:zi1e", "2:~~d1:xi1ee", "1:n3:Rob"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Errorf("%q missing from %q", want, out)
		}
	}
}

func TestCompressedPushRoundTrip(t *testing.T) {
	_, id := loadUserProfile(t)
	c := New(Contacts, id)
	c.Edit(func(d Dict) {
		cs := Dict{}
		for i := 0; i < 200; i++ {
			cs[string(rune('a'+i%26))+string(rune('A'+i/26))] = Dict{"n": "the same name again", "a": int64(1)}
		}
		d["c"] = cs
	})
	raw := c.msg.Serialize(nil)
	p, err := c.Push()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data) >= len(raw) {
		t.Errorf("push of %d bytes for a %d-byte config: not compressed", len(p.Data), len(raw))
	}
	d := New(Contacts, id)
	if rep := d.Merge([]Incoming{{"h", p.Data}}); rep.Bad != 0 || len(d.Data()["c"].(Dict)) != 200 {
		t.Fatalf("%+v", rep)
	}
}

func FuzzBencode(f *testing.F) {
	for _, c := range bencodeCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err != nil {
			return
		}
		// The reader accepts only canonical input, so what it reads re-encodes to itself.
		if !bytes.Equal(Encode(v), b) {
			t.Fatalf("%q re-encodes as %q", b, Encode(v))
		}
	})
}

func FuzzParseMessage(f *testing.F) {
	for _, c := range messageCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMessage(b, nil)
		if err != nil {
			return
		}
		again, err := ParseMessage(m.Serialize(nil), nil)
		if err != nil {
			t.Fatalf("re-serialization does not parse: %v", err)
		}
		if !bytes.Equal(again.Serialize(nil), m.Serialize(nil)) {
			t.Fatal("serialization is not stable")
		}
		_ = m.Increment().Serialize(nil)
	})
}

// FuzzMerge builds two divergent edits of one base from fuzz bytes and checks that merge
// does not depend on the order of its inputs (commutative) and that merging a result with
// its inputs again changes nothing (idempotent).
func FuzzMerge(f *testing.F) {
	f.Add([]byte("abc"), []byte("xyz"), []byte("a1"))
	f.Add([]byte(""), []byte("q"), []byte("zz"))
	f.Fuzz(func(t *testing.T, base, x, y []byte) {
		root := newMutable(1)
		edit(root.data, base)
		r1 := root.Increment()
		edit(r1.data, x)
		r2 := root.Increment()
		edit(r2.data, y)
		a, b := r1.Serialize(nil), r2.Serialize(nil)
		m1, err1 := mergeMessages([][]byte{a, b}, nil, nil, false)
		m2, err2 := mergeMessages([][]byte{b, a}, nil, nil, false)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		s1, s2 := m1.msg.Serialize(nil), m2.msg.Serialize(nil)
		if !bytes.Equal(s1, s2) {
			t.Fatalf("merge is not commutative:\n%q\n%q", s1, s2)
		}
		m3, err := mergeMessages([][]byte{s1, a, b, root.Serialize(nil)}, nil, nil, false)
		if err != nil || m3.unmerged != 0 {
			t.Fatalf("re-merge did not keep the merge: %v %d", err, m3.unmerged)
		}
		m4, _ := mergeMessages([][]byte{s1, s1}, nil, nil, false)
		if !bytes.Equal(m4.msg.Serialize(nil), s1) {
			t.Fatal("merge with itself changed it")
		}
	})
}

// edit applies a little program of fuzz bytes to d: each byte pair picks a key and an
// operation (set an int, set a string, delete, add to or remove from a set, nest).
func edit(d Dict, prog []byte) {
	for i := 0; i+1 < len(prog); i += 2 {
		k := string(rune('a' + prog[i]%6))
		v := int64(prog[i+1] % 8)
		switch prog[i+1] / 8 % 6 {
		case 0:
			d[k] = v
		case 1:
			d[k] = string(rune('A' + v))
		case 2:
			delete(d, k)
		case 3:
			s, _ := d[k].(List)
			d[k] = setInsert(s, v)
		case 4:
			if s, ok := d[k].(List); ok {
				d[k] = setRemove(s, v)
			}
		case 5:
			sub, ok := d[k].(Dict)
			if !ok {
				sub = Dict{}
				d[k] = sub
			}
			sub[string(rune('a'+v))] = v
		}
	}
	prune(d)
}

// FuzzUnwrap feeds the protobuf unwrapping, the multipart reader and the decompressor —
// the steps of reading a stored config that are not behind the decryption's
// authentication — with arbitrary bytes: they fail cleanly, never panic.
func FuzzUnwrap(f *testing.F) {
	_, id := loadUserProfileF(f)
	c := New(UserProfile, id)
	p, _ := c.Push()
	f.Add(p.Data)
	f.Add([]byte("l32:0123456789012345678901234567890112:\x00" + "1:\x02" + "3:abce"))
	f.Add(compressMessage(bytes.Repeat([]byte("d1:#i0ee"), 50))[1:])
	f.Fuzz(func(t *testing.T, b []byte) {
		unwrap(id, b, int(UserProfile))
		newPartStore().add(b)
		if out, err := decompress(b); err == nil && len(out) > maxConfigSize {
			t.Fatal("decompressed past the limit")
		}
		c.Merge([]Incoming{{Hash: "x", Data: b}})
	})
}
