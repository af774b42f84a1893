package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"allium/app/seed"
	"allium/crypto"
)

const longConversation = 10000

// openLong opens a profile holding a 10,000-message conversation, in a window of a usual
// size.
func openLong(t testing.TB) (*harness, *Profile, crypto.SessionID) {
	h := newHarness(t)
	dir, me := account(t, "Ivy")
	_, other := account(t, "Jon")
	if err := seed.Conversation(dir, me, other, "Jon", longConversation); err != nil {
		t.Fatal(err)
	}
	p := h.open(dir)
	p.win.Resize(fyne.NewSize(960, 640))
	h.waitFor("the conversation list", func() bool { return len(p.sidebar.shown) == 1 })
	return h, p, other
}

// TestLongConversation: opening 10,000 messages reads one page of them, and the list
// builds and measures only the rows on screen, however far it scrolls. How long opening
// takes is BenchmarkOpenConversation10k's to say (BENCHMARKS.md), not this test's.
func TestLongConversation(t *testing.T) {
	h, p, other := openLong(t)
	start := time.Now()
	p.openConversation(other)
	h.waitFor("the messages", func() bool { return p.conv.loaded })
	took := time.Since(start)
	v := p.conv
	t.Logf("opened the conversation in %v (race detector: %v)", took, raceEnabled)
	if len(v.msgs) > pageSize {
		t.Errorf("opening read %d messages; it should read one page of %d", len(v.msgs), pageSize)
	}
	if v.built == 0 {
		t.Fatal("the list built no rows")
	}
	newest := v.msgs[len(v.msgs)-1].Body

	// Reaching the top reads the page before, until the first message; the rows on
	// screen stay where they were.
	for pages := 0; v.more; pages++ {
		if pages > longConversation/pageSize+1 {
			t.Fatal("the pages never end")
		}
		v.list.ScrollToTop()
		h.waitFor("an older page", func() bool { return !v.loading })
		if v.list.GetScrollOffset() == 0 && v.more {
			t.Fatal("the list jumped to the top of the page just read")
		}
	}
	if len(v.msgs) != longConversation {
		t.Fatalf("%d messages after scrolling to the top, want %d", len(v.msgs), longConversation)
	}
	for i := 1; i < len(v.msgs); i++ {
		if v.msgs[i].Timestamp <= v.msgs[i-1].Timestamp {
			t.Fatalf("messages %d and %d out of order", i-1, i)
		}
	}
	// Scrolling the whole way down builds and measures only the rows shown on the way.
	v.built, v.measured = 0, 0
	for off := float32(0); off < 20000; off += 400 {
		v.list.ScrollToOffset(off)
	}
	v.list.ScrollToBottom()
	if v.msgs[len(v.msgs)-1].Body != newest {
		t.Fatal("the newest message moved")
	}
	measured := v.measured
	t.Logf("rows: %d; built %d, measured %d", len(v.rows), v.built, measured)
	limit := 40
	if raceEnabled {
		limit = 300
	}
	if v.built > limit {
		t.Errorf("scrolling built %d rows; only those on screen should be", v.built)
	}
	if measured > 1000 {
		t.Errorf("%d rows measured after scrolling 20,000 points; rows are measured when shown", measured)
	}
}

// BenchmarkOpenConversation10k measures opening a 10,000-message conversation: reading
// it from the database, building its rows and laying out the visible ones.
func BenchmarkOpenConversation10k(b *testing.B) {
	h, p, other := openLong(b)
	b.ResetTimer()
	for b.Loop() {
		p.showEmpty()
		p.openConversation(other)
		h.waitFor("the messages", func() bool { return p.conv.loaded })
	}
}
