package store

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestMessageRecord(t *testing.T) {
	m := Message{Conversation: alice, Author: me, Timestamp: 42, Received: testNow, Direction: Outgoing,
		Body: "hello", State: Failed, Error: "Can't reach the network.", ExpiresAt: 7, ExpireMode: ExpireAfterSend, ExpireTimer: 60}
	t.Run("plain", func(t *testing.T) { testMessageRecord(t, m) })
	m.Attachments = []Attachment{{Name: "cat.jpg", ContentType: "image/jpeg", Size: 12345, Width: 640, Height: 480,
		Pointer: []byte{1, 2, 3}, State: 2, Path: "00/cat.jpg"}, {Name: "note", Voice: true, Size: 1}}
	t.Run("with attachments", func(t *testing.T) { testMessageRecord(t, m) })
}

func testMessageRecord(t *testing.T, m Message) {
	k := m.key()
	good := appendMessage(nil, &m)
	for _, c := range []struct {
		name string
		k, v []byte
		err  error
	}{
		{"round trip", k[:], good, nil},
		{"short key", k[:msgKeyLen-1], good, ErrCorrupt},
		{"empty record", k[:], nil, ErrCorrupt},
		{"unknown format", k[:], append([]byte{9}, good[1:]...), ErrCorrupt},
		{"truncated", k[:], good[:len(good)-3], ErrCorrupt},
		{"trailing bytes", k[:], append(append([]byte{}, good...), 0), ErrCorrupt},
		{"length past the end", k[:], append(append([]byte{}, good[:len(good)-1]...), 0x7f), ErrCorrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got Message
			err := decodeMessage(c.k, c.v, &got)
			if !errors.Is(err, c.err) {
				t.Fatalf("decodeMessage = %v, want %v", err, c.err)
			}
			if err == nil && !reflect.DeepEqual(got, m) {
				t.Errorf("decoded\n %+v\nwant\n %+v", got, m)
			}
		})
	}
}

// FuzzMessageRecord checks that no record, however damaged, makes decodeMessage panic, and
// that whatever it accepts encodes back to the same bytes.
func FuzzMessageRecord(f *testing.F) {
	for _, m := range []Message{in(2, 1, "hi"), out(2, 2, ""), {Body: "x", Error: "y", Hash: "z", Received: -5, ExpiresAt: 1 << 40},
		{Body: "f", Attachments: []Attachment{{Name: "a", Size: 3, Pointer: []byte("p")}}},
		{Body: "l", Preview: &Preview{URL: "https://a.example", Title: "t", Image: &Attachment{Size: 3}}}} {
		f.Add(appendMessage(nil, &m))
	}
	k := makeMsgKey(alice, 1, alice)
	f.Fuzz(func(t *testing.T, v []byte) {
		var m Message
		if err := decodeMessage(k[:], v, &m); err != nil {
			return
		}
		if again := appendMessage(nil, &m); !bytes.Equal(again, v) {
			// Varints have one shortest form, but a decoder accepts longer ones; only
			// the decoded values must survive.
			var m2 Message
			if err := decodeMessage(k[:], again, &m2); err != nil || !reflect.DeepEqual(m2, m) {
				t.Fatalf("re-encoded record decodes to %+v, %v; want %+v", m2, err, m)
			}
		}
	})
}

func FuzzOutboxRecord(f *testing.F) {
	it := OutboxItem{Recipient: alice, Timestamp: 5, Payload: []byte("p"), TTL: 9, Attempts: 3, NextAttempt: 11, Conversation: alice, Kind: 1}
	f.Add(appendOutboxItem(nil, &it))
	k := outboxKey(1)
	f.Fuzz(func(t *testing.T, v []byte) {
		got, err := decodeOutboxItem(k, v)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		got2, err := decodeOutboxItem(k, appendOutboxItem(nil, &got))
		if err != nil || got2.Timestamp != got.Timestamp || !bytes.Equal(got2.Payload, got.Payload) {
			t.Fatalf("round trip: %+v, %v; want %+v", got2, err, got)
		}
	})
}
