package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"allium/engine"
)

func TestRestoreView(t *testing.T) {
	test.NewTempApp(t)
	r := newRestoreView()
	if r.box.Visible() || r.groups.Visible() {
		t.Fatal("shown before anything happened")
	}
	r.progress(engine.RestoreProgress{Done: 2, Total: 4, Contacts: 3})
	if !r.box.Visible() || r.bar.Value != 0.5 || !strings.HasPrefix(r.detail.Text, "Found 3 contacts so far.") {
		t.Errorf("progress: %v %q", r.bar.Value, r.detail.Text)
	}
	r.progress(engine.RestoreProgress{Done: 3, Total: 4, Contacts: 1})
	if !strings.HasPrefix(r.detail.Text, "Found 1 contact so far.") {
		t.Errorf("one contact: %q", r.detail.Text)
	}
	r.finished()
	if r.box.Visible() || r.active {
		t.Error("still shown after the restore")
	}
	r.setGroups([]engine.Group{{Kind: "group", ID: "03ab", Name: "Family"}, {Kind: "community", ID: "https://x/lobby"}})
	if !r.groups.Visible() || r.groups.Text != "Groups and communities are not supported yet. Allium keeps yours for your other devices:\nFamily\nhttps://x/lobby" {
		t.Errorf("groups: %q", r.groups.Text)
	}
}

func TestSortConversationsPinnedFirst(t *testing.T) {
	cs := []engine.Conversation{{Name: "old", LastAt: 1}, {Name: "new", LastAt: 3}, {Name: "pinned", LastAt: 2, Priority: 1}, {Name: "hidden", LastAt: 4, Priority: -1}}
	sortConversations(cs)
	var got []string
	for _, c := range cs {
		got = append(got, c.Name)
	}
	if strings.Join(got, " ") != "pinned hidden new old" {
		t.Errorf("order %v", got)
	}
}
