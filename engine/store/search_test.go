package store

import (
	"strings"
	"testing"

	"allium/crypto"
)

// TestSearchMessages finds messages of every conversation by their text, newest first,
// and no more than asked for.
func TestSearchMessages(t *testing.T) {
	s, _ := newStore(t)
	a, b, me := crypto.SessionID{5, 1}, crypto.SessionID{5, 2}, crypto.SessionID{5, 9}
	ms := []Message{
		{Conversation: a, Author: a, Timestamp: 100, Direction: Incoming, Body: "the station at noon"},
		{Conversation: a, Author: me, Timestamp: 200, Direction: Outgoing, Body: "which station?"},
		{Conversation: b, Author: b, Timestamp: 150, Direction: Incoming, Body: "nothing here"},
		{Conversation: b, Author: b, Timestamp: 300, Direction: Incoming, Body: "north station"},
	}
	if _, err := s.AddMessages(ms); err != nil {
		t.Fatal(err)
	}
	has := func(body string) bool { return strings.Contains(body, "station") }
	got, err := s.SearchMessages(has, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ts []int64
	for _, m := range got {
		ts = append(ts, m.Timestamp)
	}
	if len(ts) != 3 || ts[0] != 300 || ts[1] != 200 || ts[2] != 100 {
		t.Fatalf("found %v", ts)
	}
	if got, _ := s.SearchMessages(has, 2); len(got) != 2 || got[0].Timestamp != 300 {
		t.Fatalf("with a limit of 2: %d", len(got))
	}
	if got, _ := s.SearchMessages(func(string) bool { return false }, 0); len(got) != 0 {
		t.Fatal("found messages that do not match")
	}
}
