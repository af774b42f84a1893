package config

import (
	"time"

	"allium/crypto"
)

// ConvoInfoVolatile (libsession src/config/convo_info_volatile.cpp) keeps each
// conversation's read position: "1" → {33-byte Session ID → {"r" last read (unix ms),
// "u" marked unread}}. Communities ("o"), groups ("g") and legacy groups ("C") are kept
// as they are.

// Pruning ages of convo_info_volatile.hpp: read positions older than PruneLow are not
// added, and entries older than PruneHigh (and not marked unread) are dropped on push.
const (
	PruneLow  = 30 * 24 * time.Hour
	PruneHigh = 45 * 24 * time.Hour
)

// ReadState is a 1:1 conversation's entry.
type ReadState struct {
	SessionID crypto.SessionID
	LastRead  int64 // unix milliseconds
	Unread    bool
}

// ReadStates lists the 1:1 entries.
func ReadStates(d Dict) []ReadState {
	var out []ReadState
	for k, v := range subDict(d, "1", false) {
		info, ok := v.(Dict)
		if !ok || len(k) != len(crypto.SessionID{}) {
			continue
		}
		out = append(out, ReadState{SessionID: crypto.SessionID([]byte(k)), LastRead: getInt(info, "r"), Unread: getInt(info, "u") != 0})
	}
	return out
}

// GetReadState returns one 1:1 entry.
func GetReadState(d Dict, id crypto.SessionID) (ReadState, bool) {
	info, ok := subDict(d, "1", false)[string(id[:])].(Dict)
	if !ok {
		return ReadState{}, false
	}
	return ReadState{SessionID: id, LastRead: getInt(info, "r"), Unread: getInt(info, "u") != 0}, true
}

// SetReadState writes a 1:1 entry as libsession's set_base does: a read position may go
// back (a reset after a deletion), but a newer one is written only if it is within
// PruneLow of now.
func SetReadState(d Dict, s ReadState, now time.Time) {
	info := subDict(subDict(d, "1", true), string(s.SessionID[:]), true)
	if cur, ok := info["r"].(int64); ok && s.LastRead < cur {
		info["r"] = s.LastRead
	} else if time.UnixMilli(s.LastRead).After(now.Add(-PruneLow)) {
		info["r"] = s.LastRead
	}
	setFlag(info, "u", s.Unread)
}

// PruneStale drops the 1:1 entries read more than PruneHigh ago and not marked unread,
// as libsession does before every push (ConvoInfoVolatile::push, prune_stale). Other
// sections are Allium's to keep, not to prune.
func PruneStale(d Dict, now time.Time) {
	cutoff := now.Add(-PruneHigh).UnixMilli()
	ones := subDict(d, "1", false)
	for k, v := range ones {
		if info, ok := v.(Dict); ok && getInt(info, "u") == 0 && getInt(info, "r") < cutoff {
			delete(ones, k)
		}
	}
}
