package engine

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"allium/engine/sessionpb"
)

// TestOrdinaryMessageKeepsDisappearing: a message that does not disappear (Session marks
// it UNKNOWN) must not switch a conversation's disappearing messages off; only a timer
// update changes the setting.
func TestOrdinaryMessageKeepsDisappearing(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	if _, err := alice.StartConversation(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	on := Disappearing{Mode: DisappearAfterSend, Timer: time.Hour}
	if err := alice.SetDisappearing(bob.SessionID(), on); err != nil {
		t.Fatal(err)
	}
	ordinary := &sessionpb.Content{DataMessage: &sessionpb.DataMessage{Body: proto.String("sent before I saw your change")},
		ExpirationType: sessionpb.Content_UNKNOWN.Enum(), ExpirationTimer: proto.Uint32(0)}
	payload, err := bob.seal(alice.SessionID(), time.Now().UnixMilli(), ordinary)
	if err != nil {
		t.Fatal(err)
	}
	alice.receive(payload)
	c, _, _ := alice.Conversation(bob.SessionID())
	if c.Disappearing != on {
		t.Fatalf("after an ordinary message the setting is %+v, want %+v", c.Disappearing, on)
	}
	ms, _ := alice.Messages(bob.SessionID(), 0, 0)
	if len(ms) != 1 || ms[0].Disappearing.On() {
		t.Fatalf("messages %+v", ms)
	}

	// A timer update does change it.
	update := &sessionpb.Content{DataMessage: &sessionpb.DataMessage{Flags: proto.Uint32(uint32(sessionpb.DataMessage_EXPIRATION_TIMER_UPDATE))},
		ExpirationType: sessionpb.Content_DELETE_AFTER_READ.Enum(), ExpirationTimer: proto.Uint32(300)}
	payload, err = bob.seal(alice.SessionID(), time.Now().UnixMilli(), update)
	if err != nil {
		t.Fatal(err)
	}
	alice.receive(payload)
	c, _, _ = alice.Conversation(bob.SessionID())
	if want := (Disappearing{Mode: DisappearAfterRead, Timer: 5 * time.Minute}); c.Disappearing != want {
		t.Fatalf("after a timer update the setting is %+v, want %+v", c.Disappearing, want)
	}
}

// TestTimerUpdateLivesAsLongAsItsTimer: the timer update is stored for the timer's length,
// as Session stores it, not for 14 days.
func TestTimerUpdateLivesAsLongAsItsTimer(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	sw.setDown(ErrUnreachable) // keep the update in the outbox to look at it
	if err := alice.SetDisappearing(bob.SessionID(), Disappearing{Mode: DisappearAfterSend, Timer: 5 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	items, err := alice.st.Outbox()
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox %+v, %v", items, err)
	}
	if got := time.Duration(items[0].TTL) * time.Millisecond; got != 5*time.Minute {
		t.Fatalf("the timer update lives %v, want 5m0s", got)
	}
}

// TestAnnouncedNameDirectionControls: a name announced with characters that override the
// direction of text is kept without them.
func TestAnnouncedNameDirectionControls(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	c := &sessionpb.Content{DataMessage: &sessionpb.DataMessage{Body: proto.String("hi"),
		Profile: &sessionpb.LokiProfile{DisplayName: proto.String("Bob\u202e\u2066 evil")}}}
	payload, err := bob.seal(alice.SessionID(), time.Now().UnixMilli(), c)
	if err != nil {
		t.Fatal(err)
	}
	alice.receive(payload)
	conv, _, _ := alice.Conversation(bob.SessionID())
	if conv.Name != "Bob evil" {
		t.Fatalf("name %q", conv.Name)
	}
}
