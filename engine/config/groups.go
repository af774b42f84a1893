package config

import (
	"encoding/hex"
	"slices"
	"strings"
)

// UserGroups (libsession src/config/user_groups.cpp) lists the groups and communities the
// account belongs to: "g" groups (33-byte 03… id → {"n" name, …}), "o" communities (base
// URL → {"#" server key, "R" → {room → {"n" name with its case, …}}}) and "C" legacy
// groups (id → {"n", …}). Allium does not take part in them yet; it lists them so the
// user sees they are kept, and never changes them.

// GroupEntry is one entry of the list.
type GroupEntry struct {
	Kind string // "group", "community" or "legacy group"
	ID   string // hex Session ID of a group, or the community's URL with its room
	Name string
}

// ListGroups lists the entries of UserGroups data, by kind and ID.
func ListGroups(d Dict) []GroupEntry {
	var out []GroupEntry
	for k, v := range subDict(d, "g", false) {
		info, _ := v.(Dict)
		out = append(out, GroupEntry{Kind: "group", ID: hex.EncodeToString([]byte(k)), Name: getString(info, "n")})
	}
	for k, v := range subDict(d, "C", false) {
		info, _ := v.(Dict)
		out = append(out, GroupEntry{Kind: "legacy group", ID: hex.EncodeToString([]byte(k)), Name: getString(info, "n")})
	}
	for url, v := range subDict(d, "o", false) {
		info, _ := v.(Dict)
		for room, r := range subDict(info, "R", false) {
			ri, _ := r.(Dict)
			name := getString(ri, "n")
			if name == "" {
				name = room
			}
			out = append(out, GroupEntry{Kind: "community", ID: strings.TrimRight(url, "/") + "/" + room, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b GroupEntry) int {
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
