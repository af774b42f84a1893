package config

import (
	"slices"
	"strings"

	"allium/crypto"
)

// Contact is one entry of the Contacts config (libsession src/config/contacts.cpp):
// "c" → {33-byte Session ID → {fields}}. The Session ID key is binary, prefix included
// (internal.cpp session_id_to_bytes).
type Contact struct {
	SessionID  crypto.SessionID
	Name       string // "n", always written, may be empty
	Nickname   string // "N"
	PicURL     string // "p"
	PicKey     []byte // "q", 32 bytes
	Approved   bool   // "a": we accepted them
	ApprovedMe bool   // "A": they accepted us
	Blocked    bool   // "b"
	Priority   int64  // "+": -1 hidden, 0 normal, > 0 pinned (higher first)
	Notify     int64  // "@": 0 default, 1 all, 2 disabled (3, mentions only, reads as 1)
	MuteUntil  int64  // "!": unix seconds
	ExpMode    int64  // "e": 0 none, 1 after send, 2 after read
	ExpTimer   int64  // "E": seconds
	Created    int64  // "j": unix seconds
}

// Expiration modes of a contact's disappearing messages.
const (
	ExpireNone      = 0
	ExpireAfterSend = 1
	ExpireAfterRead = 2
)

func readContact(id crypto.SessionID, d Dict) Contact {
	c := Contact{
		SessionID:  id,
		Name:       getString(d, "n"),
		Nickname:   getString(d, "N"),
		Approved:   getInt(d, "a") != 0,
		ApprovedMe: getInt(d, "A") != 0,
		Blocked:    getInt(d, "b") != 0,
		Priority:   getInt(d, "+"),
		MuteUntil:  getInt(d, "!"),
		Created:    getInt(d, "j"),
	}
	if url, key := getString(d, "p"), getString(d, "q"); url != "" && len(key) == 32 {
		c.PicURL, c.PicKey = url, []byte(key)
	}
	switch n := getInt(d, "@"); {
	case n == 3:
		c.Notify = 1 // mentions only means nothing for a 1:1 chat
	case n >= 0 && n <= 2:
		c.Notify = n
	}
	if m := getInt(d, "e"); m == ExpireAfterSend || m == ExpireAfterRead {
		if t := getInt(d, "E"); t > 0 {
			c.ExpMode, c.ExpTimer = m, t
		}
	}
	return c
}

// ReadContacts lists the contacts of Contacts data, by Session ID. Keys that are not a
// 33-byte Session ID are skipped (and kept in the data).
func ReadContacts(d Dict) []Contact {
	cs := subDict(d, "c", false)
	out := make([]Contact, 0, len(cs))
	for k, v := range cs {
		info, ok := v.(Dict)
		if !ok || len(k) != len(crypto.SessionID{}) {
			continue
		}
		out = append(out, readContact(crypto.SessionID([]byte(k)), info))
	}
	slices.SortFunc(out, func(a, b Contact) int { return strings.Compare(string(a.SessionID[:]), string(b.SessionID[:])) })
	return out
}

// GetContact returns one contact.
func GetContact(d Dict, id crypto.SessionID) (Contact, bool) {
	info, ok := subDict(d, "c", false)[string(id[:])].(Dict)
	if !ok {
		return Contact{}, false
	}
	return readContact(id, info), true
}

// SetContact writes c's fields (libsession Contacts::set). Keys of the entry that Allium
// does not know stay as they are.
func SetContact(d Dict, c Contact) {
	cs := subDict(d, "c", true)
	info := subDict(cs, string(c.SessionID[:]), true)
	// The name is always written, even empty, so the entry is never pruned away.
	info["n"] = truncateUTF8(c.Name, MaxNameLength)
	setNonEmptyString(info, "N", truncateUTF8(c.Nickname, MaxNameLength))
	if c.PicURL != "" && len(c.PicKey) == 32 {
		info["p"], info["q"] = c.PicURL, string(c.PicKey)
	} else {
		delete(info, "p")
		delete(info, "q")
	}
	setFlag(info, "a", c.Approved)
	setFlag(info, "A", c.ApprovedMe)
	setFlag(info, "b", c.Blocked)
	setNonZero(info, "+", c.Priority)
	setPositive(info, "@", c.Notify)
	setPositive(info, "!", c.MuteUntil)
	if c.ExpMode != ExpireNone && c.ExpTimer > 0 {
		info["e"], info["E"] = c.ExpMode, c.ExpTimer
	} else {
		delete(info, "e")
		delete(info, "E")
	}
	setPositive(info, "j", c.Created)
}

// DeleteContact removes a contact (Contacts::erase).
func DeleteContact(d Dict, id crypto.SessionID) {
	if cs := subDict(d, "c", false); cs != nil {
		delete(cs, string(id[:]))
	}
}
