package crypto

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
)

// BenchmarkX25519 is one Diffie-Hellman with a prepared secret: one scalar
// multiplication, what a node spends on each onion layer.
func BenchmarkX25519(b *testing.B) {
	a, _ := GenerateX25519(rand.Reader)
	c, _ := GenerateX25519(rand.Reader)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.sharedSecret(&c.Public); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateX25519 makes a one-time key pair: one scalar multiplication by the
// base point.
func BenchmarkGenerateX25519(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GenerateX25519(rand.Reader); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEd25519Sign(b *testing.B) {
	id := NewIdentity(Seed{1})
	msg := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		id.Sign(msg)
	}
}

func BenchmarkEd25519Verify(b *testing.B) {
	id := NewIdentity(Seed{1})
	msg := make([]byte, 64)
	sig := id.Sign(msg)
	pub := id.Ed25519PublicKey()
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify")
		}
	}
}

func BenchmarkEncrypt1KB(b *testing.B) {
	alice, bob := NewIdentity(Seed{1}), NewIdentity(Seed{2})
	msg := make([]byte, 1024)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encrypt(rand.Reader, alice, bob.SessionID(), msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt1KB(b *testing.B) {
	alice, bob := NewIdentity(Seed{1}), NewIdentity(Seed{2})
	msg := make([]byte, 1024)
	ct, _ := Encrypt(rand.Reader, alice, bob.SessionID(), msg)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decrypt(bob, ct); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkHop measures one onion layer as a node sees it: derive the key from the
// client's one-time key, then open (or, for the client, derive and seal) 1 KB.
func benchmarkHop(b *testing.B, enc EncType, open bool) {
	node, _ := GenerateX25519(rand.Reader)
	eph, _ := GenerateX25519(rand.Reader)
	payload := make([]byte, 1024)
	ck, _ := ClientHopKey(enc, &eph, &node.Public)
	ct, _ := ck.Seal(rand.Reader, nil, payload)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if open {
			k, err := NodeHopKey(enc, &node, &eph.Public)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := k.Open(nil, ct); err != nil {
				b.Fatal(err)
			}
		} else {
			k, err := ClientHopKey(enc, &eph, &node.Public)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := k.Seal(rand.Reader, nil, payload); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkHopEncryptAESGCM(b *testing.B)    { benchmarkHop(b, AESGCM, false) }
func BenchmarkHopDecryptAESGCM(b *testing.B)    { benchmarkHop(b, AESGCM, true) }
func BenchmarkHopEncryptXChaCha20(b *testing.B) { benchmarkHop(b, XChaCha20, false) }
func BenchmarkHopDecryptXChaCha20(b *testing.B) { benchmarkHop(b, XChaCha20, true) }

// benchAttachmentSize is a large photo or short video: just under MaxAttachmentSize.
const benchAttachmentSize = 9_900_000

func BenchmarkEncryptAttachment(b *testing.B) {
	id := NewIdentity(Seed{1})
	pt := makeData(benchAttachmentSize)
	b.SetBytes(benchAttachmentSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := EncryptAttachment(id, DomainAttachment, pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptAttachment(b *testing.B) {
	ct, key, err := EncryptAttachment(NewIdentity(Seed{1}), DomainAttachment, makeData(benchAttachmentSize))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchAttachmentSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecryptAttachment(&key, ct); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncryptLegacyAttachment(b *testing.B) {
	pt := makeData(benchAttachmentSize)
	b.SetBytes(benchAttachmentSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := EncryptLegacyAttachment(rand.Reader, pt, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptLegacyAttachment(b *testing.B) {
	blob, key, digest, err := EncryptLegacyAttachment(rand.Reader, makeData(benchAttachmentSize), true)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchAttachmentSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecryptLegacyAttachment(&key, digest[:], benchAttachmentSize, blob); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncryptProfilePicture(b *testing.B) {
	var key ProfileKey
	pt := makeData(benchAttachmentSize)
	b.SetBytes(benchAttachmentSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncryptProfilePicture(rand.Reader, &key, pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptProfilePicture(b *testing.B) {
	var key ProfileKey
	blob, err := EncryptProfilePicture(rand.Reader, &key, makeData(benchAttachmentSize))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchAttachmentSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecryptProfilePicture(&key, blob); err != nil {
			b.Fatal(err)
		}
	}
}
