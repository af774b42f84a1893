package config

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"allium/crypto"
)

type userProfileVector struct {
	Seed       string `json:"seed"`
	EdPK       string `json:"ed25519_pk"`
	Domain     string `json:"domain"`
	Seqno0     string `json:"seqno0_serialized_utf8"`
	Seqno0Hash string `json:"seqno0_hash"`
	Wrapped    string `json:"seqno0_push_protobuf_wrapped"`
	WrappedLen int    `json:"seqno0_push_protobuf_wrapped_len"`
	Seqno1     string `json:"seqno1_plaintext_bencode_printable"`
	Seqno1Len  int    `json:"seqno1_plaintext_len"`
	Seqno1Pad  int    `json:"seqno1_prefix_zero_padding"`
	Seqno1Enc  string `json:"seqno1_encrypted_raw"`
}

func loadUserProfile(t *testing.T) (userProfileVector, *crypto.Identity) {
	return loadUserProfileF(t)
}

func loadUserProfileF(t testing.TB) (userProfileVector, *crypto.Identity) {
	t.Helper()
	var v userProfileVector
	if err := json.Unmarshal(loadWave2(t)["user_profile"], &v); err != nil {
		t.Fatal(err)
	}
	id := crypto.NewIdentityFromEd25519Seed([32]byte(unhex(t, v.Seed)))
	if hex.EncodeToString(id.Ed25519PublicKey()) != v.EdPK {
		t.Fatal("identity differs from the vector's")
	}
	return v, id
}

func kallie(d Dict) {
	d["n"] = "Kallie"
	d["p"] = "http://example.org/omg-pic-123.bmp"
	d["q"] = "secret78901234567890123456789012"
	d["+"] = int64(9)
}

// TestUserProfileVectors ports test_config_userprofile.cpp "user profile C API": the
// seqno-0 push byte for byte (padding, encryption, deterministic sealed box, protobuf
// wrap) and the seqno-1 message and its encryption.
func TestUserProfileVectors(t *testing.T) {
	v, id := loadUserProfile(t)
	c := New(UserProfile, id)
	if got := string(c.msg.Serialize(nil)); got != v.Seqno0 {
		t.Fatalf("seqno 0: %q", got)
	}
	h0 := c.msg.Hash()
	if hex.EncodeToString(h0[:]) != v.Seqno0Hash {
		t.Fatalf("seqno 0 hash %x", h0)
	}
	p, err := c.Push()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != v.WrappedLen || hex.EncodeToString(p.Data) != v.Wrapped {
		t.Fatalf("seqno-0 push (%d bytes):\n%x\nwant\n%s", len(p.Data), p.Data, v.Wrapped)
	}

	if !c.Edit(kallie) {
		t.Fatal("edit changed nothing")
	}
	if c.Seqno() != 1 || c.State() != Dirty {
		t.Fatalf("seqno %d state %d", c.Seqno(), c.State())
	}
	msg := c.msg.Serialize(nil)
	want := strings.Replace(v.Seqno1, "<seqno0_hash raw 32 bytes>", string(h0[:]), 1)
	if string(msg) != want || len(msg) != v.Seqno1Len {
		t.Fatalf("seqno 1:\n%q\nwant\n%q", msg, want)
	}
	padded := append(make([]byte, v.Seqno1Pad), msg...)
	if crypto.ConfigPaddedSize(len(msg), crypto.ConfigOverhead) != len(padded) {
		t.Fatalf("padding %d", crypto.ConfigPaddedSize(len(msg), crypto.ConfigOverhead)-len(msg))
	}
	enc, err := crypto.EncryptConfig(&c.keyBase, v.Domain, padded)
	if err != nil || hex.EncodeToString(enc) != v.Seqno1Enc {
		t.Fatalf("seqno-1 encryption %x %v", enc, err)
	}
	// What Push stores opens to the same message (compressed or not).
	p1, err := c.Push()
	if err != nil {
		t.Fatal(err)
	}
	opened, err := New(UserProfile, id).open(p1.Data)
	if err != nil || !bytes.Equal(opened, msg) {
		t.Fatalf("open: %q %v", opened, err)
	}
	// The raw encryption of libsession's test, unwrapped, merges as seqno 1.
	other := New(UserProfile, id)
	rep := other.Merge([]Incoming{{Hash: "h1", Data: unhex(t, v.Seqno1Enc)}})
	if rep.Bad != 0 || !rep.Changed || other.Seqno() != 1 || other.Data()["n"] != "Kallie" || other.CurrentHash() != "h1" {
		t.Fatalf("merge of the vector: %+v seqno %d", rep, other.Seqno())
	}
}

// TestTwoDevicesConverge plays libsession's two-client conflict: both edit from the same
// state, exchange pushes, and end with the same data and the same message.
func TestTwoDevicesConverge(t *testing.T) {
	_, id := loadUserProfile(t)
	a, b := New(UserProfile, id), New(UserProfile, id)
	a.Edit(kallie)
	pa, _ := a.Push()
	a.ConfirmPushed(pa.Seqno, "hash-a1")
	b.Merge([]Incoming{{"hash-a1", pa.Data}})
	if b.Seqno() != 1 || b.CurrentHash() != "hash-a1" || b.NeedsPush() {
		t.Fatalf("b did not adopt a's push: seqno %d", b.Seqno())
	}
	a.Edit(func(d Dict) { d["n"] = "Nibbler" })
	b.Edit(func(d Dict) { d["q"] = "secret00000000000000000000000000"; d["p"] = "http://new.example.org/pic" })
	pa, _ = a.Push()
	pb, _ := b.Push()
	if len(pa.Obsolete) != 1 || pa.Obsolete[0] != "hash-a1" {
		t.Errorf("a's push deletes %v", pa.Obsolete)
	}
	a.ConfirmPushed(pa.Seqno, "hash-a2")
	b.ConfirmPushed(pb.Seqno, "hash-b2")
	both := []Incoming{{"hash-a2", pa.Data}, {"hash-b2", pb.Data}}
	a.Merge(both)
	b.Merge([]Incoming{both[1], both[0]})
	if a.Seqno() != 3 || b.Seqno() != 3 {
		t.Fatalf("seqnos %d %d", a.Seqno(), b.Seqno())
	}
	if !bytes.Equal(a.msg.Serialize(nil), b.msg.Serialize(nil)) {
		t.Fatal("merges differ")
	}
	d := a.Data()
	if d["n"] != "Nibbler" || d["p"] != "http://new.example.org/pic" || d["+"] != int64(9) {
		t.Fatalf("merged data %v", d)
	}
	pa, _ = a.Push()
	if !slices_contains(pa.Obsolete, "hash-a2") || !slices_contains(pa.Obsolete, "hash-b2") {
		t.Errorf("merge push deletes %v", pa.Obsolete)
	}
}

func slices_contains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func TestMergeIgnoresBadInput(t *testing.T) {
	_, id := loadUserProfile(t)
	c := New(UserProfile, id)
	c.Edit(kallie)
	p, _ := c.Push()
	c.ConfirmPushed(p.Seqno, "good")
	before := c.msg.Serialize(nil)
	other := crypto.NewIdentityFromEd25519Seed([32]byte{9})
	foreign, _ := New(UserProfile, other).Push()
	wrongKind := New(Contacts, id)
	wrongKind.Edit(func(d Dict) { d["c"] = Dict{"x": Dict{"n": "y"}} })
	wk, _ := wrongKind.Push()
	tampered := bytes.Clone(p.Data)
	tampered[len(tampered)-5] ^= 1
	rep := c.Merge([]Incoming{{"a", []byte("garbage")}, {"b", foreign.Data}, {"c", wk.Data}, {"d", tampered}, {"e", nil}})
	if rep.Bad != 5 || rep.Changed || len(rep.Accepted) != 0 {
		t.Errorf("report %+v", rep)
	}
	if !bytes.Equal(c.msg.Serialize(nil), before) || c.CurrentHash() != "good" || c.NeedsPush() {
		t.Error("bad input changed the config")
	}
}

func TestDumpLoad(t *testing.T) {
	_, id := loadUserProfile(t)
	c := New(UserProfile, id)
	c.Edit(kallie)
	p, _ := c.Push()
	c.ConfirmPushed(p.Seqno, "h1")
	c.Edit(func(d Dict) { d["n"] = "Other" })
	l, err := Load(UserProfile, id, c.Dump())
	if err != nil {
		t.Fatal(err)
	}
	if l.State() != Dirty || l.Seqno() != 3 || l.Data()["n"] != "Other" {
		t.Fatalf("state %d seqno %d", l.State(), l.Seqno())
	}
	lp, _ := l.Push()
	if len(lp.Obsolete) != 1 || lp.Obsolete[0] != "h1" {
		t.Errorf("obsolete %v", lp.Obsolete)
	}
	l.ConfirmPushed(lp.Seqno, "h3")
	again, err := Load(UserProfile, id, l.Dump())
	if err != nil || again.State() != Clean || again.CurrentHash() != "h3" || again.Seqno() != 3 {
		t.Fatalf("clean reload: %v", err)
	}
	if _, err := Load(UserProfile, id, []byte("d1:!i1ee")); err == nil {
		t.Error("bad dump accepted")
	}
}

// TestUserProfileConflictScenario replays test_config_userprofile.cpp's two-client
// conflict: both devices change the name at seqno 2, one also the picture, the
// Note-to-Self timer and the blinded-request flag; after exchanging pushes both resolve
// at seqno 3 to the same data, with "Nibbler" winning as in libsession's run: the winner
// is chosen by the messages' hashes, so this checks that Allium orders them as
// libsession does.
func TestUserProfileConflictScenario(t *testing.T) {
	v, id := loadUserProfile(t)
	conf := New(UserProfile, id)
	conf.Edit(kallie)
	p1, _ := conf.Push()
	conf.ConfirmPushed(p1.Seqno, "fakehash1")
	conf2 := New(UserProfile, id)
	rep := conf2.Merge([]Incoming{{"fakehash1", unhex(t, v.Seqno1Enc)}})
	if len(rep.Accepted) != 1 || conf2.NeedsPush() {
		t.Fatalf("conf2 after the first merge: %+v, needs push %v", rep, conf2.NeedsPush())
	}
	conf.Edit(func(d Dict) { SetProfileName(d, "Nibbler") })
	conf2.Edit(func(d Dict) {
		SetProfileName(d, "Raz")
		SetProfilePic(d, "http://new.example.com/pic", []byte("qwert\x00yuio1234567890123456789012"))
		d["e"] = int64(86400)
		d["M"] = int64(1)
	})
	push, _ := conf.Push()
	conf2.ConfirmPushed(push.Seqno, "fakehash2") // as in the test: ignored, conf2 has not pushed
	push2, _ := conf2.Push()
	conf2.ConfirmPushed(push2.Seqno, "fakehash3")
	if push.Seqno != 2 || push2.Seqno != 2 {
		t.Fatalf("seqnos %d %d", push.Seqno, push2.Seqno)
	}
	conf2.Merge([]Incoming{{"fakehash2", push.Data}})
	conf.Merge([]Incoming{{"fakehash3", push2.Data}})
	a, _ := conf.Push()
	b, _ := conf2.Push()
	if a.Seqno != 3 || b.Seqno != 3 || !conf.NeedsPush() || !conf2.NeedsPush() {
		t.Fatalf("after the merge: seqnos %d %d", a.Seqno, b.Seqno)
	}
	for i, c := range []*Config{conf, conf2} {
		p := ReadProfile(c.Data())
		if p.Name != "Nibbler" || p.PicURL != "http://new.example.com/pic" ||
			hex.EncodeToString(p.PicKey) != "7177657274007975696f31323334353637383930313233343536373839303132" ||
			p.NTSPriority != 9 || p.NTSExpiry != 86400 || c.Data()["M"] != int64(1) {
			t.Errorf("client %d resolved to %+v", i+1, p)
		}
	}
	if !bytes.Equal(Encode(conf.Data()), Encode(conf2.Data())) {
		t.Error("the clients resolved differently")
	}
	// libsession's test confirms both pushes with one hash: they are the same bytes.
	if !bytes.Equal(a.Data, b.Data) {
		t.Error("the two merge pushes differ")
	}
}

// TestPushSizeLimits: a config whose wrap would not fit is pushed unwrapped, and one that
// does not fit at all is refused without changing state.
func TestPushSizeLimits(t *testing.T) {
	_, id := loadUserProfile(t)
	rnd := func(n int, seed byte) string {
		b := make([]byte, n)
		x := uint32(seed) + 1
		for i := range b {
			x = x*1664525 + 1013904223
			b[i] = byte(x >> 24)
		}
		return string(b)
	}
	// Incompressible data of about the limit: the 40-byte encryption overhead fits, the
	// protobuf wrap does not.
	c := New(Contacts, id)
	c.Edit(func(d Dict) { d["x"] = rnd(76_600, 1) })
	p, err := c.Push()
	if err != nil || len(p.Data) > maxMessageSize {
		t.Fatalf("push of %d bytes: %v", len(p.Data), err)
	}
	if _, err := unwrap(id, p.Data, int(Contacts)); err == nil {
		t.Error("an oversized wrap was pushed")
	}
	if rep := New(Contacts, id).Merge([]Incoming{{"h", p.Data}}); rep.Bad != 0 || !rep.Changed {
		t.Errorf("unwrapped push not read: %+v", rep)
	}
	big := New(Contacts, id)
	big.Edit(func(d Dict) { d["x"] = rnd(80_000, 2) })
	if _, err := big.Push(); err != ErrTooLarge || big.State() != Dirty {
		t.Errorf("too large: %v, state %d", err, big.State())
	}
}
