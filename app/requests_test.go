package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"allium/engine"
)

// TestMessageRequests: strangers who write appear under message requests, without a
// notification, and can be accepted, declined or blocked.
func TestMessageRequests(t *testing.T) {
	h := newHarness(t)
	h.ui.foreground = false // notifications would show now, but requests never notify
	dir, me := account(t, "Alice")
	p := h.open(dir)
	carol, dave, erin := newBareUser(t, "Carol"), newBareUser(t, "Dave"), newBareUser(t, "Erin")
	for _, u := range []*bareUser{carol, dave, erin} {
		if _, err := u.e.Send(me, "Hello, it's me"); err != nil {
			t.Fatal(err)
		}
	}
	h.waitFor("three requests", func() bool {
		return p.sidebar.requestsBtn.Visible() && p.sidebar.requestsBtn.Text == "Message requests (3)"
	})
	if len(p.sidebar.shown) != 0 {
		t.Fatal("a request is in the conversation list")
	}
	if h.ui.notified != 0 {
		t.Fatal("a message request raised a notification")
	}
	test.Tap(p.sidebar.requestsBtn)
	r := p.requests
	if r == nil || r.accept[carol.id] == nil {
		t.Fatal("the requests view does not show Carol")
	}

	test.Tap(r.accept[carol.id])
	h.waitFor("Carol in the list", func() bool { return len(p.sidebar.shown) == 1 && p.sidebar.shown[0].ID == carol.id })
	h.waitFor("Carol's conversation to open", func() bool { return p.conv != nil && p.conv.id == carol.id && p.conv.loaded })
	if !hasMessage(p, "Hello, it's me") {
		t.Fatal("the accepted request's message is not shown")
	}
	// Once accepted, Carol's messages notify while Allium is not in front.
	if _, err := carol.e.Send(me, "Thanks!"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("a notification", func() bool { return h.ui.notified == 1 })

	test.Tap(p.sidebar.requestsBtn)
	r = p.requests
	test.Tap(r.decline[dave.id])
	h.waitFor("Dave's request to go", func() bool {
		_, ok := p.sidebar.conversation(dave.id)
		return !ok && p.sidebar.requestsBtn.Text == "Message requests (1)"
	})

	test.Tap(r.block[erin.id])
	confirm, ok := p.dialogUp.(interface{ Confirm() })
	if !ok {
		t.Fatal("Block does not ask for confirmation")
	}
	confirm.Confirm()
	h.waitFor("Erin to be blocked", func() bool {
		c, _ := p.sidebar.conversation(erin.id)
		return c.Blocked && !p.sidebar.requestsBtn.Visible()
	})
	blocked, err := p.eng.Blocked()
	if err != nil || len(blocked) != 1 || blocked[0].ID != erin.id {
		t.Fatalf("engine's blocked list: %v, %v", blocked, err)
	}
}

// TestUnreadBadge: a conversation's row counts its unread messages, shows a badge
// without a count when it is marked unread on one of our devices, and none when read.
func TestUnreadBadge(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Lea")
	p := h.open(dir)
	_, other := account(t, "Max")
	r := newConvRow()
	c := engine.Conversation{ID: other, Name: "Max", Approved: true, MarkedUnread: true}
	r.set(p, c, "Max", false, false)
	if !r.badge.Visible() || r.badgeText.Text != "•" {
		t.Fatalf("marked unread: badge shown %v, %q", r.badge.Visible(), r.badgeText.Text)
	}
	c.Unread = 3
	r.set(p, c, "Max", false, false)
	if !r.badge.Visible() || r.badgeText.Text != "3" {
		t.Fatalf("3 unread: badge shown %v, %q", r.badge.Visible(), r.badgeText.Text)
	}
	c.Unread, c.MarkedUnread = 0, false
	r.set(p, c, "Max", false, false)
	if r.badge.Visible() {
		t.Fatal("a read conversation shows a badge")
	}
}
