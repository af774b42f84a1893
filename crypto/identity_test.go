package crypto

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"testing"

	"filippo.io/edwards25519"
)

type identityVectors struct {
	Cases []struct {
		Label     string `json:"label"`
		Seed      string `json:"ed25519_seed"`
		EdPub     string `json:"ed25519_pubkey"`
		EdSecret  string `json:"ed25519_secret_key_64"`
		XPub      string `json:"x25519_pubkey"`
		XSecret   string `json:"x25519_secret_key"`
		SessionID string `json:"session_id"`
	} `json:"cases"`
	Conversions []struct {
		Label    string `json:"label"`
		EdPub    string `json:"ed25519_pubkey"`
		EdSecret string `json:"ed25519_secret_key_64"`
		XPub     string `json:"x25519_pubkey"`
		XSecret  string `json:"x25519_secret_key"`
	} `json:"conversion_cases"`
	Signatures []struct {
		Seed      string `json:"ed25519_seed"`
		Message   string `json:"message_utf8"`
		Signature string `json:"signature"`
	} `json:"ed25519_signature_cases"`
	Chains []struct {
		Label     string `json:"label"`
		Mnemonic  string `json:"mnemonic"`
		Seed16    string `json:"seed16"`
		EdPub     string `json:"ed25519_pubkey"`
		XPub      string `json:"x25519_pubkey"`
		SessionID string `json:"session_id"`
	} `json:"mnemonic_chain_cases"`
}

func TestIdentityVectors(t *testing.T) {
	var v identityVectors
	loadVectors(t, "identity.json", &v)
	if len(v.Cases) == 0 || len(v.Conversions) == 0 || len(v.Signatures) == 0 || len(v.Chains) == 0 {
		t.Fatal("identity.json: missing case groups")
	}
	for _, c := range v.Cases {
		t.Run(c.Label, func(t *testing.T) {
			id := NewIdentityFromEd25519Seed(key32(t, c.Seed))
			if got := hex.EncodeToString(id.Ed25519PublicKey()); got != c.EdPub {
				t.Errorf("ed25519 pubkey = %s, want %s", got, c.EdPub)
			}
			if got := hex.EncodeToString(id.Ed25519PrivateKey()); got != c.EdSecret {
				t.Errorf("ed25519 secret = %s, want %s", got, c.EdSecret)
			}
			if got := id.X25519PublicKey(); hex.EncodeToString(got[:]) != c.XPub {
				t.Errorf("x25519 pubkey = %x, want %s", got, c.XPub)
			}
			if got := id.X25519PrivateKey(); hex.EncodeToString(got[:]) != c.XSecret {
				t.Errorf("x25519 secret = %x, want %s", got, c.XSecret)
			}
			if got := id.SessionID().String(); got != c.SessionID {
				t.Errorf("Session ID = %s, want %s", got, c.SessionID)
			}
			parsed, err := ParseSessionID(c.SessionID)
			if err != nil || parsed != id.SessionID() {
				t.Errorf("ParseSessionID(%s) = %v, %v", c.SessionID, parsed, err)
			}
		})
	}
	for _, c := range v.Conversions {
		t.Run(c.Label, func(t *testing.T) {
			if c.EdPub != "" {
				got, err := Ed25519PublicToX25519(unhex(t, c.EdPub))
				if err != nil || hex.EncodeToString(got[:]) != c.XPub {
					t.Errorf("ed->x pubkey = %x, %v; want %s", got, err, c.XPub)
				}
			}
			if c.EdSecret != "" {
				got := ed25519SeedToX25519(unhex(t, c.EdSecret)[:32])
				if hex.EncodeToString(got[:]) != c.XSecret {
					t.Errorf("ed->x secret = %x, want %s", got, c.XSecret)
				}
			}
		})
	}
	for _, c := range v.Signatures {
		t.Run("sign "+c.Message, func(t *testing.T) {
			id := NewIdentityFromEd25519Seed(key32(t, c.Seed))
			if got := hex.EncodeToString(id.Sign([]byte(c.Message))); got != c.Signature {
				t.Errorf("signature = %s, want %s", got, c.Signature)
			}
		})
	}
	for _, c := range v.Chains {
		t.Run(c.Label, func(t *testing.T) {
			id, err := RestoreIdentity(c.Mnemonic)
			if err != nil {
				t.Fatal(err)
			}
			s, ok := id.Seed()
			if !ok || hex.EncodeToString(s[:]) != c.Seed16 {
				t.Errorf("seed = %x, %v; want %s", s, ok, c.Seed16)
			}
			if got := hex.EncodeToString(id.Ed25519PublicKey()); got != c.EdPub {
				t.Errorf("ed25519 pubkey = %s, want %s", got, c.EdPub)
			}
			if got := id.SessionID().String(); got != c.SessionID {
				t.Errorf("Session ID = %s, want %s", got, c.SessionID)
			}
			if p, err := id.Phrase(); err != nil || p != c.Mnemonic {
				t.Errorf("Phrase() = %q, %v; want %q", p, err, c.Mnemonic)
			}
		})
	}
}

func TestGenerateIdentity(t *testing.T) {
	seed := bytes.Repeat([]byte{0xab}, SeedSize)
	id, err := GenerateIdentity(bytes.NewReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := id.Seed()
	if !ok || !bytes.Equal(s[:], seed) {
		t.Fatalf("Seed() = %x, %v", s, ok)
	}
	// The padded half of the Ed25519 seed is zero, as Session requires.
	if !bytes.Equal(id.Ed25519PrivateKey()[SeedSize:ed25519.SeedSize], make([]byte, 16)) {
		t.Error("ed25519 seed is not zero-padded")
	}
	if _, err := GenerateIdentity(bytes.NewReader(seed[:5])); err == nil {
		t.Error("short randomness accepted")
	}
	full := NewIdentityFromEd25519Seed([32]byte{1, 2, 3, 31: 9})
	if _, ok := full.Seed(); ok {
		t.Error("a full 32-byte seed reported a 16-byte seed")
	}
	if _, err := full.Phrase(); err == nil {
		t.Error("a full 32-byte seed has no 13-word phrase")
	}
}

func TestEd25519PublicToX25519Rejects(t *testing.T) {
	// Roughly half of all y values are not on the curve; find the first one.
	var notPoint []byte
	for y := byte(2); notPoint == nil; y++ {
		b := make([]byte, 32)
		b[0] = y
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			notPoint = b
		}
	}
	for name, pub := range map[string][]byte{
		"short":     make([]byte, 31),
		"not point": notPoint,
	} {
		if _, err := Ed25519PublicToX25519(pub); err != ErrInvalidKey {
			t.Errorf("%s: err = %v, want ErrInvalidKey", name, err)
		}
	}
}
