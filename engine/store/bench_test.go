package store

import (
	"encoding/json"
	"fmt"
	"testing"

	"allium/engine/vault"
)

// history returns n messages of conversation conv, alternating between the two of us, a
// second apart, with bodies of realistic length.
func history(conv byte, n int) []Message {
	ms := make([]Message, n)
	base := int64(1_600_000_000_000)
	for i := range ms {
		body := fmt.Sprintf("message %d: %s", i, "the quick brown fox jumps over the lazy dog"[:10+i%30])
		if i%2 == 0 {
			ms[i] = Message{Conversation: id(conv), Author: id(conv), Timestamp: base + int64(i)*1000,
				Direction: Incoming, State: Read, Body: body, Hash: "Uq0pLJiUu7xSW3bBn2bK1nR5Qe9gQk5cRjW3C7mZp1E"}
		} else {
			ms[i] = Message{Conversation: id(conv), Author: me, Timestamp: base + int64(i)*1000,
				Direction: Outgoing, State: Sent, Body: body}
		}
	}
	return ms
}

// BenchmarkNewest50Of100k opens a profile whose conversation has 100,000 messages (beside
// four others of 10,000) and reads the page the app shows first.
func BenchmarkNewest50Of100k(b *testing.B) {
	s, dir := newStore(b)
	if n, err := s.AddMessages(history(2, 100_000)); err != nil || n != 100_000 {
		b.Fatal(n, err)
	}
	for c := byte(3); c < 7; c++ {
		if _, err := s.AddMessages(history(c, 10_000)); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	check := func(b *testing.B, ms []Message) {
		if len(ms) != 50 || ms[49].Timestamp != 1_600_000_000_000+99_999*1000 {
			b.Fatalf("got %d messages", len(ms))
		}
	}
	b.Run("Open+Messages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			ms, err := s.Messages(alice, 0, 50)
			if err != nil {
				b.Fatal(err)
			}
			check(b, ms)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Messages", func(b *testing.B) {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ReportAllocs()
		for b.Loop() {
			ms, err := s.Messages(alice, 0, 50)
			if err != nil {
				b.Fatal(err)
			}
			check(b, ms)
		}
	})
	b.Run("Messages/deep page", func(b *testing.B) {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ReportAllocs()
		for b.Loop() {
			ms, err := s.Messages(alice, 1_600_000_000_000+50_000*1000, 50)
			if err != nil || len(ms) != 50 {
				b.Fatal(len(ms), err)
			}
		}
	})
}

// BenchmarkAddMessage is one received message: a write transaction with an fsync, the
// unread index and the conversation summary.
func BenchmarkAddMessage(b *testing.B) {
	s, _ := newStore(b)
	ms := history(2, 1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := ms[i%len(ms)]
		m.Timestamp += int64(i/len(ms)) * 1_000_000_000
		m.Unread = m.Direction == Incoming
		if ok, err := s.AddMessage(m); err != nil || !ok {
			b.Fatal(ok, err)
		}
		i++
	}
}

// jsonMessage is the JSON record BenchmarkMessageRecord measures against the binary one:
// the same fields, the identity left to the key.
type jsonMessage struct {
	Received    int64        `json:"received"`
	Direction   Direction    `json:"dir"`
	Body        string       `json:"body,omitempty"`
	State       MessageState `json:"state"`
	Error       string       `json:"error,omitempty"`
	Hash        string       `json:"hash,omitempty"`
	ExpiresAt   int64        `json:"expiresAt,omitempty"`
	ExpireMode  uint8        `json:"expireMode,omitempty"`
	ExpireTimer uint32       `json:"expireTimer,omitempty"`
	Unread      bool         `json:"unread,omitempty"`
}

// BenchmarkMessageRecord compares the binary message record with encoding/json, the
// alternative considered.
func BenchmarkMessageRecord(b *testing.B) {
	m := history(2, 2)[0]
	m.Received, m.Unread = testNow, true
	k := m.key()
	bin := appendMessage(nil, &m)
	jm := jsonMessage{Received: m.Received, Direction: m.Direction, Body: m.Body, State: m.State,
		Hash: m.Hash, Unread: m.Unread}
	js, _ := json.Marshal(jm)
	b.Logf("record size: binary %d bytes + %d-byte key, JSON %d bytes", len(bin), msgKeyLen, len(js))
	b.Run("binary/encode", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 128)
		for b.Loop() {
			buf = appendMessage(buf[:0], &m)
		}
	})
	b.Run("binary/decode", func(b *testing.B) {
		b.ReportAllocs()
		var got Message
		for b.Loop() {
			if err := decodeMessage(k[:], bin, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json/encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(jm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json/decode", func(b *testing.B) {
		b.ReportAllocs()
		var got jsonMessage
		for b.Loop() {
			if err := json.Unmarshal(js, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpenProfile opens and closes a small profile whose key is not in memory: the
// key file is read and the key check opened each time, as at the app's start. With
// passphrase, the key is unwrapped with Argon2id first (vault.Unlock).
func BenchmarkOpenProfile(b *testing.B) {
	s, dir := newStore(b)
	if _, err := s.AddMessages(history(2, 100)); err != nil {
		b.Fatal(err)
	}
	s.Close()
	open := func(b *testing.B) {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.Run("key file", func(b *testing.B) {
		for b.Loop() {
			vault.Lock(dir)
			open(b)
		}
	})
	pass := []byte("a passphrase for the benchmark")
	if err := vault.SetPassphrase(dir, nil, pass); err != nil {
		b.Fatal(err)
	}
	b.Run("passphrase", func(b *testing.B) {
		for b.Loop() {
			vault.Lock(dir)
			if _, err := vault.Unlock(dir, pass); err != nil {
				b.Fatal(err)
			}
			open(b)
		}
	})
}
