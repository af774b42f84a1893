package sessionpb

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"

	"golang.org/x/crypto/blake2b"
	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/network"
)

// pipelineCase is the DERIVED end-to-end case of session_protocol.json: the whole path
// of a text message from Content to the hash the storage server files it under.
type pipelineCase struct {
	SenderSeed    hexBytes `json:"sender_ed25519_seed"`
	RecipientSeed hexBytes `json:"recipient_ed25519_seed"`
	RecipientID   string   `json:"recipient_session_id"`
	Hash          string   `json:"expected_message_hash"`
	Store         struct {
		Params struct {
			Pubkey string `json:"pubkey"`
			Data   string `json:"data"`
		} `json:"params"`
	} `json:"store_request_json"`
	ExpectedDecode struct {
		Sender string `json:"sender_session_id"`
	} `json:"expected_decode"`
}

// TestPipelineRoundTrip builds the DERIVED text message from its parts through crypto,
// this package and network, byte for byte, then takes the stored bytes apart again the
// way a receiver does.
func TestPipelineRoundTrip(t *testing.T) {
	derived, _ := loadVectors(t)
	raw, err := os.ReadFile(sessionProtocolVectors)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []pipelineCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	var pc *pipelineCase
	for i := range file.Cases {
		if file.Cases[i].Hash != "" {
			pc = &file.Cases[i]
		}
	}
	if pc == nil || len(derived) != 1 {
		t.Fatal("no DERIVED pipeline case")
	}
	d := derived[0]
	sender := crypto.NewIdentityFromEd25519Seed([32]byte(pc.SenderSeed))
	recipient := crypto.NewIdentityFromEd25519Seed([32]byte(pc.RecipientSeed))
	to, err := crypto.ParseSessionID(pc.RecipientID)
	if err != nil {
		t.Fatal(err)
	}

	// Sender: Content → pad → sign + seal → Envelope → WebSocketMessage → base64.
	content := &Content{
		DataMessage: &DataMessage{
			Body:    proto.String(d.ExpectedDecode.Body),
			Profile: &LokiProfile{DisplayName: proto.String(d.ExpectedDecode.DisplayName), LastUpdateSeconds: proto.Uint64(d.SentTimestampMS / 1000)},
		},
		SigTimestamp: proto.Uint64(d.SentTimestampMS),
	}
	plain := mustMarshal(t, content)
	if !bytes.Equal(plain, d.ContentProtobuf) {
		t.Fatalf("content %x", plain)
	}
	sealed, err := crypto.Encrypt(deterministicRand(sender, to, crypto.AppendPadded(nil, plain)), sender, to, plain)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sealed, d.EncryptedContent) {
		t.Fatalf("sealed box %x", sealed)
	}
	stored, err := WrapEnvelope(NewEnvelope(d.SentTimestampMS, sealed, make([]byte, 64)))
	if err != nil {
		t.Fatal(err)
	}
	data := base64.StdEncoding.EncodeToString(stored)
	if data != pc.Store.Params.Data || data != d.StoreDataBase64 {
		t.Fatalf("store data %s", data)
	}
	var pub [33]byte
	copy(pub[:], to[:])
	if h := network.MessageHash(pub, network.DefaultNamespace, stored); h != pc.Hash {
		t.Fatalf("message hash %s, want %s", h, pc.Hash)
	}

	// Receiver: base64 → WebSocketMessage → Envelope → open + verify → unpad → Content.
	got, err := base64.StdEncoding.DecodeString(pc.Store.Params.Data)
	if err != nil {
		t.Fatal(err)
	}
	env, err := UnwrapEnvelope(got)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := crypto.Decrypt(recipient, env.GetContent())
	if err != nil {
		t.Fatal(err)
	}
	if msg.Sender.String() != pc.ExpectedDecode.Sender {
		t.Errorf("sender %s", msg.Sender)
	}
	var c Content
	if err := proto.Unmarshal(msg.Plaintext, &c); err != nil {
		t.Fatal(err)
	}
	if c.GetSigTimestamp() != env.GetTimestamp() || c.GetDataMessage().GetBody() != d.ExpectedDecode.Body ||
		c.GetDataMessage().GetProfile().GetDisplayName() != d.ExpectedDecode.DisplayName {
		t.Errorf("decoded %v at %d", &c, env.GetTimestamp())
	}
}

// deterministicRand is the randomness that makes crypto.Encrypt reproduce libsession's
// deterministic encryption: the one-time key seed is BLAKE2b-256 keyed with
// "SessionBoxEphemeralHashKey" over the sender seed, the recipient key and the padded
// message, turned into a secret key as crypto_box_seed_keypair does (SHA-512, first half).
func deterministicRand(sender *crypto.Identity, to crypto.SessionID, padded []byte) *bytes.Reader {
	h, _ := blake2b.New256([]byte("SessionBoxEphemeralHashKey"))
	h.Write(sender.Ed25519PrivateKey()[:ed25519.SeedSize])
	h.Write(to[1:])
	h.Write(padded)
	d := sha512.Sum512(h.Sum(nil))
	return bytes.NewReader(d[:32])
}
