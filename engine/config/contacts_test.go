package config

import (
	"bytes"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"allium/crypto"
)

func hexID(t *testing.T, s string) crypto.SessionID {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 33 {
		t.Fatalf("bad id %s", s)
	}
	return crypto.SessionID(b)
}

// TestContactsScenario replays test_config_contacts.cpp "Contacts": one client adds Joe,
// a second loads the first's dump and adds another contact, then the first erases Joe
// while the second adds a third contact, blocked and with a picture; after exchanging
// pushes both hold the same two contacts, and every push deletes exactly the hashes the
// test expects.
func TestContactsScenario(t *testing.T) {
	_, id := loadUserProfile(t)
	joe := hexID(t, "050000000000000000000000000000000000000000000000000000000000000000")
	another := hexID(t, "051111111111111111111111111111111111111111111111111111111111111111")
	third := hexID(t, "052222222222222222222222222222222222222222222222222222222222222222")
	now := time.Now().Unix()

	contacts := New(Contacts, id)
	if contacts.NeedsPush() {
		t.Fatal("a new config needs a push")
	}
	contacts.Edit(func(d Dict) {
		SetContact(d, Contact{SessionID: joe, Name: "Joe", Nickname: "Joey", Approved: true, ApprovedMe: true,
			Created: 1680064059, Notify: 1, MuteUntil: now + 1800})
	})
	p, _ := contacts.Push()
	if p.Seqno != 1 {
		t.Fatalf("seqno %d", p.Seqno)
	}
	contacts.ConfirmPushed(p.Seqno, "fakehash1")

	contacts2, err := Load(Contacts, id, contacts.Dump())
	if err != nil || contacts2.NeedsPush() || contacts2.Seqno() != 1 {
		t.Fatalf("load: %v", err)
	}
	if c, ok := GetContact(contacts2.Data(), joe); !ok || c.Nickname != "Joey" || c.Created != 1680064059 || c.Notify != 1 || c.MuteUntil != now+1800 {
		t.Fatalf("joe in the dump: %+v", c)
	}
	contacts2.Edit(func(d Dict) { SetContact(d, Contact{SessionID: another}) })
	p2, _ := contacts2.Push()
	if p2.Seqno != 2 {
		t.Fatalf("seqno %d", p2.Seqno)
	}
	contacts.Merge([]Incoming{{"fakehash2", p2.Data}})
	contacts2.ConfirmPushed(p2.Seqno, "fakehash2")
	if contacts.NeedsPush() || contacts.Seqno() != 2 || len(ReadContacts(contacts.Data())) != 2 {
		t.Fatalf("after the merge: seqno %d", contacts.Seqno())
	}
	// The test calls push() here although nothing changed; that hands over (and clears)
	// the superseded fakehash1.
	if p, _ := contacts.Push(); p.Seqno != 2 || !slices.Equal(p.Obsolete, []string{"fakehash1"}) {
		t.Errorf("clean push: seqno %d, obsolete %v", p.Seqno, p.Obsolete)
	}

	contacts.Edit(func(d Dict) { DeleteContact(d, joe) })
	contacts2.Edit(func(d Dict) {
		SetContact(d, Contact{SessionID: third, Nickname: "Nickname 3", Approved: true, Blocked: true,
			PicURL: "http://example.com/huge.bmp", PicKey: []byte("qwerty78901234567890123456789012")})
	})
	pa, _ := contacts.Push()
	pb, _ := contacts2.Push()
	if pa.Seqno != pb.Seqno || bytes.Equal(pa.Data, pb.Data) {
		t.Fatal("the two edits should push different messages of one seqno")
	}
	if !slices.Equal(pa.Obsolete, []string{"fakehash2"}) || !slices.Equal(pb.Obsolete, []string{"fakehash2"}) {
		t.Errorf("obsolete %v %v", pa.Obsolete, pb.Obsolete)
	}
	contacts.ConfirmPushed(pa.Seqno, "fakehash3a")
	contacts2.ConfirmPushed(pb.Seqno, "fakehash3b")
	contacts.Merge([]Incoming{{"fakehash3b", pb.Data}})
	contacts2.Merge([]Incoming{{"fakehash3a", pa.Data}})
	if !contacts.NeedsPush() || !contacts2.NeedsPush() {
		t.Fatal("the merge conflict should need a push on both")
	}
	qa, _ := contacts.Push()
	qb, _ := contacts2.Push()
	if qa.Seqno != pb.Seqno+1 || qa.Seqno != qb.Seqno {
		t.Errorf("seqnos %d %d", qa.Seqno, qb.Seqno)
	}
	want := []string{"fakehash3a", "fakehash3b"}
	if !slices.Equal(qa.Obsolete, want) || !slices.Equal(qb.Obsolete, want) {
		t.Errorf("obsolete %v %v", qa.Obsolete, qb.Obsolete)
	}
	contacts.ConfirmPushed(qa.Seqno, "fakehash4")
	contacts2.ConfirmPushed(qb.Seqno, "fakehash4")
	for i, c := range []*Config{contacts, contacts2} {
		l := ReadContacts(c.Data())
		if c.NeedsPush() || len(l) != 2 || l[0].SessionID != another || l[1].SessionID != third || l[1].Nickname != "Nickname 3" || l[0].Nickname != "" {
			t.Errorf("client %d: %+v", i+1, l)
		}
	}
}
