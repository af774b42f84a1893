// Package seed fills a profile with a long conversation, for the app's performance tests
// and measurements: it writes the profile's database directly, in one transaction, as
// an account used for years would have it. It is not internal to app because
// scripts/perfkit, which seeds the profile that scripts/app-perf.sh measures, uses it too.
package seed

import (
	"fmt"
	"time"

	"allium/crypto"
	"allium/engine/store"
)

// Conversation adds n messages between the account me and other to the profile in dir
// (its engine must not be running), alternating authors, ending now, about fifty a day,
// and names the conversation.
func Conversation(dir string, me, other crypto.SessionID, name string, n int) error {
	bodies := make([]string, n)
	for i := range bodies {
		bodies[i] = body(i)
	}
	return Messages(dir, me, other, name, bodies)
}

// Messages is Conversation with the messages' texts given: the first is ours, the
// next the other person's, and so on.
func Messages(dir string, me, other crypto.SessionID, name string, bodies []string) error {
	st, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.UpdateConversation(other, func(c *store.Conversation) { c.Name = name; c.Approved = true; c.ApprovedMe = true }); err != nil {
		return err
	}
	n := len(bodies)
	now := time.Now().UnixMilli()
	step := (24 * time.Hour / 50).Milliseconds()
	msgs := make([]store.Message, n)
	for i := range msgs {
		m := store.Message{Conversation: other, Timestamp: now - int64(n-i)*step, Body: bodies[i]}
		if i%2 == 0 {
			m.Author, m.Direction, m.State = me, store.Outgoing, store.Read
		} else {
			m.Author, m.Direction, m.State = other, store.Incoming, store.Read
		}
		msgs[i] = m
	}
	if _, err := st.AddMessages(msgs); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// body varies the length of messages, as a real conversation does: mostly a line, now
// and then a paragraph.
func body(i int) string {
	switch {
	case i%17 == 0:
		return fmt.Sprintf("Message %d. A longer one, as people sometimes write: it wraps over several lines in the bubble, so that rows of different heights follow each other, which is what the list has to handle when it scrolls through a long conversation.", i)
	case i%5 == 0:
		return fmt.Sprintf("Message %d, with a second sentence to make it a little longer.", i)
	}
	return fmt.Sprintf("Message %d", i)
}
