package config

import (
	"bytes"
	"testing"
	"time"

	"allium/crypto"
)

func key(s crypto.SessionID) string { return string(s[:]) }

func sid(b byte) crypto.SessionID {
	var s crypto.SessionID
	s[0] = 0x05
	s[1] = b
	return s
}

func TestContactFields(t *testing.T) {
	d := Dict{"c": Dict{key(sid(1)): Dict{"n": "Old", "Z": "future field", "@": int64(3)}}}
	c, ok := GetContact(d, sid(1))
	if !ok || c.Name != "Old" || c.Notify != 1 {
		t.Fatalf("%+v", c)
	}
	c.Nickname, c.Approved, c.ApprovedMe, c.Blocked, c.Priority = "Nick", true, true, true, 2
	c.PicURL, c.PicKey = "http://f/1", bytes.Repeat([]byte{7}, 32)
	c.ExpMode, c.ExpTimer, c.Created = ExpireAfterRead, 3600, 1700000000
	SetContact(d, c)
	info := d["c"].(Dict)[key(sid(1))].(Dict)
	if info["Z"] != "future field" {
		t.Error("unknown field lost")
	}
	got, _ := GetContact(d, sid(1))
	if got.Nickname != "Nick" || !got.Approved || !got.ApprovedMe || !got.Blocked || got.Priority != 2 ||
		got.ExpMode != 2 || got.ExpTimer != 3600 || got.Created != 1700000000 || got.PicURL != "http://f/1" {
		t.Errorf("%+v", got)
	}
	got.Blocked, got.Nickname, got.ExpTimer = false, "", 0
	SetContact(d, got)
	for _, k := range []string{"b", "N", "e", "E"} {
		if _, ok := info[k]; ok {
			t.Errorf("%s kept after clearing", k)
		}
	}
	SetContact(d, Contact{SessionID: sid(2)})
	if l := ReadContacts(d); len(l) != 2 || l[0].SessionID != sid(1) {
		t.Errorf("%+v", l)
	}
	DeleteContact(d, sid(1))
	if _, ok := GetContact(d, sid(1)); ok {
		t.Error("not deleted")
	}
	long := string(bytes.Repeat([]byte("é"), 60))
	SetContact(d, Contact{SessionID: sid(3), Name: long})
	if c, _ := GetContact(d, sid(3)); len(c.Name) != 100 {
		t.Errorf("name of %d bytes", len(c.Name))
	}
}

func TestReadStateRules(t *testing.T) {
	now := time.UnixMilli(1_800_000_000_000)
	d := Dict{}
	SetReadState(d, ReadState{SessionID: sid(1), LastRead: now.Add(-time.Hour).UnixMilli()}, now)
	SetReadState(d, ReadState{SessionID: sid(2), LastRead: now.Add(-40 * 24 * time.Hour).UnixMilli(), Unread: true}, now)
	if s, _ := GetReadState(d, sid(1)); s.LastRead != now.Add(-time.Hour).UnixMilli() {
		t.Errorf("%+v", s)
	}
	if s, _ := GetReadState(d, sid(2)); s.LastRead != 0 || !s.Unread {
		t.Errorf("too old a position was written: %+v", s)
	}
	SetReadState(d, ReadState{SessionID: sid(3), LastRead: now.Add(-time.Hour).UnixMilli()}, now)
	PruneStale(d, now.Add(50*24*time.Hour))
	if _, ok := GetReadState(d, sid(3)); ok {
		t.Error("stale entry kept")
	}
	if _, ok := GetReadState(d, sid(2)); !ok {
		t.Error("unread entry pruned")
	}
}

func TestListGroups(t *testing.T) {
	g := append([]byte{3}, bytes.Repeat([]byte{1}, 32)...)
	d := Dict{
		"g": Dict{string(g): Dict{"n": "Family", "K": string(make([]byte, 32))}},
		"o": Dict{"https://chat.example.org": Dict{"#": string(make([]byte, 32)), "R": Dict{"lobby": Dict{"n": "Lobby"}}}},
	}
	l := ListGroups(d)
	if len(l) != 2 || l[0].Kind != "community" || l[0].Name != "Lobby" || l[1].Name != "Family" {
		t.Errorf("%+v", l)
	}
}
