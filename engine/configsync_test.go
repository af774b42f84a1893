package engine

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"allium/crypto"
	"allium/engine/config"
	"allium/network/client"
)

// eventually waits until cond holds, for what a poll or a push brings.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restoreMem restores phrase into a new profile on sw, as a second device.
func restoreMem(t testing.TB, sw *memSwarm, phrase string) *Engine {
	t.Helper()
	dir := t.TempDir()
	if _, err := Restore(dir, "", phrase, ""); err != nil {
		t.Fatal(err)
	}
	return reopenMem(t, sw, dir, Options{})
}

func someone(b byte) crypto.SessionID {
	id := crypto.NewIdentityFromEd25519Seed([32]byte{b})
	return id.SessionID()
}

func conv(t testing.TB, e *Engine, id crypto.SessionID) Conversation {
	t.Helper()
	c, _, err := e.Conversation(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// configBytes is a config's current message, to compare two devices.
func configBytes(e *Engine, k config.Kind) []byte {
	e.cfg.mu.Lock()
	defer e.cfg.mu.Unlock()
	return config.Encode(e.cfg.cfgs[k].Data())
}

func settled(e *Engine) bool {
	e.cfg.mu.Lock()
	defer e.cfg.mu.Unlock()
	for _, c := range e.cfg.cfgs {
		if c.NeedsPush() {
			return false
		}
	}
	return len(e.cfg.pending) == 0 && len(e.cfg.deleted) == 0
}

func TestRestoreBringsBackContacts(t *testing.T) {
	sw := newMemSwarm()
	a := openMem(t, sw, "Alice", Options{})
	bob, carol, dave := someone(1), someone(2), someone(3)
	if err := a.SetDisplayName("Alice Liddell"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartConversation(bob); err != nil {
		t.Fatal(err)
	}
	if err := a.SetContactName(bob, "Bobby"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartConversation(carol); err != nil {
		t.Fatal(err)
	}
	if err := a.Block(carol); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartConversation(dave); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPriority(dave, 5); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first device's push", func() bool { return settled(a) })
	for _, ns := range []int{2, 3} {
		if n := sw.configCount([33]byte(a.SessionID()), networkNS(ns)); n != 1 {
			t.Errorf("namespace %d holds %d messages, want 1 (superseded ones deleted)", ns, n)
		}
	}

	b := restoreMem(t, sw, a.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	if b.DisplayName() != "Alice Liddell" {
		t.Errorf("restored name %q", b.DisplayName())
	}
	if c := conv(t, b, bob); !c.Approved || c.Name != "Bobby" || c.Nickname != "Bobby" {
		t.Errorf("bob restored as %+v", c)
	}
	if c := conv(t, b, carol); !c.Blocked || !c.Approved {
		t.Errorf("carol restored as %+v", c)
	}
	if c := conv(t, b, dave); !c.Approved || c.Priority != 5 {
		t.Errorf("dave restored as %+v", c)
	}
	if b.Restoring() {
		t.Error("still restoring")
	}
}

func TestTwoDevicesConverge(t *testing.T) {
	sw := newMemSwarm()
	a := openMem(t, sw, "Alice", Options{})
	b := restoreMem(t, sw, a.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	x, y := someone(4), someone(5)
	a.StartConversation(x)
	b.StartConversation(y)
	eventually(t, "both devices to know both contacts", func() bool {
		return conv(t, a, y).Approved && conv(t, b, x).Approved
	})
	// Concurrent changes on both devices.
	a.SetContactName(x, "Xavier")
	b.Block(y)
	b.SetDisplayName("Alice B")
	a.SetPriority(y, 2)
	eventually(t, "the devices to converge", func() bool {
		if !settled(a) || !settled(b) {
			return false
		}
		for _, k := range config.Kinds {
			if !bytes.Equal(configBytes(a, k), configBytes(b, k)) {
				return false
			}
		}
		return true
	})
	for _, e := range []*Engine{a, b} {
		if c := conv(t, e, x); c.Nickname != "Xavier" {
			t.Errorf("x: %+v", c)
		}
		if c := conv(t, e, y); !c.Blocked || c.Priority != 2 {
			t.Errorf("y: %+v", c)
		}
		if e.DisplayName() != "Alice B" {
			t.Errorf("name %q", e.DisplayName())
		}
	}
	// A restore after the changes sees them all.
	c := restoreMem(t, sw, a.Phrase())
	waitFor(t, c, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	if got := conv(t, c, x); got.Nickname != "Xavier" || !got.Approved {
		t.Errorf("restored x: %+v", got)
	}
	if got := conv(t, c, y); !got.Blocked || got.Priority != 2 {
		t.Errorf("restored y: %+v", got)
	}
}

// TestAvatarSyncsToOtherDevice: a picture set on one device comes to the other through
// the UserProfile config, is fetched there, and goes when it is removed.
func TestAvatarSyncsToOtherDevice(t *testing.T) {
	sw := newMemSwarm()
	a := openMem(t, sw, "Alice", Options{})
	b := restoreMem(t, sw, a.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	pic := picture(t)
	if err := a.SetAvatar(context.Background(), writeTemp(t, "me.png", pic)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the picture on the other device", func() bool {
		got, err := ReadFile(b.Avatar()) // the profile's copy is sealed
		return err == nil && bytes.Equal(got, pic)
	})
	if err := a.SetAvatar(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the picture gone on the other device", func() bool { return b.Avatar() == "" })
}

// TestExistingProfileSeedsConfigs: a profile whose account has no configs yet (made
// before config sync) puts its name and contacts into them, so a restore gets them.
func TestExistingProfileSeedsConfigs(t *testing.T) {
	sw := newMemSwarm()
	dir := t.TempDir()
	if _, err := Create(dir, "", "Olga"); err != nil {
		t.Fatal(err)
	}
	friend := someone(7)
	st := reopenMem(t, sw, dir, Options{})
	if _, err := st.StartConversation(friend); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the push", func() bool { return settled(st) && len(st.Contacts()) == 1 })
	b := restoreMem(t, sw, st.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	if b.DisplayName() != "Olga" || !conv(t, b, friend).Approved {
		t.Errorf("restored name %q, friend %+v", b.DisplayName(), conv(t, b, friend))
	}
}

// TestConfigPushRetried: a change made while the network is down is pushed once it is
// back, and nothing of it is lost meanwhile.
func TestConfigPushRetried(t *testing.T) {
	sw := newMemSwarm()
	a := openMem(t, sw, "Alice", Options{})
	eventually(t, "the first push", func() bool { return settled(a) })
	sw.setDown(errors.New("offline"))
	if err := a.SetDisplayName("Offline Alice"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if settled(a) {
		t.Fatal("pushed while the network was down")
	}
	sw.setDown(nil)
	eventually(t, "the push after the network came back", func() bool { return settled(a) })
	b := restoreMem(t, sw, a.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	if b.DisplayName() != "Offline Alice" {
		t.Errorf("restored name %q", b.DisplayName())
	}
	if n := sw.configCount([33]byte(a.SessionID()), networkNS(2)); n != 1 {
		t.Errorf("namespace 2 holds %d messages", n)
	}
}

// TestBadConfigIgnored: messages in the config namespaces that are not configs of this
// account change nothing, and the good config next to them is still read.
func TestBadConfigIgnored(t *testing.T) {
	sw := newMemSwarm()
	a := openMem(t, sw, "Alice", Options{})
	friend := someone(8)
	a.StartConversation(friend)
	eventually(t, "the push", func() bool { return settled(a) && len(a.Contacts()) == 1 })
	pk := [33]byte(a.SessionID())
	other := crypto.NewIdentityFromEd25519Seed([32]byte{99})
	foreign := config.New(config.Contacts, other)
	foreign.Edit(func(d config.Dict) { config.SetContact(d, config.Contact{SessionID: someone(9), Approved: true}) })
	fp, _ := foreign.Push()
	sw.mu.Lock()
	for i, junk := range [][]byte{[]byte("not a config"), fp.Data, make([]byte, 300)} {
		sw.storeOther(pk, networkNS(3), client.Message{Hash: "junk" + string(rune('a'+i)), Data: junk, Expiry: time.Now().Add(time.Hour).UnixMilli()})
	}
	sw.mu.Unlock()
	before := configBytes(a, config.Contacts)
	b := restoreMem(t, sw, a.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	if cs := b.Contacts(); len(cs) != 1 || cs[0].ID != friend {
		t.Errorf("restored contacts %+v", cs)
	}
	a.PollNow()
	time.Sleep(300 * time.Millisecond)
	if !bytes.Equal(configBytes(a, config.Contacts), before) {
		t.Error("junk changed the config")
	}
}

// TestUnreadMark: a conversation marked unread on another device of the account (as
// Session's apps can) shows as marked here; reading it here clears the mark everywhere.
func TestUnreadMark(t *testing.T) {
	sw := newMemSwarm()
	a := openMem(t, sw, "Alice", Options{})
	b := restoreMem(t, sw, a.Phrase())
	waitFor(t, b, "the restore", func(ev Event) bool { _, ok := ev.(RestoreFinished); return ok })
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, a, bob)
	if _, err := bob.Send(a.SessionID(), "hello"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the message on both devices", func() bool {
		return conv(t, a, bob.SessionID()).LastAt > 0 && conv(t, b, bob.SessionID()).LastAt > 0 && conv(t, b, bob.SessionID()).Approved
	})
	if err := a.MarkRead(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the read state on both devices", func() bool {
		return settled(a) && conv(t, b, bob.SessionID()).Unread == 0
	})
	// The other device marks it unread, as a Session app's "Mark unread" does.
	now := time.Now()
	a.editConfig(config.ConvoInfoVolatile, func(d config.Dict) {
		s, _ := config.GetReadState(d, bob.SessionID())
		s.SessionID, s.Unread = bob.SessionID(), true
		config.SetReadState(d, s, now)
	})
	wake(a.cfg.wake)
	eventually(t, "the mark on this device", func() bool { return conv(t, b, bob.SessionID()).MarkedUnread })
	if err := b.MarkRead(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the mark gone from both devices", func() bool {
		return !conv(t, b, bob.SessionID()).MarkedUnread && !conv(t, a, bob.SessionID()).MarkedUnread
	})
}
