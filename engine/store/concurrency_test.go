package store

import (
	"sync"
	"testing"
)

// TestConcurrentUse runs writers and readers at once; with -race it checks that nothing
// returned points into bbolt's memory and that no state is shared unguarded.
func TestConcurrentUse(t *testing.T) {
	s, _ := newStore(t)
	const perWriter = 40
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				m := in(byte(2+w), int64(i+1), "msg")
				if _, err := s.AddMessage(m); err != nil {
					t.Error(err)
					return
				}
				if i%10 == 9 {
					if _, err := s.MarkRead(m.Conversation, m.Timestamp); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 100 {
			if _, err := s.Messages(alice, 0, 50); err != nil {
				t.Error(err)
				return
			}
			if _, err := s.Conversations(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	cs, err := s.Conversations()
	if err != nil || len(cs) != 3 {
		t.Fatalf("Conversations = %d, %v", len(cs), err)
	}
	for _, c := range cs {
		if c.Unread != 0 || c.LastAt != perWriter {
			t.Errorf("conversation %+v", c)
		}
		if ms, _ := s.Messages(c.ID, 0, 0); len(ms) != perWriter {
			t.Errorf("%d messages, want %d", len(ms), perWriter)
		}
	}
}
