package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"allium/crypto"
	"allium/engine"
)

// hasMessage reports whether the open conversation shows a message with this text.
func hasMessage(p *Profile, body string) bool {
	if p.conv == nil {
		return false
	}
	for _, m := range p.conv.msgs {
		if m.Body == body {
			return true
		}
	}
	return false
}

func messageState(p *Profile, body string) engine.MessageState {
	for _, m := range p.conv.msgs {
		if m.Body == body {
			return m.State
		}
	}
	return 0
}

// TestSendReceive has Alice and Bob, each in a window, write to each other through the
// test network's onion paths.
func TestSendReceive(t *testing.T) {
	h := newHarness(t)
	aliceDir, aliceID := account(t, "Alice")
	bobDir, bobID := account(t, "Bob")
	alice, bob := h.open(aliceDir), h.open(bobDir)
	if err := alice.eng.SetContactName(bobID, "Bob"); err != nil {
		t.Fatal(err)
	}
	if err := bob.eng.SetContactName(aliceID, "Alice"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("Bob in Alice's list", func() bool { return len(alice.sidebar.shown) == 1 && alice.sidebar.shown[0].Name == "Bob" })
	h.waitFor("Alice in Bob's list", func() bool { return len(bob.sidebar.shown) == 1 })
	alice.sidebar.list.Select(0)
	h.waitFor("the conversation to load", func() bool { return alice.conv != nil && alice.conv.loaded })
	bob.openConversation(aliceID)
	h.waitFor("Bob's conversation to load", func() bool { return bob.conv.loaded })
	if alice.conv.title.Text != "Bob" {
		t.Fatalf("header shows %q", alice.conv.title.Text)
	}

	// Shift+Enter adds a line; Enter sends.
	c := alice.conv.composer.entry
	typeInto(c, "Hello Bob")
	c.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	pressEnter(c)
	c.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	typeInto(c, "second line")
	if c.Text != "Hello Bob\nsecond line" {
		t.Fatalf("composer holds %q after Shift+Enter", c.Text)
	}
	pressEnter(c)
	if c.Text != "" {
		t.Fatalf("composer holds %q after Enter", c.Text)
	}
	const text = "Hello Bob\nsecond line"
	h.waitFor("Alice's bubble", func() bool { return hasMessage(alice, text) })
	h.waitFor("Bob to receive it", func() bool { return hasMessage(bob, text) })
	h.waitFor("Alice's message to be sent", func() bool { return messageState(alice, text) == engine.Sent })

	// Bob's open conversation is marked read as the message arrives.
	h.waitFor("Bob's unread count to clear", func() bool {
		c, _ := bob.sidebar.conversation(aliceID)
		return c.Unread == 0 && len(bob.sidebar.shown) == 1
	})

	// The reply goes the other way; Alice's list shows it as the last message.
	bob.conv.composer.entry.SetText("Hi Alice! سلام")
	pressEnter(bob.conv.composer.entry)
	h.waitFor("Alice to receive the reply", func() bool { return hasMessage(alice, "Hi Alice! سلام") })
	h.waitFor("Alice's list to show the reply", func() bool { return alice.sidebar.shown[0].LastBody == "Hi Alice! سلام" })

	// A message over the limit is refused with a sentence, and nothing is lost.
	long := strings.Repeat("a", engine.MaxMessageLength+1)
	c.SetText(long)
	if !c.Visible() || !alice.conv.composer.counter.Visible() || !strings.Contains(alice.conv.composer.counter.Text, "too long") {
		t.Fatalf("counter: %q", alice.conv.composer.counter.Text)
	}
	pressEnter(c)
	if c.Text != long || alice.conv.composer.counter.Text != tooLongMessage(len(long)) {
		t.Fatal("a message over the limit was not refused with a sentence")
	}

	// Search narrows the list.
	typeInto(alice.sidebar.search, "nobody")
	if len(alice.sidebar.shown) != 0 {
		t.Fatal("search kept a conversation that does not match")
	}
	alice.sidebar.search.SetText("bo")
	if len(alice.sidebar.shown) != 1 {
		t.Fatal("search lost the matching conversation")
	}
}

// TestNewConversation starts a conversation from a pasted Session ID, checked as typed.
func TestNewConversation(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Eve")
	p := h.open(dir)
	p.keys.run(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if p.dialogUp == nil {
		t.Fatal("Ctrl+N did not open the dialog")
	}
	_, other := account(t, "Frank")
	n := p.newConv
	typeInto(n.idEntry, "05abc")
	if !n.startBtn.Disabled() || !strings.Contains(n.issue.Text, "66 characters") {
		t.Fatalf("short ID: %q", n.issue.Text)
	}
	n.idEntry.SetText("  " + strings.ToUpper(other.String()) + " ")
	if n.startBtn.Disabled() {
		t.Fatalf("a good ID is refused: %q", n.issue.Text)
	}
	typeInto(n.name, "Frank")
	n.start()
	h.waitFor("the new conversation", func() bool { return p.conv != nil && p.conv.id == other })
	h.waitFor("the name in the list", func() bool { return len(p.sidebar.shown) == 1 && p.sidebar.shown[0].Name == "Frank" })
	if _, err := crypto.ParseSessionID(other.String()); err != nil {
		t.Fatal(err)
	}
}

// TestEmptyHint: with no conversation yet, the empty side says how to start one and
// offers the Session ID; once there is one, it asks to choose.
func TestEmptyHint(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Jo")
	_, otherID := account(t, "Kim")
	p := h.open(dir)
	h.waitFor("the hint for a new account", func() bool {
		return strings.HasPrefix(p.empty.hello.Text, "No conversations yet") && p.empty.helloID.Visible()
	})
	test.Tap(p.empty.helloID)
	if p.dialogUp == nil {
		t.Fatal("Show my Session ID did not open the QR code")
	}
	p.escape()
	if err := p.eng.SetContactName(otherID, "Kim"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the hint once there is a conversation", func() bool {
		return strings.HasPrefix(p.empty.hello.Text, "Choose a conversation") && !p.empty.helloID.Visible()
	})
}

// TestNoteToSelf: the conversation with oneself is called Note to Self, in the list and
// in its header.
func TestNoteToSelf(t *testing.T) {
	h := newHarness(t)
	dir, me := account(t, "Olga")
	p := h.open(dir)
	if _, err := p.eng.StartConversation(me); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the conversation in the list", func() bool { return len(p.sidebar.shown) == 1 })
	row := newConvRow()
	p.sidebar.list.UpdateItem(0, row)
	if row.name.Text != noteToSelf {
		t.Fatalf("the row says %q", row.name.Text)
	}
	p.openConversation(me)
	if p.conv.title.Text != noteToSelf {
		t.Fatalf("the header says %q", p.conv.title.Text)
	}
	p.sidebar.search.SetText("note")
	if len(p.sidebar.shown) != 1 {
		t.Fatal("searching for Note to Self does not find it")
	}
}

// TestUnsentShowsDeleted: a message deleted for everyone leaves "This message was
// deleted" in its place, on both sides; one deleted only here goes.
func TestUnsentShowsDeleted(t *testing.T) {
	h := newHarness(t)
	aliceDir, aliceID := account(t, "Alice")
	bobDir, bobID := account(t, "Bob")
	alice, bob := h.open(aliceDir), h.open(bobDir)
	if err := alice.eng.SetContactName(bobID, "Bob"); err != nil {
		t.Fatal(err)
	}
	if err := bob.eng.SetContactName(aliceID, "Alice"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the conversations", func() bool { return len(alice.sidebar.shown) == 1 && len(bob.sidebar.shown) == 1 })
	alice.openConversation(bobID)
	bob.openConversation(aliceID)
	h.waitFor("both conversations to load", func() bool { return alice.conv.loaded && bob.conv.loaded })
	alice.conv.composer.entry.SetText("oops")
	pressEnter(alice.conv.composer.entry)
	h.waitFor("Bob to receive it", func() bool { return hasMessage(bob, "oops") })
	h.waitFor("it to be sent", func() bool { return messageState(alice, "oops") == engine.Sent })
	m := alice.conv.msgs[len(alice.conv.msgs)-1]
	if err := alice.eng.Unsend(bobID, m.Timestamp); err != nil {
		t.Fatal(err)
	}
	shows := func(p *Profile) bool {
		v := p.conv
		for _, r := range v.rows {
			if r.msg >= 0 && v.msgs[r.msg].Timestamp == m.Timestamp {
				return len(r.lines) == 1 && r.lines[0] == unsentText && v.msgs[r.msg].Body == ""
			}
		}
		return false
	}
	h.waitFor("Alice's placeholder", func() bool { return shows(alice) })
	h.waitFor("Bob's placeholder", func() bool { return shows(bob) })

	// Delete for me takes the bubble away, with no placeholder.
	alice.conv.composer.entry.SetText("mine only")
	pressEnter(alice.conv.composer.entry)
	h.waitFor("the second message", func() bool { return messageState(alice, "mine only") == engine.Sent })
	m2 := alice.conv.msgs[len(alice.conv.msgs)-1]
	if err := alice.eng.DeleteForMe(bobID, aliceID, m2.Timestamp); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the bubble to go", func() bool { return alice.conv.find(aliceID, m2.Timestamp) < 0 })
}
