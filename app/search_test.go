package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"
)

// TestSearchOlderMessages: search finds a message far back in a conversation, opens
// the conversation at it, and says so when nothing matches.
func TestSearchOlderMessages(t *testing.T) {
	h, p, other := openLong(t)
	r := p.sidebar.results
	p.sidebar.search.SetText("message 1001")
	h.waitFor("the search", func() bool { return r.done })
	if len(r.found) != 1 || r.found[0].Body != "Message 1001" {
		t.Fatalf("found %d messages", len(r.found))
	}
	r.list.Select(0)
	h.waitFor("the conversation at the message", func() bool { return p.conv != nil && p.conv.id == other && p.conv.loaded })
	v := p.conv
	if v.find(r.found[0].Author, r.found[0].Timestamp) < 0 {
		t.Fatal("the message found is not shown")
	}
	// The message is on screen, marked (older pages may have been read above it).
	h.waitFor("older pages", func() bool { return !v.loading })
	i := v.find(r.found[0].Author, r.found[0].Timestamp)
	y := float32(0)
	for _, row := range v.rows {
		if row.msg == i {
			break
		}
		y += row.height + theme.Padding()
	}
	if off := v.list.GetScrollOffset(); y < off || y > off+v.list.Size().Height {
		t.Fatalf("the message is at %v, the list shows %v to %v", y, off, off+v.list.Size().Height)
	}
	if v.target != (msgID{r.found[0].Author, r.found[0].Timestamp}) {
		t.Fatal("the message is not marked")
	}

	p.sidebar.search.SetText("no such words")
	h.waitFor("the second search", func() bool { return r.done })
	if len(p.sidebar.shown) != 0 || !r.status.Visible() || !strings.HasPrefix(r.status.Text, "No results") {
		t.Fatalf("nothing found: %q", r.status.Text)
	}
	p.sidebar.search.SetText("")
	if p.sidebar.center.Objects[0] != p.sidebar.list {
		t.Fatal("the list does not come back when the search is cleared")
	}
}
