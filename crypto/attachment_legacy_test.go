package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"testing"
)

func TestLegacyPaddedSizeVectors(t *testing.T) {
	v := loadWave2(t)
	if len(v.LegacyPadding.Sizes) != 8 {
		t.Fatalf("%d padding cases, want 8", len(v.LegacyPadding.Sizes))
	}
	for s, want := range v.LegacyPadding.Sizes {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := LegacyPaddedSize(n); got != want {
			t.Errorf("LegacyPaddedSize(%d) = %d, want %d", n, got, want)
		}
	}
	// The examples of the protocol notes, and the edges.
	for n, want := range map[int]int{0: 541, 10_000_000: 10_000_000, 10_000_001: 10_319_484} {
		if got := LegacyPaddedSize(n); got != want {
			t.Errorf("LegacyPaddedSize(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestLegacyAttachmentVector(t *testing.T) {
	v := loadWave2(t).LegacyCBC
	r := bytes.NewReader(append(unhex(t, v.Keys), unhex(t, v.IV)...))
	pt := []byte(v.Plaintext)
	blob, key, digest, err := EncryptLegacyAttachment(r, pt, false) // the vector is unpadded
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(blob) != v.Blob {
		t.Errorf("blob %x\nwant %s", blob, v.Blob)
	}
	if hex.EncodeToString(digest[:]) != v.Digest {
		t.Errorf("digest %x, want %s", digest, v.Digest)
	}
	if hex.EncodeToString(key[:]) != v.Keys {
		t.Errorf("key %x, want %s", key, v.Keys)
	}
	got, err := DecryptLegacyAttachment(&key, unhex(t, v.Digest), len(pt), unhex(t, v.Blob))
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("decrypt: %q, %v", got, err)
	}
}

func TestLegacyAttachmentRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 540, 541, 542, 100_000} {
		for _, pad := range []bool{false, true} {
			t.Run(strconv.Itoa(n)+"/pad="+strconv.FormatBool(pad), func(t *testing.T) {
				pt := makeData(n)
				blob, key, digest, err := EncryptLegacyAttachment(rand.Reader, pt, pad)
				if err != nil {
					t.Fatal(err)
				}
				padded := n
				if pad {
					padded = LegacyPaddedSize(n)
				}
				if want := 16 + (padded/16+1)*16 + 32; len(blob) != want {
					t.Errorf("blob of %d bytes, want %d", len(blob), want)
				}
				got, err := DecryptLegacyAttachment(&key, digest[:], n, blob)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("decrypt: %v", err)
				}
			})
		}
	}
	if _, _, _, err := EncryptLegacyAttachment(rand.Reader, make([]byte, MaxAttachmentSize+1), true); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("too large: %v", err)
	}
}

// sealLegacyRaw encrypts already padded blocks and authenticates them, to make blobs with
// a valid MAC and digest but malformed PKCS#7.
func sealLegacyRaw(key *LegacyAttachmentKey, blocks []byte) ([]byte, AttachmentDigest) {
	iv := make([]byte, 16)
	block, _ := aes.NewCipher(key[:32])
	ct := make([]byte, len(blocks))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, blocks)
	mac := hmac.New(sha256.New, key[32:])
	body := append(iv, ct...)
	mac.Write(body)
	blob := mac.Sum(body)
	return blob, sha256.Sum256(blob)
}

type legacyCase struct {
	name   string
	blob   []byte
	digest []byte
	size   int
	want   []byte // nil: must fail
}

func legacyCases(tb testing.TB) (*LegacyAttachmentKey, []legacyCase) {
	var seed [80]byte
	for i := range seed {
		seed[i] = byte(i)
	}
	pt := []byte("a picture of a cat, padded")
	blob, key, digest, err := EncryptLegacyAttachment(bytes.NewReader(seed[:]), pt, true)
	if err != nil {
		tb.Fatal(err)
	}
	d := digest[:]
	flip := func(i int) []byte {
		b := bytes.Clone(blob)
		b[i] ^= 1
		return b
	}
	badPad, badPadDigest := sealLegacyRaw(&key, append(bytes.Repeat([]byte{'x'}, 15), 0x11))
	zeroPad, zeroPadDigest := sealLegacyRaw(&key, bytes.Repeat([]byte{0}, 16))
	mixedPad, mixedPadDigest := sealLegacyRaw(&key, append(bytes.Repeat([]byte{'x'}, 13), 2, 3, 3))
	fullPad, fullPadDigest := sealLegacyRaw(&key, bytes.Repeat([]byte{16}, 16))
	unpadded, unpaddedKey, unpaddedDigest, _ := EncryptLegacyAttachment(bytes.NewReader(seed[:]), pt, false)
	if unpaddedKey != key {
		tb.Fatal("same reader, different key")
	}
	return &key, []legacyCase{
		{"good", blob, d, len(pt), pt},
		{"unpadded", unpadded, unpaddedDigest[:], len(pt), pt},
		{"cut to a smaller size", blob, d, 5, pt[:5]},
		{"size zero", blob, d, 0, []byte{}},
		{"only padding block", fullPad, fullPadDigest[:], 0, []byte{}},
		{"size beyond the plaintext", unpadded, unpaddedDigest[:], len(pt) + 1, nil},
		{"padded size beyond", blob, d, LegacyPaddedSize(len(pt)) + 1, nil},
		{"negative size", blob, d, -1, nil},
		{"no digest", blob, nil, len(pt), nil},
		{"short digest", blob, d[:31], len(pt), nil},
		{"wrong digest", blob, make([]byte, 32), len(pt), nil},
		{"empty", nil, d, 0, nil},
		{"48 bytes", blob[:48], d, 0, nil},
		{"misaligned", blob[:len(blob)-1], d, len(pt), nil},
		{"extra block", append(bytes.Clone(blob), make([]byte, 16)...), d, len(pt), nil},
		{"flipped iv", flip(0), d, len(pt), nil},
		{"flipped ct", flip(20), d, len(pt), nil},
		{"flipped mac", flip(len(blob) - 1), d, len(pt), nil},
		{"pad byte 17", badPad, badPadDigest[:], 0, nil},
		{"pad byte 0", zeroPad, zeroPadDigest[:], 0, nil},
		{"pad bytes differ", mixedPad, mixedPadDigest[:], 0, nil},
		{"too large", make([]byte, MaxAttachmentUpload+16), d, 0, nil},
	}
}

func TestDecryptLegacyAttachment(t *testing.T) {
	key, cases := legacyCases(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecryptLegacyAttachment(key, c.digest, c.size, c.blob)
			if c.want == nil {
				if err != ErrDecrypt || got != nil {
					t.Fatalf("got %q, %v; want ErrDecrypt", got, err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, c.want) {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// FuzzDecryptLegacyAttachment feeds arbitrary blobs with their own digest (so that the MAC
// is what stops them) and arbitrary sizes.
func FuzzDecryptLegacyAttachment(f *testing.F) {
	key, cases := legacyCases(f)
	for _, c := range cases {
		if len(c.blob) < 100_000 {
			f.Add(c.blob, c.size)
		}
	}
	f.Fuzz(func(t *testing.T, blob []byte, size int) {
		digest := sha256.Sum256(blob)
		got, err := DecryptLegacyAttachment(key, digest[:], size, blob)
		if (err == nil) == (got == nil) {
			t.Fatalf("result %v with error %v", got != nil, err)
		}
		if err == nil && len(got) != size {
			t.Fatalf("%d bytes for size %d", len(got), size)
		}
	})
}
