package crypto

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"testing"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/nacl/secretbox"
)

type sessionProtocolVectors struct {
	Cases []struct {
		Label            string `json:"label"`
		SenderSeed       string `json:"sender_ed25519_seed"`
		SenderEdPub      string `json:"sender_ed25519_pubkey"`
		SenderSessionID  string `json:"sender_session_id"`
		RecipientSeed    string `json:"recipient_ed25519_seed"`
		RecipientID      string `json:"recipient_session_id"`
		Message          string `json:"message"`
		Ciphertext       string `json:"ciphertext"`
		SealedPlaintext  string `json:"sealed_plaintext(M||A||SIG)"`
		SignatureInput   string `json:"signature_input(M||A||Y)"`
		EphemeralSeed    string `json:"deterministic_ephemeral_seed"`
		EphemeralPub     string `json:"ephemeral_x25519_pubkey"`
		BoxNonce         string `json:"box_nonce"`
		Content          string `json:"content_protobuf"`
		PaddedContent    string `json:"padded_content"`
		PaddedLen        int    `json:"padded_len"`
		EncryptedContent string `json:"encrypted_content(sealed box)"`
	} `json:"cases"`
	Padding []struct {
		N      int `json:"plaintext_len"`
		Padded int `json:"libsession_padded_len"`
		Legacy int `json:"legacy_desktop_padded_len"`
	} `json:"padding_length_cases"`
}

// deterministicRand returns the randomness that makes Seal reproduce libsession's
// encrypt_for_recipient_deterministic: the one-time key seed is keyed BLAKE2b-256 of
// the sender seed, the recipient key and the message, and crypto_box_seed_keypair turns
// that seed into the secret key SHA-512(seed)[:32].
func deterministicRand(t testing.TB, sender *Identity, recipient SessionID, m []byte) (*bytes.Reader, []byte) {
	h, err := blake2b.New256([]byte("SessionBoxEphemeralHashKey"))
	if err != nil {
		t.Fatal(err)
	}
	y := recipient.X25519PublicKey()
	h.Write(sender.Ed25519PrivateKey()[:ed25519.SeedSize])
	h.Write(y[:])
	h.Write(m)
	seed := h.Sum(nil)
	d := sha512.Sum512(seed)
	return bytes.NewReader(d[:32]), seed
}

func TestSealVectors(t *testing.T) {
	var v sessionProtocolVectors
	loadVectors(t, "session_protocol.json", &v)
	if len(v.Cases) < 2 {
		t.Fatal("session_protocol.json: missing cases")
	}
	for _, c := range v.Cases {
		t.Run(c.Label, func(t *testing.T) {
			sender := NewIdentityFromEd25519Seed(key32(t, c.SenderSeed))
			recipient := NewIdentityFromEd25519Seed(key32(t, c.RecipientSeed))
			to, err := ParseSessionID(c.RecipientID)
			if err != nil || to != recipient.SessionID() {
				t.Fatalf("recipient ID %s: %v", c.RecipientID, err)
			}
			var m, want []byte
			padded := c.Content != ""
			if padded {
				m, want = unhex(t, c.Content), unhex(t, c.EncryptedContent)
				if p := AppendPadded(nil, m); hex.EncodeToString(p) != c.PaddedContent || len(p) != c.PaddedLen {
					t.Fatalf("padded content = %x", p)
				}
			} else {
				m, want = unhex(t, c.Message), unhex(t, c.Ciphertext)
			}
			signed := m
			if padded {
				signed = AppendPadded(nil, m)
			}
			r, seed := deterministicRand(t, sender, to, signed)
			if c.EphemeralSeed != "" && hex.EncodeToString(seed) != c.EphemeralSeed {
				t.Fatalf("ephemeral seed = %x, want %s", seed, c.EphemeralSeed)
			}
			var ct []byte
			if padded {
				ct, err = Encrypt(r, sender, to, m)
			} else {
				ct, err = Seal(r, sender, to, m)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ct, want) {
				t.Fatalf("ciphertext\n got %x\nwant %x", ct, want)
			}
			if c.EphemeralPub != "" && hex.EncodeToString(ct[:32]) != c.EphemeralPub {
				t.Errorf("ephemeral key = %x", ct[:32])
			}
			if c.BoxNonce != "" {
				e, y := key32(t, c.EphemeralPub), recipient.X25519PublicKey()
				if n := sealNonce(&e, &y); hex.EncodeToString(n[:]) != c.BoxNonce {
					t.Errorf("nonce = %x, want %s", n, c.BoxNonce)
				}
			}

			open, err := Open(recipient, want)
			if err != nil {
				t.Fatal(err)
			}
			if c.SealedPlaintext != "" {
				// The sealed plaintext is M || A || SIG.
				if got := hex.EncodeToString(open.Plaintext) + hex.EncodeToString(open.SenderEd25519); got != c.SealedPlaintext[:len(got)] {
					t.Errorf("sealed plaintext = %s", got)
				}
				if !bytes.HasPrefix(unhex(t, c.SignatureInput), open.Plaintext) {
					t.Errorf("signature input does not start with M")
				}
			}
			if !bytes.Equal(open.SenderEd25519, sender.Ed25519PublicKey()) {
				t.Errorf("sender ed25519 = %x", open.SenderEd25519)
			}
			if open.Sender != sender.SessionID() {
				t.Errorf("sender = %s, want %s", open.Sender, sender.SessionID())
			}
			if c.SenderSessionID != "" && open.Sender.String() != c.SenderSessionID {
				t.Errorf("sender = %s, want %s", open.Sender, c.SenderSessionID)
			}
			dec, err := Decrypt(recipient, want)
			if err != nil || !bytes.Equal(dec.Plaintext, m) {
				t.Fatalf("Decrypt = %x, %v; want %x", dec.Plaintext, err, m)
			}
		})
	}
}

func TestPaddingVectors(t *testing.T) {
	var v sessionProtocolVectors
	loadVectors(t, "session_protocol.json", &v)
	for _, c := range v.Padding {
		m := bytes.Repeat([]byte{'x'}, c.N)
		p := AppendPadded(nil, m)
		if len(p) != c.Padded || PaddedLen(c.N) != c.Padded {
			t.Errorf("pad(%d) = %d bytes, want %d", c.N, len(p), c.Padded)
		}
		if got := Unpad(p); !bytes.Equal(got, m) {
			t.Errorf("unpad(pad(%d)) = %d bytes", c.N, len(got))
		}
		// Legacy senders padded to 160k-1 with the same filler; it unpads the same way.
		legacy := append(append(bytes.Clone(m), 0x80), make([]byte, c.Legacy-c.N-1)...)
		if got := Unpad(legacy); !bytes.Equal(got, m) {
			t.Errorf("unpad(legacy %d) = %d bytes", c.N, len(got))
		}
	}
}

var unpadCases = []struct {
	name    string
	in, out string // hex
}{
	{"empty", "", ""},
	{"marker only", "80", ""},
	{"marker and zeros", "41800000", "41"},
	{"unpadded", "414243", "414243"},
	{"zeros without marker", "41420000", "41420000"},
	{"all zeros", "000000", "000000"},
	{"marker inside", "4180420000", "4180420000"},
	{"two markers", "418080", "4180"},
}

func TestUnpad(t *testing.T) {
	for _, c := range unpadCases {
		t.Run(c.name, func(t *testing.T) {
			if got := hex.EncodeToString(Unpad(unhex(t, c.in))); got != c.out {
				t.Fatalf("Unpad(%s) = %s, want %s", c.in, got, c.out)
			}
		})
	}
}

func FuzzUnpad(f *testing.F) {
	for _, c := range unpadCases {
		f.Add(unhex(f, c.in))
	}
	f.Fuzz(func(t *testing.T, m []byte) {
		got := Unpad(m)
		if len(got) > len(m) || !bytes.Equal(got, m[:len(got)]) {
			t.Fatalf("Unpad is not a prefix")
		}
		if again := Unpad(AppendPadded(nil, m)); !bytes.Equal(again, m) {
			t.Fatalf("unpad(pad(m)) != m")
		}
	})
}

func TestDecryptRejects(t *testing.T) {
	alice, _ := GenerateIdentity(rand.Reader)
	bob, _ := GenerateIdentity(rand.Reader)
	eve, _ := GenerateIdentity(rand.Reader)
	ct, err := Encrypt(rand.Reader, alice, bob.SessionID(), []byte("meet at noon"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte { c := bytes.Clone(ct); c[i] ^= 1; return c }

	// A sealed box whose signature is over another recipient: re-sealed to bob, so it
	// opens but must not verify.
	forged, err := Encrypt(rand.Reader, alice, eve.SessionID(), []byte("meet at noon"))
	if err != nil {
		t.Fatal(err)
	}
	opened, err := Open(eve, forged)
	if err != nil {
		t.Fatal(err)
	}
	inner := append(bytes.Clone(opened.Plaintext), alice.Ed25519PublicKey()...)
	eveKey := eve.X25519PublicKey()
	inner = append(inner, alice.Sign(append(bytes.Clone(inner), eveKey[:]...))...)
	eph, _ := GenerateX25519(rand.Reader)
	y := bob.X25519PublicKey()
	key, _ := boxKey(&eph, &y)
	nonce := sealNonce(&eph.Public, &y)
	resealed := sealAfter(eph.Public, inner, &nonce, &key)

	for name, c := range map[string][]byte{
		"empty":                   nil,
		"too short":               ct[:MinCiphertext-1],
		"ephemeral key flipped":   flip(0),
		"ciphertext flipped":      flip(40),
		"tag flipped":             flip(len(ct) - 1),
		"truncated":               ct[:len(ct)-1],
		"signed for someone else": resealed,
	} {
		if _, err := Decrypt(bob, c); err != ErrDecrypt {
			t.Errorf("%s: err = %v, want ErrDecrypt", name, err)
		}
	}
	if _, err := Decrypt(eve, ct); err != ErrDecrypt {
		t.Errorf("wrong recipient: err = %v, want ErrDecrypt", err)
	}
	msg, err := Decrypt(bob, ct)
	if err != nil || string(msg.Plaintext) != "meet at noon" || msg.Sender != alice.SessionID() {
		t.Fatalf("Decrypt = %q from %s, %v", msg.Plaintext, msg.Sender, err)
	}
	if _, err := Encrypt(rand.Reader, alice, SessionID{0x03}, nil); err == nil {
		t.Error("encrypted to a group ID")
	}
	if _, err := Encrypt(rand.Reader, alice, SessionID{0x05}, nil); err != ErrInvalidKey {
		t.Errorf("encrypt to an all-zero key: err = %v, want ErrInvalidKey", err)
	}
}

// sealAfter builds a sealed box from its parts, for forging test inputs.
func sealAfter(eph [32]byte, p []byte, nonce *[24]byte, key *[32]byte) []byte {
	return secretbox.Seal(append([]byte(nil), eph[:]...), p, nonce, key)
}

func FuzzDecrypt(f *testing.F) {
	bob := NewIdentity(Seed{1, 2, 3})
	alice := NewIdentity(Seed{4, 5, 6})
	for _, m := range []string{"", "hello", string(bytes.Repeat([]byte{'x'}, 300))} {
		ct, err := Encrypt(rand.Reader, alice, bob.SessionID(), []byte(m))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ct)
	}
	f.Add([]byte{})
	f.Add(make([]byte, MinCiphertext))
	f.Fuzz(func(t *testing.T, ct []byte) {
		msg, err := Decrypt(bob, ct)
		if err != nil {
			if err != ErrDecrypt {
				t.Fatalf("error is not ErrDecrypt: %v", err)
			}
			return
		}
		if msg.Sender != alice.SessionID() {
			t.Fatalf("accepted a message from %s", msg.Sender)
		}
	})
}
