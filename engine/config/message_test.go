package config

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func loadWave2(tb testing.TB) map[string]json.RawMessage {
	tb.Helper()
	b, err := os.ReadFile("testdata/wave2.json")
	if err != nil {
		tb.Fatal(err)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func sub(d Dict, k string) Dict {
	if s, ok := d[k].(Dict); ok {
		return s
	}
	s := Dict{}
	d[k] = s
	return s
}

func setAdd(d Dict, k string, vals ...any) {
	s, _ := d[k].(List)
	for _, v := range vals {
		s = setInsert(s, v)
	}
	d[k] = s
}

func setDel(d Dict, k string, vals ...any) {
	s, _ := d[k].(List)
	for _, v := range vals {
		s = setRemove(s, v)
	}
	d[k] = s
}

// h32 returns the bencoded "32:" prefix and hash bytes, as libsession's test strings
// splice them in.
func h32(h []byte) string { return "32:" + string(h) }

// TestMessageSerializationVector ports test_configdata.cpp "config message serialization".
func TestMessageSerializationVector(t *testing.T) {
	var v struct {
		M10    string            `json:"m10_serialized_utf8"`
		Hashes map[string]string `json:"hashes"`
		SK     string            `json:"signing_secret_key64"`
		Sig    string            `json:"signature"`
	}
	if err := json.Unmarshal(loadWave2(t)["config_message"], &v); err != nil {
		t.Fatal(err)
	}
	m := newMutable(10)
	m.data["foo"] = int64(123)
	m.data["bar"] = Dict{"asdf": int64(123), "xyz": "abc", "": List{int64(42), "a", "b"}}
	if got := string(m.Serialize(nil)); got != v.M10 {
		t.Fatalf("serialize:\n%q\nwant\n%q", got, v.M10)
	}
	check := func(name string, m *Message) {
		t.Helper()
		h := m.Hash()
		if got := hex.EncodeToString(h[:]); got != v.Hashes[name] {
			t.Errorf("%s = %s, want %s", name, got, v.Hashes[name])
		}
	}
	check("hash0_seqno10", m)
	m1 := m.Increment()
	delete(m1.data, "foo")
	check("hash1_seqno11", m1)
	m2 := m1.Increment()
	m2.data["foo"] = int64(123)
	bar := sub(m2.data, "bar")
	bar["xyz"] = int64(42)
	bar["a"] = int64(42)
	setAdd(bar, "", "c", int64(99))
	setDel(bar, "", "b")
	setAdd(bar, "", int64(42))
	check("hash2_seqno12", m2)
	h0, h1 := unhex(t, v.Hashes["hash0_seqno10"]), unhex(t, v.Hashes["hash1_seqno11"])
	want2 := "d1:#i12e1:&d3:bard0:li42ei99e1:a1:ce1:ai42e4:asdfi123e3:xyzi42ee3:fooi123ee" +
		"1:<l" + "li10e" + h32(h0) + "d3:bard0:lli42e1:a1:belee4:asdf0:3:xyz0:e3:foo0:e" + "e" +
		"li11e" + h32(h1) + "d3:foo1:-e" + "e" + "e" +
		"1:=d3:bard0:lli99e1:cel1:bee1:a0:3:xyz0:e3:foo0:ee"
	if got := string(m2.Serialize(nil)); got != want2 {
		t.Errorf("m2:\n%q\nwant\n%q", got, want2)
	}
	check("hash3_seqno13", m2.Increment())
	check("hash4_seqno14", m2.Increment().Increment())
	m5 := m2.Increment().Increment().Increment()
	check("hash5_seqno15", m5)

	// Round trip: parsing what we wrote gives the same bytes and hash.
	p, err := ParseMessage(m2.Serialize(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Serialize(nil)) != want2 || p.Hash() != m2.Hash() {
		t.Error("round trip changed the message")
	}
}

// TestMessageSignatureVector ports "config message signature".
func TestMessageSignatureVector(t *testing.T) {
	var v struct {
		M10 string `json:"m10_serialized_utf8"`
		SK  string `json:"signing_secret_key64"`
		Sig string `json:"signature"`
	}
	if err := json.Unmarshal(loadWave2(t)["config_message"], &v); err != nil {
		t.Fatal(err)
	}
	sk := unhex(t, v.SK)
	pub := sk[32:]
	signer := func(msg []byte) []byte { return ed25519Sign(sk, msg) }
	m := newMutable(10)
	m.data["foo"] = int64(123)
	m.data["bar"] = Dict{"asdf": int64(123), "xyz": "abc", "": List{int64(42), "a", "b"}}
	got := m.Serialize(signer)
	want := v.M10[:len(v.M10)-1] + "1:~64:" + string(unhex(t, v.Sig)) + "e"
	if string(got) != want {
		t.Fatalf("signed:\n%q\nwant\n%q", got, want)
	}
	p, err := ParseMessage(got, VerifyWith(pub))
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Serialize(nil)) != want {
		t.Error("signed round trip differs")
	}
	broken := []byte(want)
	broken[len(broken)-2] ^= 0x10
	if _, err := ParseMessage(broken, VerifyWith(pub)); err != ErrSignature {
		t.Errorf("broken signature: %v", err)
	}
	if _, err := mergeMessages([][]byte{broken, broken}, VerifyWith(pub), nil, false); err != ErrNoConfigs {
		t.Errorf("two broken: %v", err)
	}
	r, err := mergeMessages([][]byte{broken, []byte(want)}, VerifyWith(pub), signer, false)
	if err != nil || r.unmerged != 1 || r.msg.Seqno() != 10 {
		t.Errorf("broken + good: %+v %v", r, err)
	}
	if _, err := ParseMessage([]byte(v.M10), VerifyWith(pub)); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("unsigned: %v", err)
	}
}
