package config

import (
	"encoding/hex"
	"testing"
)

// The golden histories below are libsession-util's tests/test_configdata.cpp examples 1–4
// (the "Ordinary update", "Large update", "Simple conflict" and "Complex conflict
// resolution" walk-throughs of docs/config-merge-logic.md), with their hashes.
var (
	h119  = "43094f68c1faa37eff79e1c2f3973ffd5f9d6423b00ccda306fc6e7dac5f0c44"
	h120  = "e3a237f91014d31e4d30569c4a8bfcd72157804f99b8732c611c48bf126432b5"
	h121  = "1a7f602055124deaf21175ef3f32983dee7c9de570e5d9c9a0bbc2db71dcb97f"
	h122  = "46560604fe352101bb869435260d7100ccfe007be5f741c7e96303f02f394e8a"
	h123  = "d9398c597b058ac7e28e3febb76ed68eb8c5b6c369610562ab5f2b596775d73c"
	h124  = "8b73f316178765b9b3b37168e865c84bb5a78610cbb59b84d0fa4d3b4b3c102b"
	h125a = "80f229c3667de6d0fa6f96b53118e097fbda82db3ca1aea221a3db91ea9c45fb"
	h125b = "ab12f0efe9a9ed00db6b17b44ae0ff36b9f49094077fb114f415522f2a0e98de"
)

func data118() Dict {
	return Dict{
		"dictB":   Dict{"changed": int64(-1), "foo": int64(123), "removed": "x", "removed2": "y"},
		"dictC":   Dict{"x": Dict{"y": int64(1)}},
		"good":    List{int64(99), int64(456), "bar"},
		"great":   List{int64(-42), "omg"},
		"int0":    int64(-9999),
		"int1":    int64(100),
		"string1": "hello",
		"string2": "goodbye",
	}
}

func hx(tb testing.TB, s string) string { return h32(unhex(tb, s)) }

func m123Expected(t testing.TB) string {
	return "d1:#i123e1:&d5:dictBd7:changedi-1e3:fooi123e7:removed1:x8:removed21:ye" +
		"5:dictCd1:xd1:yi1eee4:goodli99ei456e3:bare5:greatli-42e3:omge4:int1i1e4:int2i2e" +
		"7:string15:hello7:string27:goodbyee" +
		"1:<l" + "li119e" + hx(t, h119) + "dee" + "li120e" + hx(t, h120) + "dee" +
		"li121e" + hx(t, h121) + "dee" + "li122e" + hx(t, h122) + "dee" + "e" +
		"1:=d4:int01:-4:int10:4:int20:ee"
}

const diff124 = "d5:dictAd7:goodbyelli123ei456eelee5:hello0:e" +
	"5:dictBd5:added0:7:changed0:6:nestedd1:a0:e7:removed1:-8:removed21:-e" +
	"5:dictCd1:xd1:y1:-ee4:goodlli123e3:Fooeli456eee5:greatlleli-42e3:omgee" +
	"4:int10:7:string11:-7:string20:7:string30:e"

func updates124(m *Message) {
	m.data["dictA"] = Dict{"hello": int64(123), "goodbye": List{int64(123), int64(456)}}
	b := sub(m.data, "dictB")
	b["changed"] = int64(1)
	b["added"] = int64(9999)
	b["nested"] = Dict{"a": int64(1)}
	delete(b, "removed")
	delete(b, "removed2")
	delete(m.data, "dictC")
	setAdd(m.data, "good", "Foo")
	setDel(m.data, "good", int64(456))
	setAdd(m.data, "good", int64(123))
	m.data["int1"] = int64(42)
	delete(m.data, "string1")
	m.data["string2"] = "hello"
	m.data["string3"] = "omg"
	delete(m.data, "great")
}

func hashHex(m *Message) string { h := m.Hash(); return hex.EncodeToString(h[:]) }

func mustMerge(t *testing.T, mutable bool, msgs ...[]byte) mergeResult {
	t.Helper()
	r, err := mergeMessages(msgs, nil, nil, mutable)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mutableFrom(t *testing.T, b []byte) *Message {
	t.Helper()
	return mustMerge(t, true, b).msg
}

func TestExample1OrdinaryUpdate(t *testing.T) {
	m := newMutable(118)
	m.data = data118()
	want118 := "d1:#i118e1:&d5:dictBd7:changedi-1e3:fooi123e7:removed1:x8:removed21:ye" +
		"5:dictCd1:xd1:yi1eee4:goodli99ei456e3:bare5:greatli-42e3:omge4:int0i-9999e4:int1i100e" +
		"7:string15:hello7:string27:goodbyee1:<le" +
		"1:=d5:dictBd7:changed0:3:foo0:7:removed0:8:removed20:e5:dictCd1:xd1:y0:ee" +
		"4:goodlli99ei456e3:barelee5:greatlli-42e3:omgelee4:int00:4:int10:7:string10:7:string20:ee"
	if got := string(m.Serialize(nil)); got != want118 {
		t.Fatalf("m118:\n%q\nwant\n%q", got, want118)
	}
	for _, h := range []string{h119, h120, h121, h122} {
		m = m.Increment()
		if got := hashHex(m); got != h {
			t.Fatalf("seqno %d: %s, want %s", m.Seqno(), got, h)
		}
	}
	m = m.Increment()
	m.data["int1"] = int64(1)
	m.data["int2"] = int64(2)
	delete(m.data, "int0")
	m.data["string1"] = "hello" // unchanged: not in the diff
	if got := string(m.Serialize(nil)); got != m123Expected(t) {
		t.Fatalf("m123:\n%q\nwant\n%q", got, m123Expected(t))
	}
	if hashHex(m) != h123 {
		t.Errorf("h123 = %s", hashHex(m))
	}
}

func TestExample2LargeUpdate(t *testing.T) {
	m := mutableFrom(t, []byte(m123Expected(t)))
	if m.Seqno() != 124 {
		t.Fatalf("seqno %d", m.Seqno())
	}
	updates124(m)
	want := "d1:#i124e1:&d5:dictAd7:goodbyeli123ei456ee5:helloi123ee" +
		"5:dictBd5:addedi9999e7:changedi1e3:fooi123e6:nestedd1:ai1eee" +
		"4:goodli99ei123e3:Foo3:bare4:int1i42e4:int2i2e7:string25:hello7:string33:omge" +
		"1:<l" + "li120e" + hx(t, h120) + "dee" + "li121e" + hx(t, h121) + "dee" +
		"li122e" + hx(t, h122) + "dee" + "li123e" + hx(t, h123) + "d4:int01:-4:int10:4:int20:ee" + "e" +
		"1:=" + diff124 + "e"
	if got := string(m.Serialize(nil)); got != want {
		t.Fatalf("m124:\n%q\nwant\n%q", got, want)
	}
	if hashHex(m) != h124 {
		t.Errorf("h124 = %s", hashHex(m))
	}
}

func m126Expected(t testing.TB) string {
	return "d1:#i126e1:&d5:dictAd7:goodbyeli123ei456ee5:helloi123ee" +
		"5:dictBd5:addedi9999e7:changedi1e6:nestedd1:ai1eee" +
		"4:goodli99ei123e3:Foo3:bare4:int1i5e4:int2i2e7:string25:hello7:string33:omge" +
		"1:<l" + "li122e" + hx(t, h122) + "dee" +
		"li123e" + hx(t, h123) + "d4:int01:-4:int10:4:int20:ee" +
		"li124e" + hx(t, h124) + diff124 + "e" +
		"li125e" + hx(t, h125a) + "d5:dictBd3:foo1:-eee" +
		"li125e" + hx(t, h125b) + "d4:int10:ee" + "e" +
		"1:=dee"
}

func TestExample3SimpleConflict(t *testing.T) {
	m124 := mutableFrom(t, []byte(m123Expected(t)))
	updates124(m124)
	if hashHex(m124) != h124 {
		t.Fatalf("h124 = %s", hashHex(m124))
	}
	a := m124.Increment()
	delete(sub(a.data, "dictB"), "foo")
	b := m124.Increment()
	b.data["int1"] = int64(5)
	if hashHex(a) != h125a || hashHex(b) != h125b {
		t.Fatalf("h125a = %s, h125b = %s", hashHex(a), hashHex(b))
	}
	old := newMutable(118).Increment().Increment()
	old.data["too old"] = "won't see"
	want := m126Expected(t)
	for name, in := range map[string][][]byte{
		"a b":         {a.Serialize(nil), b.Serialize(nil)},
		"b a":         {b.Serialize(nil), a.Serialize(nil)},
		"124 b a":     {m124.Serialize(nil), b.Serialize(nil), a.Serialize(nil)},
		"b a 124":     {b.Serialize(nil), a.Serialize(nil), m124.Serialize(nil)},
		"b 120b a":    {b.Serialize(nil), old.Serialize(nil), a.Serialize(nil)},
		"b a a dupes": {b.Serialize(nil), a.Serialize(nil), a.Serialize(nil)},
	} {
		r := mustMerge(t, false, in...)
		if r.unmerged != -1 || r.msg.Seqno() != 126 {
			t.Errorf("%s: unmerged %d seqno %d", name, r.unmerged, r.msg.Seqno())
		}
		if got := string(r.msg.Serialize(nil)); got != want {
			t.Errorf("%s:\n%q\nwant\n%q", name, got, want)
		}
	}
}

func TestExample4ComplexConflict(t *testing.T) {
	m123, err := ParseMessage([]byte(m123Expected(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	a124 := m123.Increment()
	sub(a124.data, "dictB")["foo"] = int64(66)
	sub(a124.data, "dictB")["answer"] = int64(42)
	b124 := m123.Increment()
	updates124(b124)
	if hashHex(b124) != h124 {
		t.Fatalf("h124 = %s", hashHex(b124))
	}
	a125 := b124.Increment()
	delete(sub(a125.data, "dictB"), "foo")
	b125 := b124.Increment()
	b125.data["int1"] = int64(5)
	m126a := mustMerge(t, false, a125.Serialize(nil), b125.Serialize(nil)).msg
	old := newMutable(118).Increment().Increment()
	old.data["too old"] = "won't see"
	m126b := mustMerge(t, false, b125.Serialize(nil), a124.Serialize(nil), a125.Serialize(nil),
		m123.Serialize(nil), old.Serialize(nil)).msg
	if hashHex(a124) >= hashHex(b124) || hashHex(m126a) >= hashHex(m126b) {
		t.Fatal("hash order differs from libsession's test")
	}
	m127 := mustMerge(t, true, m126a.Serialize(nil), m126b.Serialize(nil)).msg
	setAdd(sub(m127.data, "dictA"), "goodbye", int64(789))
	if m127.Seqno() != 127 {
		t.Fatalf("seqno %d", m127.Seqno())
	}
	want := "d1:#i127e1:&d5:dictAd7:goodbyeli123ei456ei789ee5:helloi123ee" +
		"5:dictBd5:addedi9999e6:answeri42e7:changedi1e6:nestedd1:ai1eee" +
		"4:goodli99ei123e3:Foo3:bare4:int1i5e4:int2i2e7:string25:hello7:string33:omge" +
		"1:<l" +
		"li123e" + hx(t, h123) + "d4:int01:-4:int10:4:int20:ee" +
		"li124e" + hx(t, hashHex(a124)) + "d5:dictBd6:answer0:3:foo0:eee" +
		"li124e" + hx(t, h124) + diff124 + "e" +
		"li125e" + hx(t, h125a) + "d5:dictBd3:foo1:-eee" +
		"li125e" + hx(t, h125b) + "d4:int10:ee" +
		"li126e" + hx(t, hashHex(m126a)) + "dee" +
		"li126e" + hx(t, hashHex(m126b)) + "dee" + "e" +
		"1:=d5:dictAd7:goodbyelli789eeleeeee"
	if got := string(m127.Serialize(nil)); got != want {
		t.Fatalf("m127:\n%q\nwant\n%q", got, want)
	}
	alt := mustMerge(t, false, m127.Serialize(nil), a125.Serialize(nil), m126b.Serialize(nil))
	if alt.msg.Seqno() != 127 || alt.msg.Hash() != m127.Hash() {
		t.Errorf("re-merge: seqno %d", alt.msg.Seqno())
	}
}
