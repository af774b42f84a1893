package engine

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
)

// receiveSeeds are contents another account sends: each kind the receive path handles.
func receiveSeeds(from *Engine) []*sessionpb.Content {
	ts := uint64(time.Now().UnixMilli())
	return []*sessionpb.Content{
		{DataMessage: &sessionpb.DataMessage{Body: proto.String("hello"), Profile: from.profile()}},
		{DataMessage: &sessionpb.DataMessage{Flags: proto.Uint32(uint32(sessionpb.DataMessage_EXPIRATION_TIMER_UPDATE))},
			ExpirationType: sessionpb.Content_DELETE_AFTER_SEND.Enum(), ExpirationTimer: proto.Uint32(60)},
		{ReceiptMessage: &sessionpb.ReceiptMessage{Type: sessionpb.ReceiptMessage_READ.Enum(), Timestamp: []uint64{ts}}},
		{TypingMessage: &sessionpb.TypingMessage{Timestamp: proto.Uint64(ts), Action: sessionpb.TypingMessage_STARTED.Enum()}},
		{UnsendRequest: &sessionpb.UnsendRequest{Timestamp: proto.Uint64(ts), Author: proto.String(from.SessionID().String())}},
		{MessageRequestResponse: &sessionpb.MessageRequestResponse{IsApproved: proto.Bool(true)}},
	}
}

// TestReceiveKinds runs each kind of content through the whole receive path (envelope,
// decryption, content, store) and checks that none is dropped as unreadable.
func TestReceiveKinds(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	for i, c := range receiveSeeds(bob) {
		payload, err := bob.seal(alice.SessionID(), time.Now().UnixMilli()+int64(i), c)
		if err != nil {
			t.Fatal(err)
		}
		alice.receive(payload)
	}
	if n := alice.Dropped(); n != 0 {
		t.Fatalf("%d well-formed messages were dropped", n)
	}
	alice.receive([]byte("not an envelope"))
	if n := alice.Dropped(); n != 1 {
		t.Fatalf("dropped %d, want 1", n)
	}
}

// FuzzReceive feeds the receive path (envelope → decryption → content → message) what a
// swarm could hold for the account: sealed messages of each kind, changed at random. It
// must never panic, and whatever it stores must read back.
func FuzzReceive(f *testing.F) {
	sw := newMemSwarm()
	alice := openMem(f, sw, "Alice", Options{})
	bob := openMem(f, sw, "Bob", Options{})
	for i, c := range receiveSeeds(bob) {
		payload, err := bob.seal(alice.SessionID(), time.Now().UnixMilli()+int64(i), c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(payload)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		alice.receive(bytes.Clone(data))
		if _, err := alice.Conversations(); err != nil {
			t.Fatalf("the store does not read back: %v", err)
		}
	})
}

// FuzzReceiveContent seals whatever Content bytes the fuzzer makes, as a sender could,
// so that the content's parsing and handling past decryption is fuzzed too.
func FuzzReceiveContent(f *testing.F) {
	sw := newMemSwarm()
	alice := openMem(f, sw, "Alice", Options{})
	bob := openMem(f, sw, "Bob", Options{})
	for _, c := range receiveSeeds(bob) {
		c.SigTimestamp = proto.Uint64(uint64(time.Now().UnixMilli()))
		b, err := proto.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, plain []byte) {
		sealed, err := crypto.Encrypt(rand.Reader, bob.id, alice.SessionID(), plain)
		if err != nil {
			t.Fatal(err)
		}
		ts := uint64(time.Now().UnixMilli())
		payload, err := sessionpb.WrapEnvelope(sessionpb.NewEnvelope(ts, sealed, nil))
		if err != nil {
			t.Fatal(err)
		}
		alice.receive(payload)
		if _, err := alice.Messages(bob.SessionID(), 0, 0); err != nil {
			t.Fatalf("the store does not read back: %v", err)
		}
	})
}
