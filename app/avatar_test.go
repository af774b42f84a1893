package app

import (
	"context"
	"strings"
	"testing"

	"allium/crypto"
	"allium/engine"
)

// The placeholder colour is Session's: the first 12 hex digits of the SHA-512 of the ID's
// text, modulo the seven accent colours (expected indexes computed independently).
func TestAvatarColor(t *testing.T) {
	for _, tc := range []struct {
		name  string
		id    string
		index int
	}{
		{"01", "05" + strings.Repeat("01", 32), 4},
		{"ab", "05" + strings.Repeat("ab", 32), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := crypto.ParseSessionID(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := avatarColor(id); got != avatarColors[tc.index] {
				t.Fatalf("colour %v, want Session's colour %d %v", got, tc.index, avatarColors[tc.index])
			}
		})
	}
}

func TestInitials(t *testing.T) {
	id, _ := crypto.ParseSessionID("05" + strings.Repeat("ab", 32))
	for _, tc := range []struct{ name, want string }{
		{"Bob", "BO"},
		{"bob smith", "BS"},
		{"Jean-Luc Picard", "JL"},
		{"  Zoë  ", "ZO"},
		{"مریم", "مر"},
		{"!x", "X"},
		{"", "A"},
		{"!!!", "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := initials(tc.name, id); got != tc.want {
				t.Fatalf("initials(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}

// TestImpostorIsTellable: a stranger who takes the name of a contact is warned of in
// their request, and once accepted, the two rows named alike differ by avatar and short
// ID and carry a warning, as does the conversation.
func TestImpostorIsTellable(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Ines")
	bob := newBareUser(t, "Bob")
	impostor := newBareUser(t, "Bob")
	p := h.open(dir)
	if err := p.eng.SetContactName(bob.id, "Bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := impostor.e.Send(p.me, "Hi, it's Bob, new account"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the request", func() bool { return p.sidebar.requestsBtn.Visible() && len(p.sidebar.shown) == 1 })
	p.showRequests()
	h.waitFor("the request to be named", func() bool {
		c, _ := p.sidebar.conversation(impostor.id)
		return c.Name == "Bob"
	})
	p.requests.refresh()
	if len(p.requests.twins) != 1 || p.requests.twins[0] != impostor.id {
		t.Fatalf("the request named like a contact is not warned of (warned: %v)", p.requests.twins)
	}

	p.requests.accept[impostor.id].OnTapped()
	h.waitFor("two Bobs in the list", func() bool { return len(p.sidebar.shown) == 2 })
	rows := map[crypto.SessionID]*convRow{}
	for i, c := range p.sidebar.shown {
		r := newConvRow()
		p.sidebar.list.UpdateItem(i, r)
		rows[c.ID] = r
	}
	real, fake := rows[bob.id], rows[impostor.id]
	if real == nil || fake == nil {
		t.Fatal("a Bob is missing from the list")
	}
	if real.id.Text != shortID(bob.id) || fake.id.Text != shortID(impostor.id) || !real.id.Visible() {
		t.Fatalf("the rows show the IDs %q and %q", real.id.Text, fake.id.Text)
	}
	if real.avatar.circle.FillColor != avatarColor(bob.id) || fake.avatar.circle.FillColor != avatarColor(impostor.id) {
		t.Fatal("the avatars are not drawn from the Session IDs")
	}
	if !real.twin.Visible() || !fake.twin.Visible() {
		t.Fatal("the rows of two contacts with one name carry no warning")
	}
	h.waitFor("the conversation", func() bool { return p.conv != nil && p.conv.id == impostor.id })
	if !p.conv.twin.Visible() || !strings.Contains(p.conv.twin.Text, shortID(bob.id)) {
		t.Fatalf("the conversation does not warn of the other Bob: %q", p.conv.twin.Text)
	}
	if !strings.HasPrefix(p.conv.sub.Text, shortID(impostor.id)) {
		t.Fatalf("the header does not show the short ID: %q", p.conv.sub.Text)
	}
}

// rowOf draws the list's row of a conversation into a fresh row, as the list would.
func rowOf(p *Profile, c engine.Conversation) *convRow {
	r := newConvRow()
	for i, s := range p.sidebar.shown {
		if s.ID == c.ID {
			p.sidebar.list.UpdateItem(i, r)
			return r
		}
	}
	return nil
}

// TestContactPicture: a contact's picture, once it arrives, replaces their placeholder
// in the list and in the conversation's header, drawn round.
func TestContactPicture(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Lena")
	p := h.open(dir)
	mo := newBareUser(t, "Mo")
	if _, err := p.eng.Send(mo.id, "Hi Mo"); err != nil {
		t.Fatal(err)
	}
	if _, err := mo.e.Send(p.me, "Hi Lena"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("Mo's answer", func() bool {
		c, _ := p.sidebar.conversation(mo.id)
		return c.LastBody == "Hi Lena"
	})
	c, _ := p.sidebar.conversation(mo.id)
	if r := rowOf(p, c); r == nil || r.avatar.showsPicture() || !r.avatar.circle.Visible() || r.avatar.circle.FillColor != avatarColor(mo.id) {
		t.Fatal("without a picture, Mo's row does not show his placeholder")
	}

	pic := writePictureFile(t, "mo.png", encodePNG(t, framed(240, 160, red)))
	if err := mo.e.SetAvatar(context.Background(), pic); err != nil {
		t.Fatal(err)
	}
	if _, err := mo.e.Send(p.me, "New picture"); err != nil {
		t.Fatal(err)
	}
	var row *convRow
	h.waitFor("Mo's picture in his row", func() bool {
		c, _ := p.sidebar.conversation(mo.id)
		if c.Avatar == "" {
			return false
		}
		if row == nil {
			row = rowOf(p, c)
		}
		return row.avatar.showsPicture()
	})
	img := row.avatar.image.Image
	if b := img.Bounds(); b.Dx() != 72 || !near(img.At(36, 36), red) {
		t.Fatalf("the row draws %v, with %v in the middle", b, img.At(36, 36))
	}
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 || row.avatar.circle.Visible() {
		t.Fatal("the picture is not drawn in place of the circle")
	}

	p.openConversation(mo.id)
	h.waitFor("Mo's picture in the header", func() bool { return p.conv != nil && p.conv.avatar.showsPicture() })

	// A row reused for someone without a picture goes back to the placeholder.
	row.set(p, engine.Conversation{ID: p.me}, "me", false, false)
	if row.avatar.showsPicture() || !row.avatar.circle.Visible() {
		t.Fatal("a reused row keeps the last person's picture")
	}
}
