package crypto

import (
	"encoding/hex"
	"testing"

	"golang.org/x/crypto/blake2b"
)

// TestPrimitiveVectors checks the BLAKE2b building block against libsession's own test
// values (keyed and unkeyed, 32 and 64 bytes), the way libsodium's generichash computes it.
func TestPrimitiveVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Fn     string  `json:"fn"`
			OutLen int     `json:"outlen"`
			Key    *string `json:"key_utf8"`
			Msg    string  `json:"msg_utf8"`
			Digest string  `json:"digest"`
		} `json:"cases"`
	}
	loadVectors(t, "primitives.json", &v)
	n := 0
	for _, c := range v.Cases {
		if c.Fn != "blake2b" {
			continue
		}
		var key []byte
		if c.Key != nil {
			key = []byte(*c.Key)
		}
		h, err := blake2b.New(c.OutLen, key)
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(c.Msg))
		if got := hex.EncodeToString(h.Sum(nil)); got != c.Digest {
			t.Errorf("blake2b-%d key=%v: %s, want %s", c.OutLen*8, c.Key != nil, got, c.Digest)
		}
		n++
	}
	if n != 4 {
		t.Fatalf("checked %d blake2b cases, want 4", n)
	}
}
