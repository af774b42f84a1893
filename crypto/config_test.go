package crypto

import (
	"bytes"
	"encoding/hex"
	"testing"
)

type configVectors struct {
	Encrypt []struct {
		KeyBase     string `json:"key_base"`
		Domain      string `json:"domain"`
		Message     string `json:"message_utf8"`
		Ciphertext  string `json:"ciphertext"`
		NonceSuffix string `json:"nonce_suffix"`
	} `json:"config_encrypt"`
	Padded struct {
		Cases [][3]int `json:"cases"`
	} `json:"config_padded_size"`
}

func TestConfigEncryptVectors(t *testing.T) {
	var v configVectors
	loadVectors(t, "wave2.json", &v)
	for _, c := range v.Encrypt {
		t.Run(c.Domain, func(t *testing.T) {
			kb := [32]byte(unhex(t, c.KeyBase))
			ct, err := EncryptConfig(&kb, c.Domain, []byte(c.Message))
			if err != nil {
				t.Fatal(err)
			}
			if c.Ciphertext != "" && hex.EncodeToString(ct) != c.Ciphertext {
				t.Errorf("ciphertext %x, want %s", ct, c.Ciphertext)
			}
			if got := hex.EncodeToString(ct[len(ct)-24:]); got != c.NonceSuffix {
				t.Errorf("nonce %s, want %s", got, c.NonceSuffix)
			}
			p, err := DecryptConfig(&kb, c.Domain, ct)
			if err != nil || string(p) != c.Message {
				t.Fatalf("decrypt: %q %v", p, err)
			}
			ct[3] ^= 1
			if _, err := DecryptConfig(&kb, c.Domain, ct); err != ErrDecrypt {
				t.Errorf("tampered: %v", err)
			}
			if _, err := DecryptConfig(&kb, c.Domain, ct[:39]); err != ErrDecrypt {
				t.Errorf("short: %v", err)
			}
		})
	}
}

func TestConfigPaddedSizeVectors(t *testing.T) {
	var v configVectors
	loadVectors(t, "wave2.json", &v)
	if len(v.Padded.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.Padded.Cases {
		if got := ConfigPaddedSize(c[0], c[1]); got != c[2] {
			t.Errorf("ConfigPaddedSize(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}

func TestConfigDomainBounds(t *testing.T) {
	var kb [32]byte
	for _, d := range []string{"", "0123456789abcdef012345678"} {
		if _, err := EncryptConfig(&kb, d, []byte("x")); err == nil {
			t.Errorf("domain %q accepted", d)
		}
	}
}

func TestSealDeterministicOpens(t *testing.T) {
	id := NewIdentityFromEd25519Seed([32]byte{1, 2, 3})
	a, err := SealDeterministic(id, id.SessionID(), []byte("config"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := SealDeterministic(id, id.SessionID(), []byte("config"))
	if !bytes.Equal(a, b) {
		t.Error("not deterministic")
	}
	m, err := Open(id, a)
	if err != nil || string(m.Plaintext) != "config" || m.Sender != id.SessionID() {
		t.Fatalf("open: %v", err)
	}
}
