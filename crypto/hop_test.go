package crypto

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"testing"
)

type onionVectors struct {
	Cases []struct {
		Label        string   `json:"label"`
		EncType      string   `json:"enc_type"`
		ClientPub    string   `json:"client_ephemeral_x25519_pubkey"`
		ClientSecret string   `json:"client_ephemeral_x25519_secret"`
		NodePub      string   `json:"node_x25519_pubkey"`
		NodeSecret   string   `json:"node_x25519_secret"`
		Key          string   `json:"symmetric_key"`
		Ciphertext   string   `json:"ciphertext"`
		Plaintext    string   `json:"plaintext_utf8"`
		Broken       []string `json:"broken_variants_must_fail"`
	} `json:"cases"`
	Edge []struct {
		Label        string `json:"label"`
		NodePub      string `json:"node_x25519_pubkey"`
		NodeSecret   string `json:"node_x25519_secret"`
		ClientSecret string `json:"client_ephemeral_x25519_secret"`
		Body         string `json:"request_body"`
		JSON         struct {
			EncType      string `json:"enc_type"`
			EphemeralKey string `json:"ephemeral_key"`
		} `json:"json"`
		Key       string `json:"symmetric_key"`
		Plaintext string `json:"plaintext_utf8"`
	} `json:"edge_parse_cases"`
}

func keyPair(t testing.TB, secret, public string) X25519KeyPair {
	return X25519KeyPair{Private: key32(t, secret), Public: key32(t, public)}
}

func TestHopVectors(t *testing.T) {
	var v onionVectors
	loadVectors(t, "onion.json", &v)
	for _, c := range v.Cases {
		t.Run(c.Label, func(t *testing.T) {
			enc, err := ParseEncType(c.EncType)
			if err != nil {
				t.Fatal(err)
			}
			client := keyPair(t, c.ClientSecret, c.ClientPub)
			node := keyPair(t, c.NodeSecret, c.NodePub)
			ck, err := ClientHopKey(enc, &client, &node.Public)
			if err != nil {
				t.Fatal(err)
			}
			nk, err := NodeHopKey(enc, &node, &client.Public)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(ck.key[:]) != c.Key || nk.key != ck.key {
				t.Fatalf("keys %x / %x, want %s", ck.key, nk.key, c.Key)
			}
			ct := unhex(t, c.Ciphertext)
			pt, err := nk.Open(nil, ct)
			if err != nil || string(pt) != c.Plaintext {
				t.Fatalf("Open = %q, %v", pt, err)
			}
			// Sealing with the vector's nonce reproduces the ciphertext byte for byte.
			again, err := ck.Seal(bytes.NewReader(ct), nil, pt)
			if err != nil || !bytes.Equal(again, ct) {
				t.Fatalf("Seal = %x, %v", again, err)
			}
			for i, b := range c.Broken {
				if _, err := nk.Open(nil, unhex(t, b)); err != ErrDecrypt {
					t.Errorf("broken variant %d: err = %v, want ErrDecrypt", i, err)
				}
			}
		})
	}
	for _, c := range v.Edge {
		t.Run(c.Label, func(t *testing.T) {
			body := unhex(t, c.Body)
			n := binary.LittleEndian.Uint32(body)
			ct, rest := body[4:4+n], body[4+n:]
			var meta struct {
				EncType      string `json:"enc_type"`
				EphemeralKey string `json:"ephemeral_key"`
			}
			if err := json.Unmarshal(rest, &meta); err != nil || meta != c.JSON {
				t.Fatalf("meta %+v, %v", meta, err)
			}
			enc, err := ParseEncType(meta.EncType)
			if err != nil {
				t.Fatal(err)
			}
			node := keyPair(t, c.NodeSecret, c.NodePub)
			eph := key32(t, meta.EphemeralKey)
			k, err := NodeHopKey(enc, &node, &eph)
			if err != nil || hex.EncodeToString(k.key[:]) != c.Key {
				t.Fatalf("key %x, %v; want %s", k.key, err, c.Key)
			}
			pt, err := k.Open(nil, ct)
			if err != nil || string(pt) != c.Plaintext {
				t.Fatalf("Open = %q, %v", pt, err)
			}
			// Replies use the same key; their size is nonce + text + tag.
			reply, err := k.Seal(rand.Reader, nil, []byte("Goodbye world"))
			if err != nil || len(reply) != HopOverhead(enc)+13 {
				t.Fatalf("reply %d bytes, %v", len(reply), err)
			}
			client := keyPair(t, c.ClientSecret, meta.EphemeralKey)
			ck, err := ClientHopKey(enc, &client, &node.Public)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := ck.Open(nil, reply); err != nil || string(got) != "Goodbye world" {
				t.Fatalf("client opens reply: %q, %v", got, err)
			}
		})
	}
}

func TestHopReplySizes(t *testing.T) {
	for enc, want := range map[EncType]int{AESGCM: 41, XChaCha20: 53} {
		if got := HopOverhead(enc) + len("Goodbye world"); got != want {
			t.Errorf("%s reply = %d bytes, want %d", enc, got, want)
		}
	}
}

func TestParseEncType(t *testing.T) {
	for in, want := range map[string]EncType{"": AESGCM, "aes-gcm": AESGCM, "gcm": AESGCM, "xchacha20": XChaCha20, "xchacha20-poly1305": XChaCha20} {
		if got, err := ParseEncType(in); err != nil || got != want {
			t.Errorf("ParseEncType(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"aes-cbc", "AES-GCM", "none"} {
		if _, err := ParseEncType(in); err == nil {
			t.Errorf("ParseEncType(%q) accepted", in)
		}
	}
}

func TestHopRejects(t *testing.T) {
	node, _ := GenerateX25519(rand.Reader)
	eph, _ := GenerateX25519(rand.Reader)
	var zero [32]byte
	if _, err := NodeHopKey(AESGCM, &node, &zero); err != ErrInvalidKey {
		t.Errorf("all-zero ephemeral key: err = %v, want ErrInvalidKey", err)
	}
	for _, enc := range []EncType{AESGCM, XChaCha20} {
		k, err := ClientHopKey(enc, &eph, &node.Public)
		if err != nil {
			t.Fatal(err)
		}
		ct, _ := k.Seal(rand.Reader, []byte("prefix"), []byte("payload"))
		if !bytes.HasPrefix(ct, []byte("prefix")) {
			t.Fatal("Seal does not append")
		}
		ct = ct[len("prefix"):]
		for name, c := range map[string][]byte{"empty": nil, "nonce only": ct[:HopOverhead(enc)-1], "truncated": ct[:len(ct)-1]} {
			if _, err := k.Open(nil, c); err != ErrDecrypt {
				t.Errorf("%s %s: err = %v", enc, name, err)
			}
		}
		other, _ := ClientHopKey(enc^1, &eph, &node.Public)
		if _, err := other.Open(nil, ct); err != ErrDecrypt {
			t.Errorf("%s opened with the other scheme", enc)
		}
	}
}

// A key pair written as a literal, without its prepared secret, derives the same layer
// key as one made by NewX25519KeyPair, and both refuse a low-order point.
func TestHopKeyLiteralPair(t *testing.T) {
	node, _ := GenerateX25519(rand.Reader)
	eph, _ := GenerateX25519(rand.Reader)
	literal := X25519KeyPair{Private: node.Private, Public: node.Public}
	if NewX25519KeyPair(node.Private).Public != node.Public {
		t.Fatal("NewX25519KeyPair computes another public key")
	}
	for _, enc := range []EncType{AESGCM, XChaCha20} {
		a, err := NodeHopKey(enc, &node, &eph.Public)
		if err != nil {
			t.Fatal(err)
		}
		b, err := NodeHopKey(enc, &literal, &eph.Public)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := ClientHopKey(enc, &eph, &node.Public)
		if a != b || a != c {
			t.Errorf("%v: prepared, literal and client keys differ", enc)
		}
	}
	// 1 is a point of order 4 (u = 1 gives y = 0): every secret's product with it is zero.
	one := [32]byte{1}
	for _, kp := range []*X25519KeyPair{&node, &literal} {
		if _, err := NodeHopKey(AESGCM, kp, &one); err != ErrInvalidKey {
			t.Errorf("low-order point: err = %v, want ErrInvalidKey", err)
		}
	}
}
