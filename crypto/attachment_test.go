package crypto

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// wave2 is the part of testdata/wave2.json (a byte-identical copy of the shared wave-2
// vector file) that the attachment tests use.
type wave2 struct {
	EncryptedSizes struct {
		Sizes map[string]int `json:"plaintext_len_to_encrypted_len"`
	} `json:"attachment_encrypted_sizes"`
	Deterministic []struct {
		PlaintextLen  int    `json:"plaintext_len"`
		Seed          string `json:"seed"`
		Domain        string `json:"domain"`
		Key           string `json:"key"`
		CiphertextLen int    `json:"ciphertext_len"`
		First41       string `json:"ciphertext_first41"`
		SHA256        string `json:"ciphertext_sha256"`
	} `json:"attachment_deterministic"`
	LegacyCBC struct {
		Keys      string `json:"keys_64"`
		IV        string `json:"iv"`
		Plaintext string `json:"plaintext_utf8"`
		Blob      string `json:"blob_iv_ct_mac"`
		Digest    string `json:"digest_sha256_of_blob"`
	} `json:"attachment_legacy_cbc_hmac"`
	LegacyPadding struct {
		Sizes map[string]int `json:"len_to_padded"`
	} `json:"attachment_legacy_padding_sizes"`
	Profile struct {
		Key       string `json:"key"`
		IV        string `json:"iv12"`
		Plaintext string `json:"plaintext_utf8"`
		Output    string `json:"output_iv_ct_tag"`
	} `json:"profile_aes_gcm"`
}

func loadWave2(tb testing.TB) wave2 {
	var v wave2
	loadVectors(tb, "wave2.json", &v)
	return v
}

// makeData is the vectors' plaintext: byte i is 7·i mod 256.
func makeData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(7 * i)
	}
	return b
}

func TestAttachmentEncryptedSizeVectors(t *testing.T) {
	v := loadWave2(t)
	if len(v.EncryptedSizes.Sizes) != 22 {
		t.Fatalf("%d size cases, want 22", len(v.EncryptedSizes.Sizes))
	}
	for s, want := range v.EncryptedSizes.Sizes {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AttachmentEncryptedSize(n); got != want {
			t.Errorf("AttachmentEncryptedSize(%d) = %d, want %d", n, got, want)
		}
	}
	if got := AttachmentEncryptedSize(MaxDeterministicPlaintext); got != MaxAttachmentUpload {
		t.Errorf("AttachmentEncryptedSize(MaxDeterministicPlaintext) = %d, want %d", got, MaxAttachmentUpload)
	}
	if got := AttachmentEncryptedSize(MaxDeterministicPlaintext + 1); got <= MaxAttachmentUpload {
		t.Errorf("MaxDeterministicPlaintext+1 encrypts to %d, not beyond the limit", got)
	}
}

func TestAttachmentDeterministicVectors(t *testing.T) {
	v := loadWave2(t)
	if len(v.Deterministic) != 5 {
		t.Fatalf("%d deterministic cases, want 5", len(v.Deterministic))
	}
	for _, c := range v.Deterministic {
		domain := DomainAttachment
		if strings.HasPrefix(c.Domain, "PROFILE_PIC") {
			domain = DomainProfilePic
		}
		t.Run(strconv.Itoa(c.PlaintextLen)+"/"+strings.Fields(c.Domain)[0], func(t *testing.T) {
			id := NewIdentityFromEd25519Seed(key32(t, c.Seed))
			pt := makeData(c.PlaintextLen)
			ct, key, err := EncryptAttachment(id, domain, pt)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(key[:]); got != c.Key {
				t.Errorf("key %s, want %s", got, c.Key)
			}
			if len(ct) != c.CiphertextLen {
				t.Errorf("length %d, want %d", len(ct), c.CiphertextLen)
			}
			if c.First41 != "" && hex.EncodeToString(ct[:41]) != c.First41 {
				t.Errorf("first 41 bytes %x, want %s", ct[:41], c.First41)
			}
			if sum := sha256.Sum256(ct); hex.EncodeToString(sum[:]) != c.SHA256 {
				t.Errorf("sha256 %x, want %s", sum, c.SHA256)
			}
			got, err := DecryptAttachment(&key, ct)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("decrypt: %v, equal %v", err, bytes.Equal(got, pt))
			}
		})
	}
}

// TestAttachmentRoundTrip covers the chunk and padding boundaries: plaintext that ends a
// chunk exactly, padding that fills whole chunks, and the largest allowed file.
func TestAttachmentRoundTrip(t *testing.T) {
	id := NewIdentity(Seed{7})
	sizes := []int{0, 1, 4053, 4054, 8149, 8150, 32767, 32768, 32769, 65536, 261982, 261983, 523991}
	if !testing.Short() {
		sizes = append(sizes, MaxDeterministicPlaintext)
	}
	for _, n := range sizes {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			pt := makeData(n)
			ct, key, err := EncryptAttachment(id, DomainAttachment, pt)
			if err != nil {
				t.Fatal(err)
			}
			if len(ct) != AttachmentEncryptedSize(n) {
				t.Fatalf("length %d, want %d", len(ct), AttachmentEncryptedSize(n))
			}
			got, err := DecryptAttachment(&key, ct)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("decrypt: %v, equal %v", err, bytes.Equal(got, pt))
			}
			// The same person and file give the same bytes; another domain does not.
			ct2, key2, _ := EncryptAttachment(id, DomainAttachment, pt)
			if !bytes.Equal(ct, ct2) || key != key2 {
				t.Error("encryption is not deterministic")
			}
			if _, key3, _ := EncryptAttachment(id, DomainProfilePic, pt); key3 == key {
				t.Error("the two domains share a key")
			}
		})
	}
}

func TestEncryptAttachmentLimits(t *testing.T) {
	id := NewIdentity(Seed{1})
	if _, _, err := EncryptAttachment(id, DomainAttachment, make([]byte, MaxDeterministicPlaintext+1)); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, _, err := EncryptAttachment(id, 0, nil); !errors.Is(err, ErrAttachmentDomain) {
		t.Errorf("domain 0: %v", err)
	}
}

// craftStream builds a deterministic-format file with chosen chunk plaintexts and tags,
// to make the malformed-but-authentic files a malicious sender could make.
func craftStream(key *AttachmentKey, chunks [][]byte, tags []byte) []byte {
	var nonce [streamHeaderSize]byte
	nonce[0] = 0x42
	out := append([]byte{attachmentMagic}, nonce[:]...)
	ss := newSecretStream((*[streamKeySize]byte)(key[:]), &nonce, attachmentChunk)
	for i, c := range chunks {
		out = ss.push(out, c, tags[i])
	}
	return out
}

type attachmentCase struct {
	name string
	ct   []byte
	want []byte // nil: must fail
}

func attachmentCases(tb testing.TB) (*AttachmentKey, []attachmentCase) {
	id := NewIdentity(Seed{3})
	pt := makeData(40000) // two chunks after padding
	ct, key, err := EncryptAttachment(id, DomainAttachment, pt)
	if err != nil {
		tb.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(ct)
		b[i] ^= 1
		return b
	}
	full := bytes.Repeat([]byte{0}, attachmentChunk)
	marked := append(bytes.Repeat([]byte{0}, 10), 0x01, 'h', 'i')
	endMarked := append(bytes.Repeat([]byte{0}, attachmentChunk-1), 0x01) // a whole chunk
	M, F := byte(streamTagMessage), byte(streamTagFinal)
	var other AttachmentKey
	other[0] = 1
	otherCT, _, _ := EncryptAttachment(NewIdentity(Seed{4}), DomainAttachment, pt)
	return &key, []attachmentCase{
		{"good", ct, pt},
		{"empty", nil, nil},
		{"magic only", []byte{'S'}, nil},
		{"header only", ct[:attachmentPrefix], nil},
		{"header and a tag", ct[:attachmentPrefix+streamABytes], nil},
		{"wrong magic", append([]byte{'T'}, ct[1:]...), nil},
		{"flipped nonce", flip(5), nil},
		{"flipped tag byte", flip(attachmentPrefix), nil},
		{"flipped body", flip(attachmentPrefix + 100), nil},
		{"flipped mac", flip(len(ct) - 1), nil},
		{"flipped second chunk", flip(attachmentPrefix + attachmentChunkTotal + 3), nil},
		{"truncated by one", ct[:len(ct)-1], nil},
		{"first chunk only", ct[:attachmentPrefix+attachmentChunkTotal], nil},
		{"extra byte", append(bytes.Clone(ct), 0), nil},
		{"extra tag-sized tail", append(bytes.Clone(ct), make([]byte, streamABytes)...), nil},
		{"wrong key's file", otherCT, nil},
		{"too large", append([]byte{'S'}, make([]byte, MaxAttachmentUpload)...), nil},
		{"crafted minimal", craftStream(&key, [][]byte{{0x01}}, []byte{F}), []byte{}},
		{"crafted padding chunk then data", craftStream(&key, [][]byte{full, marked}, []byte{M, F}), []byte("hi")},
		{"crafted no marker", craftStream(&key, [][]byte{full}, []byte{F}), nil},
		{"crafted marker 0x02", craftStream(&key, [][]byte{{0, 0, 0x02, 'x'}}, []byte{F}), nil},
		{"crafted padding then end", craftStream(&key, [][]byte{full, {0, 0}}, []byte{M, F}), nil},
		{"crafted final in padding", craftStream(&key, [][]byte{full, marked}, []byte{F, F}), nil},
		{"crafted final first", craftStream(&key, [][]byte{endMarked, full}, []byte{F, M}), nil},
		{"crafted marker ends a chunk", craftStream(&key, [][]byte{endMarked, {'o', 'k'}}, []byte{M, F}), []byte("ok")},
		{"crafted no final", craftStream(&key, [][]byte{marked}, []byte{M}), nil},
		{"crafted rekey tag", craftStream(&key, [][]byte{full, marked}, []byte{streamTagRekey, F}), nil},
		{"crafted push tag at end", craftStream(&key, [][]byte{marked}, []byte{0x01}), nil},
		{"crafted empty last chunk", craftStream(&key, [][]byte{endMarked, {}}, []byte{M, F}), nil},
	}
}

func TestDecryptAttachment(t *testing.T) {
	key, cases := attachmentCases(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecryptAttachment(key, c.ct)
			if c.want == nil {
				if err != ErrDecrypt || got != nil {
					t.Fatalf("got %d bytes, %v; want ErrDecrypt", len(got), err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, c.want) {
				t.Fatalf("got %q, %v; want %d bytes", got, err, len(c.want))
			}
		})
	}
}

func FuzzDecryptAttachment(f *testing.F) {
	key, cases := attachmentCases(f)
	for _, c := range cases {
		if len(c.ct) < 100_000 {
			f.Add(c.ct)
		}
	}
	f.Fuzz(func(t *testing.T, ct []byte) {
		got, err := DecryptAttachment(key, ct)
		if (err == nil) == (got == nil) {
			t.Fatalf("result %v with error %v", got != nil, err)
		}
		if err == nil && len(got) > len(ct) {
			t.Fatalf("%d bytes of plaintext from %d of ciphertext", len(got), len(ct))
		}
	})
}

// FuzzAttachmentRoundTrip checks that every plaintext comes back whole and at the exact
// promised size.
func FuzzAttachmentRoundTrip(f *testing.F) {
	for _, n := range []int{0, 1, 100, 4054, 32768, 40000} {
		f.Add(makeData(n), false)
	}
	id := NewIdentity(Seed{9})
	f.Fuzz(func(t *testing.T, pt []byte, avatar bool) {
		domain := DomainAttachment
		if avatar {
			domain = DomainProfilePic
		}
		ct, key, err := EncryptAttachment(id, domain, pt)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != AttachmentEncryptedSize(len(pt)) {
			t.Fatalf("length %d, want %d", len(ct), AttachmentEncryptedSize(len(pt)))
		}
		got, err := DecryptAttachment(&key, ct)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("decrypt: %v", err)
		}
	})
}
