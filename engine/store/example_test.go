package store_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"strings"

	"allium/crypto"
	"allium/engine/store"
)

// The app shows a conversation's newest page first, then loads older pages as the person
// scrolls up, each ending before the oldest message it already shows.
func ExampleStore_Messages() {
	dir, err := os.MkdirTemp("", "profile")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := store.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	alice := crypto.SessionID{0x05, 0xa1}
	for ts := int64(1); ts <= 5; ts++ {
		m := store.Message{Conversation: alice, Author: alice, Timestamp: ts, Direction: store.Incoming,
			Body: fmt.Sprint("message ", ts), Unread: true}
		if _, err := s.AddMessage(m); err != nil {
			log.Fatal(err)
		}
	}
	page, _ := s.Messages(alice, 0, 2) // the newest two, oldest first
	for len(page) > 0 {
		var bodies []string
		for _, m := range page {
			bodies = append(bodies, m.Body)
		}
		fmt.Println(strings.Join(bodies, "; "))
		page, _ = s.Messages(alice, page[0].Timestamp, 2)
	}

	read, _ := s.MarkRead(alice, math.MaxInt64) // the conversation was opened
	c, _, _ := s.Conversation(alice)
	fmt.Println("read receipts for", read, "- unread now", c.Unread, "- request:", !c.Approved)
	// Output:
	// message 4; message 5
	// message 2; message 3
	// message 1
	// read receipts for [1 2 3 4 5] - unread now 0 - request: true
}
