package config

import (
	"fmt"
	"testing"

	"allium/crypto"
)

func contactID(i int) crypto.SessionID {
	var s crypto.SessionID
	s[0] = 0x05
	s[1], s[2] = byte(i>>8), byte(i)
	for j := 3; j < len(s); j++ {
		s[j] = byte(i*7 + j)
	}
	return s
}

// contactsConfig is a clean Contacts config of n contacts, as a restore leaves it.
func contactsConfig(tb testing.TB, n int) *Config {
	id := crypto.NewIdentityFromEd25519Seed([32]byte{7})
	c := New(Contacts, id)
	c.Edit(func(d Dict) {
		for i := 0; i < n; i++ {
			SetContact(d, Contact{SessionID: contactID(i), Name: fmt.Sprintf("Contact number %d", i),
				Approved: true, ApprovedMe: i%3 != 0, Created: 1_700_000_000 + int64(i)})
		}
	})
	p, err := c.Push()
	if err != nil {
		tb.Fatal(err)
	}
	c.ConfirmPushed(p.Seqno, "base")
	return c
}

// divergent returns two serialized messages that change different contacts of the same
// 1,000-contact base, as two devices editing at once.
func divergent(tb testing.TB) (a, b []byte) {
	base := contactsConfig(tb, 1000).msg
	ma, mb := base.Increment(), base.Increment()
	for i := 0; i < 50; i++ {
		ca, _ := GetContact(ma.data, contactID(i))
		ca.Nickname = "nick"
		SetContact(ma.data, ca)
		cb, _ := GetContact(mb.data, contactID(999-i))
		cb.Blocked = true
		SetContact(mb.data, cb)
	}
	return ma.Serialize(nil), mb.Serialize(nil)
}

// BenchmarkMergeDivergentContacts merges two divergent 1,000-contact Contacts configs
// (50 changes each): parsing both, the merge and the hash of the result.
func BenchmarkMergeDivergentContacts(b *testing.B) {
	x, y := divergent(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := mergeMessages([][]byte{x, y}, nil, nil, false)
		if err != nil || r.unmerged != -1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPushOneChange renames one contact of a 1,000-contact config and makes the
// push; bytes/push is the size of the message stored, message-bytes the bencoded config
// before compression (byte for byte what libsession serializes), zstd-bytes after.
func BenchmarkPushOneChange(b *testing.B) {
	c := contactsConfig(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		c.Edit(func(d Dict) {
			ct, _ := GetContact(d, contactID(500))
			ct.Nickname = fmt.Sprint("nick ", i)
			SetContact(d, ct)
		})
		p, err := c.Push()
		if err != nil {
			b.Fatal(err)
		}
		c.ConfirmPushed(p.Seqno, fmt.Sprint("h", i))
		size = len(p.Data)
	}
	b.ReportMetric(float64(size), "bytes/push")
	raw := c.msg.Serialize(nil)
	b.ReportMetric(float64(len(raw)), "message-bytes")
	b.ReportMetric(float64(len(compressMessage(raw))), "zstd-bytes")
}
