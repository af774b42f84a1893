package network

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
)

type messageHashVectors struct {
	Cases []struct {
		Label        string    `json:"label"`
		Pubkey       string    `json:"pubkey"`
		Namespace    Namespace `json:"namespace"`
		DataHex      string    `json:"data_hex"`
		HashInputHex string    `json:"hash_input_hex"`
		Hash         string    `json:"hash"`
	} `json:"cases"`
}

func TestMessageHashVectors(t *testing.T) {
	var v messageHashVectors
	loadVectors(t, "testdata/message_hash.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.Cases {
		t.Run(c.Label, func(t *testing.T) {
			data := mustHex(t, c.DataHex)
			got := MessageHash(mustPubkey(t, c.Pubkey), c.Namespace, data)
			if got != c.Hash {
				t.Errorf("MessageHash = %s, want %s", got, c.Hash)
			}
			if !ValidHash(got) {
				t.Errorf("ValidHash(%s) = false", got)
			}
			if c.HashInputHex != "" {
				sum := blake2b.Sum256(mustHex(t, c.HashInputHex))
				if want := base64.RawStdEncoding.EncodeToString(sum[:]); got != want {
					t.Errorf("MessageHash = %s, hash of the vector's input = %s", got, want)
				}
			}
		})
	}
}

func TestMessageHashNamespaces(t *testing.T) {
	pk := mustPubkey(t, "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72")
	data := []byte("abc 123")
	for _, tc := range []struct {
		name string
		ns   Namespace
		text string
	}{
		{"default", 0, ""},
		{"positive", 2, "2"},
		{"negative", -11, "-11"},
		{"min", -32768, "-32768"},
		{"max", 32767, "32767"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := append(append(pk[:], tc.text...), data...)
			sum := blake2b.Sum256(input)
			want := base64.RawStdEncoding.EncodeToString(sum[:])
			if got := MessageHash(pk, tc.ns, data); got != want {
				t.Errorf("MessageHash = %s, want %s", got, want)
			}
		})
	}
}

func TestValidHash(t *testing.T) {
	good := "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"
	for _, tc := range []struct {
		name string
		s    string
		want bool
	}{
		{"real hash", good, true},
		{"all symbols", strings.Repeat("+/", 21) + "A", true},
		{"empty", "", false},
		{"42 chars", good[:42], false},
		{"44 chars", good + "A", false},
		{"padded", good[:42] + "=", false},
		{"url alphabet", good[:41] + "-_", false},
		{"space", good[:42] + " ", false},
		{"non-ASCII", good[:41] + "é", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidHash(tc.s); got != tc.want {
				t.Errorf("ValidHash(%q) = %v, want %v", tc.s, got, tc.want)
			}
		})
	}
}

func BenchmarkMessageHash(b *testing.B) {
	var pk [33]byte
	pk[0] = 0x05
	data := make([]byte, 1024)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		MessageHash(pk, 0, data)
	}
}
