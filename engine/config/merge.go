package config

import (
	"math"
	"slices"

	"golang.org/x/crypto/blake2b"
)

// mergeResult is what merging a set of serialized messages gave.
type mergeResult struct {
	msg *Message
	// unmerged is the index of the single message that included all the others and was
	// adopted as it was, or -1 if a new merged message was made.
	unmerged int
	// bad holds the indices of messages that did not parse (or verify).
	bad map[int]bool
}

// mergeMessages is libsession's ConfigMessage(vector<serialized>) constructor
// (src/config.cpp). A message is redundant if another one lists it among its lagged
// diffs, if it duplicates an earlier one, or if it is Lag or more seqnos behind the
// newest. One survivor is adopted unchanged; several are merged into a message with the
// next seqno whose data replays every known diff in (seqno, hash) order. The result is the
// same whatever the order of the inputs, so every device computes the same merge.
//
// mutable is libsession's MutableConfigMessage variant, used when the local config has
// unpushed edits: an adopted message is incremented, and a merged one starts a new diff.
func mergeMessages(serialized [][]byte, verify verifyFunc, sign signFunc, mutable bool) (mergeResult, error) {
	res := mergeResult{unmerged: -1, bad: map[int]bool{}}
	type entry struct {
		m         *Message
		index     int
		redundant bool
	}
	var confs []*entry
	for i, b := range serialized {
		m, err := ParseMessage(b, verify)
		if err != nil {
			res.bad[i] = true
			continue
		}
		confs = append(confs, &entry{m: m, index: i})
	}
	if len(confs) == 0 {
		return res, ErrNoConfigs
	}
	maxSeqno := int64(math.MinInt64)
	for i, c := range confs {
		maxSeqno = max(maxSeqno, c.m.id.seqno)
		for j, c2 := range confs {
			if c.redundant {
				break
			}
			if i == j {
				continue
			}
			if hasLagged(c2.m, c.m.id) {
				c.redundant = true // c2 includes c
			} else if j < i && c2.m.id == c.m.id {
				c.redundant = true // an earlier duplicate
			}
		}
	}
	for _, c := range confs {
		if c.m.id.seqno+Lag <= maxSeqno {
			c.redundant = true
		}
	}
	var live []*entry
	for _, c := range confs {
		if !c.redundant {
			live = append(live, c)
		}
	}
	if len(live) == 1 {
		res.msg, res.unmerged = live[0].m, live[0].index
		if mutable {
			res.msg = res.msg.Increment()
		}
		return res, nil
	}
	if verify != nil && sign == nil {
		// A member who cannot sign cannot publish a merge: keep the best message and
		// wait for someone who can (signed group configs only).
		best := live[0]
		for _, c := range live[1:] {
			if c.m.id.cmp(best.m.id) > 0 {
				best = c
			}
		}
		res.msg, res.unmerged = best.m, best.index
		return res, nil
	}
	// Highest (seqno, hash) first, so that its copy of a shared ancestor's diff is the one
	// replayed.
	slices.SortFunc(live, func(a, b *entry) int { return b.m.id.cmp(a.m.id) })
	out := &Message{
		id:      seqHash{seqno: maxSeqno + 1},
		data:    copyDict(live[0].m.data),
		diff:    Dict{},
		unknown: live[0].m.unknown,
	}
	type replayItem struct {
		id     seqHash
		source Dict
		diff   Dict
	}
	var replay []replayItem
	seen := map[seqHash]bool{}
	add := func(id seqHash, source, diff Dict) {
		if seen[id] {
			return // first insertion wins: it came from the higher message
		}
		seen[id] = true
		replay = append(replay, replayItem{id, source, diff})
	}
	for _, c := range live {
		add(c.m.id, c.m.data, c.m.diff)
		for _, l := range c.m.lagged {
			add(l.id, c.m.data, l.diff)
		}
	}
	slices.SortFunc(replay, func(a, b replayItem) int { return a.id.cmp(b.id) })
	for _, r := range replay {
		applyDiff(out.data, r.diff, r.source)
		out.lagged = append(out.lagged, laggedDiff{id: r.id, diff: r.diff})
	}
	prune(out.data)
	out.id.hash = blake2b.Sum256(out.serialize(out.diff, nil))
	if mutable {
		// libsession's merging MutableConfigMessage copies the merged data as its
		// original (the orig_data_{data_} member initializer), so it starts with no diff.
		out.mutable = true
		out.orig = copyDict(out.data)
	}
	res.msg = out
	return res, nil
}

func hasLagged(m *Message, id seqHash) bool {
	_, found := slices.BinarySearchFunc(m.lagged, id, func(l laggedDiff, id seqHash) int { return l.id.cmp(id) })
	return found
}
