package config

import (
	"testing"

	"golang.org/x/crypto/blake2b"

	"allium/crypto"
)

// multipartOf splits a config message as config-sync.md §2.2 describes: parts of
// 'm' ‖ bencode([hash32, index, count, chunk]), each encrypted alone.
func multipartOf(t *testing.T, c *Config, msg []byte, count int) [][]byte {
	t.Helper()
	whole := append(make([]byte, 7), msg...) // some leading zero padding, as a sender pads
	h := blake2b.Sum256(whole)
	size := (len(whole) + count - 1) / count
	var out [][]byte
	for i := 0; i < count; i++ {
		chunk := whole[i*size : min((i+1)*size, len(whole))]
		part := append([]byte{'m'}, Encode(List{string(h[:]), string([]byte{byte(i)}), string([]byte{byte(count)}), string(chunk)})...)
		enc, err := crypto.EncryptConfig(&c.keyBase, c.kind.Domain(), part)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, enc)
	}
	return out
}

func TestMultipartJoin(t *testing.T) {
	_, id := loadUserProfile(t)
	src := New(Contacts, id)
	src.Edit(func(d Dict) { SetContact(d, Contact{SessionID: sid(9), Name: "Big", Approved: true}) })
	msg := src.msg.Serialize(nil)

	cases := []struct {
		name  string
		parts func(p [][]byte) [][]byte
		ok    bool
	}{
		{"in order", func(p [][]byte) [][]byte { return p }, true},
		{"reversed", func(p [][]byte) [][]byte { return [][]byte{p[2], p[1], p[0]} }, true},
		{"one missing", func(p [][]byte) [][]byte { return p[:2] }, false},
		{"duplicate part", func(p [][]byte) [][]byte { return [][]byte{p[0], p[0], p[1], p[2]} }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := New(Contacts, id)
			parts := c.parts(multipartOf(t, dst, msg, 3))
			var in []Incoming
			for i, p := range parts {
				in = append(in, Incoming{Hash: string(rune('a' + i)), Data: p})
			}
			rep := dst.Merge(in)
			_, got := GetContact(dst.Data(), sid(9))
			if got != c.ok || rep.Bad != 0 {
				t.Errorf("joined %v, report %+v", got, rep)
			}
		})
	}

	// Parts of two different configs never join.
	dst := New(Contacts, id)
	parts := multipartOf(t, dst, msg, 2)
	other := multipartOf(t, dst, append([]byte("d1:#i1e1:&de1:<le1:=dee"), ' '), 2)
	if rep := dst.Merge([]Incoming{{"a", parts[0]}, {"b", other[1]}}); len(dst.Data()) != 0 || rep.Changed {
		t.Errorf("mixed parts merged: %+v", rep)
	}
}
