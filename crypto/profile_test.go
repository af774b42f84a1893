package crypto

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"testing"
)

func TestProfilePictureVector(t *testing.T) {
	v := loadWave2(t).Profile
	key := ProfileKey(key32(t, v.Key))
	out, err := EncryptProfilePicture(bytes.NewReader(unhex(t, v.IV)), &key, []byte(v.Plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(out) != v.Output {
		t.Errorf("got %x\nwant %s", out, v.Output)
	}
	got, err := DecryptProfilePicture(&key, unhex(t, v.Output))
	if err != nil || string(got) != v.Plaintext {
		t.Fatalf("decrypt: %q, %v", got, err)
	}
}

type profileCase struct {
	name string
	blob []byte
	want []byte // nil: must fail
}

func profileCases(tb testing.TB) (*ProfileKey, []profileCase) {
	v := loadWave2(tb).Profile
	key := ProfileKey(key32(tb, v.Key))
	good := unhex(tb, v.Output)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x80
		return b
	}
	empty, err := EncryptProfilePicture(rand.Reader, &key, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &key, []profileCase{
		{"good", good, []byte(v.Plaintext)},
		{"empty image", empty, []byte{}},
		{"empty", nil, nil},
		{"iv only", good[:12], nil},
		{"one short", good[:27], nil},
		{"truncated", good[:len(good)-1], nil},
		{"flipped iv", flip(0), nil},
		{"flipped ct", flip(13), nil},
		{"flipped tag", flip(len(good) - 1), nil},
		{"too large", make([]byte, MaxAttachmentUpload+1), nil},
	}
}

func TestDecryptProfilePicture(t *testing.T) {
	key, cases := profileCases(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecryptProfilePicture(key, c.blob)
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
	var other ProfileKey
	if _, err := DecryptProfilePicture(&other, cases[0].blob); err != ErrDecrypt {
		t.Errorf("wrong key: %v", err)
	}
}

func FuzzDecryptProfilePicture(f *testing.F) {
	key, cases := profileCases(f)
	for _, c := range cases {
		if len(c.blob) < 100_000 {
			f.Add(c.blob)
		}
	}
	f.Fuzz(func(t *testing.T, blob []byte) {
		got, err := DecryptProfilePicture(key, blob)
		if (err == nil) == (got == nil) {
			t.Fatalf("result %v with error %v", got != nil, err)
		}
	})
}
